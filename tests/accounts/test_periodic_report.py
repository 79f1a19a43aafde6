"""The periodic report (定期報告): the whole cycle at service level (start →
declarations → documents → submit → reception approves → every user's
validity extended), one open report per organisation, the confirmations,
and the pages a user goes through."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest
from dateutil.relativedelta import relativedelta

from accounts import services
from accounts.models import (
    Appointment,
    RosterEntry,
    User,
    UseRequest,
    UseRequestDocument,
)
from portal.audit.models import AuditEvent
from portal.lib.errors import IllegalTransition, StaleEdit
from portal.lib.files import Kind, validate_upload
from portal.notifications.models import Notification
from tests.factories import (
    OrganizationFactory,
    Role,
    appointee,
    officer,
    pdf_bytes,
    staff,
)

pytestmark = pytest.mark.django_db

DECLARATIONS = {
    "decl_no_punishment": True,
    "decl_notifications_filed": True,
    "decl_lawful_acceptance": True,
    "decl_no_id_lending": True,
    "decl_periodic_report": True,
}


@pytest.fixture
def alice(org):
    return staff(org, valid_days=40)


def pdf(name: str = "evidence.pdf"):
    return validate_upload(
        SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf"),
        allowed={Kind.PDF},
    )


def complete(report: UseRequest, actor: User) -> UseRequest:
    """Declarations and both documents, through the services."""
    report = services.use_request_update(
        use_request=report,
        fields=DECLARATIONS,
        expected_version=report.version,
        actor=actor,
    )
    for slot in ("category", "user_list"):
        services.periodic_report_document_add(
            report=report, slot=slot, cleaned=pdf(), actor=actor
        )
    return report


def submit(report: UseRequest, actor: User) -> UseRequest:
    return services.periodic_report_submit(
        report=report, actor=actor, users_confirmed=True, roster_confirmed=True
    )


# --- Service level -------------------------------------------------------------------


def test_whole_cycle_extends_the_validity_of_every_user_of_the_organisation(org, alice):
    bob = staff(org, valid_days=10)
    scrivener = appointee(org, valid_days=90)
    former = appointee(org, valid_days=15)
    Appointment.objects.filter(appointee=former).update(ended_at=timezone.now())
    revoked = staff(org, valid_days=15, status=User.Status.REVOKED)
    outsider = staff(OrganizationFactory(), valid_days=15)
    RosterEntry.objects.create(
        organization=org,
        family_name="NGUYEN",
        sex="M",
        date_of_birth="1995-04-01",
        nationality="VN",
        residence_card_number="AB12345678CD",
    )
    reception = officer(Role.RECEPTION, mfa=True)

    report = services.periodic_report_start(organization=org, actor=alice)
    assert report.kind == UseRequest.Kind.PERIODIC
    assert report.status == UseRequest.Status.DRAFT
    assert report.organization == org
    assert report.office == org.office
    assert report.filed_by == alice
    assert report.email == alice.email
    assert report.org_name_ja == org.name_ja

    report = complete(report, alice)
    report = submit(report, bob)  # anyone of the organisation may submit
    assert report.status == UseRequest.Status.SUBMITTED
    assert report.reference_number.startswith("P")
    assert report.filed_by == bob  # the one who submitted gets the result
    assert report.roster[0]["family_name"] == "NGUYEN"
    assert report.roster[0]["date_of_birth"] == "1995-04-01"
    assert Notification.objects.filter(
        recipient=reception, kind="use_request_received"
    ).exists()
    assert Notification.objects.filter(
        recipient=bob, kind="use_request_submitted"
    ).exists()

    # Reception sees it in their queue and approves it.
    from accounts.selectors import use_request_queue

    assert report in use_request_queue(user=reception, kind=UseRequest.Kind.PERIODIC)
    services.use_request_approve(use_request=report, actor=reception)
    report.refresh_from_db()
    assert report.status == UseRequest.Status.APPROVED

    until = timezone.localdate() + relativedelta(years=3)
    for user in (alice, bob, scrivener):
        user.refresh_from_db()
        assert user.valid_until == until, user
    for user in (former, revoked, outsider):
        before = user.valid_until
        user.refresh_from_db()
        assert user.valid_until == before, user
    approved = Notification.objects.filter(kind="periodic_report_approved")
    assert {n.recipient for n in approved} == {alice, bob, scrivener}
    assert AuditEvent.objects.filter(
        action="periodic_report.approve", organization_code=org.code
    ).exists()


def test_one_open_report_per_organisation(org, alice):
    bob = staff(org)
    first = services.periodic_report_start(organization=org, actor=alice)
    assert services.periodic_report_start(organization=org, actor=bob) == first
    first = submit(complete(first, alice), alice)
    # Submitted (waiting for reception): still the open one.
    assert services.periodic_report_start(organization=org, actor=bob) == first
    services.use_request_return(
        use_request=first,
        actor=officer(Role.RECEPTION, mfa=True),
        comments={"documents": "Sign it."},
    )
    assert services.periodic_report_start(organization=org, actor=bob) == first
    resubmitted = submit(first, bob)
    services.use_request_approve(
        use_request=resubmitted, actor=officer(Role.RECEPTION, mfa=True)
    )
    # Decided: the next report is a new one.
    second = services.periodic_report_start(organization=org, actor=bob)
    assert second != first
    assert second.status == UseRequest.Status.DRAFT
    assert UseRequest.objects.filter(organization=org, kind="periodic").count() == 2


def test_reports_of_different_organisations_are_separate(org, alice):
    other = OrganizationFactory()
    mine = services.periodic_report_start(organization=org, actor=alice)
    theirs = services.periodic_report_start(organization=other, actor=staff(other))
    assert mine != theirs


def test_submit_needs_both_confirmations_and_everything_else(org, alice):
    report = services.periodic_report_start(organization=org, actor=alice)
    with pytest.raises(services.RequestIncomplete) as exc:
        services.periodic_report_submit(
            report=report, actor=alice, users_confirmed=False, roster_confirmed=False
        )
    items = [item for item, _message in exc.value.problems]
    assert items[:2] == ["users", "roster"]
    assert "declarations" in items
    assert items.count("documents") == 2
    with pytest.raises(services.RequestIncomplete) as exc:
        submit(report, alice)
    assert "users" not in [item for item, _ in exc.value.problems]
    report.refresh_from_db()
    assert report.status == UseRequest.Status.DRAFT
    assert report.reference_number is None
    assert report.roster == []


def test_submit_twice_is_a_noop(org, alice):
    report = submit(
        complete(services.periodic_report_start(organization=org, actor=alice), alice),
        alice,
    )
    again = submit(report, alice)
    assert again.reference_number == report.reference_number
    assert (
        AuditEvent.objects.filter(
            action="use_request.submit", object_code=str(report.code)
        ).count()
        == 1
    )


def test_documents_cannot_change_after_submission(org, alice):
    report = submit(
        complete(services.periodic_report_start(organization=org, actor=alice), alice),
        alice,
    )
    with pytest.raises(StaleEdit):
        services.periodic_report_document_add(
            report=report, slot="category", cleaned=pdf(), actor=alice
        )
    document = report.documents.first()
    with pytest.raises(StaleEdit):
        services.periodic_report_document_remove(document=document, actor=alice)
    assert report.documents.count() == 2


def test_only_periodic_slots_are_accepted(org, alice):
    report = services.periodic_report_start(organization=org, actor=alice)
    with pytest.raises(ValueError, match="slot"):
        services.periodic_report_document_add(
            report=report, slot="pledge", cleaned=pdf(), actor=alice
        )


def test_rejected_report_leaves_validity_alone(org, alice):
    before = alice.valid_until
    report = submit(
        complete(services.periodic_report_start(organization=org, actor=alice), alice),
        alice,
    )
    services.use_request_reject(
        use_request=report,
        actor=officer(Role.RECEPTION, mfa=True),
        reason="Category evidence missing.",
    )
    alice.refresh_from_db()
    assert alice.valid_until == before
    with pytest.raises(IllegalTransition):
        services.use_request_approve(
            use_request=report, actor=officer(Role.RECEPTION, mfa=True)
        )


# --- Pages -----------------------------------------------------------------------------


def url(name: str, *args) -> str:
    return reverse(f"accounts:{name}", args=[*args])


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_filing_the_report_through_the_pages(client, org, alice):
    scrivener = appointee(org)
    RosterEntry.objects.create(
        organization=org,
        family_name="SANTOS",
        sex="F",
        date_of_birth="1999-02-03",
        nationality="PH",
        planned_hire=True,
    )
    client.force_login(alice)
    start = client.get(url("organization_periodic", org.code))
    assert start.status_code == 200
    assert "Start the periodic report" in text_of(start)

    response = client.post(url("organization_periodic", org.code))
    report = UseRequest.objects.get(organization=org, kind="periodic")
    assert response["Location"] == url("periodic_users", org.code, report.code)

    # 1. users: listed; the box must be ticked
    page = client.get(url("periodic_users", org.code, report.code))
    html = text_of(page)
    assert scrivener.username in html and alice.username in html
    assert "step 1 of 5" in html
    refused = client.post(url("periodic_users", org.code, report.code), {})
    assert refused.status_code == 200
    assert "error-summary" in text_of(refused)
    response = client.post(
        url("periodic_users", org.code, report.code), {"confirmed": "on"}
    )
    assert response["Location"] == url("periodic_roster", org.code, report.code)

    # 2. roster
    page = client.get(url("periodic_roster", org.code, report.code))
    assert "SANTOS" in text_of(page)
    assert url("organization_roster", org.code) in text_of(page)
    response = client.post(
        url("periodic_roster", org.code, report.code), {"confirmed": "on"}
    )
    assert response["Location"] == url("periodic_declarations", org.code, report.code)

    # 3. declarations (same texts as the request for use)
    page = client.get(url("periodic_declarations", org.code, report.code))
    from accounts.forms.request import DECLARATIONS as TEXTS

    for _name, text in TEXTS:
        assert str(text) in page.content.decode()
    partial = {"version": report.version, "decl_no_punishment": "on"}
    refused = client.post(url("periodic_declarations", org.code, report.code), partial)
    assert refused.status_code == 200
    report.refresh_from_db()
    all_on = dict.fromkeys(DECLARATIONS, "on") | {"version": report.version}
    response = client.post(url("periodic_declarations", org.code, report.code), all_on)
    assert response["Location"] == url("periodic_documents", org.code, report.code)

    # 4. documents: both slots needed
    refused = client.post(url("periodic_documents", org.code, report.code), {})
    assert refused.status_code == 200
    assert "Upload the" in text_of(refused)
    response = client.post(
        url("periodic_documents", org.code, report.code),
        {
            "category": SimpleUploadedFile(
                "category.pdf", pdf_bytes(), "application/pdf"
            ),
            "user_list": SimpleUploadedFile(
                "users.pdf", pdf_bytes(), "application/pdf"
            ),
        },
    )
    assert response["Location"] == url("periodic_check", org.code, report.code)
    assert set(report.documents.values_list("slot", flat=True)) == {
        "category",
        "user_list",
    }
    assert set(report.documents.values_list("file__purpose", flat=True)) == {
        "use_request"
    }

    # 5. check answers → submit
    check = client.get(url("periodic_check", org.code, report.code))
    html = text_of(check)
    assert "Confirmed as correct" in html
    assert "category.pdf" in html and "users.pdf" in html
    response = client.post(url("periodic_check", org.code, report.code))
    assert response["Location"] == url("periodic_done", org.code, report.code)
    report.refresh_from_db()
    assert report.status == UseRequest.Status.SUBMITTED
    done = client.get(response["Location"])
    assert report.reference_number in text_of(done)

    # Submitted: the steps are closed, the start page shows the status.
    closed = client.get(url("periodic_users", org.code, report.code))
    assert closed.status_code == 302
    start = text_of(client.get(url("organization_periodic", org.code)))
    assert report.reference_number in start
    assert "Continue the report" not in start


def test_check_page_lists_what_is_missing_with_links(client, org, alice):
    report = services.periodic_report_start(organization=org, actor=alice)
    client.force_login(alice)
    response = client.post(url("periodic_check", org.code, report.code))
    assert response.status_code == 200
    html = text_of(response)
    assert "<title>Error:" in html or "<title>エラー" in html
    assert "error-summary" in html
    assert url("periodic_users", org.code, report.code) + "?from=check" in html
    assert url("periodic_documents", org.code, report.code) + "?from=check" in html
    report.refresh_from_db()
    assert report.status == UseRequest.Status.DRAFT


def test_change_link_from_check_answers_returns_there(client, org, alice):
    report = services.periodic_report_start(organization=org, actor=alice)
    client.force_login(alice)
    page = client.get(url("periodic_users", org.code, report.code) + "?from=check")
    assert 'name="from_check"' in page.content.decode()
    response = client.post(
        url("periodic_users", org.code, report.code),
        {"confirmed": "on", "from_check": "1"},
    )
    assert response["Location"] == url("periodic_check", org.code, report.code)


def test_remove_an_uploaded_document(client, org, alice):
    report = services.periodic_report_start(organization=org, actor=alice)
    document = services.periodic_report_document_add(
        report=report, slot="category", cleaned=pdf("wrong.pdf"), actor=alice
    )
    client.force_login(alice)
    assert "wrong.pdf" in text_of(
        client.get(url("periodic_documents", org.code, report.code))
    )
    response = client.post(
        url("periodic_document_remove", org.code, report.code, document.file.code)
    )
    assert response.status_code == 302
    assert not UseRequestDocument.objects.filter(pk=document.pk).exists()


def test_a_second_user_continues_the_same_draft(client, org, alice):
    bob = staff(org)
    report = services.periodic_report_start(organization=org, actor=alice)
    client.force_login(bob)
    assert "Continue the report" in text_of(
        client.get(url("organization_periodic", org.code))
    )
    response = client.post(url("organization_periodic", org.code))
    assert response["Location"] == url("periodic_users", org.code, report.code)


def test_another_organisations_report_is_404(client, org, alice):
    other = OrganizationFactory()
    theirs = services.periodic_report_start(organization=other, actor=staff(other))
    client.force_login(alice)
    assert client.get(url("periodic_users", org.code, theirs.code)).status_code == 404
    assert client.get(url("periodic_users", other.code, theirs.code)).status_code == 404


def test_an_organisation_whose_users_all_expired_files_its_periodic_report(client, org):
    """Issue 11 item 8: no dead end.  (Before, an expired user got 403 here and
    an organisation with no active user could never renew.)"""
    expired = staff(org, valid_days=-1)
    also_expired = staff(org, valid_days=-30)
    client.force_login(expired)
    client.cookies["django_language"] = "en"
    page = text_of(client.get(url("organization_detail", org.code)))
    assert "File the periodic report" in page  # the read-only banner links to it
    response = client.post(url("organization_periodic", org.code))
    assert response.status_code == 302
    report = UseRequest.objects.get(organization=org, kind=UseRequest.Kind.PERIODIC)
    assert client.get(url("periodic_users", org.code, report.code)).status_code == 200
    submit(complete(report, expired), expired)
    services.use_request_approve(
        use_request=report, actor=officer(Role.RECEPTION, mfa=True)
    )
    for user in (expired, also_expired):
        user.refresh_from_db()
        assert user.valid_until > timezone.localdate() + timedelta(days=365)


def test_suspended_users_cannot_file_the_periodic_report(client, org):
    from django.core.exceptions import PermissionDenied

    suspended = staff(org, status=User.Status.SUSPENDED)
    client.force_login(suspended)
    assert client.post(url("organization_periodic", org.code)).status_code == 403
    with pytest.raises(PermissionDenied):
        services.periodic_report_start(organization=org, actor=suspended)
