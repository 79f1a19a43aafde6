"""Lifecycles of requests for use and of user accounts: one table each."""

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


class IllegalTransition(Exception):
    """The action is not allowed from the object's current state."""

    def __init__(self, state: str, action: str) -> None:
        super().__init__(f"{action!r} is not allowed from {state!r}")
        self.state = state
        self.action = action


def next_request_status(status: str, action: str) -> str:
    try:
        return REQUEST_TRANSITIONS[(status, action)]
    except KeyError:
        raise IllegalTransition(status, action) from None


def next_account_status(status: str, action: str) -> str:
    try:
        return ACCOUNT_TRANSITIONS[(status, action)]
    except KeyError:
        raise IllegalTransition(status, action) from None
