"""How a fee can be paid: a small interface with two implementations.

``PaymentMethod`` is what the issuance services and views know about a way of
paying:

* ``start(payment)`` — where to send the user to pay (a URL), or ``None`` when
  the method has no online step (the page then shows what to send);
* ``verify_callback(request)`` — check a provider's notification and say what
  it claims (``CallbackResult``); it never writes anything.  The service
  ``issuance.payment_confirm_callback`` acts on a verified result.

Two methods ship:

* ``RevenueStamps`` — stamps (収入印紙) affixed to the fee slip (手数料納付書) sent
  with the current card; the clerk records them
  (``issuance.payment_record_stamps``).  No online step, no callback.
* ``SandboxProvider`` — a stand-in for an electronic payment provider, for
  demos and tests.  Its "provider page" is ``review:sandbox_pay`` on this
  site (clearly marked SANDBOX); on success it hands the browser a form that
  posts a signed callback to ``review:payment_callback``.  The callback is two
  form fields: ``payload`` (canonical JSON: sorted keys, no spaces) and
  ``signature`` (hex HMAC-SHA256 of the payload's UTF-8 bytes with
  ``settings.PAYMENT_SANDBOX_SECRET``).  It is offered only while that secret
  is set (DEBUG and tests have a default; production has none unless
  configured).

A real provider is a third class with the same two methods (and its own
signature scheme); nothing else changes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from review.models import Payment

SANDBOX_PREFIX = "SBX-"
# The sandbox's test cards: the first succeeds, the second is declined.
SANDBOX_CARD_OK = "4242424242424242"
SANDBOX_CARD_DECLINED = "4000000000000002"


@dataclass(frozen=True)
class CallbackResult:
    """What a provider's callback claims, once its signature was checked.

    ``valid`` is False for a missing, malformed or wrongly signed callback;
    then ``error`` says why (for the log and the audit record) and the other
    fields may be empty.  A valid result is the provider's word that
    ``amount`` yen were paid for ``application_code`` under ``reference``."""

    valid: bool
    application_code: str = ""
    amount: int = 0
    reference: str = ""
    error: str = ""


@runtime_checkable
class PaymentMethod(Protocol):
    key: str
    label: Any

    def available(self) -> bool: ...

    def start(self, payment: Payment) -> str | None: ...

    def verify_callback(self, request: HttpRequest) -> CallbackResult: ...


class RevenueStamps:
    """Revenue stamps on the fee slip, recorded by the clerk."""

    key = "stamps"
    label = _("Revenue stamps on the fee slip")

    def available(self) -> bool:
        return True

    def start(self, payment: Payment) -> str | None:
        return None  # nothing to do online: the payment page says what to send

    def verify_callback(self, request: HttpRequest) -> CallbackResult:
        return CallbackResult(valid=False, error="stamps have no callback")


class SandboxProvider:
    """The sandbox electronic payment provider (see the module docstring)."""

    key = "provider"
    label = _("Electronic payment (sandbox)")

    def __init__(self, secret: str | None = None) -> None:
        self._secret = secret

    @property
    def secret(self) -> str | None:
        return (
            self._secret
            if self._secret is not None
            else settings.PAYMENT_SANDBOX_SECRET
        )

    def available(self) -> bool:
        return bool(self.secret)

    def start(self, payment: Payment) -> str | None:
        return reverse("review:sandbox_pay", args=[payment.application.code])

    # --- The provider's side (what the sandbox page does) --------------------------

    @staticmethod
    def new_reference() -> str:
        return SANDBOX_PREFIX + secrets.token_hex(10).upper()

    @staticmethod
    def canonical_payload(*, application_code: str, amount: int, reference: str) -> str:
        return json.dumps(
            {
                "amount": amount,
                "application": application_code,
                "currency": "JPY",
                "reference": reference,
                "status": "succeeded",
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    def sign(self, payload: str) -> str:
        secret = self.secret
        if not secret:
            raise RuntimeError("the sandbox provider has no secret")
        return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()

    def signed_callback(
        self, *, application_code: str, amount: int, reference: str
    ) -> dict[str, str]:
        """The form fields the sandbox page posts to ``review:payment_callback``."""
        payload = self.canonical_payload(
            application_code=application_code, amount=amount, reference=reference
        )
        return {"payload": payload, "signature": self.sign(payload)}

    # --- Our side ------------------------------------------------------------------

    def verify_callback(self, request: HttpRequest) -> CallbackResult:
        """Check the HMAC over the payload exactly as received (constant-time
        comparison), then read it.  Never raises for bad input."""
        secret = self.secret
        if not secret:
            return CallbackResult(valid=False, error="sandbox provider disabled")
        payload = request.POST.get("payload", "")
        signature = request.POST.get("signature", "")
        if not payload or not signature:
            return CallbackResult(valid=False, error="missing payload or signature")
        expected = hmac.new(
            secret.encode(), payload.encode(), hashlib.sha256
        ).hexdigest()
        if not hmac.compare_digest(expected, signature.strip().lower()):
            return CallbackResult(valid=False, error="bad signature")
        try:
            data = json.loads(payload)
            application_code = str(data["application"])
            amount = data["amount"]
            reference = str(data["reference"])
            ok = (
                data.get("status") == "succeeded"
                and data.get("currency") == "JPY"
                and isinstance(amount, int)
                and not isinstance(amount, bool)
                and amount >= 0
                and 0 < len(reference) <= 64
            )
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            return CallbackResult(valid=False, error="malformed payload")
        return CallbackResult(
            valid=True,
            application_code=application_code,
            amount=amount,
            reference=reference,
        )


def methods() -> list[PaymentMethod]:
    """The methods offered now, stamps first."""
    candidates: list[PaymentMethod] = [RevenueStamps(), SandboxProvider()]
    return [m for m in candidates if m.available()]


def provider() -> SandboxProvider | None:
    """The electronic provider if one is configured."""
    sandbox = SandboxProvider()
    return sandbox if sandbox.available() else None
