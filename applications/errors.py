"""Domain errors of the applications app.  Each carries a code; the words are
in ``applications.messages`` (``portal.lib.errors.message_for``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.lib.errors import DomainError, StaleEdit

if TYPE_CHECKING:
    from applications.eligibility import Failure
    from applications.models import ForeignNational

# StaleEdit codes: which page's data changed meanwhile.
DRAFT_CHANGED = "draft_changed"
PERSON_CHANGED = "person_changed"


class NotEligible(DomainError):
    """Submission refused: ``failures`` lists the broken rules (each with its
    own code and message, shown at check your answers)."""

    default_code = "not_eligible"

    def __init__(self, failures: list[Failure]) -> None:
        super().__init__(self.default_code)
        self.failures = failures


class NotDraft(DomainError):
    """The application is no longer a draft (submitted meanwhile)."""

    default_code = "not_a_draft"


class DuplicatePerson(DomainError):
    """The organisation already has a person with this nationality and
    passport number; ``existing`` is that person (named by the form, never
    in the error's parameters)."""

    default_code = "duplicate_person"

    def __init__(self, existing: ForeignNational) -> None:
        super().__init__(self.default_code)
        self.existing = existing


__all__ = [
    "DRAFT_CHANGED",
    "PERSON_CHANGED",
    "DuplicatePerson",
    "NotDraft",
    "NotEligible",
    "StaleEdit",
]
