"""Builders for the organisation-side tests: organisations, their staff and
appointees (with TOTP, so they pass the mandatory-MFA gate), officers, and
roster CSV files."""

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from pypdf import PdfWriter
from stdnum.jp import cn

from accounts.models import (
    Appointment,
    Membership,
    Office,
    OfficerRole,
    Organization,
    Prefecture,
    User,
)
from tests.factories import UserFactory

_serial = itertools.count(1)

CSV_HEADER = (
    "family_name,given_name,name_kanji,sex,date_of_birth,nationality,"
    "status_of_residence,residence_card_number,period_expiry,planned_hire"
)


def office(code: str = "TKY") -> Office:
    return Office.objects.get(code=code)


def organization(**fields: Any) -> Organization:
    n = next(_serial)
    base = f"0998{n + 20_000_000:08d}"[-12:]
    values: dict[str, Any] = {
        "name_ja": f"株式会社組織テスト{n}",
        "name_en": f"Org Test {n} Co., Ltd.",
        "is_corporation": True,
        "corporate_number": cn.calc_check_digit(base) + base,
        "category": 2,
        "postal_code": "100-0001",
        "prefecture": Prefecture.objects.get(code=13),
        "address": "千代田区千代田1-1",
        "representative": "代表取締役 山田 太郎",
        "phone": "03-1234-5678",
        "office": office(),
    }
    values.update(fields)
    return Organization.objects.create(**values)


def staff(org: Organization, *, valid_days: int = 400, **fields: Any) -> User:
    """A category-1 user working for ``org`` (membership), MFA enrolled."""
    fields.setdefault("user_category", User.Category.ORG_STAFF)
    fields.setdefault("valid_until", timezone.localdate() + timedelta(days=valid_days))
    user = UserFactory(mfa=True, **fields)
    Membership.objects.create(user=user, organization=org)
    return user


def appointee(org: Organization, *, valid_days: int = 400, **fields: Any) -> User:
    """A category-2 user (administrative scrivener) appointed by ``org``."""
    fields.setdefault("user_category", User.Category.ATTORNEY)
    fields.setdefault("valid_until", timezone.localdate() + timedelta(days=valid_days))
    fields.setdefault("affiliation", "行政書士法人テスト")
    user = UserFactory(mfa=True, **fields)
    appoint(user, org)
    return user


def appoint(user: User, org: Organization, **fields: Any) -> Appointment:
    fields.setdefault("valid_from", timezone.localdate() - timedelta(days=30))
    return Appointment.objects.create(appointee=user, organization=org, **fields)


def reception_officer(office_code: str = "TKY") -> User:
    officer = UserFactory(mfa=True)
    OfficerRole.objects.create(
        user=officer, office=office(office_code), role=OfficerRole.Role.RECEPTION
    )
    return officer


def csv_row(n: int, **overrides: str) -> str:
    values = {
        "family_name": f"PERSON{n}",
        "given_name": "TEST",
        "name_kanji": "",
        "sex": "F" if n % 2 else "M",
        "date_of_birth": (date(1970, 1, 1) + timedelta(days=n % 15000)).isoformat(),
        "nationality": ["VN", "PH", "CN", "ID", "NP"][n % 5],
        "status_of_residence": "技能実習",
        "residence_card_number": f"AB{n:08d}CD",
        "period_expiry": "2028-03-31",
        "planned_hire": "no",
    }
    values.update(overrides)
    return ",".join(values[k] for k in CSV_HEADER.split(","))


def roster_csv(count: int, *, start: int = 0, encoding: str = "utf-8") -> bytes:
    lines = [CSV_HEADER] + [csv_row(n) for n in range(start, start + count)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
