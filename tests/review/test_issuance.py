"""Issuance: the fee on grant, stamps, the current card, the new residence
card (unique number, expiry), certificates, dispatch (tracking number shape),
the handover — through the services and the pages, with office scoping."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

import pytest
from dateutil.relativedelta import relativedelta

from accounts.models import OfficerRole
from applications.models import Application, StatusEvent
from applications.workflow import Action, Status
from portal.audit.models import AuditEvent
from portal.lib.emails import render_email
from portal.notifications.models import Notification
from review.errors import AmountMismatch, IssuanceError
from review.issuance_rules import normalize_tracking_number
from review.models import Certificate, Decision, Dispatch, Payment, ResidenceCard
from review.services import issuance, payments
from tests.factories import ApplicationFactory, officer, staff
from tests.review.issuance_helpers import (
    clerk,
    decided,
    login,
    media,
    messages_of,
    org_and_user,
    walk_to,
)

pytestmark = pytest.mark.django_db

CARD_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{8}[A-Z]{2}$")
AFTER_2025 = date(2025, 6, 2)
BEFORE_2025 = date(2025, 3, 31)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> Path:
    return media(settings, tmp_path)


@pytest.fixture
def org_user():
    return org_and_user()


@pytest.fixture
def the_clerk():
    return clerk()


# --- Fee on grant ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_code", "companions", "variant", "received_on", "expected"),
    [
        ("extension", (), None, BEFORE_2025, 4000),
        ("extension", (), None, AFTER_2025, 5500),
        ("extension", (), None, date(2025, 4, 1), 5500),
        ("change", (), None, BEFORE_2025, 4000),
        ("change", (), None, AFTER_2025, 5500),
        ("extension", ("reentry",), "single", BEFORE_2025, 4000 + 3000),
        ("extension", ("reentry",), "multiple", BEFORE_2025, 4000 + 6000),
        ("extension", ("reentry",), "single", AFTER_2025, 5500 + 3500),
        ("extension", ("reentry",), "multiple", AFTER_2025, 5500 + 6500),
        (
            "extension",
            ("reentry", "other_activity"),
            "multiple",
            AFTER_2025,
            5500 + 6500,
        ),
        ("authorized_employment", (), None, BEFORE_2025, 1200),
        ("authorized_employment", (), None, AFTER_2025, 1600),
    ],
)
def test_fee_due_on_grant(
    org_user, type_code, companions, variant, received_on, expected
):
    org, user = org_user
    application = decided(
        org, user, type_code=type_code, companions=companions, received_on=received_on
    )
    if variant:
        Application.objects.filter(
            main=application, application_type__code="reentry"
        ).update(reentry_variant=variant)
        Payment.objects.filter(application=application).delete()
        application.refresh_from_db()
        payments.fee_assess(application=application, actor=None)
    payment = Payment.objects.get(application=application)
    assert payment.amount_due == expected
    assert payment.state == Payment.State.PENDING
    assert application.status == Status.GRANTED
    # The grant's one message carries the fee; a fee assessed later (the
    # re-entry variant above) is its own message.
    notification = Notification.objects.filter(
        recipient=user, kind="fee_due" if variant else "decision_granted"
    ).latest("id")
    assert notification.context["amount"] == expected
    assert notification.link == reverse("review:payment", args=[application.code])


def test_fee_is_assessed_once(org_user):
    org, user = org_user
    application = decided(org, user)
    first = Payment.objects.get(application=application)
    again = payments.fee_assess(application=application, actor=None)
    assert again.pk == first.pk
    assert Payment.objects.filter(application=application).count() == 1
    assert Notification.objects.filter(recipient=user, kind="fee_due").count() == 0
    assert (
        Notification.objects.filter(recipient=user, kind="decision_granted").count()
        == 1
    )


def test_zero_fee_is_confirmed_at_once(org_user):
    org, user = org_user
    application = decided(org, user, type_code="coe", companions=(), period="3m")
    payment = Payment.objects.get(application=application)
    assert (payment.amount_due, payment.state, payment.amount_received) == (
        0,
        "paid",
        0,
    )
    assert application.status == Status.FEE_PAID
    assert StatusEvent.objects.filter(
        application=application, action=Action.CONFIRM_FEE
    ).exists()


def test_missing_fee_row_does_not_undo_the_grant(org_user, the_clerk):
    from applications.models import Fee

    org, user = org_user
    Fee.objects.filter(application_type__code="authorized_employment").delete()
    application = decided(org, user, type_code="authorized_employment", companions=())
    assert application.status == Status.GRANTED
    assert not Payment.objects.filter(application=application).exists()
    with pytest.raises(payments.FeeUnknown):
        payments.fee_assess(application=application, actor=the_clerk)


def test_denial_gets_a_notice_and_no_fee(org_user):
    org, user = org_user
    application = decided(org, user, outcome=Decision.Outcome.DENY)
    assert application.status == Status.DENIED
    assert not Payment.objects.filter(application=application).exists()
    assert list(
        Certificate.objects.filter(application=application).values_list(
            "kind", flat=True
        )
    ) == [Certificate.Kind.DECISION_NOTICE]


# --- Every (state, action) of the issuance machine -------------------------------------------


ACTIONS = ("stamps", "issue", "dispatch", "handover")
WALKED = (
    Status.GRANTED,
    Status.FEE_PAID,
    Status.ISSUED,
    Status.DISPATCHED,
    Status.COMPLETED,
)
# (state, action) -> the state after it; None: refused; "same": a no-op.
EXPECTED = {
    (Status.GRANTED, "stamps"): Status.FEE_PAID,
    (Status.FEE_PAID, "issue"): Status.ISSUED,
    (Status.ISSUED, "dispatch"): Status.DISPATCHED,
    (Status.DISPATCHED, "handover"): Status.COMPLETED,
    # Repeating a step already done (a double click) changes nothing.
    (Status.FEE_PAID, "stamps"): "same",
    (Status.ISSUED, "stamps"): "same",
    (Status.DISPATCHED, "stamps"): "same",
    (Status.COMPLETED, "stamps"): "same",
    (Status.ISSUED, "issue"): "same",
    (Status.DISPATCHED, "dispatch"): "same",
    (Status.COMPLETED, "handover"): "same",
}


def _act(action: str, application: Application, clerk_user, user) -> Application:
    if action == "stamps":
        payment = Payment.objects.filter(application=application).first()
        return payments.payment_record_stamps(
            application=application,
            actor=clerk_user,
            amount=payment.amount_due if payment else 0,
        )
    if action == "issue":
        return issuance.application_issue(application=application, actor=clerk_user)
    if action == "dispatch":
        return issuance.application_dispatch(
            application=application,
            actor=clerk_user,
            method="registered_mail",
            tracking_number="123456789012",
        )
    return issuance.application_record_handover(application=application, actor=user)


@pytest.mark.parametrize(("state", "action"), [(s, a) for s in WALKED for a in ACTIONS])
def test_every_issuance_state_and_action(org_user, the_clerk, state, action):
    org, user = org_user
    application = decided(org, user)
    application = walk_to(application, state, actor=the_clerk, user=user)
    if state == Status.FEE_PAID:
        issuance.card_receipt_record(application=application, actor=the_clerk)
    events_before = StatusEvent.objects.filter(application=application).count()
    expected = EXPECTED.get((state, action))
    if expected is None:
        with pytest.raises(IssuanceError):
            _act(action, application, the_clerk, user)
        application.refresh_from_db()
        assert application.status == state
        assert (
            StatusEvent.objects.filter(application=application).count() == events_before
        )
    elif expected == "same":
        _act(action, application, the_clerk, user)
        application.refresh_from_db()
        assert application.status == state
        assert (
            StatusEvent.objects.filter(application=application).count() == events_before
        )
    else:
        _act(action, application, the_clerk, user)
        application.refresh_from_db()
        assert application.status == expected
        # Companions share the lifecycle.
        assert set(application.companions.values_list("status", flat=True)) == {
            expected
        }
        event = StatusEvent.objects.filter(application=application).latest("id")
        assert (event.from_status, event.to_status) == (state, expected)
        assert AuditEvent.objects.filter(
            action=f"application.{event.action}", object_code=str(application.code)
        ).exists()


@pytest.mark.parametrize(
    "state",
    [
        Status.SUBMITTED,
        Status.EXAMINING,
        Status.AWAITING_DOCUMENTS,
        Status.DECISION_PROPOSED,
        Status.DENIED,
        Status.WITHDRAWN,
    ],
)
@pytest.mark.parametrize("action", ACTIONS)
def test_issuance_actions_refused_before_a_grant(org_user, the_clerk, state, action):
    org, user = org_user
    application = ApplicationFactory(
        shortcut=True, organization=org, created_by=user, status=state
    )
    with pytest.raises(IssuanceError):
        _act(action, application, the_clerk, user)
    application.refresh_from_db()
    assert application.status == state


def test_the_whole_journey_tells_the_organisation_at_every_step(org_user, the_clerk):
    org, user = org_user
    colleague = staff(org)
    application = decided(org, user, received_on=AFTER_2025)
    assert application.payment.amount_due == 5500 + 6500
    application = walk_to(application, Status.COMPLETED, actor=the_clerk, user=user)
    kinds = list(
        Notification.objects.filter(recipient=colleague)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "decision_granted",
        "payment_received",
        "card_issued",
        "card_dispatched",
        "application_completed",
    ]
    actions = list(
        StatusEvent.objects.filter(application=application).values_list(
            "action", flat=True
        )
    )
    assert actions[-5:] == [
        Action.APPROVE_GRANT,
        Action.CONFIRM_FEE,
        Action.ISSUE,
        Action.DISPATCH,
        Action.RECORD_HANDOVER,
    ]
    assert application.closed_at is not None
    dispatch = Dispatch.objects.get(application=application)
    assert dispatch.tracking_number == "123456789012"
    assert dispatch.card_received_at is not None
    card = ResidenceCard.objects.get(application=application)
    assert CARD_SHAPE.match(card.number)
    assert card.period == "3y"
    kinds = set(
        Certificate.objects.filter(application=application).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {Certificate.Kind.DECISION_NOTICE, Certificate.Kind.REENTRY}
    # Every email of the journey renders in both languages.
    for notification in Notification.objects.filter(recipient=user):
        for language in ("ja", "en"):
            rendered = render_email(
                notification.kind,
                {**notification.context, "recipient": user, "link": notification.link},
                language,
            )
            # The subject names the person (the receipt number is in the body).
            assert "NGUYEN" in rendered.subject
            assert application.receipt_number in rendered.text
            assert card.number not in rendered.text  # no identifying number in emails


def test_only_a_clerk_of_the_office_acts(org_user, the_clerk):
    org, user = org_user
    application = decided(org, user)
    payment = application.payment
    for stranger in (clerk("OSK"), officer(OfficerRole.Role.EXAMINER), user):
        with pytest.raises(PermissionDenied):
            payments.payment_record_stamps(
                application=application, actor=stranger, amount=payment.amount_due
            )
    with pytest.raises(PermissionDenied):
        issuance.application_record_handover(application=application, actor=the_clerk)


# --- Stamps --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "difference"), [(11500, -500), (12500, 500), (0, -12000)]
)
def test_stamps_of_another_amount_are_refused_with_the_difference(
    org_user, the_clerk, amount, difference
):
    org, user = org_user
    application = decided(org, user, received_on=AFTER_2025)
    with pytest.raises(AmountMismatch) as caught:
        payments.payment_record_stamps(
            application=application, actor=the_clerk, amount=amount
        )
    assert caught.value.difference == difference
    payment = Payment.objects.get(application=application)
    assert payment.state == Payment.State.PENDING
    assert payment.amount_received is None
    application.refresh_from_db()
    assert application.status == Status.GRANTED


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "11500",
            "The stamps add up to ¥11,500, which is ¥500 short of the fee due (¥12,000).",
        ),
        (
            "１２，５００",
            "The stamps add up to ¥12,500, which is ¥500 too much for the fee due (¥12,000).",
        ),
    ],
)
def test_stamps_page_shows_the_difference(
    client, settings, org_user, the_clerk, typed, message
):
    org, user = org_user
    application = decided(org, user, received_on=AFTER_2025)
    login(client, the_clerk, settings)
    response = client.post(
        reverse("review:issuance_stamps", args=[application.code]), {"amount": typed}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Payment.objects.get(application=application).state == Payment.State.PENDING


def test_payment_row_cannot_be_paid_with_another_amount(org_user):
    """The database refuses a paid payment whose amount differs (constraint)."""
    org, user = org_user
    application = decided(org, user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(application=application).update(
            state="paid", amount_received=1, paid_at=timezone.now()
        )


# --- The residence card --------------------------------------------------------------------------


def test_card_number_collision_is_retried_and_never_duplicated(
    org_user, the_clerk, monkeypatch
):
    org, user = org_user
    first = walk_to(decided(org, user), Status.ISSUED, actor=the_clerk, user=user)
    taken = ResidenceCard.objects.get(application=first).number
    second = walk_to(decided(org, user), Status.FEE_PAID, actor=the_clerk, user=user)
    issuance.card_receipt_record(application=second, actor=the_clerk)
    numbers = iter([taken, taken, "ZZ00000001ZZ"])
    monkeypatch.setattr(issuance, "generate_card_number", lambda: next(numbers))
    issuance.application_issue(application=second, actor=the_clerk)
    assert ResidenceCard.objects.get(application=second).number == "ZZ00000001ZZ"
    assert ResidenceCard.objects.filter(number=taken).count() == 1


def test_card_number_that_always_collides_issues_nothing(
    org_user, the_clerk, monkeypatch
):
    org, user = org_user
    first = walk_to(decided(org, user), Status.ISSUED, actor=the_clerk, user=user)
    taken = ResidenceCard.objects.get(application=first).number
    second = walk_to(decided(org, user), Status.FEE_PAID, actor=the_clerk, user=user)
    issuance.card_receipt_record(application=second, actor=the_clerk)
    monkeypatch.setattr(issuance, "generate_card_number", lambda: taken)
    with pytest.raises(RuntimeError):
        issuance.application_issue(application=second, actor=the_clerk)
    second.refresh_from_db()
    assert second.status == Status.FEE_PAID
    assert not ResidenceCard.objects.filter(application=second).exists()


def test_two_cards_with_one_number_are_refused_by_the_database(org_user, the_clerk):
    org, user = org_user
    first = walk_to(decided(org, user), Status.ISSUED, actor=the_clerk, user=user)
    card = ResidenceCard.objects.get(application=first)
    other = ApplicationFactory(
        shortcut=True, organization=org, created_by=user, status=Status.ISSUED
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ResidenceCard.objects.create(
            application=other,
            number=card.number,
            status=card.status,
            period="1y",
            expiry=card.expiry,
            issued_by=the_clerk,
        )


def test_new_card_numbers_have_the_shape():
    assert all(CARD_SHAPE.match(issuance._new_card_number()) for _ in range(200))


def test_issue_needs_the_current_card(org_user, the_clerk):
    org, user = org_user
    application = walk_to(
        decided(org, user), Status.FEE_PAID, actor=the_clerk, user=user
    )
    with pytest.raises(IssuanceError) as caught:
        issuance.application_issue(application=application, actor=the_clerk)
    assert caught.value.code == "card_not_received"


def test_extension_card_expiry_counts_from_the_current_expiry(org_user, the_clerk):
    org, user = org_user
    application = decided(org, user, period="3y")
    current = application.foreign_national.period_expiry
    application = walk_to(application, Status.ISSUED, actor=the_clerk, user=user)
    card = ResidenceCard.objects.get(application=application)
    assert card.expiry == current + relativedelta(years=3)


def test_change_card_expiry_counts_from_the_permission(org_user, the_clerk):
    org, user = org_user
    application = decided(org, user, type_code="change", companions=(), period="1y")
    decided_on = timezone.localdate(application.decided_at)
    application = walk_to(application, Status.ISSUED, actor=the_clerk, user=user)
    card = ResidenceCard.objects.get(application=application)
    assert card.expiry == decided_on + relativedelta(years=1) - timedelta(days=1)


def test_stay_of_three_months_or_less_gets_no_card(org_user, the_clerk):
    org, user = org_user
    application = decided(org, user, type_code="change", companions=(), period="3m")
    application = walk_to(application, Status.ISSUED, actor=the_clerk, user=user)
    assert not ResidenceCard.objects.filter(application=application).exists()


def test_certificates_for_the_companions(org_user, the_clerk):
    org, user = org_user
    application = decided(
        org,
        user,
        companions=("reentry", "other_activity"),
        activity_terms="Teaching, 28h/week",
    )
    application = walk_to(application, Status.ISSUED, actor=the_clerk, user=user)
    kinds = set(
        Certificate.objects.filter(application=application).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {"decision_notice", "reentry", "other_activity"}


def test_coe_is_an_electronic_certificate_valid_for_three_months(org_user, the_clerk):
    org, user = org_user
    application = decided(org, user, type_code="coe", companions=(), period="1y")
    assert application.status == Status.FEE_PAID  # no fee
    application = walk_to(application, Status.DISPATCHED, actor=the_clerk, user=user)
    coe = Certificate.objects.get(application=application, kind=Certificate.Kind.COE)
    assert len(coe.verification_code) >= 10
    assert set(coe.verification_code) <= set(issuance.VERIFICATION_ALPHABET)
    assert not set(coe.verification_code) & set("0O1IL")
    assert coe.valid_until == timezone.localdate() + relativedelta(months=3)
    assert not ResidenceCard.objects.filter(application=application).exists()
    dispatch = Dispatch.objects.get(application=application)
    assert (dispatch.method, dispatch.tracking_number) == ("email", "")


def test_a_residence_card_is_not_sent_by_email(org_user, the_clerk):
    org, user = org_user
    application = walk_to(decided(org, user), Status.ISSUED, actor=the_clerk, user=user)
    with pytest.raises(IssuanceError) as caught:
        issuance.application_dispatch(
            application=application, actor=the_clerk, method="email"
        )
    assert caught.value.code == "email_only_for_certificates"


# --- Tracking numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1234-5678-9012", "123456789012"),
        ("12345678901", "12345678901"),
        ("1234567890123", "1234567890123"),
        ("１２３４－５６７８－９０１２", "123456789012"),
        ("1234 5678 9012", "123456789012"),
        ("1234-5678", None),
        ("12345678901234", None),
        ("EJ123456789JP", None),
        ("", None),
        ("1234-5678-901a", None),
    ],
)
def test_tracking_number_shape(typed, expected):
    assert normalize_tracking_number(typed) == expected


def test_dispatch_with_a_wrong_tracking_number_gets_a_clear_message(
    client, settings, org_user, the_clerk
):
    org, user = org_user
    application = walk_to(decided(org, user), Status.ISSUED, actor=the_clerk, user=user)
    login(client, the_clerk, settings)
    url = reverse("review:issuance_dispatch", args=[application.code])
    response = client.post(
        url, {"method": "registered_mail", "tracking_number": "1234-5678"}
    )
    assert response.status_code == 400
    assert "Japan Post tracking number of 11 to 13 digits" in response.content.decode()
    response = client.post(url, {"method": "registered_mail", "tracking_number": ""})
    assert response.status_code == 400
    assert "Enter the tracking number" in response.content.decode()
    response = client.post(
        url, {"method": "counter", "tracking_number": "123456789012"}
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == Status.ISSUED
    response = client.post(
        url, {"method": "letter_pack", "tracking_number": "1234-5678-9012"}, follow=True
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == Status.DISPATCHED
    assert (
        Dispatch.objects.get(application=application).tracking_number == "123456789012"
    )


# --- Pages: the clerk ----------------------------------------------------------------------------


def test_clerk_journey_through_the_pages(client, settings, org_user, the_clerk):
    org, user = org_user
    application = decided(org, user, received_on=AFTER_2025)
    login(client, the_clerk, settings)
    page = client.get(reverse("review:issuance", args=[application.code]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "¥12,000" in body
    assert "Record the revenue stamps" in body
    response = client.post(
        reverse("review:issuance_stamps", args=[application.code]),
        {"amount": "¥12,000"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.FEE_PAID
    # Issuing before the current card has arrived is not offered.
    response = client.get(reverse("review:issuance_issue", args=[application.code]))
    assert response.status_code == 302
    client.post(reverse("review:issuance_card_received", args=[application.code]))
    response = client.get(reverse("review:issuance_issue", args=[application.code]))
    assert response.status_code == 200
    assert "Check and issue" in response.content.decode()
    client.post(reverse("review:issuance_issue", args=[application.code]))
    application.refresh_from_db()
    assert application.status == Status.ISSUED
    number = ResidenceCard.objects.get(application=application).number
    assert (
        number
        in client.get(
            reverse("review:issuance", args=[application.code])
        ).content.decode()
    )


def test_clerk_actions_need_a_recent_reauthentication(
    client, settings, org_user, the_clerk
):
    org, user = org_user
    application = decided(org, user, received_on=AFTER_2025)
    login(client, the_clerk, settings, fresh=False)
    response = client.post(
        reverse("review:issuance_stamps", args=[application.code]), {"amount": "12000"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    application.refresh_from_db()
    assert application.status == Status.GRANTED


OFFICE_URLS = (
    ("review:issuance", "get"),
    ("review:issuance_assess", "post"),
    ("review:issuance_stamps", "get"),
    ("review:issuance_stamps", "post"),
    ("review:issuance_card_received", "post"),
    ("review:issuance_issue", "get"),
    ("review:issuance_issue", "post"),
    ("review:issuance_dispatch", "get"),
    ("review:issuance_dispatch", "post"),
)


@pytest.mark.parametrize(("name", "method"), OFFICE_URLS)
def test_another_offices_officer_gets_404(client, settings, org_user, name, method):
    org, user = org_user
    application = decided(org, user)
    login(client, clerk("OSK"), settings)
    response = getattr(client, method)(reverse(name, args=[application.code]))
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "method"), OFFICE_URLS[1:])
def test_an_examiner_of_the_office_may_look_but_not_act(
    client, settings, org_user, name, method
):
    org, user = org_user
    application = decided(org, user)
    login(client, officer(OfficerRole.Role.EXAMINER), settings)
    assert (
        client.get(reverse("review:issuance", args=[application.code])).status_code
        == 200
    )
    response = getattr(client, method)(reverse(name, args=[application.code]))
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "method"), OFFICE_URLS)
def test_portal_users_get_404_on_office_urls(client, settings, org_user, name, method):
    org, user = org_user
    application = decided(org, user)
    login(client, user, settings)
    assert (
        getattr(client, method)(reverse(name, args=[application.code])).status_code
        == 404
    )


# --- Pages: the organisation ---------------------------------------------------------------------


def test_user_sees_the_fee_declares_and_records_the_handover(
    client, settings, org_user, the_clerk
):
    org, user = org_user
    application = decided(org, user, received_on=AFTER_2025)
    login(client, user, settings, fresh=False)
    url = reverse("review:payment", args=[application.code])
    body = client.get(url).content.decode()
    assert "¥12,000" in body
    assert "revenue stamps" in body
    assert "SANDBOX" not in body  # the provider's page is elsewhere
    # The current card must be declared as sent.
    response = client.post(url, {"return_method": "registered_mail"})
    assert response.status_code == 400
    assert (
        "Confirm that you have sent the current residence card"
        in response.content.decode()
    )
    response = client.post(
        url, {"return_method": "letter_pack", "current_card_sent": "on"}
    )
    assert response.status_code == 302
    payment = Payment.objects.get(application=application)
    assert (payment.return_method, payment.current_card_sent) == ("letter_pack", True)
    assert payment.declared_by == user
    application = walk_to(application, Status.DISPATCHED, actor=the_clerk, user=user)
    body = client.get(url).content.decode()
    assert "Record the handover" in body
    handover_url = reverse("review:handover", args=[application.code])
    response = client.post(handover_url, {})
    assert response.status_code == 400
    response = client.post(handover_url, {"confirm": "on"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.COMPLETED


USER_URLS = (
    ("review:payment", "get"),
    ("review:payment", "post"),
    ("review:payment_start", "post"),
    ("review:handover", "get"),
    ("review:handover", "post"),
    ("review:sandbox_pay", "get"),
    ("review:sandbox_pay", "post"),
)


@pytest.mark.parametrize(("name", "method"), USER_URLS)
def test_another_organisations_user_gets_404(client, settings, org_user, name, method):
    org, user = org_user
    application = decided(org, user)
    _, stranger = org_and_user()
    login(client, stranger, settings, fresh=False)
    assert (
        getattr(client, method)(reverse(name, args=[application.code])).status_code
        == 404
    )


@pytest.mark.parametrize(("name", "method"), USER_URLS)
def test_officers_get_404_on_the_users_pages(
    client, settings, org_user, the_clerk, name, method
):
    org, user = org_user
    application = decided(org, user)
    login(client, the_clerk, settings)
    assert (
        getattr(client, method)(reverse(name, args=[application.code])).status_code
        == 404
    )


def test_read_only_user_may_look_but_not_declare(client, settings, org_user):
    org, user = org_user
    application = decided(org, user)
    reader = staff(org, valid_days=-1)  # approval expired: read-only
    url = reverse("review:payment", args=[application.code])
    login(client, user, settings, fresh=False)
    assert 'name="return_method"' in client.get(url).content.decode()
    login(client, reader, settings, fresh=False)
    page = client.get(url)
    assert page.status_code == 200
    # The declaration form is offered only to those who may send it.
    assert 'name="return_method"' not in page.content.decode()
    response = client.post(url, {"return_method": "counter", "current_card_sent": "on"})
    assert response.status_code == 403


def test_payment_page_before_a_decision_is_404(client, settings, org_user):
    org, user = org_user
    application = ApplicationFactory(
        shortcut=True, organization=org, created_by=user, status=Status.EXAMINING
    )
    login(client, user, settings, fresh=False)
    assert (
        client.get(reverse("review:payment", args=[application.code])).status_code
        == 404
    )


def test_issuance_panel_renders_for_the_case_page(org_user, the_clerk, rf):
    """The partial the officer case page includes, with its documented context."""
    from django.template.loader import render_to_string

    from review.presenters import issuance_panel_context

    org, user = org_user
    application = decided(org, user, received_on=AFTER_2025)
    context = issuance_panel_context(application=application, user=the_clerk)
    html = render_to_string(
        "review/issuance/_case_panel.html", {"issuance": context}, request=rf.get("/")
    )
    assert "¥12,000" in html
    assert reverse("review:issuance_stamps", args=[application.code]) in html
    before = ApplicationFactory(
        shortcut=True, organization=org, created_by=user, status=Status.EXAMINING
    )
    html = render_to_string(
        "review/issuance/_case_panel.html",
        {"issuance": issuance_panel_context(application=before, user=the_clerk)},
    )
    assert html.strip() == ""


def test_messages_are_english_msgids(client, settings, org_user, the_clerk):
    org, user = org_user
    application = decided(org, user, received_on=AFTER_2025)
    login(client, the_clerk, settings)
    response = client.post(
        reverse("review:issuance_card_received", args=[application.code]), follow=True
    )
    assert "The arrival of the current residence card is recorded." in messages_of(
        response
    )


def test_case_panel_costs_two_queries_on_the_case_page(
    org_user, the_clerk, django_assert_max_num_queries
):
    from review.permissions import has_role
    from review.presenters import issuance_panel_context
    from review.selectors import case_decisions

    org, user = org_user
    application = walk_to(decided(org, user), Status.ISSUED, actor=the_clerk, user=user)
    decisions = case_decisions(application=application)
    companions = list(application.companions.select_related("application_type"))
    application = Application.objects.select_related(
        "application_type", "foreign_national", "organization", "office"
    ).get(pk=application.pk)
    has_role(the_clerk, OfficerRole.Role.CLERK, application.office_id)  # roles cached
    with django_assert_max_num_queries(2):
        context = issuance_panel_context(
            application=application,
            user=the_clerk,
            decisions=decisions,
            companions=companions,
            with_fee_items=False,
        )
    assert context["can_dispatch"]
    assert context["card"] is not None
    before = ApplicationFactory(
        shortcut=True, organization=org, created_by=user, status=Status.EXAMINING
    )
    with django_assert_max_num_queries(0):
        issuance_panel_context(application=before, user=the_clerk)


@pytest.mark.parametrize(
    "name",
    ["review:issuance_stamps", "review:issuance_issue", "review:issuance_dispatch"],
)
def test_clerk_pages_before_a_decision_send_back_to_the_issuance(
    client, settings, org_user, the_clerk, name
):
    org, user = org_user
    application = ApplicationFactory(
        shortcut=True, organization=org, created_by=user, status=Status.EXAMINING
    )
    login(client, the_clerk, settings)
    response = client.get(reverse(name, args=[application.code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("review:issuance", args=[application.code])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "no approved decision" in page.content.decode()


def test_the_clerks_page_names_the_person_and_lists_the_steps(
    client, settings, org_user, the_clerk
):
    """Issue 12: the heading names the person and the receipt number with a
    way back to the case; a numbered checklist says what is done and opens
    the next step."""
    org, user = org_user
    application = decided(org, user, received_on=AFTER_2025)
    login(client, the_clerk, settings)
    html = client.get(
        reverse("review:issuance", args=[application.code])
    ).content.decode()
    person = application.foreign_national
    assert (
        f"Issuance for {person.family_name} {person.given_name} ({application.receipt_number})"
        in html
    )
    assert reverse("review:case", args=[application.code]) in html
    checklist = html[html.index('<ol class="checklist">') : html.index("</ol>")]
    titles = re.findall(
        r'<span class="checklist__title">(?:<a href="([^"]*)">)?([^<]+)', checklist
    )
    names = [t for _url, t in titles]
    assert names[0] == "Fee: revenue stamps or online payment"
    assert names[-2:] == ["Issue", "Dispatch"]
    stamps_url = reverse("review:issuance_stamps", args=[application.code])
    assert titles[0][0] == stamps_url  # the next step opens its page
    assert "Done" not in checklist
    walk_to(application, Status.ISSUED, actor=the_clerk, user=user)
    html = client.get(
        reverse("review:issuance", args=[application.code])
    ).content.decode()
    checklist = html[html.index('<ol class="checklist">') : html.index("</ol>")]
    assert checklist.count(">Done<") == len(titles) - 1  # all but dispatch


def test_the_case_page_leads_a_clerk_to_the_issuance_steps(
    client, settings, org_user, the_clerk
):
    """Issue 12: from a work tray the clerk opens the case; once the case is
    granted its actions lead to the issuance page (the numbered steps).
    Before the grant, and for an examiner, there is no such link."""
    org, user = org_user
    granted = decided(org, user, received_on=AFTER_2025)
    steps = reverse("review:issuance", args=[granted.code])
    login(client, the_clerk, settings)
    html = client.get(reverse("review:case", args=[granted.code])).content.decode()
    assert f'<a href="{steps}">Fee and issuance steps</a>' in html
    examining = ApplicationFactory(
        organization=org, created_by=user, shortcut=True, status=Status.EXAMINING
    )
    html = client.get(reverse("review:case", args=[examining.code])).content.decode()
    assert "Fee and issuance steps" not in html
    login(client, officer(OfficerRole.Role.EXAMINER), settings)
    html = client.get(reverse("review:case", args=[granted.code])).content.decode()
    assert "Fee and issuance steps" not in html
