"""``manage.py rotate_mfa_keys``: re-encrypt every stored second-factor secret
with the newest key of MFA_ENCRYPTION_KEYS.

Rotation: put the new key first in MFA_ENCRYPTION_KEYS (keep the old ones
after it), restart, run this command, then drop the old keys.  Safe to run
again; each row is rewritten in its own short transaction."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from allauth.mfa.models import Authenticator

from portal.lib import encryption

SECRET_FIELDS = {
    Authenticator.Type.TOTP: ("secret",),
    Authenticator.Type.RECOVERY_CODES: ("seed",),
}


def rotate_mfa_secrets() -> int:
    """Re-encrypt every authenticator's secrets with the newest key; returns
    how many rows were rewritten.  Raises DecryptionFailed when a row was
    encrypted with a key no longer configured."""
    rewritten = 0
    pks = Authenticator.objects.filter(type__in=list(SECRET_FIELDS)).values_list(
        "pk", flat=True
    )
    for pk in list(pks):
        with transaction.atomic():
            authenticator = Authenticator.objects.select_for_update().get(pk=pk)
            data = dict(authenticator.data)
            for field in SECRET_FIELDS[Authenticator.Type(authenticator.type)]:
                if isinstance(data.get(field), str):
                    data[field] = encryption.rotate(data[field])
            if isinstance(data.get("migrated_codes"), list):
                data["migrated_codes"] = [
                    encryption.rotate(code) for code in data["migrated_codes"]
                ]
            Authenticator.objects.filter(pk=pk).update(data=data)
            rewritten += 1
    return rewritten


class Command(BaseCommand):
    help = "Re-encrypt stored TOTP and recovery-code secrets with the newest key."

    def handle(self, *args: Any, **options: Any) -> None:
        count = rotate_mfa_secrets()
        self.stdout.write(f"Re-encrypted the secrets of {count} authenticators.")
