"""Reads for API keys."""

from __future__ import annotations

import hmac
from typing import Any

from django.db.models import QuerySet

from accounts.models import Organization
from api.models import ApiKey
from api.tokens import secret_digest, split_token
from portal.lib.access import get_or_404


def api_keys_of_user(*, user: Any) -> QuerySet[ApiKey]:
    return (
        ApiKey.objects.filter(user=user)
        .prefetch_related("organizations")
        .order_by("-created_at", "-pk")
    )


def api_key_get_for_owner(*, user: Any, code: Any) -> ApiKey:
    """One of the user's own keys; else 404."""
    return get_or_404(ApiKey.objects.filter(user=user), code=code)


def api_keys_of_organization(*, organization: Organization) -> QuerySet[ApiKey]:
    """Every key that acts on the organisation (its staff's and appointees')."""
    return (
        ApiKey.objects.filter(organizations=organization)
        .select_related("user")
        .prefetch_related("organizations")
        .order_by("-created_at", "-pk")
    )


def api_key_get_for_organization(*, organization: Organization, code: Any) -> ApiKey:
    return get_or_404(ApiKey.objects.filter(organizations=organization), code=code)


def api_key_for_token(token: str) -> ApiKey | None:
    """The key a token names if its secret matches (compared in constant
    time), revoked or expired ones included; None otherwise."""
    parts = split_token(token)
    if parts is None:
        return None
    prefix, secret = parts
    api_key = ApiKey.objects.select_related("user").filter(prefix=prefix).first()
    if api_key is None:
        return None
    if not hmac.compare_digest(api_key.secret_hash, secret_digest(secret)):
        return None
    return api_key
