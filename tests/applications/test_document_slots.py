"""Document slots as data: what the migration seeds for the common statuses
and categories, the most-specific-row-wins lookup, and the admin."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.db import IntegrityError

import pytest

from applications.models import ApplicationType, DocumentSlot, StatusOfResidence
from applications.reference_data import DOCUMENT_SLOTS, load_document_slots
from applications.selectors import document_slots_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """A request through the test client leaves its language active in the
    thread; put back the neutral state migrate left, for the tests after."""
    yield
    from django.utils import translation

    translation.deactivate_all()


EHI = "engineer_humanities_international"


def slots(
    type_code: str, status_code: str | None, category: int | None
) -> dict[str, DocumentSlot]:
    found = document_slots_for(
        application_type=ApplicationType.objects.get(code=type_code),
        status=StatusOfResidence.objects.get(code=status_code) if status_code else None,
        org_category=category,
    )
    return {slot.code: slot for slot in found}


def required(found: dict[str, DocumentSlot]) -> set[str]:
    return {code for code, slot in found.items() if slot.required}


# --- The seeded data ----------------------------------------------------------------------


def test_the_migration_seeded_every_slot_and_the_loader_is_idempotent(
    django_assert_max_num_queries,
):
    assert DocumentSlot.objects.count() == len(DOCUMENT_SLOTS)
    with django_assert_max_num_queries(4):
        assert load_document_slots(apps) == 0


def test_a_photo_is_always_required_and_jpeg_or_png(reference_data):
    for type_code in (
        "coe",
        "change",
        "extension",
        "acquisition",
        "authorized_employment",
    ):
        for status in (None, EHI, "student", "dependent", "specified_skilled_worker"):
            photo = slots(type_code, status, 3)["photo"]
            assert photo.required and photo.photo, (type_code, status)


@pytest.mark.parametrize(
    ("type_code", "category", "expected_required", "expected_optional"),
    [
        # Categories 1 and 2: the short list (§6.3).
        ("extension", 1, {"photo", "passport", "residence_card", "category_proof"}, {"other"}),
        ("change", 2, {"photo", "passport", "residence_card", "category_proof"}, {"diploma", "other"}),
        ("coe", 1, {"photo", "category_proof"}, {"passport", "diploma", "other"}),
        # Categories 3 and 4: the full work set for a COE or change ...
        (
            "change",
            3,
            {
                "photo", "passport", "residence_card", "category_proof", "labour_contract",
                "cv_diploma", "employer_registry", "business_description",
                "financial_statements",
            },
            {"other"},
        ),
        (
            "coe",
            4,
            {
                "photo", "category_proof", "labour_contract", "cv_diploma",
                "employer_registry", "business_description", "financial_statements",
            },
            {"passport", "other"},
        ),
        # ... and tax certificates for an extension; the contract only if changed.
        (
            "extension",
            3,
            {"photo", "passport", "residence_card", "category_proof", "tax_certificates"},
            {"labour_contract", "other"},
        ),
        (
            "extension",
            4,
            {"photo", "passport", "residence_card", "category_proof", "tax_certificates"},
            {"labour_contract", "other"},
        ),
    ],
)  # fmt: skip
def test_engineer_specialist_documents_by_category(
    reference_data, type_code, category, expected_required, expected_optional
):
    found = slots(type_code, EHI, category)
    assert required(found) == expected_required
    assert set(found) - required(found) == expected_optional


def test_the_category_proof_names_the_evidence_of_that_category(reference_data):
    assert "四季報" in slots("change", EHI, 1)["category_proof"].hint_ja
    assert "法定調書合計表" in slots("change", EHI, 3)["category_proof"].name_ja
    assert "提出できない理由" in slots("change", EHI, 4)["category_proof"].name_ja


def test_student_dependent_and_specified_skilled_worker(reference_data):
    assert required(slots("coe", "student", None)) == {
        "photo", "admission_certificate", "financial_support",
    }  # fmt: skip
    assert required(slots("extension", "student", None)) == {
        "photo", "passport", "residence_card", "enrolment_certificate", "transcript",
        "financial_support",
    }  # fmt: skip
    assert {
        "relationship_proof", "supporter_card", "supporter_employment", "supporter_income",
    } <= required(slots("change", "dependent", None))  # fmt: skip
    assert {
        "ssw_contract", "ssw_tests", "ssw_support_plan", "health_certificate",
    } <= required(slots("coe", "specified_skilled_worker", 3))  # fmt: skip
    ssw_extension = required(slots("extension", "specified_skilled_worker", 3))
    assert {"health_certificate", "ssw_public_dues"} <= ssw_extension
    assert "ssw_contract" not in ssw_extension


def test_the_generic_default_for_other_types_and_statuses(reference_data):
    assert required(slots("acquisition", None, None)) == {"photo", "acquisition_event"}
    assert required(slots("authorized_employment", "professor", 2)) == {
        "photo", "passport", "residence_card", "employment_contract",
    }  # fmt: skip
    assert required(slots("coe", "artist", 1)) == {"photo"}


def test_slots_come_in_their_order(reference_data):
    codes = list(slots("extension", EHI, 3))
    assert codes[0] == "photo" and codes[-1] == "other"


# --- The most specific row wins ---------------------------------------------------------------


@pytest.fixture
def keys(reference_data):
    return (
        ApplicationType.objects.get(code="change"),
        StatusOfResidence.objects.get(code="student"),
        3,
    )


def row(code: str, name: str, type_=None, status=None, category=None) -> DocumentSlot:
    return DocumentSlot.objects.create(
        code=code, name_ja=name, name_en=name, application_type=type_,
        status=status, org_category=category,
    )  # fmt: skip


def winner(type_, status, category, code: str = "x") -> str:
    found = document_slots_for(
        application_type=type_, status=status, org_category=category
    )
    return next(s.name_ja for s in found if s.code == code)


def test_specificity_type_then_status_then_category(keys):
    type_, status, category = keys
    row("x", "wildcard")
    assert winner(type_, status, category) == "wildcard"
    row("x", "category", category=category)
    assert winner(type_, status, category) == "category"
    row("x", "status", status=status)
    assert winner(type_, status, category) == "status"
    row("x", "status+category", status=status, category=category)
    assert winner(type_, status, category) == "status+category"
    row("x", "type", type_=type_)
    assert winner(type_, status, category) == "type"  # type beats status + category
    row("x", "type+category", type_=type_, category=category)
    row("x", "type+status", type_=type_, status=status)
    assert winner(type_, status, category) == "type+status"
    row("x", "all three", type_=type_, status=status, category=category)
    assert winner(type_, status, category) == "all three"


def test_rows_for_other_keys_do_not_match(keys):
    type_, status, category = keys
    extension = ApplicationType.objects.get(code="extension")
    other_status = StatusOfResidence.objects.get(code="dependent")
    row("y", "other type", type_=extension)
    row("y", "other status", status=other_status)
    row("y", "other category", category=4)
    found = document_slots_for(
        application_type=type_, status=status, org_category=category
    )
    assert "y" not in {s.code for s in found}
    # No status (a certificate of eligibility not filled in yet): wildcards only.
    row("z", "wildcard")
    row("z", "student only", status=status)
    assert winner(type_, None, None, "z") == "wildcard"


def test_one_row_per_key_even_with_empty_keys(keys):
    row("dup", "first")
    with pytest.raises(IntegrityError):
        row("dup", "second")


# --- Admin ----------------------------------------------------------------------------------------


def test_document_slots_are_editable_in_the_admin(client, reference_data):
    assert admin.site.is_registered(DocumentSlot)
    superuser = UserFactory(mfa=True, is_staff=True, is_superuser=True)
    client.force_login(superuser)
    response = client.get(
        "/admin/applications/documentslot/?status__id__exact="
        + str(StatusOfResidence.objects.get(code=EHI).pk)
    )
    assert response.status_code == 200
    assert "category_proof" in response.content.decode()
    slot = DocumentSlot.objects.get(code="photo")
    assert (
        client.get(f"/admin/applications/documentslot/{slot.pk}/change/").status_code
        == 200
    )
