"""The requester's side of the request for use, through the Django test
client: proving the email address, the wizard's pages saving the draft,
stale edits, documents, the roster CSV, the office, check answers, submission
and resubmission after a return — and strangers getting 404."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from accounts import messages as m
from accounts import selectors, services
from accounts.models import (
    EmailProof,
    Organization,
    User,
    UseRequest,
    UseRequestAppointer,
    UseRequestDocument,
)
from accounts.selectors import use_request_file_access
from accounts.views.request_access import SESSION_EMAIL
from portal.celery import app as celery_app
from portal.files.models import StoredFile
from tests import factories
from tests.factories import (
    Role,
    UseRequestFactory,
    UserFactory,
    office,
    pdf_bytes,
    request_corporate_number,
)

pytestmark = pytest.mark.django_db

EMAIL = "hanako.sato@example.jp"
TOKEN_RE = re.compile(r"/request/verify/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/no-public-url/"},
        },
    }
    return root


@pytest.fixture
def eager_celery(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def prove(client, email: str = EMAIL) -> None:
    """Give the client's session a proven address (as the link does)."""
    session = client.session
    session[SESSION_EMAIL] = email
    session.save()


def url(name: str, r: UseRequest, *args) -> str:
    return reverse(f"accounts:{name}", args=[r.code, *args])


def text(response) -> str:
    """The page with HTML entities undone (messages contain apostrophes)."""
    return html.unescape(response.content.decode())


def new_draft(client, email: str = EMAIL) -> UseRequest:
    prove(client, email)
    response = client.post(reverse("accounts:request_new"))
    assert response.status_code == 302
    return UseRequest.objects.get(email=email, status="draft")


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


ROSTER_HEADER = (
    "family_name,given_name,sex,date_of_birth,nationality,residence_card_number"
)


# --- proving the email address ----------------------------------------------------------------


def test_start_page_explains_and_asks_for_the_email(client):
    response = client.get(reverse("accounts:request_start"))
    assert response.status_code == 200
    page = text(response)
    # The four user categories and the five requirements are explained.
    assert len(response.context["categories"]) == 4
    assert len(response.context["declarations"]) == 5
    for _label, hint in response.context["categories"]:
        assert str(hint) in page
    assert 'autocomplete="email"' in page
    assert "novalidate" in page
    assert reverse("accounts:request_roster_template") in page


def test_the_link_proves_the_email_once(
    client, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:request_start"), {"email": " Hanako.Sato@example.jp "}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:request_sent")
    assert "Hanako.Sato@example.jp" in text(client.get(response["Location"]))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Hanako.Sato@example.jp"]
    token = TOKEN_RE.search(message.body)[1]
    link = reverse("accounts:request_verify", args=[token])
    # Opening the link (or a mail scanner doing so) does not use it up.
    assert client.get(link).status_code == 200
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:request_mine")
    assert client.session[SESSION_EMAIL] == "Hanako.Sato@example.jp"
    assert client.get(reverse("accounts:request_mine")).status_code == 200
    # Second use: refused, with a way to get a new link.
    other = client.__class__()
    response = other.post(link)
    assert response.status_code == 410
    assert str(m.TOKEN_USED) in text(response)
    assert reverse("accounts:request_start") in text(response)
    assert SESSION_EMAIL not in other.session


def test_an_expired_link_is_refused(client):
    token = "t" * 43
    EmailProof.objects.create(
        email=EMAIL,
        token_hash=selectors.token_hash(token),
        expires_at=timezone.now() + services.EMAIL_PROOF_LIFETIME,
    )
    link = reverse("accounts:request_verify", args=[token])
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        assert client.get(link).status_code == 410
        response = client.post(link)
    assert response.status_code == 410
    assert str(m.TOKEN_EXPIRED) in text(response)
    assert SESSION_EMAIL not in client.session
    assert EmailProof.objects.get().used_at is None


def test_an_unknown_link_is_404(client):
    response = client.post(reverse("accounts:request_verify", args=["nonsense"]))
    assert response.status_code == 404
    assert str(m.TOKEN_UNKNOWN) in text(response)


def test_links_per_address_are_limited(client):
    for _ in range(5):
        assert (
            client.post(reverse("accounts:request_start"), {"email": EMAIL}).status_code
            == 302
        )
    response = client.post(reverse("accounts:request_start"), {"email": EMAIL})
    assert response.status_code == 200
    assert str(m.EMAIL_RATE_LIMITED) in text(response)
    assert EmailProof.objects.count() == 5


def test_an_invalid_address_shows_the_error_summary_and_keeps_the_input(client):
    response = client.post(
        reverse("accounts:request_start"), {"email": "not-an-address"}
    )
    page = text(response)
    assert response.status_code == 200
    assert "<title>Error:" in page or "<title>エラー" in page
    assert 'class="error-summary"' in page
    assert 'value="not-an-address"' in page
    assert EmailProof.objects.count() == 0


def test_without_a_proven_address_the_list_sends_you_to_start(client):
    response = client.get(reverse("accounts:request_mine"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:request_start")


# --- the wizard -------------------------------------------------------------------------------


def test_the_pages_save_a_normalised_draft_step_by_step(client):
    r = new_draft(client)
    assert client.get(url("request_hub", r)).status_code == 200

    response = client.post(
        url("request_category", r), {"version": r.version, "user_category": "2"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("request_organization", r)
    r.refresh_from_db()
    assert r.user_category == 2

    page = text(client.get(url("request_organization", r)))
    assert "appointed you" in page  # categories 2–4: this page is about the employer
    response = client.post(
        url("request_organization", r),
        {
            "version": r.version,
            "org_name_ja": "株式会社ＡＢＣ",
            "org_name_en": "",
            "org_is_corporation": "yes",
            "org_corporate_number": "４０１１－００１０－９８９９３",
            "org_postal_code": "〒１００００１３",
            "org_prefecture": "13",
            "org_address": "千代田区霞が関１－１",
            "org_representative": "山田 太郎",
            "org_phone": "０３ー１２３４ー５６７８",
            "org_category": "3",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == url("request_person", r)
    r.refresh_from_db()
    assert (r.org_name_ja, r.org_corporate_number, r.org_postal_code, r.org_phone) == (
        "株式会社ABC",
        "4011001098993",
        "100-0013",
        "03-1234-5678",
    )
    assert (
        r.org_is_corporation is True
        and r.org_prefecture_id == 13
        and r.org_category == 3
    )

    page = text(client.get(url("request_person", r)))
    assert 'autocomplete="name"' in page and 'autocomplete="tel"' in page
    assert "toritsugi_number" in page and "affiliation" in page
    response = client.post(
        url("request_person", r),
        {
            "version": r.version,
            "full_name": "佐藤 花子",
            "full_name_kana": "さとう はなこ",
            "phone": "090-1234-5678",
            "position": "行政書士",
            "affiliation": "行政書士法人テスト",
            "toritsugi_number": "東行-12345",
            "toritsugi_issuer": "東京都行政書士会",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("request_appointers", r)
    r.refresh_from_db()
    assert r.full_name_kana == "サトウ\u3000ハナコ"
    assert r.toritsugi_issuer == "東京都行政書士会"

    declarations = (
        "decl_no_punishment",
        "decl_notifications_filed",
        "decl_lawful_acceptance",
        "decl_no_id_lending",
        "decl_periodic_report",
    )
    data = {"version": r.version} | dict.fromkeys(declarations, "on")
    assert client.post(url("request_declarations", r), data).status_code == 302
    r.refresh_from_db()
    assert r.decl_no_id_lending and r.decl_periodic_report

    response = client.post(
        url("request_office", r), {"version": r.version, "office": "TKY"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("request_check", r)
    r.refresh_from_db()
    assert r.office.code == "TKY"
    assert r.version == 6  # created at 1, five pages saved


def test_every_declaration_must_be_ticked(client):
    r = new_draft(client)
    data = {
        "version": r.version,
        "decl_no_punishment": "on",
        "decl_notifications_filed": "on",
    }
    response = client.post(url("request_declarations", r), data)
    assert response.status_code == 200
    page = text(response)
    assert page.count(str(m.DECLARATION_REQUIRED)) >= 3
    r.refresh_from_db()
    assert not r.decl_no_punishment and r.version == 1


def test_a_wrong_check_digit_is_refused_with_the_typed_values_kept(client):
    r = new_draft(client)
    response = client.post(
        url("request_organization", r),
        {
            "version": r.version,
            "org_name_ja": "テスト株式会社",
            "org_is_corporation": "yes",
            "org_corporate_number": "5011001098993",
            "org_postal_code": "12",
            "org_prefecture": "13",
            "org_address": "千代田区",
            "org_representative": "山田",
            "org_phone": "03-1234-5678",
            "org_category": "1",
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "<title>Error:" in page or "<title>エラー" in page
    # The error summary comes first in main, before the form.
    assert (
        page.index("<main")
        < page.index('class="error-summary"')
        < page.index('class="form"')
    )
    assert 'href="#id_org_corporate_number"' in page
    assert 'value="5011001098993"' in page and 'value="テスト株式会社"' in page
    assert str(m.POSTAL_CODE_INVALID) in page
    r.refresh_from_db()
    assert r.version == 1 and r.org_name_ja == ""


def test_a_stale_page_is_refused_and_nothing_is_overwritten(client):
    r = new_draft(client)
    loaded_version = r.version
    # Another tab saves first.
    services.use_request_update(
        use_request=r,
        fields={"org_name_ja": "別のタブ株式会社", "user_category": 1},
        expected_version=loaded_version,
    )
    response = client.post(
        url("request_category", r), {"version": loaded_version, "user_category": "3"}
    )
    assert response.status_code == 409
    page = text(response)
    assert str(m.STALE_EDIT) in page
    assert "<title>Error:" in page or "<title>エラー" in page
    r.refresh_from_db()
    assert r.user_category == 1 and r.org_name_ja == "別のタブ株式会社"
    assert r.version == loaded_version + 1
    # The page shows the newer saved data and version.
    assert response.context["form"]["version"].value() == r.version
    assert response.context["form"]["user_category"].value() == 1


def test_the_suggested_office_is_preselected_and_airport_offices_are_not_offered(
    client,
):
    r = new_draft(client)
    UseRequest.objects.filter(pk=r.pk).update(
        org_prefecture_id=14
    )  # Kanagawa → Yokohama
    response = client.get(url("request_office", r))
    form = response.context["form"]
    assert form["office"].value() == "YKH"
    codes = [o.code for o in form.offices]
    assert "TKY" in codes and "YKH" in codes
    assert not {"NRT", "HND", "NGO", "KIX"} & set(codes)
    assert "Suggested" in text(response) or "候補" in text(response)


def test_an_office_that_does_not_take_requests_is_refused(client):
    r = new_draft(client)
    response = client.post(
        url("request_office", r), {"version": r.version, "office": "NRT"}
    )
    assert response.status_code == 200
    assert str(m.OFFICE_NOT_ACCEPTING) in text(response)
    r.refresh_from_db()
    assert r.office_id is None and r.version == 1


def test_additional_appointers_must_already_use_the_portal(client):
    r = new_draft(client)
    UseRequest.objects.filter(pk=r.pk).update(user_category=User.Category.SUPPORT_ORG)
    r.refresh_from_db()
    number = request_corporate_number()
    response = client.post(
        url("request_appointers", r),
        {"version": r.version, "name_ja": "登録株式会社", "corporate_number": number},
    )
    assert response.status_code == 200
    assert str(m.APPOINTER_NOT_REGISTERED) in text(response)
    assert not r.appointers.exists()

    org = Organization.objects.create(
        name_ja="登録株式会社",
        corporate_number=number,
        category=2,
        postal_code="100-0001",
        prefecture_id=13,
        address="千代田区",
        representative="代表",
        phone="03-0000-0000",
        office=office("TKY"),
    )
    response = client.post(
        url("request_appointers", r),
        {"version": r.version, "name_ja": "登録株式会社", "corporate_number": number},
    )
    assert response.status_code == 302
    appointer = UseRequestAppointer.objects.get(use_request=r)
    assert appointer.organization == org
    r.refresh_from_db()
    # Adding the same one again is refused.
    response = client.post(
        url("request_appointers", r),
        {"version": r.version, "name_ja": "登録", "corporate_number": number},
    )
    assert str(m.APPOINTER_DUPLICATE) in text(response)
    response = client.post(
        url("request_appointer_remove", r),
        {"version": r.version, "item": str(appointer.pk)},
    )
    assert response.status_code == 302
    assert not r.appointers.exists()


# --- documents -------------------------------------------------------------------------------


def upload(client, r: UseRequest, slot: str, *files):
    r.refresh_from_db()
    return client.post(
        url("request_documents", r),
        {"slot": slot, f"{slot}-version": r.version, f"{slot}-upload": list(files)},
    )


def named(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_documents_are_uploaded_listed_downloaded_and_removed(client):
    r = new_draft(client)
    response = upload(
        client,
        r,
        "org_summary",
        named("概要.pdf", pdf_bytes()),
        named("p2.pdf", pdf_bytes(2)),
    )
    assert response.status_code == 302
    documents = list(UseRequestDocument.objects.filter(use_request=r))
    assert [d.slot for d in documents] == ["org_summary", "org_summary"]
    assert {d.file.purpose for d in documents} == {"use_request"}

    page = text(client.get(url("request_documents", r)))
    assert "概要.pdf" in page and "<meter" in page

    response = client.get(url("request_document_file", r, documents[0].file.code))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    r.refresh_from_db()
    response = client.post(
        url("request_document_remove", r),
        {"version": r.version, "item": str(documents[0].file.code)},
    )
    assert response.status_code == 302
    assert UseRequestDocument.objects.filter(use_request=r).count() == 1
    assert not StoredFile.objects.filter(pk=documents[0].file_id).exists()


def test_a_rejected_file_is_named_at_its_slot_and_the_good_one_kept(client, media_root):
    r = new_draft(client)
    response = upload(
        client,
        r,
        "pledge",
        named("good.pdf", pdf_bytes()),
        named("page.pdf", b"<html><script>alert(1)</script></html>"),
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#slot-pledge")
    assert [d.file.original_name for d in UseRequestDocument.objects.all()] == [
        "good.pdf"
    ]
    page = client.get(response["Location"]).content.decode()
    section = re.search(
        r'<section class="section"\s+id="slot-pledge".*?</section>', page, re.S
    )
    assert section
    assert "Uploaded: good.pdf" in section.group(0)
    assert "page.pdf" in section.group(0) and "banner--error" in section.group(0)


def test_when_every_file_is_rejected_nothing_is_stored(client, media_root):
    r = new_draft(client)
    response = upload(
        client,
        r,
        "pledge",
        named("page.pdf", b"<html><script>alert(1)</script></html>"),
    )
    assert response.status_code == 200
    page = text(response)
    assert "page.pdf" in page and 'class="error-summary"' in page
    assert not UseRequestDocument.objects.exists() and not StoredFile.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_the_total_size_cap_counts_files_already_uploaded(client, settings):
    r = new_draft(client)
    one = pdf_bytes()
    settings.UPLOAD_MAX_TOTAL_BYTES = len(one) * 2 + 10
    assert (
        upload(
            client, r, "org_summary", named("a.pdf", one), named("b.pdf", one)
        ).status_code
        == 302
    )
    response = upload(client, r, "pledge", named("c.pdf", one))
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["upload"]
    assert [e.code for e in errors] == ["too_large_total"]
    assert 'class="error-summary"' in text(response)
    assert UseRequestDocument.objects.filter(use_request=r).count() == 2


# --- the roster ------------------------------------------------------------------------------


def test_the_roster_import_is_all_or_nothing(client):
    r = new_draft(client)
    bad = csv_bytes(
        ROSTER_HEADER,
        "NGUYEN,VAN AN,M,1995-04-01,VN,AB12345678CD",
        "SANTOS,MARIA,Q,1998-02-30,PH,AB12345678CE",
    )
    response = client.post(
        url("request_roster", r),
        {"version": r.version, "csv_file": named("list.csv", bad)},
    )
    assert response.status_code == 200
    page = text(response)
    assert str(m.ROSTER_NOT_IMPORTED) in page
    assert "Line 3, column sex:" in page and "Line 3, column date_of_birth:" in page
    r.refresh_from_db()
    assert r.roster == [] and r.version == 1

    good = csv_bytes(
        ROSTER_HEADER,
        "NGUYEN,VAN AN,M,1995-04-01,VN,AB12345678CD",
        "SANTOS,MARIA,F,1998-02-28,PH,AB12345678CE",
    )
    response = client.post(
        url("request_roster", r),
        {"version": r.version, "csv_file": named("list.csv", good)},
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert [row["family_name"] for row in r.roster] == ["NGUYEN", "SANTOS"]
    assert r.roster[1]["date_of_birth"] == "1998-02-28"
    page = text(client.get(url("request_roster", r)))
    assert "SANTOS" in page and "<table" in page


def test_the_roster_template_downloads(client):
    response = client.get(reverse("accounts:request_roster_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.startswith(b"\xef\xbb\xbf")


# --- check answers and submission ---------------------------------------------------------


def test_check_answers_lists_problems_linking_to_the_pages(client):
    r = new_draft(client)
    response = client.get(url("request_check", r))
    page = text(response)
    assert 'class="error-summary"' in page
    assert f'href="{url("request_category", r)}"' in page
    assert f'href="{url("request_office", r)}"' in page
    assert str(m.MISSING_ROSTER) in page
    assert "Accept and send" not in page


def test_check_answers_shows_every_answer_with_change_links(client):
    r = UseRequestFactory(email=EMAIL)
    prove(client)
    response = client.get(url("request_check", r))
    page = text(response)
    assert response.status_code == 200
    assert 'class="error-summary"' not in page
    assert r.org_corporate_number in page and "org_summary.pdf" in page
    assert url("request_organization", r) + "?from=check" in page
    # "Change" from check answers comes back to check answers.
    response = client.post(
        url("request_category", r) + "?from=check",
        {"version": r.version, "user_category": "1"},
    )
    assert response["Location"] == url("request_check", r)


def test_submit_gives_a_reference_number_and_emails_a_confirmation(
    client, eager_celery, django_capture_on_commit_callbacks
):
    r = UseRequestFactory(email=EMAIL)
    prove(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("request_check", r), {"version": r.version})
    assert response.status_code == 302
    assert response["Location"] == url("request_done", r)
    r.refresh_from_db()
    assert r.status == "submitted" and r.reference_number
    page = text(client.get(response["Location"]))
    assert r.reference_number in page and EMAIL in page
    confirmations = [msg for msg in mail.outbox if msg.to == [EMAIL]]
    assert len(confirmations) == 1
    assert r.reference_number in confirmations[0].subject
    assert r.reference_number in confirmations[0].body


def test_a_double_submit_creates_one_reference_number(
    client, eager_celery, django_capture_on_commit_callbacks
):
    r = UseRequestFactory(email=EMAIL)
    prove(client)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url("request_check", r), {"version": r.version})
        second = client.post(url("request_check", r), {"version": r.version})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == url("request_done", r)
    r.refresh_from_db()
    reference = r.reference_number
    assert UseRequest.objects.filter(reference_number__isnull=False).count() == 1
    assert len([msg for msg in mail.outbox if msg.to == [EMAIL]]) == 1
    # Calling the service again is a no-op too.
    assert services.use_request_submit(use_request=r).reference_number == reference


def test_a_second_pending_request_for_the_same_organisation_is_refused(client):
    number = request_corporate_number()
    UseRequestFactory(submitted=True, email=EMAIL, corp_number=number)
    r = UseRequestFactory(email=EMAIL, corp_number=number)
    prove(client)
    response = client.post(url("request_check", r), {"version": r.version})
    assert response.status_code == 200
    assert str(m.DUPLICATE_PENDING) in text(response)
    r.refresh_from_db()
    assert r.status == "draft" and r.reference_number is None


def test_submitting_a_page_changed_elsewhere_is_refused(client):
    r = UseRequestFactory(email=EMAIL)
    prove(client)
    seen = r.version
    services.use_request_update(
        use_request=r, fields={"position": "課長"}, expected_version=seen
    )
    response = client.post(url("request_check", r), {"version": seen})
    assert response.status_code == 409
    assert str(m.STALE_EDIT) in text(response)
    r.refresh_from_db()
    assert r.status == "draft"


def test_a_returned_request_shows_the_comments_and_is_resubmitted(client):
    r = UseRequestFactory(submitted=True, email=EMAIL)
    reference = r.reference_number
    decider = factories.officer(Role.RECEPTION, office_code="TKY", mfa=False)
    services.use_request_return(
        use_request=r,
        actor=decider,
        comments={"organization": "住所を確認してください。"},
    )
    prove(client)
    assert url("request_hub", r) in text(client.get(reverse("accounts:request_mine")))
    page = text(client.get(url("request_hub", r)))
    assert "住所を確認してください。" in page
    page = text(client.get(url("request_organization", r)))
    assert "住所を確認してください。" in page
    r.refresh_from_db()
    form = client.get(url("request_organization", r)).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        version=r.version,
        org_is_corporation="yes",
        org_prefecture="13",
        org_address="千代田区千代田1-2",
    )
    response = client.post(url("request_organization", r), data)
    assert response.status_code == 302, response.context["form"].errors
    r.refresh_from_db()
    response = client.post(url("request_check", r), {"version": r.version})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == "submitted" and r.reference_number == reference
    assert r.org_address == "千代田区千代田1-2"


# --- access ----------------------------------------------------------------------------------


def _object_urls(r: UseRequest, file_code) -> list[str]:
    return [
        url(name, r)
        for name in (
            "request_hub",
            "request_category",
            "request_organization",
            "request_person",
            "request_appointers",
            "request_declarations",
            "request_documents",
            "request_roster",
            "request_office",
            "request_check",
        )
    ] + [url("request_document_file", r, file_code)]


def test_a_stranger_gets_404_on_another_persons_draft_and_its_files(client):
    r = UseRequestFactory(email=EMAIL, category=2)
    file_code = r.documents.first().file.code
    prove(client, "someone.else@example.jp")
    for address in _object_urls(r, file_code):
        assert client.get(address).status_code == 404, address
    for name in ("request_category", "request_document_remove", "request_check"):
        assert (
            client.post(
                url(name, r),
                {"version": r.version, "user_category": "1", "item": str(file_code)},
            ).status_code
            == 404
        )
    assert client.get(url("request_done", r)).status_code == 404
    # Nobody at all, and a portal user of another organisation, too.
    anonymous = client.__class__()
    assert anonymous.get(url("request_hub", r)).status_code == 404
    user = UserFactory(mfa=True, user_category=1)
    anonymous.force_login(user)
    assert anonymous.get(url("request_hub", r)).status_code == 404
    assert anonymous.get(reverse("files:download", args=[file_code])).status_code == 404
    r.refresh_from_db()
    assert r.user_category == 2 and r.documents.count() == 5


def test_reception_fills_in_a_paper_request_of_its_own_office_only(client):
    officer = factories.officer(Role.RECEPTION, office_code="TKY", mfa=True)
    r = services.use_request_create(
        email=EMAIL,
        language="ja",
        channel="counter",
        registered_by=officer,
        office=office("TKY"),
    )
    online = UseRequestFactory(email="online@example.jp")
    client.force_login(officer)
    assert client.get(url("request_hub", r)).status_code == 200
    response = client.post(
        url("request_category", r), {"version": r.version, "user_category": "1"}
    )
    assert response.status_code == 302
    assert client.get(url("request_hub", online)).status_code == 404
    # Only the officer's own office is offered for a paper request.
    assert [
        o.code for o in client.get(url("request_office", r)).context["form"].offices
    ] == ["TKY"]
    other = factories.officer(Role.RECEPTION, office_code="OSK", mfa=True)
    client.force_login(other)
    assert client.get(url("request_hub", r)).status_code == 404


def test_request_files_are_for_reception_of_the_office_once_submitted():
    draft = UseRequestFactory(office_code="TKY")
    sent = UseRequestFactory(submitted=True, office_code="TKY")
    officer = factories.officer(Role.RECEPTION, office_code="TKY", mfa=False)
    elsewhere = factories.officer(Role.RECEPTION, office_code="OSK", mfa=False)
    requester_like = UserFactory(user_category=1)
    assert use_request_file_access(officer, draft.documents.first().file) == "none"
    sent_file = sent.documents.first().file
    assert use_request_file_access(officer, sent_file) == "view_inline"
    assert use_request_file_access(elsewhere, sent_file) == "none"
    assert use_request_file_access(requester_like, sent_file) == "none"


def test_the_hub_shows_each_sections_state(client):
    r = new_draft(client)
    UseRequest.objects.filter(pk=r.pk).update(
        user_category=1, org_name_ja="途中株式会社"
    )
    response = client.get(url("request_hub", r))
    states = {s["key"]: s["state"] for s in response.context["sections"]}
    assert states["category"] == "completed"
    assert states["organization"] == "in_progress"
    assert states["office"] == "not_started"


@pytest.mark.parametrize(
    "kind",
    [
        "email_proof",
        "use_request_submitted",
        "use_request_returned",
        "use_request_rejected",
    ],
)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_requesters_emails_render_with_and_without_the_secret_link(kind, language):
    from portal.lib.emails import render_email

    context = {
        "reference_number": "RTKY-2026-000123",
        "kind": "new",
        "office_ja": "東京出入国在留管理局",
        "office_en": "Tokyo Regional Immigration Services Bureau",
        "reason": "書類が不足しています。",
        "recipient": None,
        "link": "",
    }
    full = render_email(
        kind, {**context, "secret_link": "https://x.example/l/abc/"}, language
    )
    assert "\n" not in full.subject and full.subject
    if kind in (
        "use_request_submitted",
        "use_request_returned",
        "use_request_rejected",
    ):
        assert "RTKY-2026-000123" in full.subject and "RTKY-2026-000123" in full.text
    if kind in ("email_proof", "use_request_returned"):
        assert (
            "https://x.example/l/abc/" in full.text
            and "https://x.example/l/abc/" in full.html
        )
    # After sending, secret_ keys are wiped; the inbox copy must still render.
    wiped = render_email(kind, context, language)
    assert "https://x.example" not in wiped.text
