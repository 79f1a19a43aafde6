from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

import pytest

from api.scopes import Scope
from api.services.keys import api_key_create


def make_key(user: Any, orgs: list[Any], scopes: list[str] | None = None) -> str:
    _key, token = api_key_create(
        actor=user,
        name="HR system",
        organizations=orgs,
        scopes=scopes if scopes is not None else list(Scope.values),
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    return token


class ApiClient:
    """The test client with a bearer key and JSON bodies."""

    def __init__(self, token: str | None) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.token = token

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers())

    def post(self, path: str, body: Any = None, *, headers: Any = None) -> Any:
        return self.client.post(
            path,
            body if body is not None else {},
            content_type="application/json",
            headers=self.headers(headers),
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            path, body, content_type="application/json", headers=self.headers()
        )

    def upload(self, path: str, name: str, content: bytes, **fields: Any) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post(
            path,
            {"file": SimpleUploadedFile(name, content), **fields},
            headers=self.headers(),
        )


@pytest.fixture
def api_for() -> Any:
    def build(user: Any, orgs: list[Any], scopes: list[str] | None = None) -> ApiClient:
        return ApiClient(make_key(user, orgs, scopes))

    return build
