"""Object-level access for every ``review:`` URL that takes a case code,
generated from the URLconf (QUALITY.md item 8): a new view is covered the
moment it is routed.

Office URLs (``office/...``): an officer of another office gets 404, a
portal user (even of the case's own organisation) gets 404, and a role of the
case's office that may see the case but not take that step gets 403.
Organisation URLs (the rest): a user of another organisation and an officer
get 404, and a user who may only read (a suspended member) gets 403 on every
step that changes something.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, reverse
from django.urls.converters import IntConverter, UUIDConverter

import pytest

from accounts.models import User
from review.services import examination as services
from tests.factories import OrganizationFactory, office, officer, staff
from tests.review.exam_helpers import (
    Role,
    claimed,
    login,
    new_case,
    open_request,
    proposal,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("private_media", "english"),
]


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    converters: dict[str, Any]

    @property
    def office_side(self) -> bool:
        return self.route.startswith("office/")


def case_routes() -> list[Route]:
    from review.urls import urlpatterns

    routes = []
    for pattern in urlpatterns:
        assert isinstance(pattern, URLPattern)
        converters = dict(pattern.pattern.converters)
        if isinstance(converters.get("code"), UUIDConverter):
            routes.append(
                Route(f"review:{pattern.name}", str(pattern.pattern), converters)
            )
    return routes


ROUTES = case_routes()

# The roles of the case's office that see the case but may not take the step
# (the assigned examiner, "examiner", acts on examination steps).
MAY_NOT_ACT: dict[str, set[str]] = {
    "review:case_claim": {"supervisor", "clerk"},
    "review:case_assign": {"examiner", "other_examiner", "clerk"},
    "review:case_request_documents": {"other_examiner", "supervisor", "clerk"},
    "review:case_extend_due_date": {"other_examiner", "supervisor", "clerk"},
    "review:case_recommend": {"other_examiner", "supervisor", "clerk"},
    "review:case_approve": {"examiner", "other_examiner", "clerk"},
    "review:case_send_back": {"examiner", "other_examiner", "clerk"},
}
# Steps open to every case role of the office (reading, adding a note).
OPEN_TO_EVERY_CASE_ROLE = {"review:case", "review:case_note_add"}


def test_the_urlconf_has_case_routes_on_both_sides():
    names = {r.name for r in ROUTES}
    assert {"review:case", "review:case_recommend", "review:documents_request"} <= names
    assert set(MAY_NOT_ACT) <= names


@pytest.fixture
def world() -> dict[str, Any]:
    org = OrganizationFactory()
    filer = staff(org)
    people: dict[str, User] = {
        "filer": filer,
        "reader": staff(org, status=User.Status.SUSPENDED),
        "other_org_user": staff(OrganizationFactory()),
        "examiner": officer(Role.EXAMINER),
        "other_examiner": officer(Role.EXAMINER),
        "supervisor": officer(Role.SUPERVISOR),
        "clerk": officer(Role.CLERK),
        "stranger": officer(
            Role.EXAMINER, Role.SUPERVISOR, Role.CLERK, office_code="NGY"
        ),
    }
    assert office("NGY") != office("TKY")
    # One case waiting for documents, one granted (for the issuance steps).
    application = claimed(new_case(org, filer), people["examiner"])
    open_request(application, people["examiner"])
    granted = claimed(new_case(org, filer), people["examiner"])
    proposal(granted, people["examiner"])
    services.decision_approve(application=granted, actor=people["supervisor"])
    granted.refresh_from_db()
    return {"cases": [application, granted], **people}


def _url(route: Route, application: Any) -> str:
    kwargs: dict[str, Any] = {}
    for name, converter in route.converters.items():
        if name == "code":
            kwargs[name] = application.code
        elif isinstance(converter, UUIDConverter):
            kwargs[name] = uuid.uuid4()
        elif isinstance(converter, IntConverter):
            kwargs[name] = 1
        else:
            kwargs[name] = "ja"
    return reverse(route.name, kwargs=kwargs)


def _hit(client: Any, settings: Any, user: User | None, url: str) -> int:
    """GET the URL as ``user``; a view that only takes POST gets an empty POST."""
    client.logout()
    if user is not None:
        login(client, user, settings)
    status = client.get(url).status_code
    if status == 405:
        status = client.post(url, {}).status_code
    return int(status)


def _post_only(client: Any, settings: Any, user: User, url: str) -> bool:
    login(client, user, settings)
    return bool(client.get(url).status_code == 405)


CASE_ROLES = ("examiner", "other_examiner", "supervisor", "clerk")


def _extra_uuids(route: Route) -> bool:
    return any(
        isinstance(c, UUIDConverter)
        for name, c in route.converters.items()
        if name != "code"
    )


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_case_url_scoping(client, settings, world, route):
    url = _url(route, world["cases"][0])
    anonymous = client.get(url)
    if not (
        anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    ):
        pytest.skip("a public page (no sign-in): nothing to scope")
    # The first case on which the legitimate side can reach the URL at all.
    for application in world["cases"]:
        url = _url(route, application)
        if route.office_side:
            seen = {
                role: _hit(client, settings, world[role], url) for role in CASE_ROLES
            }
            if not all(status == 404 for status in seen.values()):
                break
        else:
            filer_status = _hit(client, settings, world["filer"], url)
            if filer_status != 404 or _extra_uuids(route):
                break
    else:
        pytest.fail(f"{route.name}: nobody who may see the case reaches it")
    if route.office_side:
        case_roles = CASE_ROLES
        for outsider in ("stranger", "filer", "other_org_user"):
            assert _hit(client, settings, world[outsider], url) == 404, (
                route.name,
                outsider,
            )
        assert not any(status == 404 for status in seen.values()), (route.name, seen)
        if route.name in MAY_NOT_ACT:
            for role in case_roles:
                expected_403 = role in MAY_NOT_ACT[route.name]
                assert (seen[role] == 403) == expected_403, (route.name, role, seen)
        elif route.name not in OPEN_TO_EVERY_CASE_ROLE and _post_only(
            client, settings, world["examiner"], url
        ):
            # A step nobody but some roles may take: at least one case role
            # of the office is refused with 403.
            assert 403 in seen.values(), (route.name, seen)
    else:
        for outsider in (
            "other_org_user",
            "examiner",
            "supervisor",
            "clerk",
            "stranger",
        ):
            assert _hit(client, settings, world[outsider], url) == 404, (
                route.name,
                outsider,
            )
        reader = _hit(client, settings, world["reader"], url)
        if _post_only(client, settings, world["filer"], url):
            assert reader == 403, (route.name, reader)
        else:
            assert reader in (200, 302, 403), (route.name, reader)
