"""Second factors encrypted at rest (issue 11 item 3, review M2)."""

from __future__ import annotations

import importlib

from django.db import connection

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
    validate_totp_code,
)
from cryptography.fernet import Fernet

from accounts.management.commands.rotate_mfa_keys import rotate_mfa_secrets
from portal.lib import encryption
from tests.factories import UserFactory, totp_code

pytestmark = pytest.mark.django_db


def _raw_data(authenticator: Authenticator) -> str:
    """The row as the database stores it (no adapter, no ORM decoding)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator.pk]
        )
        (value,) = cursor.fetchone()
    return value if isinstance(value, str) else str(value)


def test_the_database_row_holds_no_totp_seed():
    user = UserFactory()
    secret = generate_totp_secret()
    authenticator = TOTP.activate(user, secret).instance
    raw = _raw_data(authenticator)
    assert secret not in raw
    assert encryption.PREFIX in raw
    # …and the code from the user's app still verifies.
    assert TOTP(authenticator).validate_code(totp_code(user))


def test_the_database_row_holds_no_recovery_code_seed():
    user = UserFactory()
    codes = RecoveryCodes.activate(user)
    seed = encryption.decrypt(codes.instance.data["seed"])
    raw = _raw_data(codes.instance)
    assert seed not in raw
    assert not any(code in raw for code in codes.get_unused_codes())
    assert RecoveryCodes(codes.instance).validate_code(codes.get_unused_codes()[0])


def test_plaintext_and_foreign_keys_are_refused():
    with pytest.raises(encryption.DecryptionFailed):
        encryption.decrypt("JBSWY3DPEHPK3PXP")
    stranger = "fernet1:" + Fernet(Fernet.generate_key()).encrypt(b"x").decode()
    with pytest.raises(encryption.DecryptionFailed):
        encryption.decrypt(stranger)


def test_rotation_the_newest_key_encrypts_and_older_keys_still_decrypt(settings):
    old_key = settings.MFA_ENCRYPTION_KEYS[0]
    user = UserFactory()
    secret = generate_totp_secret()
    authenticator = TOTP.activate(user, secret).instance
    encrypted_with_old = authenticator.data["secret"]

    new_key = Fernet.generate_key().decode()
    settings.MFA_ENCRYPTION_KEYS = [new_key, old_key]
    # The old ciphertext still decrypts (sign-in keeps working mid-rotation)…
    assert encryption.decrypt(encrypted_with_old) == secret
    # …new values are encrypted with the new key only…
    fresh = encryption.encrypt("fresh")
    settings.MFA_ENCRYPTION_KEYS = [new_key]
    assert encryption.decrypt(fresh) == "fresh"
    with pytest.raises(encryption.DecryptionFailed):
        encryption.decrypt(encrypted_with_old)
    # …and the rotation command re-encrypts the stored rows with the new key.
    settings.MFA_ENCRYPTION_KEYS = [new_key, old_key]
    assert rotate_mfa_secrets() >= 1
    settings.MFA_ENCRYPTION_KEYS = [new_key]
    authenticator.refresh_from_db()
    assert encryption.decrypt(authenticator.data["secret"]) == secret
    assert validate_totp_code(secret, totp_code(user))


def test_the_data_migration_encrypts_rows_stored_in_clear():
    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0007_encrypt_mfa_secrets")
    user = UserFactory()
    secret = generate_totp_secret()
    # A row as it was written before this change: the seed in clear.
    totp = Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": secret}
    )
    recovery = Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "00" * 20, "used_mask": 0, "migrated_codes": ["ABCD1234"]},
    )
    assert secret in _raw_data(totp)

    migration.encrypt_secrets(apps, None)
    assert secret not in _raw_data(totp)
    assert "00" * 20 not in _raw_data(recovery)
    assert "ABCD1234" not in _raw_data(recovery)
    totp.refresh_from_db()
    assert TOTP(totp).validate_code(totp_code(user))
    # Running it again changes nothing; reversing gives the clear values back.
    before = _raw_data(totp)
    migration.encrypt_secrets(apps, None)
    assert _raw_data(totp) == before
    migration.decrypt_secrets(apps, None)
    totp.refresh_from_db()
    # (The replay guard also keeps the last accepted time step there.)
    assert totp.data["secret"] == secret
