"""The committed schema is the one the code generates, and every operation
says which scope it needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.v1 import api

SCHEMA = Path(__file__).resolve().parents[2] / "api" / "openapi.json"
REGENERATE = (
    "DJANGO_DEBUG=1 DJANGO_SECRET_KEY=x .venv/bin/python manage.py "
    "export_openapi_schema --api api.v1.api --indent 2 --sorted "
    "--output api/openapi.json"
)


def generated() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema(), sort_keys=True))


def test_committed_schema_matches_the_code():
    committed = json.loads(SCHEMA.read_text())
    assert committed == generated(), (
        f"api/openapi.json is out of date; regenerate it with:\n  {REGENERATE}"
    )


def test_schema_is_openapi_3_1_and_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.1")


@pytest.mark.django_db
def test_reference_page_uses_only_local_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "cdn" not in page.lower()
    assert "/static/ninja/swagger-ui-bundle" in page


def test_every_operation_names_its_scope():
    for path, methods in generated()["paths"].items():
        for method, operation in methods.items():
            assert operation.get("x-required-scope"), f"{method} {path}"
