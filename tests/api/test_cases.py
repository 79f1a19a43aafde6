"""The case list: keyset cursor and filters (the case list's selectors), one
case with its files, its timeline; another organisation's case is 404."""

from __future__ import annotations

import pytest

from applications.workflow import Status
from tests.api.conftest import ApiClient, make_key
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def test_the_cursor_walks_every_case_once_newest_first(
    reference_data, org, org_staff, django_assert_max_num_queries
):
    made = [
        ApplicationFactory(
            organization=org, created_by=org_staff, shortcut=True, status=status
        )
        for status in [Status.EXAMINING] * 4 + [Status.GRANTED]
    ]
    api = ApiClient(make_key(org_staff, [org]))
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get("/api/v1/cases", **params).json()
        seen += [item["code"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(str(a.code) for a in made)
    assert len(seen) == len(set(seen))
    granted = api.get("/api/v1/cases", status="granted").json()["items"]
    assert [c["code"] for c in granted] == [str(made[-1].code)]
    with django_assert_max_num_queries(12):
        api.get("/api/v1/cases", limit=50)


def test_detail_and_timeline(
    reference_data, org, org_staff, other_org, other_org_staff
):
    case = ApplicationFactory(organization=org, created_by=org_staff, examining=True)
    api = ApiClient(make_key(org_staff, [org]))
    detail = api.get(f"/api/v1/cases/{case.code}").json()
    assert detail["status"] == "examining"
    assert any(f["kind"].startswith("document:") for f in detail["files"])
    timeline = api.get(f"/api/v1/cases/{case.code}/timeline").json()
    assert [e["action"] for e in timeline if e["application"] == str(case.code)][
        :2
    ] == ["submit", "start_examination"]
    file_code = detail["files"][0]["file"]
    download = api.get(f"/api/v1/files/{file_code}")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    stranger = ApiClient(make_key(other_org_staff, [other_org]))
    assert stranger.get(f"/api/v1/cases/{case.code}").status_code == 404
    assert stranger.get(f"/api/v1/files/{file_code}").status_code == 404
