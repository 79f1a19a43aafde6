"""Payment methods: the interface, the sandbox provider's page and its signed
callback (signature, replay, amount), and what is recorded."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date
from pathlib import Path

from django.test import Client
from django.urls import reverse

import pytest

from applications.workflow import Action, Status
from portal.audit.models import AuditEvent
from portal.notifications.models import Notification
from review import payments
from review.models import Payment
from review.payments import PaymentMethod, RevenueStamps, SandboxProvider
from tests.review.issuance_helpers import clerk, decided, login, media, org_and_user

pytestmark = pytest.mark.django_db

SECRET = "test-sandbox-secret"
AFTER_2025 = date(2025, 6, 2)


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path: Path) -> None:
    media(settings, tmp_path)
    settings.PAYMENT_SANDBOX_SECRET = SECRET


@pytest.fixture
def granted():
    org, user = org_and_user()
    application = decided(org, user, received_on=AFTER_2025)  # ¥12,000 due
    return application, user


def signed(
    application, *, amount: int = 12000, reference: str = "SBX-REF-1"
) -> dict[str, str]:
    return SandboxProvider().signed_callback(
        application_code=str(application.code), amount=amount, reference=reference
    )


def post_callback(data: dict[str, str]):
    # The provider posts without a CSRF token: the signature authenticates it.
    provider = Client(enforce_csrf_checks=True)
    provider.cookies["django_language"] = "en"
    return provider.post(reverse("review:payment_callback"), data)


def confirm_events(application) -> int:
    return application.events.filter(action=Action.CONFIRM_FEE).count()


# --- The interface -------------------------------------------------------------------------


def test_both_methods_implement_the_interface(granted):
    application, _ = granted
    payment = Payment.objects.get(application=application)
    stamps, sandbox = RevenueStamps(), SandboxProvider()
    assert isinstance(stamps, PaymentMethod)
    assert isinstance(sandbox, PaymentMethod)
    assert stamps.start(payment) is None
    assert sandbox.start(payment) == reverse(
        "review:sandbox_pay", args=[application.code]
    )
    assert [m.key for m in payments.methods()] == ["stamps", "provider"]


def test_without_a_secret_the_provider_is_not_offered(settings, client, granted):
    application, user = granted
    settings.PAYMENT_SANDBOX_SECRET = None
    assert [m.key for m in payments.methods()] == ["stamps"]
    assert payments.provider() is None
    login(client, user, settings, fresh=False)
    assert (
        client.get(reverse("review:sandbox_pay", args=[application.code])).status_code
        == 404
    )
    assert post_callback({"payload": "{}", "signature": "00"}).status_code == 404
    assert (
        "Or pay electronically"
        not in client.get(
            reverse("review:payment", args=[application.code])
        ).content.decode()
    )


def test_signature_is_hmac_sha256_of_the_canonical_payload(granted):
    application, _ = granted
    data = signed(application)
    assert data["payload"] == (
        f'{{"amount":12000,"application":"{application.code}","currency":"JPY","reference":"SBX-REF-1",'
        '"status":"succeeded"}'
    )
    expected = hmac.new(
        SECRET.encode(), data["payload"].encode(), hashlib.sha256
    ).hexdigest()
    assert data["signature"] == expected


# --- The sandbox page and the callback --------------------------------------------------------


def test_sandbox_journey(client, settings, granted):
    application, user = granted
    login(client, user, settings, fresh=False)
    page = client.get(
        reverse("review:payment", args=[application.code])
    ).content.decode()
    assert "Pay ¥12,000 electronically" in page
    response = client.post(reverse("review:payment_start", args=[application.code]))
    assert response["Location"] == reverse(
        "review:sandbox_pay", args=[application.code]
    )
    page = client.get(response["Location"])
    assert "SANDBOX" in page.content.decode()
    declined = client.post(response["Location"], {"card_number": "4000 0000 0000 0002"})
    assert declined.status_code == 400
    assert "The card was declined" in declined.content.decode()
    accepted = client.post(response["Location"], {"card_number": "4242 4242 4242 4242"})
    assert accepted.status_code == 200
    html = accepted.content.decode()
    assert reverse("review:payment_callback") in html
    payload = re.search(r'name="payload" value="([^"]+)"', html).group(1)
    signature = re.search(r'name="signature" value="([0-9a-f]+)"', html).group(1)
    from html import unescape

    response = client.post(
        reverse("review:payment_callback"),
        {"payload": unescape(payload), "signature": signature},
    )
    assert response.status_code == 200
    assert "Payment received" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.FEE_PAID
    payment = Payment.objects.get(application=application)
    assert payment.method == Payment.Method.PROVIDER
    assert payment.amount_received == 12000
    assert payment.provider_reference.startswith("SBX-")
    assert (
        Notification.objects.filter(recipient=user, kind="payment_received").count()
        == 1
    )


def test_callback_replay_is_a_noop_200(granted):
    application, user = granted
    data = signed(application)
    first = post_callback(data)
    assert first.status_code == 200
    second = post_callback(data)
    assert second.status_code == 200
    assert "already been recorded" in second.content.decode()
    assert confirm_events(application) == 1
    assert (
        Notification.objects.filter(recipient=user, kind="payment_received").count()
        == 1
    )
    assert (
        Payment.objects.get(application=application).provider_reference == "SBX-REF-1"
    )


def test_callback_with_a_bad_signature_is_refused(granted, caplog):
    application, _ = granted
    data = signed(application)
    data["signature"] = "0" * 64
    response = post_callback(data)
    assert response.status_code == 400
    assert "could not be verified" in response.content.decode()
    assert Payment.objects.get(application=application).state == Payment.State.PENDING
    assert confirm_events(application) == 0
    # Logged, not audited: the URL is public and garbage must not fill the trail.
    assert "payment callback refused: bad signature" in caplog.text
    assert not AuditEvent.objects.filter(action="payment.callback_refused").exists()


def test_callback_with_a_tampered_amount_fails_the_signature(granted):
    application, _ = granted
    data = signed(application, amount=1)
    data["payload"] = data["payload"].replace('"amount":1,', '"amount":12000,')
    assert post_callback(data).status_code == 400
    assert Payment.objects.get(application=application).state == Payment.State.PENDING


def test_callback_signed_with_another_secret_is_refused(granted):
    application, _ = granted
    data = SandboxProvider(secret="someone-else").signed_callback(
        application_code=str(application.code), amount=12000, reference="SBX-X"
    )
    assert post_callback(data).status_code == 400


@pytest.mark.parametrize(
    "data", [{}, {"payload": "not json", "signature": ""}, {"signature": "ab"}]
)
def test_malformed_callbacks_are_refused(granted, data):
    assert post_callback(data).status_code == 400


def test_malformed_but_signed_payload_is_refused(granted):
    provider = SandboxProvider()
    payload = '{"amount":"12000","application":"x"}'
    assert (
        post_callback(
            {"payload": payload, "signature": provider.sign(payload)}
        ).status_code
        == 400
    )


def test_callback_for_another_amount_is_refused_and_recorded(granted):
    application, _ = granted
    response = post_callback(signed(application, amount=11500))
    assert response.status_code == 400
    assert "does not match the fee due" in response.content.decode()
    payment = Payment.objects.get(application=application)
    assert payment.state == Payment.State.PENDING
    assert payment.provider_reference is None
    assert confirm_events(application) == 0
    refusal = AuditEvent.objects.filter(action="payment.callback_refused").latest("id")
    assert refusal.data == {
        "reason": "amount_mismatch",
        "amount": 11500,
        "reference": "SBX-REF-1",
    }
    assert refusal.object_code == str(application.code)


def test_second_payment_under_another_reference_is_refused(granted):
    application, _ = granted
    assert post_callback(signed(application, reference="SBX-A")).status_code == 200
    response = post_callback(signed(application, reference="SBX-B"))
    assert response.status_code == 400
    assert Payment.objects.get(application=application).provider_reference == "SBX-A"
    assert confirm_events(application) == 1


def test_reference_of_another_payment_is_refused(granted):
    application, _ = granted
    org, user = org_and_user()
    other = decided(org, user, received_on=AFTER_2025)
    assert post_callback(signed(application, reference="SBX-SAME")).status_code == 200
    assert post_callback(signed(other, reference="SBX-SAME")).status_code == 400
    assert Payment.objects.get(application=other).state == Payment.State.PENDING


def test_callback_for_an_unknown_application_is_refused(granted):
    import uuid

    data = SandboxProvider().signed_callback(
        application_code=str(uuid.uuid4()), amount=12000, reference="SBX-U"
    )
    assert post_callback(data).status_code == 400


def test_stamps_after_an_electronic_payment_are_a_noop(granted):
    from review.services import payments as payment_services

    application, _ = granted
    assert post_callback(signed(application)).status_code == 200
    payment_services.payment_record_stamps(
        application=application, actor=clerk(), amount=12000
    )
    payment = Payment.objects.get(application=application)
    assert payment.method == Payment.Method.PROVIDER
    assert confirm_events(application) == 1


def test_sandbox_page_when_nothing_is_due(client, settings, granted):
    application, user = granted
    assert post_callback(signed(application)).status_code == 200
    login(client, user, settings, fresh=False)
    response = client.get(reverse("review:sandbox_pay", args=[application.code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("review:payment", args=[application.code])
