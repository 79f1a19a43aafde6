"""Appointments over their life: an organisation's staff appoint an existing
portal user by user ID (an offer), the appointee accepts or declines, the
staff change its scope or validity, and end it.  The states and legal
actions are the table in ``accounts.workflow`` (APPOINTMENT_TRANSITIONS).

The scope's flags (every type / every person) live on the appointment; which
types and people a limited scope names is kept by ``applications``, whose
services call these inside their own transaction."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.errors import AppointmentRefused
from accounts.models import Appointment, Organization, User
from accounts.workflow import (
    APPOINTMENT_TRANSITIONS,
    AppointmentAction,
    appointment_state,
)
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.errors import next_state
from portal.notifications.kinds import NotificationKind
from portal.notifications.services import notify


def normalize_user_id(value: str | None) -> str:
    """A user ID as typed (full width, spaces around it) made comparable."""
    return "".join(unicodedata.normalize("NFKC", value or "").split())


def _scope_data(appointment: Appointment) -> dict[str, str | int | bool | None]:
    """What the audit keeps of a scope: flags and the date, no names."""
    return {
        "all_types": appointment.scope_all_types,
        "all_people": appointment.scope_all_people,
        "valid_until": appointment.valid_until.isoformat()
        if appointment.valid_until
        else None,
    }


def _organization_context(organization: Organization) -> dict[str, Any]:
    return {
        "organization": organization.name_ja,
        "organization_en": organization.name_en,
    }


def appointment_offer(
    *,
    organization: Organization,
    user_id: str,
    actor: User,
    valid_until: date,
    scope_all_types: bool = True,
    scope_all_people: bool = True,
) -> Appointment:
    """Offer an appointment by ``organization`` to the portal user whose user
    ID is ``user_id``, valid until ``valid_until``; the appointee is told and
    gains access only once they accept.

    Raises PermissionDenied unless ``actor`` is the organisation's own staff
    with write access; AppointmentRefused("appointee_not_available") when no
    such user exists *or* the user cannot be appointed (the same code, so the
    form tells nobody which IDs exist), "appointee_already_appointed" when an
    appointment of the user by the organisation is current or offered."""
    today = timezone.localdate()
    if valid_until < today:
        raise ValueError("an appointment cannot end in the past")
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        permissions.ensure(permissions.may_manage_appointments(actor, org))
        candidate = (
            User.objects.select_for_update()
            .filter(username__iexact=normalize_user_id(user_id))
            .first()
        )
        if candidate is None or not permissions.may_be_appointed(candidate, today):
            raise AppointmentRefused("appointee_not_available")
        if Appointment.objects.filter(
            appointee=candidate, organization=org, ended_at__isnull=True
        ).exists():
            raise AppointmentRefused("appointee_already_appointed")
        appointment = Appointment.objects.create(
            appointee=candidate,
            organization=org,
            valid_from=today,
            valid_until=valid_until,
            appointed_by=actor,
            scope_all_types=scope_all_types,
            scope_all_people=scope_all_people,
        )
        audit_record(
            actor=actor,
            action=AuditAction.APPOINTMENT_OFFER,
            obj=appointment,
            organization_code=org.code,
            data=_scope_data(appointment),
        )
        notify(
            recipient=candidate,
            kind=NotificationKind.APPOINTMENT_OFFERED,
            context={
                **_organization_context(org),
                "valid_until": valid_until.isoformat(),
            },
            link=reverse("applications:appointments_offered"),
        )
    return appointment


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update()
        .select_related("organization", "appointee")
        .get(pk=appointment.pk)
    )


def appointment_accept(*, appointment: Appointment, actor: User) -> Appointment:
    """The appointee accepts an offered appointment: from now on (within its
    dates) they see and file for the organisation within its scope.
    PermissionDenied for anyone but the appointee; AppointmentRefused
    ("appointment_accept_needs_active_account") while their own account
    cannot file; IllegalTransition unless the offer is open (not declined,
    ended or past its date).  Accepting twice is a no-op."""
    with transaction.atomic():
        locked = _locked(appointment)
        permissions.ensure(permissions.may_answer_appointment(actor, locked))
        if locked.accepted_at is not None and locked.ended_at is None:
            return locked
        next_state(
            APPOINTMENT_TRANSITIONS,
            appointment_state(locked),
            AppointmentAction.ACCEPT,
        )
        if not permissions.can_file(actor):
            raise AppointmentRefused("appointment_accept_needs_active_account")
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
        audit_record(
            actor=actor,
            action=AuditAction.APPOINTMENT_ACCEPT,
            obj=locked,
            organization_code=locked.organization.code,
        )
    return locked


def appointment_decline(*, appointment: Appointment, actor: User) -> Appointment:
    """The appointee declines an offered appointment; it ends (the
    organisation may offer again later).  PermissionDenied for anyone but
    the appointee; IllegalTransition unless the offer is open.  Declining
    twice is a no-op."""
    with transaction.atomic():
        locked = _locked(appointment)
        permissions.ensure(permissions.may_answer_appointment(actor, locked))
        if locked.declined_at is not None:
            return locked
        next_state(
            APPOINTMENT_TRANSITIONS,
            appointment_state(locked),
            AppointmentAction.DECLINE,
        )
        now = timezone.now()
        locked.declined_at = now
        locked.ended_at = now
        locked.save(update_fields=["declined_at", "ended_at"])
        audit_record(
            actor=actor,
            action=AuditAction.APPOINTMENT_DECLINE,
            obj=locked,
            organization_code=locked.organization.code,
        )
    return locked


def appointment_change(
    *,
    appointment: Appointment,
    actor: User,
    valid_until: date,
    scope_all_types: bool,
    scope_all_people: bool,
) -> Appointment:
    """The organisation's staff change an appointment's validity date and the
    flags of its scope (an offer, a current appointment, or one whose date
    has passed: a later date brings it back).  PermissionDenied for anyone
    else; IllegalTransition for a declined or ended appointment; ValueError
    for a date in the past."""
    if valid_until < timezone.localdate():
        raise ValueError("an appointment cannot end in the past")
    with transaction.atomic():
        locked = _locked(appointment)
        permissions.ensure(
            permissions.may_manage_appointments(actor, locked.organization)
        )
        next_state(
            APPOINTMENT_TRANSITIONS,
            appointment_state(locked),
            AppointmentAction.CHANGE,
        )
        locked.valid_until = max(valid_until, locked.valid_from)
        locked.scope_all_types = scope_all_types
        locked.scope_all_people = scope_all_people
        locked.save(
            update_fields=["valid_until", "scope_all_types", "scope_all_people"]
        )
        audit_record(
            actor=actor,
            action=AuditAction.APPOINTMENT_CHANGE,
            obj=locked,
            organization_code=locked.organization.code,
            data=_scope_data(locked),
        )
    return locked


def appointment_end(*, appointment: Appointment, actor: User) -> Appointment:
    """End an appointment now (or withdraw an offer): from this moment the
    appointee no longer sees or files for the organisation.  Only the
    organisation's own staff with write access may (PermissionDenied).
    Ending an ended appointment is a no-op."""
    with transaction.atomic():
        locked = _locked(appointment)
        permissions.ensure(permissions.can_end_appointments(actor, locked.organization))
        if locked.ended_at is not None:
            return locked
        next_state(
            APPOINTMENT_TRANSITIONS,
            appointment_state(locked),
            AppointmentAction.END,
        )
        locked.ended_at = timezone.now()
        locked.save(update_fields=["ended_at"])
        audit_record(
            actor=actor,
            action=AuditAction.APPOINTMENT_END,
            obj=locked,
            organization_code=locked.organization.code,
        )
        notify(
            recipient=locked.appointee,
            kind=NotificationKind.APPOINTMENT_ENDED,
            context=_organization_context(locked.organization),
        )
    return locked
