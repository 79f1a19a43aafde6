"""The review app's domain errors.  Each carries a code (and parameters);
``review.messages`` registers the words for every code, and views show them
with ``portal.lib.errors.show_error`` / ``message_for``."""

from __future__ import annotations

from portal.lib.errors import DomainError, message_for


class ReviewError(DomainError):
    """Base of the review errors: ``str(exc)`` and ``exc.message`` are the
    message in the active language (what the user reads)."""

    @property
    def message(self) -> str:
        return message_for(self)

    def __str__(self) -> str:
        return message_for(self)


class ExaminationError(ReviewError):
    """A rule of the examination refused the step (claim, requests for
    documents, the recommendation and its approval)."""

    default_code = "examination_refused"


class FourEyesViolation(ExaminationError):
    """The recommender tried to approve (or send back) their own recommendation."""

    def __init__(self) -> None:
        super().__init__("four_eyes")


class IssuanceError(ReviewError):
    """A refused fee, payment, issuance, dispatch or handover step."""

    default_code = "issuance_refused"


class AmountMismatch(IssuanceError):
    """The amount received differs from the amount due."""

    def __init__(self, *, due: int, received: int) -> None:
        super().__init__("amount_mismatch", due=due, received=received)
        self.due = due
        self.received = received

    @property
    def difference(self) -> int:
        """Positive when too much was paid, negative when too little."""
        return self.received - self.due

    def stamps_error(self) -> IssuanceError:
        """The refusal as the clerk recording stamps reads it (short or too
        much, with the amounts)."""
        code = "stamps_too_much" if self.difference > 0 else "stamps_short"
        return IssuanceError(
            code,
            received=f"{self.received:,}",
            difference=f"{abs(self.difference):,}",
            due=f"{self.due:,}",
        )


class FeeUnknown(IssuanceError):
    """The fee table has no row for the application (or a companion)."""

    def __init__(self, detail: str) -> None:
        super().__init__("fee_unknown", detail=detail)


__all__ = [
    "AmountMismatch",
    "ExaminationError",
    "FeeUnknown",
    "FourEyesViolation",
    "IssuanceError",
    "ReviewError",
]
