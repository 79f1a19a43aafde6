"""Standard Webhooks signatures (https://www.standardwebhooks.com/), through
the reference library ``standardwebhooks``.

A secret is ``whsec_`` + base64 of 32 random bytes; the HMAC key is the
decoded bytes.  ``webhook-signature`` is ``v1,<base64 HMAC-SHA256 of
"{webhook-id}.{webhook-timestamp}.{body}">``; during a secret rotation it
carries two signatures separated by a space (the new and the previous
secret), which the spec and every verifier accept.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signature(
    signing_secrets: Sequence[str], *, msg_id: str, timestamp: datetime, body: bytes
) -> str:
    """The ``webhook-signature`` value: one ``v1,...`` per secret."""
    return " ".join(
        Webhook(secret).sign(msg_id, timestamp, body) for secret in signing_secrets
    )


def headers(
    signing_secrets: Sequence[str], *, msg_id: str, timestamp: datetime, body: bytes
) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature(
            signing_secrets, msg_id=msg_id, timestamp=timestamp, body=body
        ),
    }
