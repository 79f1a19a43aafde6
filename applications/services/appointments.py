"""Appointments with a scope: the organisation's staff appoint a portal user
by user ID for some application types and some people (or all), and change
that later.  The appointment's lifecycle (offer, accept, decline, change,
end) is ``accounts.services``; this module adds the scope's rows in the same
transaction.  The scope is enforced by ``applications.selectors``
(``scope_applications`` / ``scope_people``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction

from accounts import services as account_services
from accounts.models import Appointment, Organization, User
from applications.models import ApplicationType, AppointmentScope, ForeignNational


def _save_scope(
    appointment: Appointment,
    application_types: Sequence[ApplicationType] | None,
    people: Sequence[ForeignNational] | None,
) -> None:
    """The scope's rows: the chosen main types and people of the
    appointment's organisation (None: every one, no rows)."""
    if application_types is not None and any(t.is_companion for t in application_types):
        raise ValueError("a companion type goes with its main type")
    if people is not None and any(
        p.organization_id != appointment.organization_id for p in people
    ):
        raise ValueError("people of another organisation")
    if application_types is None and people is None:
        AppointmentScope.objects.filter(appointment=appointment).delete()
        return
    scope, _created = AppointmentScope.objects.get_or_create(appointment=appointment)
    scope.application_types.set(application_types or [])
    scope.people.set(people or [])


def appointment_appoint(
    *,
    organization: Organization,
    user_id: str,
    actor: User,
    valid_until: date,
    application_types: Sequence[ApplicationType] | None = None,
    people: Sequence[ForeignNational] | None = None,
) -> Appointment:
    """Offer an appointment to the user ``user_id`` for ``application_types``
    and ``people`` (None: all of them) until ``valid_until``; see
    ``accounts.services.appointment_offer`` for who may and what it raises
    (AppointmentRefused, PermissionDenied)."""
    with transaction.atomic():
        appointment = account_services.appointment_offer(
            organization=organization,
            user_id=user_id,
            actor=actor,
            valid_until=valid_until,
            scope_all_types=application_types is None,
            scope_all_people=people is None,
        )
        _save_scope(appointment, application_types, people)
    return appointment


def appointment_rescope(
    *,
    appointment: Appointment,
    actor: User,
    valid_until: date,
    application_types: Sequence[ApplicationType] | None = None,
    people: Sequence[ForeignNational] | None = None,
) -> Appointment:
    """Change an appointment's validity date and scope (takes effect at once:
    a narrower scope hides the cases outside it on the appointee's next
    page); see ``accounts.services.appointment_change``."""
    with transaction.atomic():
        changed = account_services.appointment_change(
            appointment=appointment,
            actor=actor,
            valid_until=valid_until,
            scope_all_types=application_types is None,
            scope_all_people=people is None,
        )
        _save_scope(changed, application_types, people)
    return changed
