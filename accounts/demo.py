"""Demo data for the embedded developer default (PRODUCT §5): the offices, two
organisations and one account per role, each with the published password and
TOTP secret.  Run through ``manage.py load_demo_data`` (DEBUG only).

Idempotent: a second run creates nothing and changes nothing it does not have
to; an existing demo account keeps whatever password it has now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

from accounts.models import (
    Appointment,
    Membership,
    Office,
    OfficerRole,
    Organization,
    User,
)
from accounts.reference_data import load_offices
from accounts.selectors import office_for_prefecture

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 — published on purpose (README)
# Base32; the same for every demo account so that one authenticator entry
# serves them all.  Documented in README.md.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105
ORG_APPROVAL_YEARS = 3

# Corporate numbers: the base numbers use the registry-office prefix 0999,
# which no legal affairs bureau uses, so the (check-digit valid) numbers
# belong to no real company.
SAKURA_TECH: dict[str, Any] = {
    "corporate_number": "7099901000001",
    "name_ja": "株式会社さくらテック",
    "name_en": "Sakura Tech Co., Ltd.",
    "category": Organization.Category.TWO,
    "postal_code": "101-0052",
    "prefecture_id": 13,
    "address": "千代田区神田小川町三丁目5番地",
    "representative": "代表取締役 桜井 一郎",
    "phone": "03-5555-0100",
}
MINATO_FOODS: dict[str, Any] = {
    "corporate_number": "6099901000002",
    "name_ja": "みなと食品株式会社",
    "name_en": "Minato Foods Co., Ltd.",
    "category": Organization.Category.THREE,
    "postal_code": "231-0002",
    "prefecture_id": 14,
    "address": "横浜市中区海岸通一丁目2番地",
    "representative": "代表取締役 港 健太",
    "phone": "045-555-0200",
}

_ORG = "org"  # DEMO_USERS "org": the organisations a user belongs to/is appointed by

DEMO_USERS: list[dict[str, Any]] = [
    {
        "username": "demo-staff",
        "last_name": "山田",
        "first_name": "花子",
        "full_name_kana": "ヤマダ ハナコ",
        "position": "人事部 主任",
        "user_category": User.Category.ORG_STAFF,
        _ORG: ["SAKURA_TECH"],
    },
    {
        "username": "demo-attorney",
        "last_name": "佐藤",
        "first_name": "健一",
        "full_name_kana": "サトウ ケンイチ",
        "position": "行政書士",
        "user_category": User.Category.ATTORNEY,
        _ORG: ["SAKURA_TECH", "MINATO_FOODS"],
    },
    {
        "username": "demo-support",
        "last_name": "鈴木",
        "first_name": "美咲",
        "full_name_kana": "スズキ ミサキ",
        "position": "支援担当",
        "user_category": User.Category.SUPPORT_ORG,
        _ORG: ["MINATO_FOODS"],
    },
    {
        "username": "demo-reception",
        "last_name": "田中",
        "first_name": "誠",
        "full_name_kana": "タナカ マコト",
        "position": "受付担当",
        "role": OfficerRole.Role.RECEPTION,
    },
    {
        "username": "demo-examiner",
        "last_name": "高橋",
        "first_name": "直樹",
        "full_name_kana": "タカハシ ナオキ",
        "position": "審査官",
        "role": OfficerRole.Role.EXAMINER,
    },
    {
        "username": "demo-supervisor",
        "last_name": "伊藤",
        "first_name": "洋子",
        "full_name_kana": "イトウ ヨウコ",
        "position": "統括審査官",
        "role": OfficerRole.Role.SUPERVISOR,
    },
    {
        "username": "demo-clerk",
        "last_name": "渡辺",
        "first_name": "翔太",
        "full_name_kana": "ワタナベ ショウタ",
        "position": "交付担当",
        "role": OfficerRole.Role.CLERK,
    },
    {
        # Grants and withdraws officer roles at the Tokyo bureau's offices.
        "username": "demo-bureau-admin",
        "last_name": "小林",
        "first_name": "恵",
        "full_name_kana": "コバヤシ メグミ",
        "position": "総務課長",
        "role": OfficerRole.Role.BUREAU_ADMIN,
    },
]
DEMO_USERNAMES = frozenset(u["username"] for u in DEMO_USERS)
OFFICER_OFFICE = "TKY"


@dataclass
class DemoSummary:
    """What one run of a demo loader wrote; empty on a repeated run."""

    created: list[str] = field(default_factory=list)
    reference_rows: int = 0

    def __bool__(self) -> bool:
        return bool(self.created or self.reference_rows)


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _ensure_organization(data: dict[str, Any], summary: DemoSummary) -> Organization:
    org = Organization.objects.filter(corporate_number=data["corporate_number"]).first()
    if org is not None:
        return org
    office = office_for_prefecture(prefecture=data["prefecture_id"])
    if office is None:  # the reference data was loaded just before
        raise RuntimeError(f"no office for prefecture {data['prefecture_id']}")
    org = Organization.objects.create(is_corporation=True, office=office, **data)
    summary.created.append(f"organisation {org.name_ja}")
    return org


def _ensure_user(data: dict[str, Any], today: date, summary: DemoSummary) -> User:
    user = User.objects.filter(username=data["username"]).first()
    if user is not None:
        return user
    is_org_user = "user_category" in data
    user = User.objects.create_user(
        username=data["username"],
        email=f"{data['username']}@example.jp",
        password=DEMO_PASSWORD,
        first_name=data["first_name"],
        last_name=data["last_name"],
        full_name=f"{data['last_name']} {data['first_name']}",
        full_name_kana=data["full_name_kana"],
        position=data["position"],
        user_category=data.get("user_category"),
        valid_until=_years_later(today, ORG_APPROVAL_YEARS) if is_org_user else None,
    )
    summary.created.append(f"user {user.username}")
    return user


def _ensure_mfa(user: User, has: set[str], summary: DemoSummary) -> None:
    if Authenticator.Type.TOTP not in has:
        TOTP.activate(user, DEMO_TOTP_SECRET)
        summary.created.append(f"TOTP for {user.username}")
    if Authenticator.Type.RECOVERY_CODES not in has:
        RecoveryCodes.activate(user)
        summary.created.append(f"recovery codes for {user.username}")


def load_demo_data(*, today: date | None = None) -> DemoSummary:
    """Ensure the offices, the two demo organisations and the eight demo
    accounts (PRODUCT §5) with password, TOTP and recovery codes, memberships,
    appointments and officer roles.  Creates only what is missing."""
    today = today or timezone.localdate()
    summary = DemoSummary()
    with transaction.atomic():
        # Migrations load the offices; reload them only into an emptied
        # database, so that edits made in the admin survive `make run`.
        if not Office.objects.exists():
            summary.reference_rows = load_offices(apps)
        orgs = {
            "SAKURA_TECH": _ensure_organization(SAKURA_TECH, summary),
            "MINATO_FOODS": _ensure_organization(MINATO_FOODS, summary),
        }
        officer_office = Office.objects.get(code=OFFICER_OFFICE)
        users = [(data, _ensure_user(data, today, summary)) for data in DEMO_USERS]
        mfa: dict[int, set[str]] = {}
        for user_id, kind in Authenticator.objects.filter(
            user__in=[u for _, u in users]
        ).values_list("user_id", "type"):
            mfa.setdefault(user_id, set()).add(kind)
        for data, user in users:
            _ensure_mfa(user, mfa.get(user.pk, set()), summary)
            if data.get("user_category") == User.Category.ORG_STAFF:
                for key in data[_ORG]:
                    _, made = Membership.objects.get_or_create(
                        user=user, organization=orgs[key]
                    )
                    if made:
                        summary.created.append(f"membership {user.username}")
            elif "user_category" in data:
                for key in data[_ORG]:
                    _ensure_appointment(user, orgs[key], today, summary)
            else:
                _, made = OfficerRole.objects.get_or_create(
                    user=user,
                    office=officer_office,
                    role=data["role"],
                )
                if made:
                    summary.created.append(f"officer role {user.username}")
    return summary


def _ensure_appointment(
    user: User, org: Organization, today: date, summary: DemoSummary
) -> None:
    if Appointment.objects.filter(
        appointee=user, organization=org, ended_at__isnull=True
    ).exists():
        return
    Appointment.objects.create(
        appointee=user,
        organization=org,
        valid_from=today,
        valid_until=_years_later(today, ORG_APPROVAL_YEARS),
        accepted_at=timezone.now(),
    )
    summary.created.append(f"appointment {user.username} by {org.name_ja}")
