"""Every operation of the schema, by scope and by organisation: a key
without the operation's scope gets 403 ``scope_missing``; with only that
scope it is let through on its own organisation's objects; on another
organisation's objects it gets 404, as on the pages.  The operations come
from the schema, so a new one is covered (a new path parameter must be
given a value here, or this test fails)."""

from __future__ import annotations

from typing import Any

import pytest

from api.scopes import Scope
from api.v1 import api
from applications.models import ApplicationDocument
from tests.api.conftest import ApiClient, make_key
from tests.factories import ApplicationFactory, ForeignNationalFactory, pdf_bytes

pytestmark = pytest.mark.django_db


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema()
    return [
        (method, path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def world(org: Any, creator: Any) -> dict[str, str]:
    """Objects of one organisation, by the path parameter naming them."""
    person = ForeignNationalFactory(organization=org)
    draft = ApplicationFactory(organization=org, created_by=creator)
    case = ApplicationFactory(
        organization=org, created_by=creator, awaiting_documents=True
    )
    document = ApplicationDocument.objects.filter(application=case).first()
    return {
        "person_code": str(person.code),
        "draft_code": str(draft.code),
        "case_code": str(case.code),
        "file_code": str(document.file.code),
        "slot_code": "passport",
        "item_number": "1",
    }


def call(api_client: ApiClient, method: str, path: str, operation: dict) -> Any:
    body = operation.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in body:
        return api_client.upload(path, "doc.pdf", pdf_bytes())
    if method == "get":
        return api_client.get(path)
    if method == "patch":
        return api_client.patch(path, {})
    return api_client.post(path, {}, headers={"Idempotency-Key": "matrix"})


@pytest.fixture
def worlds(reference_data, org, org_staff, other_org, other_org_staff):
    return world(org, org_staff), world(other_org, other_org_staff)


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    operations(),
    ids=[f"{m} {p}" for m, p, _o in operations()],
)
def test_operation_by_scope_and_organisation(
    method, path, operation, worlds, org_staff, org
):
    own, other = worlds
    needed = operation["x-required-scope"]
    params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
    own_path = path.format(**{name: own[name] for name in params})

    others = [scope for scope in Scope.values if scope != needed]
    without = ApiClient(make_key(org_staff, [org], others))
    refused = call(without, method, own_path, operation)
    assert refused.status_code == 403, refused.content
    assert refused.json()["code"] == "scope_missing"

    only = ApiClient(make_key(org_staff, [org], [needed]))
    allowed = call(only, method, own_path, operation)
    assert allowed.status_code not in (401, 403, 404, 500), allowed.content

    if params - {"slot_code", "item_number"}:
        other_path = path.format(
            **{
                name: other[name]
                if name not in ("slot_code", "item_number")
                else own[name]
                for name in params
            }
        )
        stranger = call(only, method, other_path, operation)
        assert stranger.status_code == 404, stranger.content
        assert stranger["Content-Type"] == "application/problem+json"


def test_lists_show_only_the_keys_organisations(worlds, org_staff, org):
    own, other = worlds
    only = ApiClient(make_key(org_staff, [org], [Scope.READ_CASES]))
    people = {p["code"] for p in only.get("/api/v1/people").json()["items"]}
    drafts = {d["code"] for d in only.get("/api/v1/drafts").json()}
    cases = {c["code"] for c in only.get("/api/v1/cases").json()["items"]}
    assert own["person_code"] in people and other["person_code"] not in people
    assert own["draft_code"] in drafts and other["draft_code"] not in drafts
    assert own["case_code"] in cases and other["case_code"] not in cases


def test_a_key_serves_only_the_organisations_chosen(reference_data, org, other_org):
    from tests.factories import appoint, appointee

    attorney = appointee(org)
    appoint(attorney, other_org)
    theirs = ForeignNationalFactory(organization=other_org)
    mine = ForeignNationalFactory(organization=org)
    key = ApiClient(make_key(attorney, [org]))
    assert key.get(f"/api/v1/people/{mine.code}").status_code == 200
    assert key.get(f"/api/v1/people/{theirs.code}").status_code == 404
    both = ApiClient(make_key(attorney, [org, other_org]))
    assert both.get(f"/api/v1/people/{theirs.code}").status_code == 200
