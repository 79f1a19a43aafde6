"""Standard Webhooks signatures: the spec's published example, and ours
verified by the reference verifier."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

from django.utils import timezone

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from webhooks import signing

# The example of the Standard Webhooks specification (and Svix's docs).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_specs_example_vector():
    at = datetime.fromtimestamp(SPEC_TIMESTAMP, UTC)
    headers = signing.headers(
        [SPEC_SECRET], msg_id=SPEC_ID, timestamp=at, body=SPEC_BODY
    )
    assert headers == {
        "webhook-id": SPEC_ID,
        "webhook-timestamp": str(SPEC_TIMESTAMP),
        "webhook-signature": SPEC_SIGNATURE,
    }


def test_the_signature_is_hmac_sha256_of_id_timestamp_body_with_the_decoded_key():
    """The same value computed by hand from the spec's definition."""
    key = base64.b64decode(SPEC_SECRET.removeprefix("whsec_"))
    signed = f"{SPEC_ID}.{SPEC_TIMESTAMP}.".encode() + SPEC_BODY
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    assert "v1," + base64.b64encode(digest).decode() == SPEC_SIGNATURE


def test_a_new_secret_is_whsec_and_32_random_bytes():
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert signing.new_secret() != secret


def test_our_headers_verify_with_the_reference_verifier_and_a_changed_body_does_not():
    secret = signing.new_secret()
    body = b'{"type":"case.received"}'
    headers = signing.headers(
        [secret], msg_id="msg_1", timestamp=timezone.now(), body=body
    )
    assert Webhook(secret).verify(body, headers) == {"type": "case.received"}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(b'{"type":"case.decided"}', headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(body, headers)


def test_during_a_rotation_both_secrets_verify():
    new, old = signing.new_secret(), signing.new_secret()
    body = b"{}"
    headers = signing.headers(
        [new, old], msg_id="msg_2", timestamp=timezone.now(), body=body
    )
    assert headers["webhook-signature"].count("v1,") == 2
    Webhook(new).verify(body, headers)
    Webhook(old).verify(body, headers)


def test_the_readmes_hand_written_verifier_accepts_ours_and_refuses_a_change():
    """The README's standard-library example, run as written."""
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    start = readme.index("import base64, hashlib, hmac, time")
    code = readme[start : readme.index("```", start)]
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - our own README
    verify = namespace["verify"]
    secret = signing.new_secret()
    body = b'{"type":"case.issued"}'
    headers = signing.headers(
        [signing.new_secret(), secret],
        msg_id="msg_3",
        timestamp=timezone.now(),
        body=body,
    )
    assert verify(secret, body, headers) is True
    assert verify(secret, body + b" ", headers) is False
    assert verify(signing.new_secret(), body, headers) is False
