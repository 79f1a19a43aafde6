"""Certificates and notices as PDFs (ja and en, rendered by the task, stored
privately, downloadable by the organisation), and the public check of an
electronic Certificate of Eligibility."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from dateutil.relativedelta import relativedelta

from accounts.models import OfficerRole
from applications.workflow import Status
from portal.audit.models import AuditEvent
from review import certificates
from review.certificates import (
    certificates_render,
    format_verification_code,
    mask_name,
    normalize_verification_code,
)
from review.models import Certificate, Decision
from review.services import issuance
from review.tasks import render_certificates
from review.views.public import VERIFY_LIMIT
from tests.factories import officer
from tests.portal.test_pdf import assert_cjk_font_embedded, rasterize_first_page
from tests.review.issuance_helpers import (
    clerk,
    decided,
    login,
    media,
    org_and_user,
    walk_to,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    return media(settings, tmp_path)


@pytest.fixture
def org_user():
    return org_and_user()


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not available")
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def stored_pdf(media_root: Path, stored_file, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes((media_root / stored_file.name).read_bytes())
    return path


def issued_coe(org, user):
    application = decided(org, user, type_code="coe", companions=(), period="1y")
    return walk_to(application, Status.DISPATCHED, actor=clerk(), user=user)


# --- Rendering -----------------------------------------------------------------------------


CASES = {
    "grant": {
        "companions": ("reentry", "other_activity"),
        "activity_terms": "Teaching",
    },
    "denial": {"outcome": Decision.Outcome.DENY},
    "coe": {"type_code": "coe", "companions": (), "period": "1y"},
    "authorized_employment": {"type_code": "authorized_employment", "companions": ()},
}


@pytest.mark.parametrize("name", CASES)
def test_certificates_render_in_both_languages_with_an_embedded_cjk_font(
    org_user, media_root, tmp_path, screenshot_dir, name
):
    org, user = org_user
    application = decided(org, user, **CASES[name])
    if application.status != Status.DENIED:
        application = walk_to(application, Status.ISSUED, actor=clerk(), user=user)
    expected = Certificate.objects.filter(application=application).count()
    assert render_certificates.run(application.pk) == 2 * expected
    for certificate in Certificate.objects.filter(
        application=application
    ).select_related("file_ja", "file_en"):
        assert certificate.file_ja.purpose == "certificate"
        assert certificate.file_ja.content_type == "application/pdf"
        ja = stored_pdf(
            media_root, certificate.file_ja, tmp_path, f"{certificate.kind}-ja.pdf"
        )
        en = stored_pdf(
            media_root, certificate.file_en, tmp_path, f"{certificate.kind}-en.pdf"
        )
        assert ja.read_bytes().startswith(b"%PDF-")
        assert_cjk_font_embedded(ja)
        english = pdf_text(en)
        assert application.receipt_number in english or certificate.kind == "coe"
        assert application.foreign_national.family_name in english
        if certificate.kind == Certificate.Kind.COE:
            assert format_verification_code(certificate.verification_code) in english
        if name == "denial":
            assert "does not fit the status" in english
        rasterize_first_page(
            ja, screenshot_dir / f"certificate-{certificate.kind}-ja.png"
        )
    # A second run finds nothing to do.
    assert render_certificates.run(application.pk) == 0


def test_a_race_leaves_one_file_per_language(org_user, media_root):
    org, user = org_user
    application = decided(org, user, outcome=Decision.Outcome.DENY)
    notice = Certificate.objects.get(application=application)
    # Another worker stored the Japanese file between our read and our write.
    first = certificates_render(application_id=application.pk)
    assert first == 2
    Certificate.objects.filter(pk=notice.pk).update(file_en=None)
    assert certificates_render(application_id=application.pk) == 1
    notice.refresh_from_db()
    assert notice.file_ja_id and notice.file_en_id


def test_sweep_assesses_missed_fees(org_user):
    org, user = org_user
    application = decided(org, user, follow_up=False)
    assert not hasattr(application, "payment") or application.payment is None
    result = issuance.issuance_sweep()
    assert result["assessed"] == 1
    application.refresh_from_db()
    assert application.payment.amount_due > 0


# --- Downloads -----------------------------------------------------------------------------


def test_organisation_downloads_and_others_get_404(client, settings, org_user):
    org, user = org_user
    application = decided(org, user, outcome=Decision.Outcome.DENY)
    certificates_render(application_id=application.pk)
    notice = Certificate.objects.select_related("file_en").get(application=application)
    url = reverse("files:download", args=[notice.file_en.code])

    login(client, user, settings, fresh=False)
    page = client.get(
        reverse("review:payment", args=[application.code])
    ).content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    client.logout()

    _, stranger = org_and_user()
    login(client, stranger, settings, fresh=False)
    assert client.get(url).status_code == 404
    client.logout()

    login(client, clerk("OSK"), settings, fresh=False)
    assert client.get(url).status_code == 404
    client.logout()

    login(client, officer(OfficerRole.Role.EXAMINER), settings, fresh=False)
    response = client.get(url + "?inline=1")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")


# --- Verification of an electronic COE -------------------------------------------------------------


def verify(client, code: str):
    client.cookies["django_language"] = "en"
    return client.post(reverse("review:verify_coe"), {"code": code})


def test_verification_code_format():
    code = issuance._new_verification_code()
    assert len(code) == 12
    assert set(code) <= set(issuance.VERIFICATION_ALPHABET)
    assert format_verification_code("ABCD2345EFGH") == "ABCD-2345-EFGH"
    assert normalize_verification_code(" abcd-2345-efgh ") == "ABCD2345EFGH"
    assert normalize_verification_code("ＡＢＣＤ－２３４５－ＥＦＧＨ") == "ABCD2345EFGH"
    assert (
        normalize_verification_code("ABCD-2345-EFG0") is None
    )  # 0 is not in the alphabet
    assert normalize_verification_code("ABCD-2345") is None


def test_mask_name_shows_initials_only():
    assert mask_name("NGUYEN", "VAN AN") == "N*** V*** A***"
    assert mask_name("LI", "") == "L***"


def test_valid_coe_is_confirmed_with_the_minimum_of_personal_data(client, org_user):
    org, user = org_user
    application = issued_coe(org, user)
    coe = Certificate.objects.get(application=application, kind="coe")
    response = verify(client, format_verification_code(coe.verification_code).lower())
    assert response.status_code == 200
    body = response.content.decode()
    assert "This certificate is genuine" in body
    person = application.foreign_national
    assert "N*** V*** A***" in body
    assert AuditEvent.objects.filter(
        action="certificate.verify", object_code=str(coe.code)
    ).exists()
    # Nothing more than the documented minimum.
    for secret in (
        person.family_name,
        person.passport_number,
        "1995",  # year of birth
        "Viet",  # nationality
        org.name_en,
        org.name_ja,
        application.receipt_number,
    ):
        assert secret not in body, secret


def test_expired_coe(client, org_user):
    org, user = org_user
    application = issued_coe(org, user)
    coe = Certificate.objects.get(application=application, kind="coe")
    later = timezone.now() + relativedelta(months=3, days=1)
    with time_machine.travel(later, tick=False):
        response = verify(client, coe.verification_code)
    assert response.status_code == 200
    assert "Expired" in response.content.decode()
    assert "This certificate is genuine" not in response.content.decode()


def test_last_day_is_still_valid(client, org_user):
    org, user = org_user
    application = issued_coe(org, user)
    coe = Certificate.objects.get(application=application, kind="coe")
    last_day = timezone.now() + relativedelta(months=3)
    with time_machine.travel(last_day, tick=False):
        assert (
            "This certificate is genuine"
            in verify(client, coe.verification_code).content.decode()
        )


def test_unknown_code(client):
    response = verify(client, "ABCD-2345-EFGH")
    assert response.status_code == 200
    assert "No certificate has this code" in response.content.decode()


def test_coe_not_yet_dispatched_is_unknown(client, org_user):
    org, user = org_user
    application = walk_to(
        decided(org, user, type_code="coe", companions=(), period="1y"),
        Status.ISSUED,
        actor=clerk(),
        user=user,
    )
    coe = Certificate.objects.get(application=application, kind="coe")
    assert (
        "No certificate has this code"
        in verify(client, coe.verification_code).content.decode()
    )


def test_code_of_the_wrong_shape_gets_a_clear_message(client):
    response = verify(client, "12345")
    assert response.status_code == 400
    assert (
        "Enter the 12 letters and digits of the verification code"
        in response.content.decode()
    )


def test_verification_is_rate_limited(client, monkeypatch):
    from django.core.cache.backends.locmem import LocMemCache

    from portal.lib import ratelimit

    # A cache of the test's own: parallel workers clear the shared one.
    monkeypatch.setattr(ratelimit, "cache", LocMemCache("verify-test", {}))
    for _ in range(VERIFY_LIMIT):
        assert verify(client, "ABCD-2345-EFGH").status_code == 200
    response = verify(client, "ABCD-2345-EFGH")
    assert response.status_code == 429
    assert "Too many codes were checked" in response.content.decode()


def test_verification_page_needs_no_sign_in(client):
    response = client.get(reverse("review:verify_coe"))
    assert response.status_code == 200


def test_certificate_access_checker_is_registered():
    from portal.files.access import is_registered

    assert is_registered(certificates.PURPOSE)
