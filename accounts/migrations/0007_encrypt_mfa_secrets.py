"""Encrypt the second-factor secrets already stored in clear (review M2):
TOTP seeds, recovery-code seeds and any migrated recovery codes, with the
newest key of MFA_ENCRYPTION_KEYS.  Values already encrypted are left as they
are, so the migration can run again safely.  Reversing decrypts them."""

from __future__ import annotations

from django.db import migrations

from portal.lib import encryption

# The fields of Authenticator.data that hold secrets, by authenticator type.
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}


def _convert(apps, convert_text, wanted) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(
        type__in=list(SECRET_FIELDS)
    ).iterator():
        data = dict(authenticator.data or {})
        changed = False
        for field in SECRET_FIELDS[authenticator.type]:
            value = data.get(field)
            if isinstance(value, str) and encryption.is_encrypted(value) != wanted:
                data[field] = convert_text(value)
                changed = True
        codes = data.get("migrated_codes")
        if isinstance(codes, list):
            converted = [
                convert_text(code)
                if isinstance(code, str) and encryption.is_encrypted(code) != wanted
                else code
                for code in codes
            ]
            if converted != codes:
                data["migrated_codes"] = converted
                changed = True
        if changed:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=data)


def encrypt_secrets(apps, schema_editor) -> None:
    _convert(apps, encryption.encrypt, wanted=True)


def decrypt_secrets(apps, schema_editor) -> None:
    _convert(apps, encryption.decrypt, wanted=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_officer_role_bureau_admin"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
