"""Test data builders.  ``UserFactory(mfa=True)`` gives a user who has enrolled
TOTP; ``totp_code(user)`` gives the code they would type."""

from __future__ import annotations

import time
from typing import Any

import factory
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from accounts.models import User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"U{n:07d}")
    email = factory.LazyAttribute(lambda u: f"{u.username.lower()}@example.jp")
    full_name = factory.Faker("name", locale="ja_JP")
    language = "ja"

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: Any) -> None:
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def mfa(obj: User, create: bool, extracted: bool | None, **kwargs: Any) -> None:
        if create and extracted:
            TOTP.activate(obj, generate_totp_secret())


def totp_secret(user: User) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return get_mfa_adapter().decrypt(authenticator.data["secret"])


def totp_code(user: User, *, offset: int = 0) -> str:
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + offset
    return format_hotp_value(hotp_value(totp_secret(user), counter))


def password_login(client, user: User) -> None:
    """Sign in with the password as a person would (recording the
    authentication time allauth needs), without the MFA step."""
    response = client.post(
        "/accounts/login/", {"login": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content[:300]
