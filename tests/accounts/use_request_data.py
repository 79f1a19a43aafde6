"""Builders for requests for use in the reception and account tests: a
complete draft (everything use_request_problems asks for, real PDFs in
private storage), submitted through the real service."""

from __future__ import annotations

import io
import itertools
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from pypdf import PdfWriter
from stdnum.jp import cn

from accounts import services
from accounts.models import (
    Office,
    OfficerRole,
    User,
    UseRequest,
    UseRequestAppointer,
    UseRequestDocument,
)
from portal.files.models import StoredFile
from portal.files.services import store_upload
from portal.lib.files import Kind, validate_upload
from tests.factories import UserFactory

_serial = itertools.count(1)

ROSTER = [
    {
        "family_name": "NGUYEN",
        "given_name": "VAN AN",
        "name_kanji": "",
        "sex": "M",
        "date_of_birth": "1995-04-01",
        "nationality": "VN",
        "status_of_residence": "技術・人文知識・国際業務",
        "residence_card_number": "AB12345678CD",
        "period_expiry": "2027-03-31",
        "planned_hire": False,
    },
    {
        "family_name": "SANTOS",
        "given_name": "MARIA",
        "name_kanji": "",
        "sex": "F",
        "date_of_birth": "1998-12-24",
        "nationality": "PH",
        "status_of_residence": "",
        "residence_card_number": "",
        "period_expiry": None,
        "planned_hire": True,
    },
]


def corporate_number(serial: int | None = None) -> str:
    """A check-digit-valid corporate number under the unused registry prefix
    0999 (no real company has one)."""
    base = f"0999{(serial or next(_serial)) + 10_000_000:08d}"[-12:]
    return cn.calc_check_digit(base) + base


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stored_pdf(name: str = "document.pdf", uploaded_by: Any = None) -> StoredFile:
    cleaned = validate_upload(
        SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf"),
        allowed={Kind.PDF},
    )
    return store_upload(cleaned=cleaned, uploaded_by=uploaded_by, purpose="use_request")


def office(code: str = "TKY") -> Office:
    return Office.objects.get(code=code)


def reception_officer(office_code: str = "TKY", **kwargs: Any) -> User:
    officer = UserFactory(**kwargs)
    OfficerRole.objects.create(
        user=officer, office=office(office_code), role=OfficerRole.Role.RECEPTION
    )
    return officer


def draft_request(
    *,
    office_code: str = "TKY",
    category: int = User.Category.ORG_STAFF,
    corp_number: str | None = None,
    email: str | None = None,
    appointers: list[tuple[str, str]] | None = None,
    documents: bool = True,
    **fields: Any,
) -> UseRequest:
    """A draft with every step filled in (ready to submit)."""
    n = next(_serial)
    r = services.use_request_create(
        email=email or f"requester{n}@example.jp", language="ja"
    )
    values: dict[str, Any] = {
        "user_category": category,
        "org_name_ja": f"株式会社テスト{n}",
        "org_name_en": f"Test {n} Co., Ltd.",
        "org_is_corporation": True,
        "org_corporate_number": corp_number or corporate_number(),
        "org_postal_code": "100-0001",
        "org_prefecture_id": 13,
        "org_address": "千代田区千代田1-1",
        "org_representative": "代表取締役 山田 太郎",
        "org_phone": "03-1234-5678",
        "org_category": 2,
        "full_name": "佐藤 花子",
        "full_name_kana": "サトウ ハナコ",
        "phone": "090-1234-5678",
        "position": "人事部長",
        "decl_no_punishment": True,
        "decl_notifications_filed": True,
        "decl_lawful_acceptance": True,
        "decl_no_id_lending": True,
        "decl_periodic_report": True,
        "roster": ROSTER,
        "office": office(office_code),
    }
    if category == User.Category.ATTORNEY:
        values.update(
            toritsugi_number="東行-12345", toritsugi_issuer="東京都行政書士会"
        )
    if category > 1:
        values["affiliation"] = "行政書士法人テスト"
    values.update(fields)
    UseRequest.objects.filter(pk=r.pk).update(**values)
    r.refresh_from_db()
    for name_ja, number in appointers or []:
        UseRequestAppointer.objects.create(
            use_request=r, name_ja=name_ja, corporate_number=number
        )
    if documents:
        slots = ["org_summary", "pledge", "category", "registry"]
        if category > 1:
            slots.append("appointment")
        for slot in slots:
            UseRequestDocument.objects.create(
                use_request=r, slot=slot, file=stored_pdf(f"{slot}.pdf")
            )
    return r


def submitted_request(**kwargs: Any) -> UseRequest:
    return services.use_request_submit(use_request=draft_request(**kwargs))


def request_in_status(status: str, **kwargs: Any) -> UseRequest:
    """A request brought to ``status`` through the services."""
    if status == UseRequest.Status.DRAFT:
        return draft_request(**kwargs)
    r = submitted_request(**kwargs)
    decider = reception_officer(kwargs.get("office_code", "TKY"))
    if status == UseRequest.Status.RETURNED:
        return services.use_request_return(
            use_request=r, actor=decider, comments={"person": "Check the phone."}
        )
    if status == UseRequest.Status.APPROVED:
        return services.use_request_approve(use_request=r, actor=decider)
    if status == UseRequest.Status.REJECTED:
        return services.use_request_reject(use_request=r, actor=decider, reason="No.")
    return r
