"""Examination: the transition table walked through the services, claim and
assignment, internal notes, requests for documents and the applicant's
answer, reminders, the four-eyes decision, and what every step leaves
behind (one transition, an audit record, notifications)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from applications.models import Application, StatusEvent
from applications.workflow import TRANSITIONS, Action, Status
from portal.audit.models import AuditEvent
from portal.lib.emails import render_email
from portal.lib.errors import IllegalTransition, StaleEdit
from portal.lib.files import Kind
from portal.notifications.models import Notification
from review.models import (
    Assignment,
    Decision,
    DocumentRequest,
    DocumentRequestFile,
    InternalNote,
)
from review.services import examination as services
from review.tasks import send_document_request_reminders
from tests.factories import PASSWORD, OrganizationFactory, officer, pdf_bytes, staff
from tests.review.exam_helpers import (
    Role,
    claimed,
    first_item,
    login,
    messages_of,
    new_case,
    open_request,
    proposal,
    reauthenticate,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("private_media", "english"),
]

EXAMINATION_ACTIONS = [
    Action.START_EXAMINATION,
    Action.REQUEST_DOCUMENTS,
    Action.RESPOND_DOCUMENTS,
    Action.PROPOSE_DECISION,
    Action.SEND_BACK,
    Action.APPROVE_GRANT,
    Action.APPROVE_DENIAL,
]
STATUSES = [s for s in Status.values if s != Status.DRAFT]


def notified(kind: str) -> set[int]:
    return set(
        Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True)
    )


# --- The table, walked through the services ------------------------------------------------


def _attempt(
    action: str, application: Application, examiner: Any, supervisor: Any
) -> None:
    """Take ``action`` on the case through its service, with the rows it
    needs in place and no ``expected_status``, so that the transition table
    is what decides."""
    if action == Action.START_EXAMINATION:
        services.case_claim(application=application, actor=examiner)
        return
    Assignment.objects.get_or_create(
        application=application,
        defaults={"examiner": examiner, "assigned_by": examiner},
    )
    if action == Action.REQUEST_DOCUMENTS:
        services.document_request_create(
            application=application,
            actor=examiner,
            items=[services.RequestedItem("Tax certificate")],
            due_date=timezone.localdate() + timedelta(days=10),
            expected_status=None,
        )
    elif action == Action.RESPOND_DOCUMENTS:
        document_request = DocumentRequest.objects.create(
            application=application,
            due_date=timezone.localdate() + timedelta(days=5),
            created_by=examiner,
        )
        document_request.items.create(text="Tax certificate", sort_order=1)
        services.document_request_answer(
            document_request=document_request, actor=application.submitted_by
        )
    elif action == Action.PROPOSE_DECISION:
        services.decision_propose(
            application=application,
            actor=examiner,
            expected_status=None,
            recommendation=services.Recommendation(
                outcome=Decision.Outcome.DENY, denial_reasons="Not credible."
            ),
        )
    else:
        outcome = (
            Decision.Outcome.GRANT
            if action == Action.APPROVE_GRANT
            else Decision.Outcome.DENY
        )
        Decision.objects.create(
            application=application,
            outcome=outcome,
            proposed_by=examiner,
            granted_period="3y" if outcome == Decision.Outcome.GRANT else "",
            denial_reasons="" if outcome == Decision.Outcome.GRANT else "Not credible.",
        )
        if action == Action.SEND_BACK:
            services.decision_send_back(
                application=application,
                actor=supervisor,
                comment="Check the salary.",
                expected_status=None,
            )
        else:
            services.decision_approve(
                application=application, actor=supervisor, expected_status=None
            )


@pytest.mark.parametrize("action", EXAMINATION_ACTIONS)
@pytest.mark.parametrize("status", STATUSES)
def test_every_examination_pair(status, action, org, org_staff, examiner, supervisor):
    application = new_case(org, org_staff, status=status)
    events_before = StatusEvent.objects.filter(application=application).count()
    target = TRANSITIONS.get((status, action))
    if target is not None:
        _attempt(action, application, examiner, supervisor)
        application.refresh_from_db()
        assert application.status == target
        # Companions share the lifecycle.
        assert set(application.companions.values_list("status", flat=True)) == {target}
        assert (
            StatusEvent.objects.filter(application=application).count()
            == events_before + 1
        )
        assert AuditEvent.objects.filter(
            action=f"application.{action}", object_code=str(application.code)
        ).exists()
        return
    if action == Action.START_EXAMINATION and status not in (
        Status.COMPLETED,
        Status.DENIED,
        Status.WITHDRAWN,
    ):
        # Claiming a case already under way assigns it without a transition.
        _attempt(action, application, examiner, supervisor)
    else:
        with pytest.raises((IllegalTransition, StaleEdit, services.ExaminationError)):
            _attempt(action, application, examiner, supervisor)
    application.refresh_from_db()
    assert application.status == status
    assert StatusEvent.objects.filter(application=application).count() == events_before


# --- Claim and assignment -----------------------------------------------------------------------


def test_claim_starts_examination_and_tells_the_organisation(
    org, org_staff, colleague, examiner
):
    application = new_case(org, org_staff)
    services.case_claim(application=application, actor=examiner)
    application.refresh_from_db()
    assert application.status == Status.EXAMINING
    assert application.assignment.examiner == examiner
    assert notified("examination_started") == {org_staff.pk, colleague.pk}
    assert AuditEvent.objects.filter(action="case.claim").count() == 1
    # Claiming again is a no-op.
    services.case_claim(application=application, actor=examiner)
    assert StatusEvent.objects.filter(application=application).count() == 1


def test_a_claimed_case_cannot_be_claimed_by_another_examiner(
    org, org_staff, examiner, other_examiner
):
    application = claimed(new_case(org, org_staff), examiner)
    with pytest.raises(services.ExaminationError, match="already assigned"):
        services.case_claim(application=application, actor=other_examiner)
    assert Assignment.objects.get(application=application).examiner == examiner


def test_supervisor_reassigns_and_the_examiner_is_told(
    client, settings, org, org_staff, examiner, other_examiner, supervisor
):
    application = claimed(new_case(org, org_staff), examiner)
    login(client, supervisor, settings)
    response = client.post(
        reverse("review:case_assign", args=[application.code]),
        {"examiner": str(other_examiner.code)},
        follow=True,
    )
    assert any("assigned to" in m for m in messages_of(response))
    assert Assignment.objects.get(application=application).examiner == other_examiner
    assert notified("case_assigned") == {other_examiner.pk}
    assert AuditEvent.objects.filter(
        action="case.assign", data__reassigned=True
    ).exists()


def test_assigning_to_someone_who_is_not_an_examiner_of_the_office_is_refused(
    org, org_staff, supervisor, clerk, stranger_officer
):
    application = new_case(org, org_staff)
    for person in (clerk, stranger_officer):
        with pytest.raises(services.ExaminationError, match="not an examiner"):
            services.case_assign(
                application=application, actor=supervisor, examiner=person
            )
    assert not Assignment.objects.filter(application=application).exists()


def test_only_the_assigned_examiner_acts_on_a_case(
    client, settings, org, org_staff, examiner, other_examiner
):
    application = claimed(new_case(org, org_staff), examiner)
    login(client, other_examiner, settings)
    url = reverse("review:case_request_documents", args=[application.code])
    assert client.get(url).status_code == 403
    assert (
        client.get(reverse("review:case", args=[application.code])).status_code == 200
    )


# --- The case page and internal notes ----------------------------------------------------------


def test_case_page_shows_what_the_user_sent_and_audits_the_view(
    client, settings, org, org_staff, examiner
):
    application = claimed(new_case(org, org_staff), examiner)
    earlier = new_case(
        org,
        org_staff,
        status=Status.COMPLETED,
        foreign_national=application.foreign_national,
        companions=(),
    )
    document = application.documents.select_related("file").first()
    login(client, examiner, settings)
    response = client.get(reverse("review:case", args=[application.code]))
    html = response.content.decode()
    person = application.foreign_national
    assert person.family_name in html and person.passport_number in html
    assert application.receipt_number in html
    assert f"{reverse('files:download', args=[document.file.code])}?inline=1" in html
    assert "Re-entry" in html  # the companion
    assert earlier.receipt_number in html  # the person's other applications
    assert "Special period ends" in html  # an extension with a period over 30 days
    assert AuditEvent.objects.filter(
        action="application.view", object_code=str(application.code), actor=examiner
    ).exists()
    # The documents open inline for the officer, as attachments for the user.
    inline = client.get(
        reverse("files:download", args=[document.file.code]) + "?inline=1"
    )
    assert inline.status_code == 200
    assert inline["Content-Disposition"].startswith("inline")


def test_case_page_queries_do_not_grow_with_documents_and_history(
    client, settings, org, org_staff, examiner, django_assert_max_num_queries
):
    application = claimed(new_case(org, org_staff), examiner)
    login(client, examiner, settings)
    url = reverse("review:case", args=[application.code])
    client.get(url)  # warm the session
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    # More of everything: requests with files, notes, transitions, decisions.
    _answered_requests_and_notes(application, examiner, org_staff)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("answer-") == 3


def test_case_page_queries_are_the_same_for_a_bare_case_and_a_full_one(
    client, settings, org, org_staff, examiner, supervisor, other_examiner
):
    """QUALITY 24: a supervisor (the assignee choices read with the roles)
    sees a bare case and one with companions, documents, earlier cases of
    the person, answered requests with files, notes and a recommendation
    for the same number of queries, at most 10."""
    from tests.factories import ApplicationFactory, attach_required_documents

    bare = claimed(
        ApplicationFactory(
            organization=org,
            created_by=org_staff,
            status=Status.SUBMITTED,
            shortcut=True,
            companions=(),
        ),
        examiner,
    )
    full = claimed(
        new_case(org, org_staff, companions=("reentry", "other_activity")), examiner
    )
    attach_required_documents(full, extra=12)
    for _ in range(3):
        new_case(org, org_staff, foreign_national=full.foreign_national)
    _answered_requests_and_notes(full, examiner, org_staff)
    proposal(full, examiner)
    login(client, supervisor, settings)

    def measure(application: Application) -> int:
        url = reverse("review:case", args=[application.code])
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert response.context["assign_form"] is not None
        return len(queries)

    few, many = measure(bare), measure(full)
    assert few == many <= 10, (few, many)
    page = client.get(reverse("review:case", args=[full.code])).content.decode()
    assert page.count("answer-") == 3
    assert other_examiner.username in page  # an assignee choice


def test_internal_notes_are_never_shown_to_the_organisation(
    client, settings, org, org_staff, examiner, supervisor
):
    application = claimed(new_case(org, org_staff), examiner)
    secret = "The employer tax record does not match the salary"
    login(client, supervisor, settings)
    response = client.post(
        reverse("review:case_note_add", args=[application.code]),
        {"text": secret},
        follow=True,
    )
    assert secret in response.content.decode()
    assert InternalNote.objects.get(application=application).author == supervisor
    # The user's own case page, and every notification, know nothing of it.
    login(client, org_staff, settings)
    page = client.get(reverse("applications:case", args=[application.code]))
    assert page.status_code == 200
    assert secret not in page.content.decode()
    assert not Notification.objects.filter(context__icontains="salary").exists()


def test_an_empty_note_is_refused(client, settings, org, org_staff, examiner):
    application = claimed(new_case(org, org_staff), examiner)
    login(client, examiner, settings)
    response = client.post(
        reverse("review:case_note_add", args=[application.code]),
        {"text": "  "},
        follow=True,
    )
    assert any("Enter the note" in m for m in messages_of(response))
    assert not InternalNote.objects.exists()


# --- Requests for documents -------------------------------------------------------------------


def _answered_requests_and_notes(
    application: Application, examiner: Any, org_staff: Any, count: int = 3
) -> None:
    """``count`` requests for documents, each answered with a file
    (answer-<n>.pdf), and as many internal notes."""
    for n in range(count):
        document_request = open_request(application, examiner)
        services.document_request_attach(
            document_request=document_request,
            item=first_item(document_request),
            uploads=[_upload(f"answer-{n}.pdf")],
            actor=org_staff,
        )
        services.document_request_answer(
            document_request=document_request, actor=org_staff
        )
        services.internal_note_add(
            application=application, actor=examiner, text=f"Note {n}"
        )


def _upload(name: str = "answer.pdf") -> Any:
    from portal.lib.files import validate_upload

    return validate_upload(
        SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf"),
        allowed={Kind.PDF},
    )


def test_request_for_documents_through_the_page(
    client, settings, org, org_staff, colleague, examiner
):
    application = claimed(new_case(org, org_staff), examiner)
    login(client, examiner, settings)
    url = reverse("review:case_request_documents", args=[application.code])
    page = client.get(url)
    assert page.status_code == 200
    due = timezone.localdate() + timedelta(days=10)
    response = client.post(
        url,
        {
            "item_1_text": "Certificate of tax payment for 2025",
            "item_1_type": "納税証明書",
            "item_2_text": "Employment contract",
            "due_date": "２０" + due.isoformat()[2:],  # full-width digits are fine
            "message": "Send both by the due date.",
            "expected_status": Status.EXAMINING,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    application.refresh_from_db()
    assert application.status == Status.AWAITING_DOCUMENTS
    document_request = DocumentRequest.objects.get(application=application)
    assert document_request.due_date == due
    assert [i.text for i in document_request.items.all()] == [
        "Certificate of tax payment for 2025",
        "Employment contract",
    ]
    assert notified("document_request") == {org_staff.pk, colleague.pk}
    note = Notification.objects.filter(
        kind="document_request", recipient=org_staff
    ).get()
    email = render_email(
        note.kind, {**note.context, "recipient": org_staff, "link": note.link}, "en"
    )
    assert reverse("review:documents_request", args=[application.code]) in email.text
    assert "2 more documents" in email.text
    # The user's case page shows the stage.
    login(client, org_staff, settings)
    case_page = client.get(reverse("applications:case", args=[application.code]))
    assert "Additional documents requested" in case_page.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"due_date": "+10"}, "Describe at least one document"),
        ({"item_1_text": "Contract"}, "Enter the due date"),
        ({"item_1_text": "Contract", "due_date": "+0"}, "must be after today"),
        ({"item_1_text": "Contract", "due_date": "+200"}, "within 90 days"),
        (
            {"item_2_type": "Passport", "due_date": "+10"},
            "Describe what is needed for document 2",
        ),
    ],
)
def test_request_for_documents_errors(
    client, settings, org, org_staff, examiner, data, message
):
    application = claimed(new_case(org, org_staff), examiner)
    login(client, examiner, settings)
    if "due_date" in data:
        days = int(data["due_date"])
        data = {
            **data,
            "due_date": (timezone.localdate() + timedelta(days=days)).isoformat(),
        }
    response = client.post(
        reverse("review:case_request_documents", args=[application.code]),
        {**data, "expected_status": Status.EXAMINING},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html and message in html
    assert "<title>Error:" in html
    assert not DocumentRequest.objects.exists()


def test_an_answer_keeps_the_good_files_and_names_the_bad_one_at_its_item(
    client, settings, org, org_staff, examiner
):
    application = claimed(new_case(org, org_staff), examiner)
    open_request(application, examiner, items=2)
    login(client, org_staff, settings)
    response = client.post(
        reverse("review:documents_request_upload", args=[application.code, 1]),
        {
            "item1-upload": [
                SimpleUploadedFile("tax.pdf", pdf_bytes()),
                SimpleUploadedFile("x.pdf", b"<html><script>x</script>"),
            ]
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#slot-item-1")
    assert [
        f.file.original_name for f in DocumentRequestFile.objects.select_related("file")
    ] == ["tax.pdf"]
    html = client.get(response["Location"]).content.decode()
    item = re.search(
        r'<li class="panel section" id="slot-item-1">.*?</li>\n', html, re.S
    )
    assert item
    assert "1 file(s) added to document 1." in item.group(0)
    assert "x.pdf" in item.group(0) and "banner--error" in item.group(0)
    # A blank scan is kept with a warning there too.
    assert "banner--warning" in item.group(0)


def test_the_organisation_answers_item_by_item_and_once(
    client, settings, org, org_staff, colleague, examiner
):
    application = claimed(new_case(org, org_staff), examiner)
    document_request = open_request(application, examiner, items=2)
    login(client, org_staff, settings)
    page_url = reverse("review:documents_request", args=[application.code])
    page = client.get(page_url)
    assert page.status_code == 200 and "Document 1" in page.content.decode()
    upload = reverse("review:documents_request_upload", args=[application.code, 1])
    response = client.post(
        upload,
        {
            "item1-upload": [
                SimpleUploadedFile(
                    "tax.pdf", pdf_bytes(), content_type="application/pdf"
                )
            ]
        },
    )
    assert response.status_code == 302
    stored = DocumentRequestFile.objects.select_related("file").get()
    assert stored.file.purpose == services.RESPONSE_PURPOSE
    # A file that is not a PDF or image is refused with a clear message.
    bad = client.post(
        upload,
        {
            "item1-upload": [
                SimpleUploadedFile(
                    "x.html", b"<html><script>x</script>", content_type="text/html"
                )
            ]
        },
    )
    assert bad.status_code == 200 and "error-summary" in bad.content.decode()
    # The check page warns about the item without a file and wants a confirmation.
    send_url = reverse("review:documents_request_send", args=[application.code])
    check = client.get(send_url)
    assert "Some documents are missing" in check.content.decode()
    refused = client.post(send_url, {})
    assert refused.status_code == 200 and "error-summary" in refused.content.decode()
    application.refresh_from_db()
    assert application.status == Status.AWAITING_DOCUMENTS
    sent = client.post(send_url, {"confirm_missing": "on"})
    assert sent.status_code == 302
    application.refresh_from_db()
    document_request.refresh_from_db()
    assert application.status == Status.EXAMINING
    assert document_request.state == DocumentRequest.State.ANSWERED
    assert document_request.answered_by == org_staff
    # The colleague and the examiner are told; the sender is not told what
    # they just did (issue 12: no echo).
    assert notified("document_request_answered") == {colleague.pk, examiner.pk}
    # Sending again (or adding files) is refused politely.
    again = client.post(send_url, {"confirm_missing": "on"}, follow=True)
    assert any("already been answered" in m for m in messages_of(again))
    late = client.post(
        upload,
        {
            "item1-upload": [
                SimpleUploadedFile(
                    "late.pdf", pdf_bytes(), content_type="application/pdf"
                )
            ]
        },
        follow=True,
    )
    assert any("already been answered" in m for m in messages_of(late))
    assert DocumentRequestFile.objects.count() == 1
    events = StatusEvent.objects.filter(
        application=application, action=Action.RESPOND_DOCUMENTS
    )
    assert events.count() == 1


def test_response_files_access(
    client, settings, org, org_staff, examiner, stranger_officer
):
    application = claimed(new_case(org, org_staff), examiner)
    document_request = open_request(application, examiner)
    (stored,) = services.document_request_attach(
        document_request=document_request,
        item=first_item(document_request),
        uploads=[_upload()],
        actor=org_staff,
    )
    url = reverse("files:download", args=[stored.code]) + "?inline=1"
    login(client, org_staff, settings)
    assert client.get(url)["Content-Disposition"].startswith("attachment")
    # Officers see the files only once the organisation sends its answer
    # (review L6: before, they could open the organisation's draft files).
    login(client, examiner, settings)
    assert client.get(url).status_code == 404
    services.document_request_answer(document_request=document_request, actor=org_staff)
    assert client.get(url)["Content-Disposition"].startswith("inline")
    other_org_user = staff(OrganizationFactory())
    for outsider in (stranger_officer, other_org_user):
        login(client, outsider, settings)
        assert client.get(url).status_code == 404


def test_files_sent_in_answer_keep_to_the_per_application_total_cap(
    client, settings, org, org_staff, examiner
):
    """Review/issue 11 item 7: the answer's files count toward the same total
    as the application's documents (before, only the per-request count
    limited them)."""
    from django.core.exceptions import ValidationError

    from review.services.document_requests import _application_bytes

    application = claimed(new_case(org, org_staff), examiner)
    document_request = open_request(application, examiner)
    item = first_item(document_request)
    one = _upload()
    settings.UPLOAD_MAX_TOTAL_BYTES = _application_bytes(application) + one.size
    services.document_request_attach(
        document_request=document_request, item=item, uploads=[one], actor=org_staff
    )
    with pytest.raises(ValidationError) as refused:
        services.document_request_attach(
            document_request=document_request,
            item=item,
            uploads=[_upload("second.pdf")],
            actor=org_staff,
        )
    assert refused.value.code == "too_large_total"
    assert DocumentRequestFile.objects.count() == 1
    # Through the page: the error is shown at the field, nothing is stored.
    login(client, org_staff, settings)
    response = client.post(
        reverse("review:documents_request_upload", args=[application.code, 1]),
        {
            "item1-upload": [
                SimpleUploadedFile(
                    "third.pdf", pdf_bytes(), content_type="application/pdf"
                )
            ]
        },
    )
    assert response.status_code == 200
    assert DocumentRequestFile.objects.count() == 1


def test_a_read_only_user_sees_the_request_but_cannot_answer(
    client, settings, org, org_staff, examiner
):
    application = claimed(new_case(org, org_staff), examiner)
    open_request(application, examiner)
    suspended = staff(org, status="suspended")
    login(client, suspended, settings)
    assert (
        client.get(
            reverse("review:documents_request", args=[application.code])
        ).status_code
        == 200
    )
    assert (
        client.post(
            reverse("review:documents_request_send", args=[application.code]), {}
        ).status_code
        == 403
    )


def test_extend_the_due_date_with_a_reason(client, settings, org, org_staff, examiner):
    application = claimed(new_case(org, org_staff), examiner)
    document_request = open_request(application, examiner, due_in=5)
    DocumentRequest.objects.filter(pk=document_request.pk).update(reminded_1=True)
    login(client, examiner, settings)
    url = reverse("review:case_extend_due_date", args=[application.code])
    new_due = timezone.localdate() + timedelta(days=20)
    refused = client.post(url, {"due_date": new_due.isoformat(), "reason": ""})
    assert "Enter the reason for the new due date" in refused.content.decode()
    earlier = client.post(
        url,
        {
            "due_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "reason": "x",
        },
    )
    assert "must be after the current one" in earlier.content.decode()
    done = client.post(
        url, {"due_date": new_due.isoformat(), "reason": "Tax office closed"}
    )
    assert done.status_code == 302
    document_request.refresh_from_db()
    assert document_request.due_date == new_due
    assert document_request.extension_reason == "Tax office closed"
    assert not document_request.reminded_1
    assert notified("document_request_extended") == {org_staff.pk}
    assert AuditEvent.objects.filter(action="document_request.extend").exists()


def test_reminders_seven_and_one_day_before_once_each(org, org_staff, examiner):
    application = claimed(new_case(org, org_staff), examiner)
    document_request = open_request(application, examiner, due_in=20)
    due = document_request.due_date
    seven_before = due - timedelta(days=7)
    assert (
        services.document_request_send_reminders(today=seven_before - timedelta(days=1))
        == 0
    )
    assert services.document_request_send_reminders(today=seven_before) == 1
    assert services.document_request_send_reminders(today=seven_before) == 0  # once
    assert services.document_request_send_reminders(today=due - timedelta(days=3)) == 0
    assert services.document_request_send_reminders(today=due - timedelta(days=1)) == 1
    assert services.document_request_send_reminders(today=due) == 0
    reminders = Notification.objects.filter(
        kind="document_request_reminder", recipient=org_staff
    )
    assert sorted(n.context["days_left"] for n in reminders) == [1, 7]
    note = reminders.first()
    email = render_email(
        note.kind, {**note.context, "recipient": org_staff, "link": note.link}, "en"
    )
    assert email.subject.endswith(
        f": send the documents within {note.context['days_left']} days"
    ) or email.subject.endswith(": send the documents within 1 day")


def test_no_seven_day_reminder_for_a_short_request_and_none_once_answered(
    org, org_staff, examiner
):
    application = claimed(new_case(org, org_staff), examiner)
    document_request = open_request(application, examiner, due_in=5)
    assert send_document_request_reminders.run() == 0  # made 5 days ahead: no 7-day one
    today = document_request.due_date - timedelta(days=1)
    services.document_request_answer(document_request=document_request, actor=org_staff)
    assert services.document_request_send_reminders(today=today) == 0


# --- The decision -----------------------------------------------------------------------------


def _recommend(client: Any, application: Application, **data: Any) -> Any:
    return client.post(
        reverse("review:case_recommend", args=[application.code]),
        {"expected_status": Status.EXAMINING, **data},
    )


def test_recommending_needs_reauthentication_then_completes(
    client, settings, org, org_staff, examiner, supervisor, second_supervisor
):
    application = claimed(new_case(org, org_staff), examiner)
    login(client, examiner, settings)
    assert (
        client.get(
            reverse("review:case_recommend", args=[application.code])
        ).status_code
        == 200
    )
    until = (timezone.localdate() + timedelta(days=400)).isoformat()
    response = _recommend(
        client, application, outcome="grant", period="3y", reentry_until=until
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    application.refresh_from_db()
    assert application.status == Status.EXAMINING
    reauthenticate(client)
    response = _recommend(
        client, application, outcome="grant", period="3y", reentry_until=until
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    application.refresh_from_db()
    assert application.status == Status.DECISION_PROPOSED
    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.granted_period, decision.state) == (
        "grant",
        "3y",
        "proposed",
    )
    assert decision.granted_status == application.foreign_national.current_status
    assert notified("decision_proposed") == {supervisor.pk, second_supervisor.pk}
    # The organisation hears nothing of the internal review.
    assert not Notification.objects.filter(
        recipient=org_staff, kind="decision_proposed"
    ).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "grant"}, "Choose the period of stay to grant"),
        ({"outcome": "grant", "period": "7y"}, "Select a valid choice"),
        (
            {"outcome": "grant", "period": "3y"},
            "Enter the date until which the re-entry permit",
        ),
        ({"outcome": "deny"}, "Enter the reasons for the denial"),
        ({}, "Choose whether you recommend granting or denying"),
    ],
)
def test_recommendation_errors(
    client, settings, org, org_staff, examiner, data, message
):
    application = claimed(new_case(org, org_staff), examiner)
    login(client, examiner, settings)
    reauthenticate(client)
    response = _recommend(client, application, **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Decision.objects.exists()


def test_service_refuses_a_period_not_allowed_for_the_status(org, org_staff, examiner):
    application = claimed(new_case(org, org_staff), examiner)
    with pytest.raises(services.ExaminationError, match="not a period of stay allowed"):
        services.decision_propose(
            application=application,
            actor=examiner,
            recommendation=services.Recommendation(
                outcome="grant",
                period="6m",
                reentry_until=timezone.localdate() + timedelta(days=100),
            ),
        )
    with pytest.raises(services.ExaminationError, match="Choose the period"):
        services.decision_propose(
            application=application,
            actor=examiner,
            recommendation=services.Recommendation(outcome="grant"),
        )


def test_other_activity_needs_its_terms(org, org_staff, examiner):
    application = claimed(
        new_case(org, org_staff, companions=("other_activity",)), examiner
    )
    with pytest.raises(services.ExaminationError, match="terms of the permission"):
        services.decision_propose(
            application=application,
            actor=examiner,
            recommendation=services.Recommendation(outcome="grant", period="1y"),
        )


def test_supervisor_approves_a_grant_and_the_organisation_is_told(
    client, settings, org, org_staff, colleague, examiner, supervisor
):
    application = claimed(new_case(org, org_staff), examiner)
    proposal(application, examiner)
    login(client, supervisor, settings)
    url = reverse("review:case_approve", args=[application.code])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"confirm": "on", "expected_status": Status.DECISION_PROPOSED}
    )
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate(client)
    missing = client.post(url, {"expected_status": Status.DECISION_PROPOSED})
    assert "Confirm that you have checked" in missing.content.decode()
    response = client.post(
        url, {"confirm": "on", "expected_status": Status.DECISION_PROPOSED}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    decision = Decision.objects.get(application=application)
    assert application.status == Status.GRANTED and application.decided_at is not None
    assert (
        decision.state == Decision.State.APPROVED and decision.approved_by == supervisor
    )
    assert notified("decision_granted") == {org_staff.pk, colleague.pk}
    assert AuditEvent.objects.filter(
        action="application.approve_grant", actor=supervisor
    ).exists()
    note = Notification.objects.get(kind="decision_granted", recipient=org_staff)
    email = render_email(
        note.kind, {**note.context, "recipient": org_staff, "link": note.link}, "en"
    )
    from django.utils import translation

    from applications.validators import period_label

    with translation.override("en"):
        assert period_label(decision.granted_period) in email.text


def test_approving_a_denial_sends_the_reasons(org, org_staff, examiner, supervisor):
    application = claimed(new_case(org, org_staff), examiner)
    proposal(application, examiner, outcome=Decision.Outcome.DENY)
    services.decision_approve(application=application, actor=supervisor)
    application.refresh_from_db()
    assert application.status == Status.DENIED and application.closed_at is not None
    note = Notification.objects.get(kind="decision_denied", recipient=org_staff)
    email = render_email(
        note.kind, {**note.context, "recipient": org_staff, "link": note.link}, "en"
    )
    assert "Activities not credible." in email.text


def test_send_back_returns_the_case_to_the_examiner_only(
    client, settings, org, org_staff, examiner, supervisor
):
    application = claimed(new_case(org, org_staff), examiner)
    proposal(application, examiner)
    login(client, supervisor, settings)
    reauthenticate(client)  # send-back is a decision: it needs re-authentication
    url = reverse("review:case_send_back", args=[application.code])
    empty = client.post(
        url, {"comment": " ", "expected_status": Status.DECISION_PROPOSED}
    )
    assert "Enter what the examiner should look at again" in empty.content.decode()
    response = client.post(
        url,
        {"comment": "Check the salary", "expected_status": Status.DECISION_PROPOSED},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.EXAMINING
    assert (
        Decision.objects.get(application=application).state == Decision.State.SENT_BACK
    )
    assert notified("decision_sent_back") == {examiner.pk}
    assert not Notification.objects.filter(
        recipient=org_staff, kind="decision_sent_back"
    ).exists()
    # The examiner may recommend again (the sent-back decision is no longer active).
    proposal(application, examiner, outcome=Decision.Outcome.DENY)
    assert application.status == Status.DECISION_PROPOSED


def test_send_back_needs_reauthentication_then_completes(
    client, settings, org, org_staff, examiner, supervisor
):
    """Review L10: send-back had no re-authentication, unlike approve."""
    application = claimed(new_case(org, org_staff), examiner)
    proposal(application, examiner)
    login(client, supervisor, settings)
    url = reverse("review:case_send_back", args=[application.code])
    data = {"comment": "Check the salary", "expected_status": Status.DECISION_PROPOSED}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    application.refresh_from_db()
    assert application.status == Status.DECISION_PROPOSED
    # After re-authenticating, the kept POST is resumed.
    resumed = client.post(response["Location"], {"password": PASSWORD}, follow=True)
    assert resumed.redirect_chain[-1][0] == reverse(
        "review:case", args=[application.code]
    )
    application.refresh_from_db()
    assert application.status == Status.EXAMINING


def test_four_eyes_in_the_service(org, org_staff):
    both = officer(Role.EXAMINER, Role.SUPERVISOR)
    application = claimed(new_case(org, org_staff), both)
    proposal(application, both)
    with pytest.raises(services.FourEyesViolation) as caught:
        services.decision_approve(application=application, actor=both)
    assert "another supervisor must approve" in str(caught.value.message)
    with pytest.raises(services.FourEyesViolation):
        services.decision_send_back(application=application, actor=both, comment="x")
    application.refresh_from_db()
    assert application.status == Status.DECISION_PROPOSED


def test_four_eyes_in_the_page(client, settings, org, org_staff):
    both = officer(Role.EXAMINER, Role.SUPERVISOR)
    application = claimed(new_case(org, org_staff), both)
    proposal(application, both)
    login(client, both, settings)
    reauthenticate(client)
    url = reverse("review:case_approve", args=[application.code])
    assert "another supervisor must approve" in client.get(url).content.decode()
    response = client.post(
        url, {"confirm": "on", "expected_status": Status.DECISION_PROPOSED}
    )
    assert response.status_code == 200
    assert "another supervisor must approve" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DECISION_PROPOSED


def test_four_eyes_in_the_database(org, org_staff, examiner):
    application = claimed(new_case(org, org_staff), examiner)
    decision = proposal(application, examiner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(
            state=Decision.State.APPROVED,
            approved_by=examiner,
            approved_at=timezone.now(),
        )


@pytest.mark.parametrize(
    "fields",
    [
        {"state": "approved"},  # approved without an approver
        # A grant without a period is refused by the service, not the database:
        # a certificate of eligibility has none (test_recommend_certificate.py).
        {"outcome": "deny", "denial_reasons": ""},  # a denial without reasons
    ],
)
def test_decision_invariants_in_the_database(org, org_staff, examiner, fields):
    application = claimed(new_case(org, org_staff), examiner)
    base = {"outcome": "grant", "granted_period": "3y", "denial_reasons": "r"}
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            application=application, proposed_by=examiner, **{**base, **fields}
        )


def test_one_active_decision_in_the_database(org, org_staff, examiner):
    application = claimed(new_case(org, org_staff), examiner)
    proposal(application, examiner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            application=application,
            proposed_by=examiner,
            outcome="deny",
            denial_reasons="r",
        )


def test_a_stale_page_is_told_the_case_changed(
    client, settings, org, org_staff, examiner, supervisor, second_supervisor
):
    application = claimed(new_case(org, org_staff), examiner)
    proposal(application, examiner)
    # Another supervisor sends it back while this one reads the page.
    services.decision_send_back(
        application=application, actor=second_supervisor, comment="x"
    )
    login(client, supervisor, settings)
    reauthenticate(client)
    response = client.post(
        reverse("review:case_approve", args=[application.code]),
        {"confirm": "on", "expected_status": Status.DECISION_PROPOSED},
        follow=True,
    )
    assert any("changed by someone else" in m for m in messages_of(response))
    application.refresh_from_db()
    assert application.status == Status.EXAMINING


def test_a_double_click_on_recommend_makes_one_recommendation(org, org_staff, examiner):
    application = claimed(new_case(org, org_staff), examiner)
    first = proposal(application, examiner, outcome=Decision.Outcome.DENY)
    again = services.decision_propose(
        application=application,
        actor=examiner,
        recommendation=services.Recommendation(outcome="deny", denial_reasons="x"),
        expected_status=Status.EXAMINING,
    )
    assert again == first
    assert Decision.objects.filter(application=application).count() == 1


def test_every_user_facing_step_notifies_and_audits(
    org, org_staff, colleague, examiner, supervisor
):
    """One walk from receipt to grant: each step is one transition, one audit
    record of it, and (where the organisation sees the step) a notification
    for every user of the organisation."""
    application = new_case(org, org_staff)
    services.case_claim(application=application, actor=examiner)
    document_request = open_request(application, examiner)
    services.document_request_answer(document_request=document_request, actor=org_staff)
    application.refresh_from_db()
    proposal(application, examiner)
    services.decision_approve(application=application, actor=supervisor)
    steps = list(
        StatusEvent.objects.filter(application=application).values_list(
            "action", flat=True
        )
    )
    assert steps == [
        Action.START_EXAMINATION,
        Action.REQUEST_DOCUMENTS,
        Action.RESPOND_DOCUMENTS,
        Action.PROPOSE_DECISION,
        Action.APPROVE_GRANT,
    ]
    for action in steps:
        assert (
            AuditEvent.objects.filter(
                action=f"application.{action}", object_code=str(application.code)
            ).count()
            == 1
        )
    for kind in (
        "examination_started",
        "document_request",
        "decision_granted",
    ):
        assert {org_staff.pk, colleague.pk} <= notified(kind), kind
    # The sender of the answer is not told what they just did.
    assert colleague.pk in notified("document_request_answered")
    assert org_staff.pk not in notified("document_request_answered")
    # Every notification renders as an email in both languages.
    for note in Notification.objects.all():
        for language in ("ja", "en"):
            rendered = render_email(
                note.kind,
                {**note.context, "recipient": note.recipient, "link": note.link},
                language,
            )
            assert rendered.subject and application.receipt_number in rendered.text


def test_only_a_supervisors_case_page_loads_the_offices_examiners():
    """The assignee choices are the supervisor's alone: an examiner's case page
    does not load every colleague of the office (issue 9)."""
    from review.permissions import officer_roles_preload

    examiner = officer(Role.EXAMINER)
    colleagues = [officer(Role.EXAMINER) for _ in range(3)]
    supervisor = officer(Role.SUPERVISOR)
    mine = officer_roles_preload(examiner, with_examiners=True)
    assert {r.user_id for r in mine} == {examiner.pk}
    theirs = officer_roles_preload(supervisor, with_examiners=True)
    assert {c.pk for c in colleagues} | {examiner.pk} <= {r.user_id for r in theirs}
