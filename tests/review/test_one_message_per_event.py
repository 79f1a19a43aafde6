"""Issue 12 item 5: one message per event.  Each step of a case, taken
through the real services, gives each person told exactly one inbox entry
and one email — the grant and the fee due arrive as one message — and the
subject names the application type, the person and the action needed, in
Japanese and English.  The grant says plainly whether the fee can be paid
online for this case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.urls import reverse

import pytest

from applications.workflow import Status
from portal.lib.emails import render_email
from portal.notifications.models import Notification
from portal.notifications.services import outbox_sweep
from review.models import Decision
from review.services import examination as services
from review.services import issuance, payments
from tests.review.exam_helpers import claimed, new_case, open_request, proposal
from tests.review.issuance_helpers import media

pytestmark = pytest.mark.django_db

ONLINE_EN = "You can pay the fee for this application online in the portal"
STAMPS_EN = "Online payment is not offered for this application"
ONLINE_JA = "この申請の手数料は、本ポータルからオンラインで納付できます。"
STAMPS_JA = "この申請の手数料はオンラインでは納付できません。"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    return media(settings, tmp_path)


class Told:
    """What one person was told by one event: inbox entries and emails."""

    def __init__(self, notifications: list[Notification], emails: list[Any]):
        self.notifications = notifications
        self.emails = emails

    @property
    def only(self) -> Notification:
        assert len(self.notifications) == 1, [n.kind for n in self.notifications]
        assert len(self.emails) == 1, [m.subject for m in self.emails]
        return self.notifications[0]


def event(mailoutbox: list[Any], step: Callable[[], Any], *people: Any) -> list[Told]:
    """Run ``step``, send the outbox, and return what each of ``people``
    was told by it."""
    outbox_sweep()  # what earlier steps queued is not this event's
    last = Notification.objects.order_by("-id").values_list("id", flat=True).first()
    sent_before = len(mailoutbox)
    step()
    outbox_sweep()
    new = list(Notification.objects.filter(id__gt=last or 0).order_by("id"))
    emails = mailoutbox[sent_before:]
    return [
        Told(
            [n for n in new if n.recipient_id == person.pk],
            [m for m in emails if m.to == [person.email]],
        )
        for person in people
    ]


def _granted(
    org: Any, org_staff: Any, examiner: Any, supervisor: Any, mailoutbox: list[Any]
) -> tuple[Any, Notification, Any]:
    application = claimed(new_case(org, org_staff), examiner)
    proposal(application, examiner)
    (told,) = event(
        mailoutbox,
        lambda: services.decision_approve(application=application, actor=supervisor),
        org_staff,
    )
    application.refresh_from_db()
    return application, told.only, told.emails[0]


def test_a_grant_with_a_fee_is_one_message_that_says_both(
    org, org_staff, colleague, examiner, supervisor, mailoutbox
):
    application = claimed(new_case(org, org_staff), examiner)
    proposal(application, examiner)
    staff_told, colleague_told = event(
        mailoutbox,
        lambda: services.decision_approve(application=application, actor=supervisor),
        org_staff,
        colleague,
    )
    note = staff_told.only
    colleague_told.only  # noqa: B018 — asserts one entry and one email
    assert note.kind == "decision_granted"
    application.refresh_from_db()
    amount = application.payment.amount_due
    assert amount > 0
    assert note.context["amount"] == amount
    assert note.link == reverse("review:payment", args=[application.code])
    email = staff_told.emails[0]
    # One email says both: the grant and the fee due.
    assert "granted" in email.subject and f"pay the fee of ¥{amount:,}" in email.subject
    assert "has granted application" in email.body
    assert f"The fee is ¥{amount:,}." in email.body
    assert not Notification.objects.filter(kind="fee_due").exists()


def test_the_grant_subject_names_type_person_and_action_in_both_languages(
    org, org_staff, examiner, supervisor, mailoutbox
):
    application, note, _email = _granted(
        org, org_staff, examiner, supervisor, mailoutbox
    )
    person = application.foreign_national
    name = f"{person.family_name} {person.given_name}"
    amount = f"{application.payment.amount_due:,}"
    context = {**note.context, "link": note.link}
    english = render_email(note.kind, context, "en").subject
    assert english == (
        f"{application.application_type.name_en} for {name} "
        f"({org.name_en or org.name_ja}): granted — pay the fee of ¥{amount}"
    )
    japanese = render_email(note.kind, context, "ja").subject
    assert japanese == (
        f"{application.application_type.name_ja}（{name}、{org.name_ja}）："
        f"許可されました。手数料{amount}円を納付してください"
    )


def test_the_grant_says_the_fee_can_be_paid_online_when_it_can(
    settings, org, org_staff, examiner, supervisor, mailoutbox
):
    settings.PAYMENT_SANDBOX_SECRET = "sandbox-secret-for-this-test"
    _application, note, email = _granted(
        org, org_staff, examiner, supervisor, mailoutbox
    )
    assert note.context["online_payment"] is True
    assert ONLINE_EN in email.body and STAMPS_EN not in email.body
    # What to send does not demand a fee slip from someone paying online.
    body = " ".join(email.body.split())  # the text part is wrapped
    assert "with the fee slip, if you pay with revenue stamps" in body
    assert "Send the fee slip" not in body
    japanese = render_email(note.kind, {**note.context, "link": note.link}, "ja")
    assert ONLINE_JA in japanese.text and STAMPS_JA not in japanese.text


def test_the_grant_says_to_pay_with_stamps_when_online_payment_is_off(
    settings, org, org_staff, examiner, supervisor, mailoutbox
):
    settings.PAYMENT_SANDBOX_SECRET = ""
    _application, note, email = _granted(
        org, org_staff, examiner, supervisor, mailoutbox
    )
    assert note.context["online_payment"] is False
    assert STAMPS_EN in email.body and ONLINE_EN not in email.body
    body = " ".join(email.body.split())  # the text part is wrapped
    assert "Send the fee slip" in body
    assert "if you pay with revenue stamps" not in body
    japanese = render_email(note.kind, {**note.context, "link": note.link}, "ja")
    assert STAMPS_JA in japanese.text and ONLINE_JA not in japanese.text


def test_a_refusal_is_one_message(
    org, org_staff, colleague, examiner, supervisor, mailoutbox
):
    application = claimed(new_case(org, org_staff), examiner)
    proposal(application, examiner, outcome=Decision.Outcome.DENY)
    (told,) = event(
        mailoutbox,
        lambda: services.decision_approve(application=application, actor=supervisor),
        org_staff,
    )
    assert told.only.kind == "decision_denied"
    assert "not granted" in told.emails[0].subject


def test_the_steps_of_examination_are_one_message_each(
    org, org_staff, colleague, examiner, supervisor, mailoutbox
):
    application = new_case(org, org_staff)
    (told,) = event(
        mailoutbox,
        lambda: services.case_claim(application=application, actor=examiner),
        org_staff,
    )
    assert told.only.kind == "examination_started"
    holder: dict[str, Any] = {}
    staff_told, examiner_told = event(
        mailoutbox,
        lambda: holder.setdefault("request", open_request(application, examiner)),
        org_staff,
        examiner,
    )
    assert staff_told.only.kind == "document_request"
    assert "send more documents by" in staff_told.emails[0].subject
    assert examiner_told.notifications == []
    # The answer: the colleague and the examiner are told once; the user
    # who sent it is not told what they just did.
    staff_told, colleague_told, examiner_told = event(
        mailoutbox,
        lambda: services.document_request_answer(
            document_request=holder["request"], actor=org_staff
        ),
        org_staff,
        colleague,
        examiner,
    )
    assert staff_told.notifications == [] and staff_told.emails == []
    assert colleague_told.only.kind == "document_request_answered"
    assert examiner_told.only.context["audience"] == "office"
    application.refresh_from_db()
    (supervisor_told,) = event(
        mailoutbox, lambda: proposal(application, examiner), supervisor
    )
    assert supervisor_told.only.kind == "decision_proposed"


def test_the_steps_after_a_grant_are_one_message_each(
    org, org_staff, examiner, supervisor, clerk, mailoutbox
):
    application, _note, _email = _granted(
        org, org_staff, examiner, supervisor, mailoutbox
    )
    assert application.status == Status.GRANTED
    payments.payment_declare(
        application=application,
        actor=org_staff,
        return_method="letter_pack",
        current_card_sent=True,
    )
    steps: list[tuple[str, Callable[[], Any]]] = [
        (
            "payment_received",
            lambda: payments.payment_record_stamps(
                application=application,
                actor=clerk,
                amount=application.payment.amount_due,
            ),
        ),
        (
            "card_issued",
            lambda: (
                issuance.card_receipt_record(application=application, actor=clerk),
                issuance.application_issue(application=application, actor=clerk),
            ),
        ),
        (
            "card_dispatched",
            lambda: issuance.application_dispatch(
                application=application,
                actor=clerk,
                method="letter_pack",
                tracking_number="1234-5678-9012",
            ),
        ),
    ]
    for kind, step in steps:
        (told,) = event(mailoutbox, step, org_staff)
        assert told.only.kind == kind
    dispatched = told.emails[0].subject
    assert dispatched.endswith("sent by post — record the handover when it arrives")


# --- The inbox shows the message as a web page -------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading", "button", "fact"),
    [
        ("en", "Granted — pay the fee of ¥", "Pay the fee", "Receipt number"),
        ("ja", "許可されました。手数料", "手数料の納付", "受付番号"),
    ],
)
def test_the_inbox_shows_the_grant_as_a_page_with_a_button(
    client,
    org,
    org_staff,
    examiner,
    supervisor,
    mailoutbox,
    language,
    heading,
    button,
    fact,
):
    application, note, _email = _granted(
        org, org_staff, examiner, supervisor, mailoutbox
    )
    client.force_login(org_staff)
    client.cookies.load({"django_language": language})
    html = client.get(
        reverse("notifications:detail", args=[note.code])
    ).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert f'<h1 id="message-heading">{heading}' in main
    # Key facts as a list of terms, the person named.
    person = application.foreign_national
    assert '<dl class="summary-list">' in main
    assert f">{fact}</dt>" in main and application.receipt_number in main
    assert f"{person.family_name} {person.given_name}" in main
    # One primary button to the page where the fee is paid.
    payment_url = reverse("review:payment", args=[application.code])
    assert f'<a href="{payment_url}" class="button" role="button"' in main
    assert f">{button}</a>" in main
    # Not the email pasted in: no preformatted text, greeting, raw address,
    # signature or "do not reply".
    assert "<pre" not in main and "linebreaks" not in main
    assert "Dear " not in main and " 様" not in main
    assert "http://" not in main and "https://" not in main
    assert "\n--\n" not in main
    assert "Please do not reply" not in main and "返信しないでください" not in main
    assert "<p>" in main  # the message's paragraphs
