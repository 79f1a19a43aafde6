"""What every operation shares: the scope it needs (checked and published
as ``x-required-scope``), strict input schemas, cursors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ninja import Router, Schema
from pydantic import ConfigDict

from api.auth import KeyAuth
from api.scopes import Scope

SCOPE_KEY = "x-required-scope"


class Input(Schema):
    """Request bodies refuse fields they do not know, naming them."""

    model_config = ConfigDict(extra="forbid")


class Page(Schema):
    next_cursor: str | None


def operation(
    router: Router,
    method: str,
    path: str,
    *,
    scope: Scope,
    **kwargs: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``router.<method>(path)`` for a view that needs ``scope``: the key is
    checked for it before the view runs, and the schema says which."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        extra = dict(kwargs.pop("openapi_extra", None) or {})
        extra[SCOPE_KEY] = scope.value
        router.api_operation(
            [method.upper()], path, openapi_extra=extra, auth=KeyAuth(scope), **kwargs
        )(view)
        return view

    return decorator
