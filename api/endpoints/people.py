"""Foreign nationals: list, read, add, change — through the people pages'
form (its checks and wording) and ``applications.services``."""

# No "from __future__ import annotations": django-ninja reads the
# parameter annotations at import time.
import uuid
from datetime import date, datetime
from typing import Any

from django.http import HttpRequest

from ninja import Query, Router, Schema, Status

from accounts.selectors import organization_get_for_user
from api.auth import principal
from api.codes import status_code, to_form_values
from api.endpoints.common import Input, Page, operation
from api.problems import Problem, from_form
from api.scopes import Scope
from applications import selectors, services
from applications.errors import DuplicatePerson
from applications.forms.people import ForeignNationalForm
from applications.models import ForeignNational
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib import keyset

router = Router()

PERSON_FIELDS = tuple(services.FOREIGN_NATIONAL_FIELDS)


class PersonOut(Schema):
    code: uuid.UUID
    organization: uuid.UUID
    family_name: str
    given_name: str
    name_kanji: str
    sex: str
    date_of_birth: date
    nationality: str
    passport_number: str
    passport_expiry: date | None
    residence_card_number: str
    current_status: str | None
    current_subcategory: str | None
    current_period: str
    period_expiry: date | None
    address_in_japan: str
    updated_at: datetime


class PeoplePage(Page):
    items: list[PersonOut]


class PersonFields(Input):
    family_name: str | None = None
    given_name: str | None = None
    name_kanji: str | None = None
    sex: str | None = None
    date_of_birth: date | None = None
    nationality: str | None = None
    passport_number: str | None = None
    passport_expiry: date | None = None
    residence_card_number: str | None = None
    current_status: str | None = None
    current_subcategory: str | None = None
    current_period: str | None = None
    period_expiry: date | None = None
    address_in_japan: str | None = None


class PersonCreate(PersonFields):
    organization: uuid.UUID


class PersonUpdate(PersonFields):
    updated_at: datetime | None = None


class PeopleFilter(Schema):
    organization: uuid.UUID | None = None
    cursor: str | None = None
    limit: int = 50


def person_out(person: ForeignNational) -> dict[str, Any]:
    return {
        "code": person.code,
        "organization": person.organization.code,
        **{name: getattr(person, name) for name in PERSON_FIELDS},
        "current_status": status_code(person.current_status),
        "current_subcategory": status_code(person.current_subcategory),
        "updated_at": person.updated_at,
    }


def _form_data(values: dict[str, Any]) -> dict[str, str]:
    return {
        name: value.isoformat() if isinstance(value, date) else str(value or "")
        for name, value in values.items()
    }


def _save(
    request: HttpRequest,
    organization: Any,
    fields: PersonFields,
    person: ForeignNational | None,
    expected: datetime | None = None,
) -> ForeignNational:
    given = fields.model_dump(
        exclude_unset=True, exclude={"organization", "updated_at"}
    )
    to_form_values(given, "current_status", "current_subcategory")
    base = ForeignNationalForm.initial_from(person) if person else {}
    form = ForeignNationalForm(
        _form_data({**base, **given}), organization=organization, instance=person
    )
    if not form.is_valid():
        raise from_form(form)
    user = principal(request).user
    try:
        return services.foreign_national_save(
            organization=organization,
            values=form.values(),
            actor=user,
            foreign_national=person,
            expected_updated_at=expected.isoformat() if expected else None,
        )
    except DuplicatePerson as exc:
        form.add_duplicate_error(exc.existing)
        raise from_form(form) from None


@operation(router, "get", "", scope=Scope.READ_CASES, response=PeoplePage)
def list_people(request: HttpRequest, filters: Query[PeopleFilter]) -> dict[str, Any]:
    """The people of the key's organisations, oldest first."""
    user = principal(request).user
    people = (
        selectors.foreign_nationals_for_user(user=user)
        .select_related("current_subcategory")
        .order_by("pk")
    )
    if filters.organization is not None:
        people = people.filter(organization__code=filters.organization)
    decoded = keyset.decode(filters.cursor)
    if decoded is not None:
        people = people.filter(pk__gt=decoded[1][1])
    size = max(1, min(filters.limit, 200))
    rows = list(people[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return {
        "items": [person_out(row) for row in rows],
        "next_cursor": keyset.encode(rows[-1].created_at, rows[-1].pk)
        if more
        else None,
    }


@operation(router, "post", "", scope=Scope.WRITE_DRAFTS, response={201: PersonOut})
def create_person(request: HttpRequest, payload: PersonCreate) -> Status:
    """Add a person to one of the key's organisations (the people page's
    checks: a duplicate passport is refused at ``passport_number``)."""
    user = principal(request).user
    organization = organization_get_for_user(user=user, code=payload.organization)
    person = _save(request, organization, payload, None)
    return Status(201, person_out(person))


@operation(router, "get", "/{person_code}", scope=Scope.READ_CASES, response=PersonOut)
def get_person(request: HttpRequest, person_code: uuid.UUID) -> dict[str, Any]:
    user = principal(request).user
    person = selectors.foreign_national_get_for_user(user=user, code=person_code)
    # As on the person's page: it shows passport and card numbers.
    audit_record(
        actor=user,
        action=AuditAction.FOREIGN_NATIONAL_VIEW,
        obj=person,
        organization_code=person.organization.code,
    )
    return person_out(person)


@operation(
    router, "patch", "/{person_code}", scope=Scope.WRITE_DRAFTS, response=PersonOut
)
def update_person(
    request: HttpRequest, person_code: uuid.UUID, payload: PersonUpdate
) -> dict[str, Any]:
    """Change the fields sent (the others keep their values).  With
    ``updated_at`` (as read), a change made meanwhile is refused (409)."""
    user = principal(request).user
    person = selectors.foreign_national_get_for_user(user=user, code=person_code)
    if not payload.model_dump(exclude_unset=True, exclude={"updated_at"}):
        raise Problem("missing_field", "Send at least one field to change.")
    saved = _save(request, person.organization, payload, person, payload.updated_at)
    return person_out(saved)
