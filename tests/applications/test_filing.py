"""The filing flow through the test client: starting a draft, each page
saved as a draft (stale saves refused), documents (with every kind of bad
file refused and nothing stored), check your answers with the fees and the
special period, rule failures shown on the page that must change, the
declaration, submission (twice), drafts of the organisation, deleting a
draft, scope (404 for another organisation, 403 on writes for read-only
users) and the query count of a step."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest
from dateutil.relativedelta import relativedelta

from accounts.models import RosterEntry, User
from applications import services
from applications.models import Application, ApplicationDocument, ForeignNational
from applications.workflow import Status
from portal.files.models import StoredFile
from portal.lib.emails import render_email
from tests.applications import filing_data as fd
from tests.factories import OrganizationFactory, appoint, appointee, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """A request through the test client leaves its language active in the
    thread; put back the neutral state migrate left, for the tests after."""
    yield
    from django.utils import translation

    translation.deactivate_all()


@pytest.fixture(autouse=True)
def english(client, settings):
    """Pages in English, so that the tests read the English msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def org(reference_data):
    return OrganizationFactory(category=3)


@pytest.fixture
def alice(org):
    return staff(org, full_name="山田 花子")


@pytest.fixture
def bob(org):
    """Alice's colleague."""
    return staff(org, full_name="鈴木 一郎")


@pytest.fixture
def mallory(reference_data):
    """A user of another organisation."""
    return staff(OrganizationFactory())


@pytest.fixture
def fn(org):
    return fd.person(org)


def url(name: str, application: Application, *extra: object) -> str:
    return reverse(f"applications:{name}", args=[application.code, *extra])


def errors_of(response) -> str:
    """The text of the error summary (empty when there is none)."""
    html = response.content.decode()
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    return match.group(0) if match else ""


# --- Starting ---------------------------------------------------------------------------


def test_one_organisation_skips_the_organisation_question(client, alice, org):
    client.force_login(alice)
    response = client.get(reverse("applications:start"))
    assert response.status_code == 302
    assert response.url == reverse("applications:start_person", args=[org.code])


def test_several_organisations_are_asked_for(client, alice, org):
    other = OrganizationFactory()
    appoint(alice, other)
    client.force_login(alice)
    response = client.get(reverse("applications:start"))
    assert response.status_code == 200
    assert other.name_ja in response.content.decode()
    response = client.post(
        reverse("applications:start"), {"organization": str(other.code)}
    )
    assert response.url == reverse("applications:start_person", args=[other.code])


def test_choosing_from_the_roster_creates_and_links_the_person(client, alice, org):
    entry = RosterEntry.objects.create(
        organization=org,
        family_name="SANTOS",
        given_name="MARIA",
        sex="F",
        date_of_birth="1998-12-24",
        nationality="PH",
        status_of_residence="技術・人文知識・国際業務",
        residence_card_number="CD87654321EF",
        period_expiry=timezone.localdate() + timedelta(days=80),
    )
    client.force_login(alice)
    page = client.get(reverse("applications:start_person", args=[org.code]))
    assert "SANTOS MARIA" in page.content.decode()
    response = client.post(
        reverse("applications:start_person", args=[org.code]),
        {"person": f"roster:{entry.code}"},
    )
    person = ForeignNational.objects.get(roster_entry=entry)
    assert response.url == reverse("applications:start_type", args=[person.code])
    assert person.current_status.code == fd.EHI
    assert person.residence_card_number == "CD87654321EF"
    # Choosing them again reuses the record.
    client.post(
        reverse("applications:start_person", args=[org.code]),
        {"person": f"roster:{entry.code}"},
    )
    assert ForeignNational.objects.filter(roster_entry=entry).count() == 1


def test_start_creates_the_draft_with_its_companions(client, alice, fn):
    client.force_login(alice)
    response = client.post(
        reverse("applications:start_type", args=[fn.code]),
        {"application_type": "extension", "companions": ["reentry", "other_activity"]},
    )
    application = Application.objects.get(main__isnull=True)
    assert response.url == url("draft", application)
    assert application.status == Status.DRAFT
    assert application.created_by == alice
    assert sorted(
        application.companions.values_list("application_type__code", flat=True)
    ) == [
        "other_activity",
        "reentry",
    ]


def test_companions_with_a_type_that_takes_none_are_refused(client, alice, fn):
    client.force_login(alice)
    response = client.post(
        reverse("applications:start_type", args=[fn.code]),
        {"application_type": "coe", "companions": ["reentry"]},
    )
    assert response.status_code == 200
    assert "only together with a change of status" in errors_of(response)
    assert not Application.objects.exists()


# --- Each page saves a draft ----------------------------------------------------------------


def test_every_page_saves_the_draft(client, alice, fn):
    application = fd.draft(alice, fn, "extension", ("reentry",))
    client.force_login(alice)

    response = client.post(
        url("draft_person", application),
        fd.person_post(
            application, residence_card_number="ａｂ－１２３４ ５６７８－ｃｄ"
        ),
    )
    assert response.url == url("draft_application", application)
    application.refresh_from_db()
    fn.refresh_from_db()
    assert fn.residence_card_number == "AB12345678CD"
    assert application.version == 2
    assert application.answers["saved"] == ["person"]

    response = client.post(
        url("draft_application", application),
        {"version": "2", "requested_period": "3y"},
    )
    # The application form's pages (申請書) follow what is applied for.
    assert response.url == url("draft_form", application, "identity")
    application.refresh_from_db()
    assert application.requested_period == "3y"

    until = timezone.localdate() + timedelta(days=300)
    response = client.post(
        url("draft_companions", application),
        {
            "version": "3",
            "companions": ["reentry"],
            "reentry_variant": "single",
            "reentry_until": until.isoformat().replace("-", "/"),
        },
    )
    assert response.url == url("draft_documents", application)
    reentry = application.companions.get()
    assert (reentry.reentry_variant, reentry.reentry_until) == ("single", until)

    hub = client.get(url("draft", application)).content.decode()
    for key in ("person", "application", "companions"):
        assert re.search(
            rf'id="section-{key}-status"><strong class="tag tag--green', hub
        )


def test_saving_from_check_answers_returns_there(client, alice, fn):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    response = client.post(
        url("draft_application", application) + "?from=check",
        {"version": "1", "requested_period": "1y"},
    )
    assert response.url == url("draft_check", application)


def test_a_stale_save_is_refused_and_shows_the_newer_data(client, alice, bob, fn):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    loaded_version = application.version
    # Bob saves first, in his own browser.
    services.application_update(
        application=application,
        expected_version=loaded_version,
        actor=bob,
        fields={"requested_period": "5y"},
    )
    response = client.post(
        url("draft_application", application),
        {"version": str(loaded_version), "requested_period": "1y"},
    )
    assert response.status_code == 409
    assert "changed in another tab or by someone else" in errors_of(response)
    application.refresh_from_db()
    assert application.requested_period == "5y"
    # The period (five or fewer choices) is asked with radios.
    assert re.search(
        r'<input type="radio" name="requested_period" value="5y"[^>]*checked',
        response.content.decode(),
    )
    assert 'name="version" value="2"' in response.content.decode()


def test_person_details_changed_on_the_persons_page_are_not_overwritten(
    client, alice, bob, fn
):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    data = fd.person_post(application, address_in_japan="福岡県福岡市1-1")
    # Bob changes the person's own record meanwhile.
    services.foreign_national_save(
        organization=fn.organization,
        values={"address_in_japan": "大阪府大阪市北区1-1"},
        actor=bob,
        foreign_national=fn,
    )
    response = client.post(url("draft_person", application), data)
    assert response.status_code == 409
    fn.refresh_from_db()
    assert fn.address_in_japan == "大阪府大阪市北区1-1"
    assert "大阪府大阪市北区1-1" in response.content.decode()


def test_person_page_requires_card_status_and_expiry_for_an_extension(
    client, alice, fn
):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    response = client.post(
        url("draft_person", application),
        fd.person_post(
            application, residence_card_number="", period_expiry="", current_status=""
        ),
    )
    assert response.status_code == 200
    summary = errors_of(response)
    assert "Enter the residence card number" in summary
    assert "Enter the date the period of stay ends" in summary
    assert "Choose the person&#x27;s current status" in summary


def test_person_page_refuses_a_card_number_in_the_wrong_shape(client, alice, fn):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    response = client.post(
        url("draft_person", application),
        fd.person_post(application, residence_card_number="A1234"),
    )
    assert "2 letters, 8 digits and 2 letters" in errors_of(response)
    assert 'href="#id_residence_card_number"' in errors_of(response)
    fn.refresh_from_db()
    assert fn.residence_card_number == "AB12345678CD"


def test_person_page_detects_a_duplicate_passport(client, alice, org, fn):
    other = fd.person(org, family_name="TRAN", passport_number="N7654321")
    application = fd.draft(alice, fn)
    client.force_login(alice)
    response = client.post(
        url("draft_person", application),
        fd.person_post(application, passport_number="n 765-4321"),
    )
    html = response.content.decode()
    assert "already registered for this organisation" in errors_of(response)
    assert reverse("applications:foreign_national", args=[other.code]) in html


# --- Documents -------------------------------------------------------------------------------


def upload(client, application, slot: str, *files: SimpleUploadedFile, version=None):
    application.refresh_from_db()
    return client.post(
        url("draft_documents", application),
        {
            "slot": slot,
            f"{slot}-version": str(version or application.version),
            f"{slot}-upload": list(files),
        },
    )


def nothing_stored() -> bool:
    return not StoredFile.objects.exists() and not ApplicationDocument.objects.exists()


def test_files_are_uploaded_to_a_slot_and_the_meter_shows_the_total(
    client, alice, fn, media
):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    response = upload(
        client,
        application,
        "tax_certificates",
        SimpleUploadedFile("tax-1.pdf", fd.pdf_bytes()),
        SimpleUploadedFile("tax-2.pdf", fd.pdf_bytes(2)),
    )
    assert response.status_code == 302
    documents = ApplicationDocument.objects.filter(application=application)
    assert documents.count() == 2
    assert {d.file.purpose for d in documents} == {"application_document"}
    page = client.get(url("draft_documents", application)).content.decode()
    total = sum(d.file.size for d in documents)
    assert (
        f'<meter id="documents-total" min="0" max="{25 * 1024 * 1024}" value="{total}"'
        in page
    )
    assert "tax-1.pdf" in page and "tax-2.pdf" in page


def test_a_renamed_program_is_refused_and_nothing_stored(client, alice, fn, media):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    program = SimpleUploadedFile("contract.pdf", b"MZ\x90\x00" + b"\x00" * 500)
    response = upload(client, application, "tax_certificates", program)
    assert response.status_code == 200
    assert "“contract.pdf” is a program, not a document" in errors_of(response).replace(
        "&ldquo;", "“"
    ).replace("&rdquo;", "”")
    assert nothing_stored()


def test_an_encrypted_pdf_is_refused_and_nothing_stored(client, alice, fn, media):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    locked = SimpleUploadedFile("locked.pdf", fd.pdf_bytes(password="secret"))
    response = upload(client, application, "tax_certificates", locked)
    assert "password-protected" in errors_of(response)
    assert nothing_stored()


def test_a_30_mb_file_is_refused_and_nothing_stored(client, alice, fn, media):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    big = SimpleUploadedFile("scan.pdf", fd.pdf_bytes() + b"\n" * (30 * 1024 * 1024))
    response = upload(client, application, "tax_certificates", big)
    assert "is 30 MB. Each file must be 10 MB or smaller" in errors_of(response)
    assert nothing_stored()


def test_a_total_over_the_cap_is_refused_and_nothing_more_stored(
    client, alice, fn, media, settings
):
    settings.UPLOAD_MAX_TOTAL_BYTES = 60_000
    application = fd.draft(alice, fn)
    client.force_login(alice)
    first = SimpleUploadedFile("a.pdf", fd.pdf_bytes(padding=40_000))
    assert upload(client, application, "tax_certificates", first).status_code == 302
    second = SimpleUploadedFile("b.pdf", fd.pdf_bytes(padding=30_000))
    response = upload(client, application, "passport", second)
    assert response.status_code == 200
    assert "All files together must be" in errors_of(response)
    assert StoredFile.objects.count() == 1
    assert not ApplicationDocument.objects.filter(slot__code="passport").exists()


def test_the_photo_takes_jpeg_or_png_upright_4_by_3(client, alice, fn, media):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    response = upload(
        client, application, "photo", SimpleUploadedFile("photo.pdf", fd.pdf_bytes())
    )
    assert "not an accepted type of file" in errors_of(response)
    assert "JPEG, PNG" in errors_of(response)
    response = upload(
        client,
        application,
        "photo",
        SimpleUploadedFile("wide.jpg", fd.image_bytes(800, 600, "JPEG")),
    )
    assert "Upload the photograph upright" in errors_of(response)
    assert nothing_stored()
    response = upload(
        client,
        application,
        "photo",
        SimpleUploadedFile("square.jpg", fd.image_bytes(600, 600, "JPEG")),
    )
    assert "must be 4 cm high and 3 cm wide" in errors_of(response)
    assert nothing_stored()
    response = upload(
        client,
        application,
        "photo",
        SimpleUploadedFile("me.jpg", fd.image_bytes(300, 400, "JPEG")),
    )
    assert response.status_code == 302
    assert ApplicationDocument.objects.get().file.kind == "jpeg"


def slot_section(html: str, slot: str) -> str:
    """The HTML of one slot's section on the documents page."""
    match = re.search(
        rf'<section class="section" id="slot-{slot}".*?</section>', html, re.S
    )
    assert match, f"no section for slot {slot}"
    return match.group(0)


def test_several_files_at_once_and_the_page_comes_back_to_the_slot(
    client, alice, fn, media
):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    page = client.get(url("draft_documents", application)).content.decode()
    section = slot_section(page, "tax_certificates")
    assert re.search(r'<input type="file"[^>]* multiple', section)
    assert 'action="#slot-tax_certificates"' in section
    response = upload(
        client,
        application,
        "tax_certificates",
        SimpleUploadedFile("tax-1.pdf", fd.pdf_bytes()),
        SimpleUploadedFile("tax-2.pdf", fd.pdf_bytes(2)),
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#slot-tax_certificates")
    page = client.get(response["Location"]).content.decode()
    section = slot_section(page, "tax_certificates")
    assert "Uploaded: tax-1.pdf, tax-2.pdf" in section
    # The result is next to the slot, not repeated at the top of the page.
    assert page.count("Uploaded: tax-1.pdf") == 1
    assert "Uploaded:" not in slot_section(page, "passport")


def test_one_bad_file_is_refused_by_name_and_the_good_ones_are_kept(
    client, alice, fn, media
):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    program = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 500)
    response = upload(
        client,
        application,
        "tax_certificates",
        SimpleUploadedFile("good.pdf", fd.pdf_bytes()),
        program,
        SimpleUploadedFile("empty.pdf", b""),
    )
    assert response.status_code == 302
    stored = ApplicationDocument.objects.filter(application=application)
    assert [d.file.original_name for d in stored] == ["good.pdf"]
    section = slot_section(
        client.get(response["Location"]).content.decode(), "tax_certificates"
    )
    section = section.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert "Uploaded: good.pdf" in section
    assert "“virus.pdf” is a program, not a document" in section
    assert "“empty.pdf” is empty (0 bytes)" in section


def test_when_every_file_is_refused_the_errors_are_at_the_slot(
    client, alice, fn, media
):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    response = upload(
        client,
        application,
        "photo",
        SimpleUploadedFile("wide.png", fd.image_bytes(800, 600)),
        SimpleUploadedFile("tiny.png", fd.image_bytes(150, 200)),
    )
    assert response.status_code == 200
    assert nothing_stored()
    section = slot_section(response.content.decode(), "photo")
    assert "Upload the photograph upright" in section
    assert "is only 150 × 200 pixels" in section
    # The page comes back at the slot: the summary does not take the focus.
    assert "autofocus" not in errors_of(response)


def test_a_photo_and_a_bad_photo_together_keep_the_good_one(client, alice, fn, media):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    response = upload(
        client,
        application,
        "photo",
        SimpleUploadedFile("me.png", fd.image_bytes(300, 400)),
        SimpleUploadedFile("wall.png", fd.blank_image_bytes(300, 400)),
    )
    assert response.status_code == 302
    assert [d.file.original_name for d in ApplicationDocument.objects.all()] == [
        "me.png"
    ]
    section = slot_section(client.get(response["Location"]).content.decode(), "photo")
    assert "looks blank" in section


def test_the_photo_shows_a_thumbnail_through_the_checked_file_view(
    client, alice, fn, mallory, media
):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    upload(client, application, "photo", SimpleUploadedFile("me.png", fd.image_bytes()))
    photo = ApplicationDocument.objects.get().file
    section = slot_section(
        client.get(url("draft_documents", application)).content.decode(), "photo"
    )
    thumb = reverse("files:download", args=[photo.code]) + "?preview=1"
    assert re.search(rf'<img class="upload-thumb"\s+src="{re.escape(thumb)}"', section)
    response = client.get(thumb)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert not response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "sandbox"
    client.force_login(mallory)
    assert client.get(thumb).status_code == 404


def test_a_coarse_or_blank_scan_is_kept_with_a_warning_at_the_slot(
    client, alice, fn, media
):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    response = upload(
        client,
        application,
        "tax_certificates",
        SimpleUploadedFile("small.png", fd.image_bytes(600, 800)),
        SimpleUploadedFile("blank.pdf", fd.pdf_bytes()),
    )
    assert response.status_code == 302
    assert ApplicationDocument.objects.count() == 2
    section = slot_section(
        client.get(response["Location"]).content.decode(), "tax_certificates"
    )
    section = section.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert "“small.png” is only 600 × 800 pixels" in section
    assert "“blank.pdf” has blank-looking pages (page 1)" in section
    assert "banner--warning" in section


def test_a_file_can_be_removed(client, alice, fn, media):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    upload(
        client,
        application,
        "tax_certificates",
        SimpleUploadedFile("a.pdf", fd.pdf_bytes()),
    )
    document = ApplicationDocument.objects.get()
    application.refresh_from_db()
    response = client.post(
        url("draft_document_remove", application),
        {"version": str(application.version), "item": str(document.file.code)},
    )
    assert response.status_code == 302
    assert nothing_stored()


def test_an_upload_on_a_stale_page_is_refused(client, alice, fn, media):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    stale_version = application.version
    services.application_update(
        application=application,
        expected_version=stale_version,
        actor=alice,
        fields={"requested_period": "1y"},
    )
    response = upload(
        client,
        application,
        "tax_certificates",
        SimpleUploadedFile("a.pdf", fd.pdf_bytes()),
        version=stale_version,
    )
    assert response.status_code == 409
    assert nothing_stored()


# --- Check answers, rules on the right page, submission ----------------------------------------


def test_check_answers_shows_change_links_fees_and_the_special_period(
    client, alice, fn, media
):
    until = timezone.localdate() + timedelta(days=50)
    application = fd.ready_extension(alice, fn, reentry_until=until)
    client.force_login(alice)
    response = client.get(url("draft_check", application))
    html = response.content.decode()
    assert response.status_code == 200
    assert not errors_of(response)
    assert url("draft_person", application) + "?from=check" in html
    assert url("draft_companions", application) + "?from=check" in html
    # Extension ¥5,500 and a multiple re-entry permit ¥6,500 (online, 2025 table).
    assert "¥5,500" in html and "¥6,500" in html and "¥12,000" in html
    assert "special period" in html
    until = fn.period_expiry + relativedelta(months=2)
    assert f"{until.day} {until:%B} {until.year}" in html  # portal/formats
    assert 'name="declaration"' in html


def test_a_rule_failure_links_to_the_page_that_shows_it_at_the_field(
    client, alice, fn, media
):
    too_late = timezone.localdate() + timedelta(days=6 * 366)
    application = fd.ready_extension(alice, fn, reentry_until=too_late)
    client.force_login(alice)
    check = client.get(url("draft_check", application))
    summary = errors_of(check)
    assert "valid for at most 5 years" in summary
    link = (
        url("draft_companions", application)
        + "?from=check&amp;rules=1#id_reentry_until"
    )
    assert link in summary
    assert 'name="declaration"' not in check.content.decode()

    page = client.get(link.replace("&amp;", "&").split("#")[0])
    html = page.content.decode()
    assert "valid for at most 5 years" in errors_of(page)
    assert 'href="#id_reentry_until"' in errors_of(page)
    assert re.search(
        r'id="id_reentry_until_error".*valid for at most 5 years', html, re.S
    )
    assert 'aria-invalid="true"' in html
    assert html.count("<title>Error:") + html.count("<title>エラー:") == 1


def test_a_requested_period_not_allowed_is_shown_on_the_application_page(
    client, alice, fn, media
):
    application = fd.ready_extension(alice, fn)
    services.application_update(
        application=application,
        expected_version=application.version,
        actor=alice,
        fields={"requested_period": "4y3m"},
    )
    client.force_login(alice)
    summary = errors_of(client.get(url("draft_check", application)))
    assert "not one of those allowed for the status" in summary
    page = client.get(url("draft_application", application) + "?from=check&rules=1")
    assert re.search(
        r'id="id_requested_period_error".*not one of those allowed',
        page.content.decode(),
        re.S,
    )


def test_missing_documents_are_shown_slot_by_slot(client, alice, fn, media):
    application = fd.draft(alice, fn)
    client.force_login(alice)
    check = errors_of(client.get(url("draft_check", application)))
    assert "Upload every required document" in check
    page = client.get(url("draft_documents", application) + "?from=check&rules=1")
    summary = errors_of(page)
    assert 'href="#id_photo-upload"' in summary
    assert 'href="#id_tax_certificates-upload"' in summary
    assert 'id="slot-photo-missing"' in page.content.decode()


def test_submit_needs_the_declaration(client, alice, fn, media):
    application = fd.ready_extension(alice, fn)
    client.force_login(alice)
    response = client.post(
        url("draft_check", application), {"version": str(application.version)}
    )
    assert response.status_code == 200
    assert "Confirm that the information is true" in errors_of(response)
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def submit(client, application):
    return client.post(
        url("draft_check", application),
        {"version": str(application.version), "declaration": "on"},
    )


def test_submit_gives_a_receipt_number_at_once(
    client, alice, bob, fn, media, django_capture_on_commit_callbacks
):
    until = timezone.localdate() + timedelta(days=50)
    application = fd.ready_extension(alice, fn, reentry_until=until)
    client.force_login(bob)  # a colleague sends Alice's draft
    with django_capture_on_commit_callbacks():
        response = submit(client, application)
    assert response.url == url("submitted", application)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.submitted_by == bob
    reentry = application.companions.get()
    assert reentry.receipt_number and reentry.status == Status.SUBMITTED
    page = client.get(response.url).content.decode()
    assert application.receipt_number in page
    assert reentry.receipt_number in page
    # The draft pages now send the user to the confirmation.
    assert client.get(url("draft_person", application)).url == url(
        "submitted", application
    )


def test_double_submit_returns_the_same_application(client, alice, fn, media):
    application = fd.ready_extension(alice, fn)
    client.force_login(alice)
    first = submit(client, application)
    again = submit(client, application)  # the same form posted again
    assert first.url == again.url == url("submitted", application)
    assert Application.objects.filter(main__isnull=True).count() == 1
    application.refresh_from_db()
    receipt = application.receipt_number
    assert application.events.filter(action="submit").count() == 1
    assert submit(client, application).url == url("submitted", application)
    application.refresh_from_db()
    assert application.receipt_number == receipt


def test_submit_when_a_rule_fails_meanwhile_lists_the_failures(
    client, alice, fn, media
):
    application = fd.ready_extension(alice, fn)
    client.force_login(alice)
    # The period of stay ended since the check page was loaded.
    ForeignNational.objects.filter(pk=fn.pk).update(
        period_expiry=timezone.localdate() - timedelta(days=1)
    )
    response = submit(client, application)
    assert response.status_code == 200
    assert "period of stay has already ended" in errors_of(response)
    assert url(
        "draft_person", application
    ) + "?from=check&amp;rules=1#id_period_expiry" in errors_of(response)
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_submit_on_a_stale_page_is_refused(client, alice, fn, media):
    application = fd.ready_extension(alice, fn)
    client.force_login(alice)
    old = application.version
    services.application_update(
        application=application,
        expected_version=old,
        actor=alice,
        fields={"requested_period": "3y"},
    )
    response = client.post(
        url("draft_check", application), {"version": str(old), "declaration": "on"}
    )
    assert response.status_code == 409
    application.refresh_from_db()
    assert application.status == Status.DRAFT


# --- Drafts of the organisation ------------------------------------------------------------------


def test_drafts_are_the_organisations(client, alice, bob, org, fn, mallory):
    application = fd.draft(alice, fn)
    scrivener = appointee(org)
    for user in (bob, scrivener):
        client.force_login(user)
        page = client.get(reverse("applications:drafts")).content.decode()
        assert url("draft", application) in page
        response = client.post(
            url("draft_application", application),
            {
                "version": str(Application.objects.get(pk=application.pk).version),
                "requested_period": "1y",
            },
        )
        assert response.status_code == 302
    client.force_login(mallory)
    assert (
        url("draft", application)
        not in client.get(reverse("applications:drafts")).content.decode()
    )


def test_a_draft_is_deleted_only_after_confirmation(client, alice, fn, media):
    application = fd.draft(alice, fn, "extension", ("reentry",))
    fd.upload_required_documents(application, alice)
    client.force_login(alice)
    page = client.get(url("draft_delete", application))
    assert page.status_code == 200 and Application.objects.count() == 2
    response = client.post(
        url("draft_delete", application), {"version": str(application.version)}
    )
    assert response.url == reverse("applications:drafts")
    assert not Application.objects.exists()
    assert not ApplicationDocument.objects.exists()
    assert ForeignNational.objects.filter(pk=fn.pk).exists()


# --- Scope ---------------------------------------------------------------------------------------


DRAFT_PAGES = [
    "draft",
    "draft_person",
    "draft_application",
    "draft_companions",
    "draft_documents",
    "draft_check",
    "draft_delete",
]


def test_another_organisations_user_gets_404_on_every_draft_url_and_file(
    client, alice, fn, mallory, media
):
    application = fd.ready_extension(
        alice, fn, reentry_until=timezone.localdate() + timedelta(days=30)
    )
    document = ApplicationDocument.objects.filter(application=application).first()
    client.force_login(mallory)
    for name in DRAFT_PAGES:
        assert client.get(url(name, application)).status_code == 404, name
        if name != "draft":  # the task list is read-only
            assert (
                client.post(url(name, application), {"version": "1"}).status_code == 404
            ), name
    assert (
        client.post(
            url("draft_document_remove", application), {"version": "1"}
        ).status_code
        == 404
    )
    assert client.get(url("submitted", application)).status_code == 404
    assert (
        client.get(reverse("files:download", args=[document.file.code])).status_code
        == 404
    )
    assert (
        client.get(reverse("applications:start_type", args=[fn.code])).status_code
        == 404
    )
    assert (
        client.get(reverse("applications:foreign_national", args=[fn.code])).status_code
        == 404
    )
    # The organisation's own users may download it.
    client.force_login(alice)
    assert (
        client.get(reverse("files:download", args=[document.file.code])).status_code
        == 200
    )


@pytest.mark.parametrize("state", ["suspended", "expired"])
def test_read_only_users_get_403_on_writes(client, alice, fn, media, state):
    application = fd.draft(alice, fn)
    if state == "suspended":
        User.objects.filter(pk=alice.pk).update(status=User.Status.SUSPENDED)
    else:
        User.objects.filter(pk=alice.pk).update(
            valid_until=timezone.localdate() - timedelta(days=1)
        )
    client.force_login(alice)
    assert client.get(url("draft", application)).status_code == 200
    assert client.get(url("draft_application", application)).status_code == 200
    for name in [
        "draft_person",
        "draft_application",
        "draft_companions",
        "draft_documents",
        "draft_check",
        "draft_delete",
        "draft_document_remove",
    ]:
        assert (
            client.post(url(name, application), {"version": "1"}).status_code == 403
        ), name
    assert (
        client.get(reverse("applications:start_type", args=[fn.code])).status_code
        == 403
    )
    assert (
        client.post(
            reverse("applications:foreign_national", args=[fn.code]), {}
        ).status_code
        == 403
    )


# --- Query count ---------------------------------------------------------------------------------


def test_a_step_validates_and_saves_in_at_most_15_queries(
    client, alice, fn, django_assert_max_num_queries
):
    application = fd.draft(alice, fn, "extension", ("reentry",))
    client.force_login(alice)
    client.get(url("draft", application))  # the session is set up
    with django_assert_max_num_queries(15):
        response = client.post(
            url("draft_person", application), fd.person_post(application)
        )
    assert response.status_code == 302
    application.refresh_from_db()
    with django_assert_max_num_queries(15):
        response = client.post(
            url("draft_application", application),
            {"version": str(application.version), "requested_period": "1y"},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    with django_assert_max_num_queries(15):
        response = client.post(
            url("draft_companions", application),
            {
                "version": str(application.version),
                "companions": ["reentry"],
                "reentry_variant": "multiple",
                "reentry_until": (
                    timezone.localdate() + timedelta(days=40)
                ).isoformat(),
            },
        )
    assert response.status_code == 302


# --- Emails --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["application_submitted", "application_withdrawn"])
@pytest.mark.parametrize("language", ["ja", "en"])
def test_application_emails_render_in_both_languages(kind, language, alice):
    context = {
        "receipt_number": "TKY-2026-0001234",
        "application_type_ja": "在留期間更新許可申請",
        "application_type_en": "Extension of Period of Stay",
        "recipient": alice,
        "link": "/applications/00000000-0000-0000-0000-000000000000/",
        "reason": "転職のため",
    }
    email = render_email(kind, context, language)
    assert "TKY-2026-0001234" in email.text and "TKY-2026-0001234" in email.html
    expected = (
        "在留期間更新許可申請" if language == "ja" else "Extension of Period of Stay"
    )
    # The subject names the application type and what happened (issue 12).
    assert email.subject.startswith(expected)
    assert expected in email.text
    assert "/applications/00000000-0000-0000-0000-000000000000/" in email.text


def test_the_dashboard_leads_to_filing(client, alice, fn):
    fd.draft(alice, fn)
    client.force_login(alice)
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("applications:start") in html
    assert reverse("applications:drafts") in html
    assert "1 draft application." in html


def test_people_are_searched_by_name_without_putting_it_in_the_url(client, alice, org):
    # A family name that no random token (CSRF, nonce) can contain.
    fd.person(org, family_name="TRAN-NGOC", passport_number="T1")
    fd.person(org, family_name="SANTOS", passport_number="S1")
    client.force_login(alice)
    page = client.post(
        reverse("applications:start_person", args=[org.code]),
        {"q": "ｓａｎ", "search": "1"},
    )
    html = page.content.decode()
    assert page.status_code == 200 and not errors_of(page)
    assert "SANTOS" in html and "TRAN-NGOC" not in html
