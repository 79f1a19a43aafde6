"""The shape of an API token: ``zk_<prefix>_<secret>``."""

from __future__ import annotations

import hashlib

TOKEN_PREFIX = "zk"  # noqa: S105 - a fixed marker, not a secret


def secret_digest(secret: str) -> str:
    """SHA-256 of the secret: it has 256 bits of entropy, so no slow hash is
    needed (one would only cost every request)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def split_token(token: str) -> tuple[str, str] | None:
    """``zk_<prefix>_<secret>`` → (prefix, secret); None when malformed."""
    head, sep, rest = token.partition("_")
    prefix, sep2, secret = rest.partition("_")
    if head != TOKEN_PREFIX or not sep or not sep2 or not prefix or not secret:
        return None
    return prefix, secret
