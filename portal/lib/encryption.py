"""Secrets at rest: symmetric encryption with keys from the environment.

Used for second-factor secrets (TOTP seeds, recovery-code seeds) through
allauth's MFA adapter, so a database dump, replica or restored drill database
yields no second factor.  The keys are Fernet keys (``cryptography``:
AES-128-CBC + HMAC-SHA256, authenticated), listed newest first: the first
encrypts, every one decrypts (``MultiFernet``), so a key is rotated by putting
a new one in front and, once ``manage.py rotate_mfa_keys`` has re-encrypted the
rows, dropping the old one.

Stored values carry a prefix so a plaintext value is never mistaken for a
ciphertext (and is refused by ``decrypt``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "fernet1:"


class DecryptionFailed(Exception):
    """A stored secret could not be decrypted with any configured key."""


def keys_from(values: Sequence[str], *, name: str = "MFA_ENCRYPTION_KEYS") -> list[str]:
    """Validate Fernet keys (settings call this at start-up); raises
    ImproperlyConfigured naming the variable, never the key."""
    if not values:
        raise ImproperlyConfigured(f"{name} must be set.")
    for position, value in enumerate(values, start=1):
        try:
            Fernet(value.encode())
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"{name}: key {position} is not a Fernet key (32 url-safe "
                "base64-encoded bytes; generate one with `python -c "
                '"from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"`).'
            ) from None
    return list(values)


@cache
def _box(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _box(tuple(settings.MFA_ENCRYPTION_KEYS))


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def encrypt(text: str) -> str:
    """``text`` encrypted with the newest key."""
    return PREFIX + _current().encrypt(text.encode()).decode("ascii")


def decrypt(value: str) -> str:
    """The text of a value ``encrypt`` produced with any configured key.
    Raises DecryptionFailed for plaintext or an unknown key."""
    if not is_encrypted(value):
        raise DecryptionFailed("not an encrypted value")
    try:
        return _current().decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise DecryptionFailed("no configured key decrypts this value") from None


def rotate(value: str) -> str:
    """``value`` re-encrypted with the newest key (plaintext is encrypted)."""
    if not is_encrypted(value):
        return encrypt(value)
    return PREFIX + _current().rotate(value[len(PREFIX) :].encode()).decode("ascii")
