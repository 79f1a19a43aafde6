"""Creating and revoking API keys.  The secret is returned once and only its
SHA-256 digest is stored."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from accounts.permissions import can_file, ensure
from accounts.selectors import organizations_for_user
from api import rules
from api.errors import (
    KEY_ALREADY_REVOKED,
    KEY_EXPIRY_RANGE,
    KEY_NO_ORGANISATION,
    KEY_NO_SCOPE,
    ApiKeyRefused,
)
from api.models import ApiKey
from api.scopes import Scope
from api.tokens import TOKEN_PREFIX, secret_digest
from portal.audit.events import AuditAction
from portal.audit.services import audit_record

MAX_LIFETIME = timedelta(days=365)


def latest_expiry(today: date | None = None) -> date:
    return (today or timezone.localdate()) + MAX_LIFETIME


def api_key_create(
    *,
    actor: User,
    name: str,
    organizations: Collection[Organization],
    scopes: Collection[str],
    expires_on: date,
) -> tuple[ApiKey, str]:
    """A new key of ``actor`` for ``organizations`` (each one the actor
    works for or is appointed by now) with ``scopes``, usable until the end
    of ``expires_on`` (Tokyo time; at most a year from today).  Returns the
    key and its token, which is never shown again.

    PermissionDenied unless the actor may file (an active, unexpired
    organisation-side account); ApiKeyRefused for no organisation, no
    scope, an organisation not the actor's or an expiry out of range."""
    ensure(can_file(actor))
    today = timezone.localdate()
    if not organizations:
        raise ApiKeyRefused(KEY_NO_ORGANISATION)
    own = set(organizations_for_user(user=actor).values_list("pk", flat=True))
    if any(org.pk not in own for org in organizations):
        raise ApiKeyRefused(KEY_NO_ORGANISATION)
    chosen = sorted(set(scopes))
    if not chosen or any(scope not in Scope.values for scope in chosen):
        raise ApiKeyRefused(KEY_NO_SCOPE)
    if not today < expires_on <= latest_expiry(today):
        raise ApiKeyRefused(KEY_EXPIRY_RANGE)
    expires_at = timezone.make_aware(
        datetime.combine(expires_on + timedelta(days=1), time.min)
    )
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        api_key = ApiKey.objects.create(
            prefix=prefix,
            secret_hash=secret_digest(secret),
            name=name,
            user=actor,
            scopes=chosen,
            expires_at=expires_at,
        )
        api_key.organizations.set(organizations)
        for org in organizations:
            audit_record(
                actor=actor,
                action=AuditAction.API_KEY_CREATE,
                obj=api_key,
                organization_code=org.code,
                data={"scopes": ",".join(chosen), "prefix": prefix},
            )
    return api_key, f"{TOKEN_PREFIX}_{prefix}_{secret}"


def api_key_revoke(*, api_key: ApiKey, actor: User) -> ApiKey:
    """Revoke the key (its user, or staff of an organisation it serves).
    PermissionDenied for anyone else; ApiKeyRefused when already revoked."""
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        ensure(rules.may_revoke(actor, locked))
        if locked.revoked_at is not None:
            raise ApiKeyRefused(KEY_ALREADY_REVOKED)
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        for org_code in locked.organizations.values_list("code", flat=True):
            audit_record(
                actor=actor,
                action=AuditAction.API_KEY_REVOKE,
                obj=locked,
                organization_code=org_code,
                data={"prefix": locked.prefix},
            )
    return locked


def api_key_touch(*, api_key: ApiKey, now: datetime) -> None:
    """Record a use, writing at most once a minute per key."""
    last = api_key.last_used_at
    if last is not None and now - last < timedelta(minutes=1):
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now


def api_key_refused(*, api_key: ApiKey, reason: str) -> None:
    """Audit a use of a known key that was refused (revoked, expired, its
    user no longer active, no organisation left)."""
    audit_record(
        actor=api_key.user,
        action=AuditAction.API_KEY_REFUSED,
        obj=api_key,
        data={"reason": reason, "prefix": api_key.prefix},
    )
