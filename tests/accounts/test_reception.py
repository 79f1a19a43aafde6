"""Reception: the queue, the review page and its decisions, paper requests,
office scoping, and what approval creates."""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from accounts import selectors, services
from accounts.models import (
    Appointment,
    Membership,
    OfficerRole,
    Organization,
    RosterEntry,
    SetPasswordToken,
    User,
    UseRequest,
)
from accounts.services.use_request_decisions import _ID_ALPHABET, _new_user_id
from accounts.workflow import REQUEST_TRANSITIONS, RequestAction
from portal.audit.models import AuditEvent
from portal.celery import app as celery_app
from portal.lib.dashboard import panels_for
from portal.lib.errors import IllegalTransition
from portal.notifications.models import Notification
from tests import factories
from tests.factories import (
    PASSWORD,
    Role,
    UseRequestFactory,
    UserFactory,
    office,
    request_corporate_number,
)

pytestmark = pytest.mark.django_db


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


@pytest.fixture
def officer() -> User:
    return factories.officer(
        Role.RECEPTION, office_code="TKY", mfa=True, full_name="受付 一郎"
    )


@pytest.fixture
def other_officer() -> User:
    return factories.officer(Role.RECEPTION, office_code="NGY", mfa=True)


@pytest.fixture
def officer_client(client, officer, settings):
    client.force_login(officer)
    # Messages are compared in English, whatever the Japanese catalogue says.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def reauthenticate(client) -> None:
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content[:400]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- the transition table, walked -------------------------------------------------------------


ALL_PAIRS = [(s, a) for s in UseRequest.Status.values for a in RequestAction.values]


@pytest.mark.parametrize(("status", "action"), ALL_PAIRS)
def test_every_request_transition_pair(status, action):
    r = UseRequestFactory(status=status)
    actor = factories.officer(Role.RECEPTION, mfa=False)
    calls = {
        RequestAction.SUBMIT: lambda: services.use_request_submit(use_request=r),
        RequestAction.APPROVE: lambda: services.use_request_approve(
            use_request=r, actor=actor
        ),
        RequestAction.RETURN: lambda: services.use_request_return(
            use_request=r, actor=actor, comments={"office": "Wrong office."}
        ),
        RequestAction.REJECT: lambda: services.use_request_reject(
            use_request=r, actor=actor, reason="Not eligible."
        ),
    }
    target = REQUEST_TRANSITIONS.get((status, action))
    if status == UseRequest.Status.SUBMITTED and action == RequestAction.SUBMIT:
        # A second submit (double click) is a no-op, not an error.
        assert calls[action]().status == UseRequest.Status.SUBMITTED
    elif target is None:
        with pytest.raises(IllegalTransition):
            calls[action]()
        r.refresh_from_db()
        assert r.status == status
    else:
        assert calls[action]().status == target
        r.refresh_from_db()
        assert r.status == target


# --- what approval creates ------------------------------------------------------------------


def test_approval_creates_organisation_user_membership_roster_and_emails_the_link(
    officer, eager_celery, django_capture_on_commit_callbacks
):
    r = UseRequestFactory(submitted=True, category=User.Category.ORG_STAFF)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = services.use_request_approve(use_request=r, actor=officer)
    assert r.status == UseRequest.Status.APPROVED
    user = r.resulting_user
    assert user is not None and len(user.username) == 10
    assert not user.has_usable_password()
    assert user.email == r.email and user.user_category == 1
    org = Organization.objects.get(corporate_number=r.org_corporate_number)
    assert org.office == office("TKY") and r.organization == org
    assert Membership.objects.filter(user=user, organization=org).exists()
    assert not Appointment.objects.filter(appointee=user).exists()
    assert RosterEntry.objects.filter(organization=org).count() == 2
    assert SetPasswordToken.objects.filter(user=user, used_at=None).count() == 1
    approved_mail = [m for m in mail.outbox if m.to == [user.email]]
    assert len(approved_mail) == 1
    body = approved_mail[0].body
    assert user.username in body
    assert "/set-password/" in body
    assert AuditEvent.objects.filter(
        action="use_request.approve", actor=officer
    ).exists()


def test_second_person_of_an_approved_organisation_gets_own_id_and_same_organisation(
    officer,
):
    number = request_corporate_number()
    first = services.use_request_approve(
        use_request=UseRequestFactory(
            submitted=True, corp_number=number, email="first@example.jp"
        ),
        actor=officer,
    )
    second = services.use_request_approve(
        use_request=UseRequestFactory(
            submitted=True, corp_number=number, email="second@example.jp"
        ),
        actor=officer,
    )
    assert first.resulting_user != second.resulting_user
    assert first.resulting_user.username != second.resulting_user.username
    assert first.organization == second.organization
    assert Organization.objects.filter(corporate_number=number).count() == 1
    # The roster is merged, not duplicated.
    assert RosterEntry.objects.filter(organization=first.organization).count() == 2


def test_approval_of_an_attorney_appoints_them_to_each_appointing_organisation(officer):
    appointer = Organization.objects.create(
        name_ja="みなと食品株式会社",
        corporate_number=request_corporate_number(),
        category=3,
        postal_code="231-0002",
        prefecture_id=14,
        address="横浜市中区",
        representative="代表",
        phone="045-000-0000",
        office=office("YKH"),
    )
    r = UseRequestFactory(
        submitted=True,
        category=User.Category.ATTORNEY,
        appointers=[(appointer.name_ja, appointer.corporate_number)],
    )
    r.appointers.update(organization=appointer)
    r = services.use_request_approve(use_request=r, actor=officer)
    user = r.resulting_user
    appointed = set(
        Appointment.objects.filter(appointee=user, ended_at=None).values_list(
            "organization_id", flat=True
        )
    )
    assert appointed == {r.organization_id, appointer.pk}
    assert not Membership.objects.filter(user=user).exists()


def test_generated_user_ids_are_unique_ten_characters_and_not_sequential():
    ids = [_new_user_id() for _ in range(200)]
    assert len(set(ids)) == 200
    alphabet = _ID_ALPHABET
    assert all(len(i) == 10 and set(i) <= set(alphabet) for i in ids)

    def as_number(user_id: str) -> int:
        value = 0
        for char in user_id:
            value = value * len(alphabet) + alphabet.index(char)
        return value

    numbers = [as_number(i) for i in ids]
    # Consecutive IDs are never neighbours (as a counter would make them).
    assert all(abs(a - b) > 1000 for a, b in itertools.pairwise(numbers))
    assert not any(set(i) & set("01OIL") for i in ids)


# --- the queue -----------------------------------------------------------------------------


def test_queue_shows_the_offices_requests_oldest_first_with_counts(
    officer_client, officer
):
    with time_machine.travel(timezone.now() - timedelta(days=20)):
        old = UseRequestFactory(submitted=True)
    new = UseRequestFactory(submitted=True)
    returned = UseRequestFactory(status=UseRequest.Status.RETURNED)
    elsewhere = UseRequestFactory(submitted=True, office_code="NGY")
    UseRequestFactory()  # drafts never show
    response = officer_client.get(reverse("accounts:reception_queue"))
    assert response.status_code == 200
    listed = [row["request"] for row in response.context["rows"]]
    assert listed == [old, new, returned]
    assert elsewhere not in listed
    counts = {c["status"]: c["count"] for c in response.context["status_counts"]}
    assert counts == {"submitted": 2, "returned": 1, "approved": 0, "rejected": 0}
    assert old.reference_number in response.content.decode()


def test_queue_filters_by_status_category_kind_and_age(officer_client):
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        old_attorney = UseRequestFactory(
            submitted=True, category=User.Category.ATTORNEY
        )
    staff = UseRequestFactory(submitted=True)
    url = reverse("accounts:reception_queue")

    def listed(**params):
        response = officer_client.get(url, params)
        assert response.status_code == 200
        return [row["request"] for row in response.context["rows"]]

    assert listed(category=2) == [old_attorney]
    assert listed(category=1) == [staff]
    assert listed(age=7) == [old_attorney]
    assert listed(status="approved") == []
    assert listed(kind="periodic") == []
    assert listed(kind="new", status="submitted") == [old_attorney, staff]
    # Nonsense filters are errors on the page, never a crash.
    response = officer_client.get(url, {"age": "abc", "status": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_queue_is_paginated(officer_client, officer):
    template = UseRequestFactory(submitted=True)
    now = timezone.now()
    UseRequest.objects.bulk_create(
        [
            UseRequest(
                email=f"bulk{i}@example.jp",
                status=UseRequest.Status.SUBMITTED,
                reference_number=f"RTKY-BULK-{i:04d}",
                submitted_at=now - timedelta(minutes=i),
                office=template.office,
                org_name_ja="一括",
            )
            for i in range(60)
        ]
    )
    first = officer_client.get(reverse("accounts:reception_queue"))
    assert len(first.context["rows"]) == 50
    second = officer_client.get(reverse("accounts:reception_queue"), {"page": 2})
    assert len(second.context["rows"]) == 11


@pytest.mark.parametrize("role", ["examiner", "portal_user"])
def test_queue_is_forbidden_to_anyone_but_reception(client, role):
    user = UserFactory(mfa=True, user_category=1 if role == "portal_user" else None)
    if role == "examiner":
        OfficerRole.objects.create(user=user, office=office("TKY"), role="examiner")
    client.force_login(user)
    assert client.get(reverse("accounts:reception_queue")).status_code == 403
    assert client.get(reverse("accounts:reception_register_paper")).status_code == 403
    assert client.get(reverse("accounts:reception_users")).status_code == 403


def test_queue_needs_sign_in(client):
    response = client.get(reverse("accounts:reception_queue"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- the review page ------------------------------------------------------------------------


def test_review_page_shows_everything_and_records_the_view(officer_client, officer):
    r = UseRequestFactory(
        submitted=True,
        category=User.Category.ATTORNEY,
        appointers=[("依頼元株式会社", "")],
    )
    response = officer_client.get(reverse("accounts:reception_detail", args=[r.code]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        r.reference_number,
        r.org_name_ja,
        r.org_corporate_number,
        r.full_name,
        r.toritsugi_number,
        "依頼元株式会社",
        "NGUYEN",
        "SANTOS",
        "org_summary.pdf",
        "registry.pdf",
        "appointment.pdf",
    ]:
        assert text in html, text
    document = r.documents.first()
    assert f"/files/{document.file.code}/?inline=1" in html
    history = response.context["history"]
    assert len(history) == 1 and history[0]["at"] is not None
    event = AuditEvent.objects.get(action="use_request.view")
    assert event.actor == officer and event.object_code == str(r.code)


def test_officer_can_view_a_document_inline_and_another_office_cannot(
    officer_client, client, other_officer
):
    r = UseRequestFactory(submitted=True)
    stored = r.documents.first().file
    url = reverse("files:download", args=[stored.code]) + "?inline=1"
    response = officer_client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline")
    client.force_login(other_officer)
    assert client.get(url).status_code == 404


def _object_urls(r: UseRequest) -> list[tuple[str, str]]:
    urls = [("get", reverse("accounts:reception_detail", args=[r.code]))]
    urls += [
        ("get", reverse("accounts:reception_decide", args=[r.code, action]))
        for action in ("approve", "return", "reject")
    ]
    urls += [
        ("post", reverse(name, args=[r.code]))
        for name in (
            "accounts:reception_approve",
            "accounts:reception_return",
            "accounts:reception_reject",
        )
    ]
    urls += [
        ("get", reverse("files:download", args=[d.file.code]))
        for d in r.documents.all()
    ]
    return urls


def test_an_officer_of_another_office_gets_404_everywhere(client, other_officer):
    r = UseRequestFactory(submitted=True)
    client.force_login(other_officer)
    reauthenticate(client)
    for method, url in _object_urls(r):
        response = getattr(client, method)(
            url, {"version": r.version, "confirm": "on", "reason": "x", "person": "x"}
        )
        assert response.status_code == 404, (method, url)
    r.refresh_from_db()
    assert r.status == UseRequest.Status.SUBMITTED


def test_a_portal_user_and_an_examiner_of_the_same_office_get_404(client):
    r = UseRequestFactory(submitted=True)
    examiner = UserFactory(mfa=True)
    OfficerRole.objects.create(user=examiner, office=r.office, role="examiner")
    for user in (examiner, UserFactory(mfa=True, user_category=1)):
        client.force_login(user)
        for method, url in _object_urls(r):
            assert getattr(client, method)(url).status_code == 404, (user, url)


def test_a_draft_is_not_visible_to_reception(officer_client):
    r = UseRequestFactory()
    url = reverse("accounts:reception_detail", args=[r.code])
    assert officer_client.get(url).status_code == 404


# --- decisions -------------------------------------------------------------------------------


def test_approve_asks_for_reauthentication_then_completes_the_suspended_post(
    officer_client, officer
):
    r = UseRequestFactory(submitted=True)
    url = reverse("accounts:reception_approve", args=[r.code])
    response = officer_client.post(url, {"version": r.version, "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    r.refresh_from_db()
    assert r.status == UseRequest.Status.SUBMITTED
    # Confirming the password replays the approval the officer asked for.
    response = officer_client.post(response["Location"], {"password": PASSWORD})
    # Back at the approval's own address, where it is completed.
    assert response["Location"].startswith(url + "?resume=")
    response = officer_client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:reception_detail", args=[r.code])
    r.refresh_from_db()
    assert r.status == UseRequest.Status.APPROVED and r.decided_by == officer


def test_approve_through_the_page_then_a_double_click_gets_a_clear_message(
    officer_client,
):
    r = UseRequestFactory(submitted=True)
    reauthenticate(officer_client)
    decide = officer_client.get(
        reverse("accounts:reception_decide", args=[r.code, "approve"])
    )
    assert decide.status_code == 200
    url = reverse("accounts:reception_approve", args=[r.code])
    first = officer_client.post(
        url, {"version": r.version, "confirm": "on"}, follow=True
    )
    assert first.status_code == 200
    r.refresh_from_db()
    assert r.status == UseRequest.Status.APPROVED
    assert any("approved" in m for m in messages_of(first))
    second = officer_client.post(
        url, {"version": r.version - 1, "confirm": "on"}, follow=True
    )
    assert second.status_code == 200
    assert any("changed by someone else" in m for m in messages_of(second))
    # Even with the current version, an approved request cannot be approved again.
    third = officer_client.post(
        url, {"version": r.version, "confirm": "on"}, follow=True
    )
    assert third.status_code == 200
    assert any("changed by someone else" in m for m in messages_of(third))
    assert User.objects.filter(email=r.email).count() == 1


def test_approve_needs_the_confirmation_box(officer_client):
    r = UseRequestFactory(submitted=True)
    reauthenticate(officer_client)
    response = officer_client.post(
        reverse("accounts:reception_approve", args=[r.code]), {"version": r.version}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["confirm"]
    html = response.content.decode()
    assert "error-summary" in html
    assert "<title>Error:" in html or "<title>エラー:" in html
    r.refresh_from_db()
    assert r.status == UseRequest.Status.SUBMITTED


def test_return_needs_at_least_one_comment(officer_client):
    r = UseRequestFactory(submitted=True)
    response = officer_client.post(
        reverse("accounts:reception_return", args=[r.code]), {"version": r.version}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    r.refresh_from_db()
    assert r.status == UseRequest.Status.SUBMITTED


def test_return_with_comments_per_item_tells_the_requester(
    officer_client, eager_celery, django_capture_on_commit_callbacks
):
    r = UseRequestFactory(submitted=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("accounts:reception_return", args=[r.code]),
            {
                "version": r.version,
                "person": "  The phone number is not reachable.  ",
                "documents": "The pledge is not signed.",
                "roster": "",
            },
        )
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == UseRequest.Status.RETURNED
    assert r.return_comments == {
        "person": "The phone number is not reachable.",
        "documents": "The pledge is not signed.",
    }
    assert Notification.objects.filter(
        to_email=r.email, kind="use_request_returned"
    ).exists()
    page = officer_client.get(reverse("accounts:reception_detail", args=[r.code]))
    assert "The pledge is not signed." in page.content.decode()


def test_reject_needs_reasons_and_reauthentication(officer_client):
    r = UseRequestFactory(submitted=True)
    url = reverse("accounts:reception_reject", args=[r.code])
    assert (
        officer_client.post(url, {"version": r.version, "reason": "x"}).status_code
        == 302
    )
    r.refresh_from_db()
    assert r.status == UseRequest.Status.SUBMITTED  # sent to re-authenticate first
    reauthenticate(officer_client)
    response = officer_client.post(url, {"version": r.version, "reason": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    response = officer_client.post(
        url, {"version": r.version, "reason": "The organisation is not eligible."}
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == UseRequest.Status.REJECTED
    assert r.decision_reason == "The organisation is not eligible."


def test_decide_page_of_a_decided_request_goes_back_to_the_review(officer_client):
    r = UseRequestFactory(status=UseRequest.Status.REJECTED)
    response = officer_client.get(
        reverse("accounts:reception_decide", args=[r.code, "approve"])
    )
    assert response.status_code == 302
    assert officer_client.get(
        reverse("accounts:reception_decide", args=[r.code, "nonsense"])
    ).status_code in (302, 404)


def test_action_urls_refuse_get(officer_client):
    r = UseRequestFactory(submitted=True)
    for name in (
        "accounts:reception_approve",
        "accounts:reception_return",
        "accounts:reception_reject",
    ):
        assert officer_client.get(reverse(name, args=[r.code])).status_code == 405


def test_submission_tells_the_offices_reception_officers(
    officer, other_officer, eager_celery, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = UseRequestFactory(submitted=True)
    notification = Notification.objects.get(
        recipient=officer, kind="use_request_received"
    )
    assert notification.link == reverse("accounts:reception_detail", args=[r.code])
    assert not Notification.objects.filter(recipient=other_officer).exists()
    officer_mail = [m for m in mail.outbox if m.to == [officer.email]]
    assert len(officer_mail) == 1 and r.reference_number in officer_mail[0].subject


# --- paper requests ------------------------------------------------------------------------


def test_paper_request_starts_a_counter_draft_for_the_office(officer_client, officer):
    url = reverse("accounts:reception_register_paper")
    assert officer_client.get(url).status_code == 200
    response = officer_client.post(
        url,
        {
            "email": "ＰＡＰＥＲ@Example.jp",
            "language": "en",
            "office": office("TKY").pk,
        },
    )
    assert response.status_code == 302
    r = UseRequest.objects.get(channel=UseRequest.Channel.COUNTER)
    assert r.email == "paper@example.jp"
    assert r.language == "en"
    assert r.registered_by == officer
    assert r.office == office("TKY")
    assert r.status == UseRequest.Status.DRAFT
    assert str(r.code) in response["Location"]


def test_paper_request_cannot_name_another_office(officer_client):
    response = officer_client.post(
        reverse("accounts:reception_register_paper"),
        {"email": "a@example.jp", "language": "ja", "office": office("NGY").pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["office"]
    assert not UseRequest.objects.exists()


def test_paper_request_needs_a_valid_email(officer_client):
    response = officer_client.post(
        reverse("accounts:reception_register_paper"),
        {"email": "not an email", "language": "ja", "office": office("TKY").pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]


# --- dashboard ------------------------------------------------------------------------------


def test_dashboard_panel_counts_waiting_requests_for_reception_only(officer_client, rf):
    UseRequestFactory(submitted=True)
    UseRequestFactory(submitted=True)
    UseRequestFactory(status=UseRequest.Status.RETURNED)
    response = officer_client.get(reverse("dashboard"))
    assert response.status_code == 200
    panels = dict(response.context["panels"])
    assert panels["accounts/reception/_dashboard_panel.html"] == {
        "waiting_requests": 2,
        "waiting_reports": 0,
    }
    assert reverse("accounts:reception_queue") in response.content.decode()
    request = rf.get("/dashboard/")
    request.user = UserFactory(user_category=1)
    assert "accounts/reception/_dashboard_panel.html" not in dict(panels_for(request))


def test_status_counts_take_one_query(officer, django_assert_num_queries):
    UseRequestFactory(submitted=True)
    officer = User.objects.get(pk=officer.pk)
    with django_assert_num_queries(2):  # the officer's offices, then the counts
        selectors.use_request_status_counts(user=officer)


def test_review_page_queries_do_not_grow_with_documents_or_roster(
    officer_client, django_assert_max_num_queries
):
    from tests.factories import ROSTER, stored_pdf

    r = UseRequestFactory(
        submitted=True,
        category=User.Category.ATTORNEY,
        appointers=[("依頼元一", ""), ("依頼元二", "")],
        roster=[
            {**row, "family_name": f"P{i}"} for i in range(100) for row in ROSTER[:1]
        ],
    )
    for i in range(10):
        r.documents.create(
            slot="pledge", file=stored_pdf(f"extra{i}.pdf", purpose="use_request")
        )
    url = reverse("accounts:reception_detail", args=[r.code])
    officer_client.get(url)  # the first request of a session checks MFA once
    # user, offices, request, audit insert, appointers, documents, history,
    # unread count — QUALITY 24 allows 10.
    with django_assert_max_num_queries(10):
        response = officer_client.get(url)
    assert response.status_code == 200
    assert len(response.context["roster"]) == 100


def test_periodic_report_is_reviewed_like_a_request_and_extends_validity(
    officer_client, officer, eager_celery, django_capture_on_commit_callbacks
):
    from tests.factories import stored_pdf

    approved = services.use_request_approve(
        use_request=UseRequestFactory(submitted=True), actor=officer
    )
    filer = approved.resulting_user
    User.objects.filter(pk=filer.pk).update(valid_until=timezone.localdate())
    report = services.periodic_report_start(
        organization=approved.organization, actor=filer
    )
    UseRequest.objects.filter(pk=report.pk).update(
        decl_no_punishment=True,
        decl_notifications_filed=True,
        decl_lawful_acceptance=True,
        decl_no_id_lending=True,
        decl_periodic_report=True,
    )
    for slot in ("user_list", "category"):
        report.documents.create(
            slot=slot, file=stored_pdf(f"{slot}.pdf", purpose="use_request")
        )
    report = services.periodic_report_submit(
        report=report, actor=filer, users_confirmed=True, roster_confirmed=True
    )
    queue = officer_client.get(
        reverse("accounts:reception_queue"), {"kind": "periodic"}
    )
    assert [row["request"] for row in queue.context["rows"]] == [report]
    page = officer_client.get(reverse("accounts:reception_detail", args=[report.code]))
    assert page.status_code == 200
    assert filer.username in page.content.decode()
    assert [i["user"] for i in page.context["organization_users"]] == [filer]
    form = officer_client.get(
        reverse("accounts:reception_decide", args=[report.code, "return"])
    ).context["form"]
    assert set(form.fields) == {
        "version",
        "users",
        "declarations",
        "documents",
        "roster",
    }
    reauthenticate(officer_client)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("accounts:reception_approve", args=[report.code]),
            {"version": report.version, "confirm": "on"},
        )
    assert response.status_code == 302
    filer.refresh_from_db()
    assert filer.valid_until > timezone.localdate() + timedelta(days=365 * 2)
    told = [m for m in mail.outbox if m.to == [filer.email]]
    assert len(told) == 1 and report.reference_number in told[0].body


def test_every_reception_url_with_an_object_is_404_for_another_office(
    client, other_officer
):
    """Generated from the URLconf: any new object URL of reception.py is
    covered automatically."""
    from accounts.views import reception

    r = UseRequestFactory(submitted=True)
    user = services.use_request_approve(
        use_request=UseRequestFactory(submitted=True),
        actor=factories.officer(Role.RECEPTION, mfa=False),
    ).resulting_user
    client.force_login(other_officer)
    reauthenticate(client)
    checked = 0
    for pattern in reception.urlpatterns:
        if "<uuid:code>" not in str(pattern.pattern):
            continue
        code = user.code if pattern.name.startswith("reception_user") else r.code
        kwargs = {"code": code}
        if "<str:action>" in str(pattern.pattern):
            kwargs["action"] = "suspend" if "user" in pattern.name else "approve"
        url = reverse(f"accounts:{pattern.name}", kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"reason": "x", "confirm": "on"})
            assert response.status_code in (404, 405), (
                method,
                url,
                response.status_code,
            )
            checked += response.status_code == 404
    assert checked == 11  # every object URL answers 404 to one of the methods
    r.refresh_from_db()
    user.refresh_from_db()
    assert r.status == UseRequest.Status.SUBMITTED and user.status == User.Status.ACTIVE
