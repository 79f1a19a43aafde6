"""Domain errors of the accounts app.  Each carries a code; the wording lives
in ``accounts/messages.py`` (registered with ``portal.lib.errors``)."""

from __future__ import annotations

from django.utils.functional import Promise

from portal.lib.errors import DomainError

# (item, message): the item names the wizard section to fix.
Problem = tuple[str, "str | Promise"]


class TokenError(DomainError):
    """A link token is unknown, expired or already used (``reason`` says which)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"token_{reason}")
        self.reason = reason


class RequestIncomplete(DomainError):
    """Submission refused; ``problems`` lists (item, message) pairs."""

    default_code = "request_incomplete"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__()
        self.problems = problems


class RosterConflict(DomainError):
    """Another roster entry already has this person's name, birth and nationality."""

    default_code = "roster_conflict"


class PasswordLinkRefused(DomainError):
    """A new set-password link is not possible: ``password_already_set`` or
    ``revoked_no_link``."""


class OfficerRoleRefused(DomainError):
    """The bureau administrator may not grant or withdraw this role
    (``officer_role_other_bureau``, ``officer_role_not_grantable``)."""


class ExistingAccountRefused(DomainError):
    """A new request's email belongs to an account approval cannot link
    (``existing_account_officer``, ``existing_account_revoked``,
    ``existing_account_other_category``)."""


class AppointmentRefused(DomainError):
    """An appointment by user ID is not possible: ``appointee_not_available``
    (no such user, or one who cannot be appointed: the same code for both),
    ``appointee_already_appointed``, ``appointment_too_many_attempts``, or
    ``appointment_accept_needs_active_account``."""
