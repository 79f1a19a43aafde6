"""Lifecycles of requests for use and of user accounts: one table each, read
by ``portal.lib.errors.next_state`` (which raises IllegalTransition)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import User, UseRequest

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
