"""Bearer-key authentication.  A key acts as its user: the request's user is
the key's user, limited to the organisations the key serves that the user
still works for or is appointed by (``accounts.selectors.
organizations_for_user`` each request), so every selector and rule of the
pages applies unchanged.  Session cookies never authenticate the API (and
so CSRF does not arise: nothing here reads a cookie)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from ninja.security import HttpBearer

from accounts.models import User
from accounts.permissions import can_file
from accounts.selectors import organizations_for_user
from api.models import ApiKey
from api.problems import Problem
from api.scopes import Scope
from api.selectors import api_key_for_token
from api.services.keys import api_key_refused, api_key_touch
from portal.lib.ratelimit import hit

# The attribute applications.selectors.user_organization_ids caches the
# user's organisations in; set here to the key's share of them.
ORG_CACHE = "_zairyu_org_ids"


@dataclass
class Principal:
    api_key: ApiKey
    user: User
    organization_ids: set[int]

    def has(self, scope: Scope | str) -> bool:
        return str(scope) in self.api_key.scopes


def principal(request: HttpRequest) -> Principal:
    found = getattr(request, "auth", None)
    if not isinstance(found, Principal):  # pragma: no cover - auth runs first
        raise Problem("key_missing")
    return found


def require_scope(request: HttpRequest, scope: Scope) -> Principal:
    found = principal(request)
    if not found.has(scope):
        raise Problem(
            "scope_missing", f"This operation needs the “{scope.value}” scope."
        )
    return found


def _refuse(api_key: ApiKey, code: str) -> Problem:
    api_key_refused(api_key=api_key, reason=code)
    return Problem(code)


def _rate_limit(api_key: ApiKey) -> None:
    window = 60
    now = time.time()
    bucket = int(now // window)
    allowed = hit(
        f"api:{api_key.pk}:{bucket}", limit=settings.API_RATE_LIMIT, window=window
    )
    if not allowed:
        retry = max(1, int(window - now % window) + 1)
        raise Problem(
            "rate_limited",
            f"At most {settings.API_RATE_LIMIT} requests a minute per key.",
            headers={"Retry-After": str(retry)},
        )


class KeyAuth(HttpBearer):
    """``Authorization: Bearer zk_<prefix>_<secret>``; with ``scope``, a key
    without it is refused (403) before the request's input is read."""

    def __init__(self, scope: Scope | None = None) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        if not header:
            raise Problem("key_missing", "Send the key as “Authorization: Bearer …”.")
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != self.openapi_scheme or not token.strip():
            raise Problem("key_invalid")
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Principal:
        api_key = api_key_for_token(token)
        if api_key is None:
            raise Problem("key_invalid")
        now = timezone.now()
        if api_key.revoked_at is not None:
            raise _refuse(api_key, "key_revoked")
        if api_key.expires_at <= now:
            raise _refuse(api_key, "key_expired")
        user = api_key.user
        if not user.is_active or not can_file(user):
            raise _refuse(api_key, "key_user_inactive")
        _rate_limit(api_key)
        # The key's organisations the user still serves today (an ended
        # appointment drops out here).
        ids = set(
            organizations_for_user(user=user)
            .filter(pk__in=api_key.organizations.values("pk"))
            .values_list("pk", flat=True)
        )
        if not ids:
            raise _refuse(api_key, "key_no_organisation")
        setattr(user, ORG_CACHE, ids)
        api_key_touch(api_key=api_key, now=now)
        found = Principal(api_key=api_key, user=user, organization_ids=ids)
        if self.scope is not None and not found.has(self.scope):
            raise Problem(
                "scope_missing", f"This operation needs the “{self.scope.value}” scope."
            )
        return found
