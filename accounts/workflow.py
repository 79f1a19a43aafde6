"""Lifecycles of requests for use and of user accounts: one table each, read
by ``portal.lib.errors.next_state`` (which raises IllegalTransition)."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Appointment, User, UseRequest

RS = UseRequest.Status


class RequestAction(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return for correction")
    REJECT = "reject", _("Reject")


REQUEST_TRANSITIONS: dict[tuple[str, str], str] = {
    (RS.DRAFT, RequestAction.SUBMIT): RS.SUBMITTED,
    (RS.RETURNED, RequestAction.SUBMIT): RS.SUBMITTED,
    (RS.SUBMITTED, RequestAction.APPROVE): RS.APPROVED,
    (RS.SUBMITTED, RequestAction.RETURN): RS.RETURNED,
    (RS.SUBMITTED, RequestAction.REJECT): RS.REJECTED,
}

# A request can be edited exactly in the states from which it can be submitted.
EDITABLE_STATUSES = frozenset(
    state for (state, action) in REQUEST_TRANSITIONS if action == RequestAction.SUBMIT
)

US = User.Status


class AccountAction(models.TextChoices):
    SUSPEND = "suspend", _("Suspend")
    REINSTATE = "reinstate", _("Reinstate")
    REVOKE = "revoke", _("Revoke")


ACCOUNT_TRANSITIONS: dict[tuple[str, str], str] = {
    (US.ACTIVE, AccountAction.SUSPEND): US.SUSPENDED,
    (US.SUSPENDED, AccountAction.REINSTATE): US.ACTIVE,
    (US.ACTIVE, AccountAction.REVOKE): US.REVOKED,
    (US.SUSPENDED, AccountAction.REVOKE): US.REVOKED,
}


class AppointmentState(models.TextChoices):
    """An appointment's state, read from its fields (``appointment_state``)."""

    OFFERED = "offered", _("Waiting for the appointee to accept")
    ACTIVE = "active", _("Current")
    # Not ended, but its validity date has passed (an offer or an accepted
    # appointment): no access until the organisation sets a later date.
    LAPSED = "lapsed", _("Validity date passed")
    DECLINED = "declined", _("Declined")
    ENDED = "ended", _("Ended")


class AppointmentAction(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    DECLINE = "decline", _("Decline")
    CHANGE = "change", _("Change scope or validity")
    END = "end", _("End")


AS = AppointmentState

APPOINTMENT_TRANSITIONS: dict[tuple[str, str], str] = {
    (AS.OFFERED, AppointmentAction.ACCEPT): AS.ACTIVE,
    (AS.OFFERED, AppointmentAction.DECLINE): AS.DECLINED,
    (AS.OFFERED, AppointmentAction.CHANGE): AS.OFFERED,
    # Ending an offer withdraws it.
    (AS.OFFERED, AppointmentAction.END): AS.ENDED,
    (AS.ACTIVE, AppointmentAction.CHANGE): AS.ACTIVE,
    (AS.ACTIVE, AppointmentAction.END): AS.ENDED,
    # A later date brings it back (re-read from the fields after the change).
    (AS.LAPSED, AppointmentAction.CHANGE): AS.LAPSED,
    (AS.LAPSED, AppointmentAction.END): AS.ENDED,
}


def appointment_state(appointment: Appointment, today: date | None = None) -> str:
    """The state of ``appointment`` on ``today`` (default: today in Tokyo)."""
    today = today or timezone.localdate()
    if appointment.declined_at is not None:
        return AS.DECLINED
    if appointment.ended_at is not None:
        return AS.ENDED
    if appointment.valid_until is not None and appointment.valid_until < today:
        return AS.LAPSED
    if appointment.accepted_at is None:
        return AS.OFFERED
    return AS.ACTIVE
