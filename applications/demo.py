"""Demo data of the applications app (run by ``manage.py load_demo_data``
after the accounts demo data): the reference data, the demo organisations'
foreign nationals, and a few cases in different states so every role has
something to look at.  Built through the services, like real work.

Idempotent: people are matched by passport number; cases are created only
when the demo organisation has none yet.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dateutil.relativedelta import relativedelta

from accounts.demo import DemoSummary
from accounts.models import Organization, User
from applications import draft_form, services
from applications.models import (
    Application,
    ApplicationType,
    DocumentSlot,
    ForeignNational,
    OrganisationProfile,
    StatusOfResidence,
)
from applications.reference_data import load_document_slots, load_reference_data
from applications.selectors import document_slots_for
from portal.lib.files import Kind, validate_upload

SAKURA = "7099901000001"
MINATO = "6099901000002"
EHI = "engineer_humanities_international"


def _people(today: date) -> dict[str, list[dict[str, Any]]]:
    return {
        SAKURA: [
            {
                "family_name": "NGUYEN",
                "given_name": "VAN AN",
                "sex": "M",
                "date_of_birth": date(1996, 4, 12),
                "nationality": "VN",
                "passport_number": "C1234567",
                "passport_expiry": date(2031, 3, 1),
                "residence_card_number": "AB12345678CD",
                "current_period": "1y",
                "period_expiry": today + timedelta(days=45),
                "address_in_japan": "東京都千代田区神田小川町3-5",
            },
            {
                "family_name": "SANTOS",
                "given_name": "MARIA CLARA",
                "sex": "F",
                "date_of_birth": date(1994, 9, 30),
                "nationality": "PH",
                "passport_number": "P7654321A",
                "passport_expiry": date(2030, 7, 15),
                "residence_card_number": "EF23456789GH",
                "current_period": "3y",
                "period_expiry": today + timedelta(days=70),
                "address_in_japan": "東京都文京区本郷2-1-1",
            },
            {
                "family_name": "CHEN",
                "given_name": "WEI",
                "name_kanji": "陳 偉",
                "sex": "M",
                "date_of_birth": date(1999, 1, 20),
                "nationality": "CN",
                "passport_number": "E98765432",
                "passport_expiry": date(2032, 1, 10),
                "residence_card_number": "JK34567890LM",
                "current_period": "1y",
                "period_expiry": today + timedelta(days=80),
                "address_in_japan": "東京都新宿区西新宿1-1-1",
            },
        ],
        MINATO: [
            {
                "family_name": "RAI",
                "given_name": "SUMAN",
                "sex": "M",
                "date_of_birth": date(1998, 6, 2),
                "nationality": "NP",
                "passport_number": "PA0012345",
                "passport_expiry": date(2030, 11, 1),
                "residence_card_number": "NP45678901QR",
                "current_period": "1y",
                "period_expiry": today + timedelta(days=60),
                "address_in_japan": "神奈川県横浜市中区海岸通1-2",
            },
        ],
    }


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _photo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (200, 210, 230)).save(buffer, "PNG")
    return buffer.getvalue()


def file_demo_case(
    *,
    person: ForeignNational,
    actor: User,
    type_code: str,
    requested_period: str,
    reentry: bool,
    submit: bool,
) -> Application:
    types = {t.code: t for t in ApplicationType.objects.all()}
    draft = services.application_create(
        foreign_national=person,
        application_type=types[type_code],
        companions=[types["reentry"]] if reentry else [],
        actor=actor,
    )
    draft = services.application_update(
        application=draft,
        expected_version=draft.version,
        actor=actor,
        fields={"requested_period": requested_period},
        section="application",
    )
    if reentry:
        until = (person.period_expiry or timezone.localdate()) + relativedelta(months=6)
        draft = services.application_companions_set(
            application=draft,
            expected_version=draft.version,
            actor=actor,
            wanted={"reentry": {"reentry_variant": "multiple", "reentry_until": until}},
        )
    slots = document_slots_for(
        application_type=draft.application_type,
        status=person.current_status,
        org_category=draft.organization.category,
    )
    for slot in slots:
        if not slot.required:
            continue
        name, data, kinds = (
            ("photo.png", _photo(), {Kind.PNG})
            if slot.photo
            else (f"{slot.code}.pdf", _pdf(), {Kind.PDF})
        )
        cleaned = validate_upload(SimpleUploadedFile(name, data), allowed=kinds)
        draft.refresh_from_db()
        services.application_documents_add(
            application=draft,
            slot=slot,
            uploads=[cleaned],
            expected_version=draft.version,
            actor=actor,
        )
    draft.refresh_from_db()
    if submit:
        # Every page of the 申請書 answered (pre-filled from the person and
        # the organisation profile where that is valid).
        draft = draft_form.fill_with_samples(draft, actor=actor)
        return services.application_submit(application=draft, actor=actor)
    return draft


# The organisation profiles (所属機関等作成用 part), entered once.
_PROFILES: dict[str, dict[str, Any]] = {
    SAKURA: {
        "employment_insurance_number": "1301-123456-1",
        "business_type": "communications",
        "capital_yen": 100_000_000,
        "annual_sales_yen": 2_400_000_000,
        "employees": 320,
        "foreign_employees": 24,
        "technical_interns": 0,
    },
    MINATO: {
        "employment_insurance_number": "1301-654321-9",
        "business_type": "other_services",
        "capital_yen": 30_000_000,
        "annual_sales_yen": 800_000_000,
        "employees": 85,
        "foreign_employees": 6,
        "technical_interns": 0,
    },
}


def _ensure_profiles(summary: DemoSummary) -> None:
    for corporate_number, values in _PROFILES.items():
        organization = Organization.objects.filter(
            corporate_number=corporate_number
        ).first()
        if (
            organization is None
            or OrganisationProfile.objects.filter(organization=organization).exists()
        ):
            continue
        staff = User.objects.filter(
            memberships__organization=organization, username__startswith="demo-"
        ).first()
        if staff is None:
            continue
        services.organisation_profile_save(
            organization=organization, values=values, actor=staff
        )
        summary.created.append(f"organisation profile {organization.name_ja}")


def load_demo_data() -> DemoSummary:
    """Ensure the reference data, the demo people and the demo cases."""
    # Migrations load the reference data; reload it only into an emptied
    # database, so that edits made in the admin survive `make run`.
    summary = DemoSummary()
    if not ApplicationType.objects.exists():
        summary.reference_rows += load_reference_data(apps)
    if not DocumentSlot.objects.exists():
        summary.reference_rows += load_document_slots(apps)
    today = timezone.localdate()
    _ensure_profiles(summary)
    engineer = StatusOfResidence.objects.get(code=EHI)
    for corporate_number, people in _people(today).items():
        organization = Organization.objects.filter(
            corporate_number=corporate_number
        ).first()
        if organization is None:
            continue
        staff = User.objects.filter(
            memberships__organization=organization, username__startswith="demo-"
        ).first() or User.objects.get(username="demo-attorney")
        for values in people:
            if ForeignNational.objects.filter(
                organization=organization, passport_number=values["passport_number"]
            ).exists():
                continue
            services.foreign_national_save(
                organization=organization,
                values={
                    "name_kanji": "",
                    **values,
                    "current_status": engineer,
                    "current_subcategory": None,
                },
                actor=staff,
            )
            summary.created.append(f"foreign national {values['family_name']}")
    sakura = Organization.objects.filter(corporate_number=SAKURA).first()
    if (
        sakura is not None
        and not Application.objects.filter(organization=sakura).exists()
    ):
        staff = User.objects.get(username="demo-staff")
        by_name = {
            p.family_name: p
            for p in ForeignNational.objects.filter(organization=sakura)
        }
        # Two cases waiting in the Tokyo bureau's queue (one with a re-entry
        # permit), and a draft a colleague can continue.
        file_demo_case(
            person=by_name["NGUYEN"],
            actor=staff,
            type_code="extension",
            requested_period="3y",
            reentry=True,
            submit=True,
        )
        file_demo_case(
            person=by_name["SANTOS"],
            actor=staff,
            type_code="extension",
            requested_period="5y",
            reentry=False,
            submit=True,
        )
        file_demo_case(
            person=by_name["CHEN"],
            actor=staff,
            type_code="authorized_employment",
            requested_period="",
            reentry=False,
            submit=False,
        )
        summary.created.append("3 demo cases")
    return summary
