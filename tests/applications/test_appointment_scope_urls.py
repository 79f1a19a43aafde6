"""An appointee's scope on EVERY URL that takes a case, draft or person code
(issue 11: "an appointment of an existing attorney with its scope enforced
on every case URL").

The routes come from the URL resolver, not from a list: every pattern of the
project with a UUID ``code`` or ``person`` argument is tried.  A route is a
case/person route when the organisation's own staff get something other
than 404 for one of the objects below while a random code gives them 404 —
so a new view is covered the moment it is routed.  On each such route:

- for every object outside the appointee's scope (another person, another
  type) the appointee gets 404, like another organisation's user;
- for every object inside it the appointee gets what the staff get.

Each request runs in a savepoint that is rolled back, so a POST (delete,
withdraw, send) changes nothing for the next one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.utils import timezone

import pytest

from accounts import services as account_services
from accounts.models import User
from applications import services
from applications.models import ApplicationType
from applications.workflow import Status
from tests.factories import ApplicationFactory, ForeignNationalFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

OBJECT_ARGUMENTS = ("code", "person")


@dataclass(frozen=True)
class Route:
    name: str
    route: str
    converters: dict[str, Any] = field(hash=False, compare=False)

    @property
    def object_argument(self) -> str:
        return next(
            name
            for name in OBJECT_ARGUMENTS
            if isinstance(self.converters.get(name), UUIDConverter)
        )


def _walk(patterns: list[Any], prefix: str, namespace: str) -> list[Route]:
    routes: list[Route] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace
                    else pattern.namespace
                )
            routes += _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            converters = dict(pattern.pattern.converters)
            if any(
                isinstance(converters.get(name), UUIDConverter)
                for name in OBJECT_ARGUMENTS
            ):
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                routes.append(Route(name, prefix + str(pattern.pattern), converters))
    return routes


def object_routes() -> list[Route]:
    """Every named route of the project with a UUID ``code``/``person``."""
    return _walk(get_resolver().url_patterns, "", "")


@pytest.fixture
def private_media(settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": "/no-public-url/"},
        },
    }


@pytest.fixture
def world(org: Any, org_staff: User) -> dict[str, Any]:
    """An attorney appointed for extensions of one person; cases in several
    states (a draft, one waiting for documents, one granted) inside that
    scope, and the same outside it by person and by type."""
    inside = ForeignNationalFactory(organization=org, family_name="INSIDE")
    outside = ForeignNationalFactory(organization=org, family_name="OUTSIDE")
    extension = ApplicationType.objects.get(code="extension")
    attorney = UserFactory(
        mfa=True,
        user_category=User.Category.ATTORNEY,
        valid_until=timezone.localdate() + timedelta(days=400),
    )
    appointment = services.appointment_appoint(
        organization=org,
        user_id=attorney.username,
        actor=org_staff,
        valid_until=timezone.localdate() + timedelta(days=60),
        application_types=[extension],
        people=[inside],
    )
    account_services.appointment_accept(appointment=appointment, actor=attorney)

    def case(person: Any, type_code: str = "extension", **kw: Any) -> Any:
        return ApplicationFactory(
            organization=org,
            created_by=org_staff,
            foreign_national=person,
            type_code=type_code,
            **kw,
        )

    examined = {"status": Status.AWAITING_DOCUMENTS}
    granted = {"status": Status.GRANTED}
    return {
        "staff": org_staff,
        "attorney": attorney,
        "in_scope": {
            "draft": case(inside),
            "awaiting documents": case(inside, **examined),
            "granted": case(inside, **granted),
            "person": inside,
        },
        "out_of_scope": {
            "draft of another person": case(outside),
            "draft of another type": case(inside, "change"),
            "case of another person": case(outside, **examined),
            # A change of status cannot be walked to a grant with the sample
            # answers: its rows are put in the state (the scope is the same).
            "granted case of another type": case(
                inside, "change", shortcut=True, **granted
            ),
            "person": outside,
        },
    }


def _url(route: Route, code: Any) -> str:
    kwargs: dict[str, Any] = {}
    for name, converter in route.converters.items():
        if name == route.object_argument:
            kwargs[name] = code
        elif isinstance(converter, UUIDConverter):
            kwargs[name] = uuid.uuid4()
        elif isinstance(converter, IntConverter):
            kwargs[name] = 1
        elif name == "section":
            kwargs[name] = "identity"
        else:
            kwargs[name] = "ja"
    return reverse(route.name, kwargs=kwargs)


def _hit(client: Any, settings: Any, user: User, url: str) -> int:
    """GET (or, for a POST-only view, an empty POST) as ``user``, rolled back."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with transaction.atomic():
        status = client.get(url).status_code
        if status == 405:
            status = client.post(url, {}).status_code
        transaction.set_rollback(True)
    return int(status)


# The routes the walk must find (so that it cannot pass by finding none).
EXPECTED_ROUTES = {
    "applications:case",
    "applications:withdraw",
    "applications:draft",
    "applications:draft_check",
    "applications:draft_delete",
    "applications:draft_form",
    "applications:foreign_national",
    "applications:start_type",
    "review:documents_request",
    "review:payment",
}


def test_the_urlconf_has_routes_that_take_a_case_or_person_code():
    names = {route.name for route in object_routes()}
    assert names >= EXPECTED_ROUTES


def test_every_case_and_person_url_keeps_to_the_appointees_scope(
    client, settings, world
):
    staff, attorney = world["staff"], world["attorney"]
    in_scope = {name: obj.code for name, obj in world["in_scope"].items()}
    out_of_scope = {name: obj.code for name, obj in world["out_of_scope"].items()}
    covered: set[str] = set()
    failures: list[str] = []
    for route in object_routes():
        if _hit(client, settings, staff, _url(route, uuid.uuid4())) != 404:
            continue  # the route does not look the code up for the staff
        staff_sees = {
            name: _hit(client, settings, staff, _url(route, code))
            for name, code in in_scope.items()
        }
        staff_sees_outside = {
            name: _hit(client, settings, staff, _url(route, code))
            for name, code in out_of_scope.items()
        }
        if all(
            status == 404
            for status in [*staff_sees.values(), *staff_sees_outside.values()]
        ):
            continue  # takes the code of something else
        covered.add(route.name)
        for name, code in out_of_scope.items():
            status = _hit(client, settings, attorney, _url(route, code))
            if status != 404:
                failures.append(f"{route.name} {name}: {status}, expected 404")
        for name, code in in_scope.items():
            status = _hit(client, settings, attorney, _url(route, code))
            if status != staff_sees[name]:
                failures.append(
                    f"{route.name} {name}: {status}, staff get {staff_sees[name]}"
                )
    assert not failures, "\n".join(failures)
    assert covered >= EXPECTED_ROUTES, EXPECTED_ROUTES - covered
    # The in-scope pages are really open to the appointee (not 404 across
    # the board): the case, the draft and the person.
    for route_name, name in (
        ("applications:case", "awaiting documents"),
        ("applications:draft", "draft"),
        ("applications:foreign_national", "person"),
    ):
        route = next(r for r in object_routes() if r.name == route_name)
        assert _hit(client, settings, attorney, _url(route, in_scope[name])) == 200
