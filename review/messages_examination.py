"""User-facing texts of the examination steps (queue, case page, requests for
documents, the four-eyes decision), in one place so wording and translation
are reviewed together."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# --- Concurrency and state -------------------------------------------------------------

CHANGED_BY_SOMEONE_ELSE = _(
    "This case was changed by someone else since you opened it (it is now "
    "“%(status)s”). Check it again before you act."
)
NOT_IN_STATE = _(
    "This case is not at a stage where this can be done (it is “%(status)s”)."
)

# --- Claim and assignment --------------------------------------------------------------

ALREADY_ASSIGNED = _(
    "This case is already assigned to %(name)s. Ask a supervisor to reassign it."
)
NOT_AN_EXAMINER = _("%(name)s is not an examiner at this office.")
CLAIM_FIRST = _(
    "Claim this case (or ask a supervisor to assign it to you) before you act on it."
)
CLOSED_CASE = _("This case is closed; it cannot be assigned.")

# --- Notes -----------------------------------------------------------------------------

NOTE_REQUIRED = _("Enter the note")

# --- Requests for documents ----------------------------------------------------------------

ITEMS_REQUIRED = _("Describe at least one document that the applicant must send")
ITEM_TYPE_WITHOUT_TEXT = _(
    "Describe what is needed for document %(number)s, or clear its type"
)
DUE_DATE_REQUIRED = _("Enter the due date")
DUE_DATE_PAST = _("The due date must be after today")
DUE_DATE_TOO_FAR = _("The due date must be within %(days)s days from today")
DUE_DATE_NOT_LATER = _("The new due date must be after the current one (%(date)s)")
EXTENSION_REASON_REQUIRED = _("Enter the reason for the new due date")
REQUEST_NOT_OPEN = _("This request for documents has already been answered.")
UNANSWERED_CONFIRM_REQUIRED = _(
    "Confirm that you want to send the answer although some documents are missing"
)
FILES_REQUIRED = _("Choose at least one file to upload")

# --- Decision -------------------------------------------------------------------------------

OUTCOME_REQUIRED = _("Choose whether you recommend granting or denying the application")
PERIOD_REQUIRED = _("Choose the period of stay to grant")
PERIOD_NOT_ALLOWED = _("%(period)s is not a period of stay allowed for %(status)s")
NO_STATUS_TO_GRANT = _(
    "This application names no status of residence to grant; it cannot be granted here."
)
REENTRY_UNTIL_REQUIRED = _("Enter the date until which the re-entry permit is valid")
REENTRY_UNTIL_PAST = _("The re-entry permit must be valid until a date after today")
ACTIVITY_TERMS_REQUIRED = _("Enter the terms of the permission for other activity")
DENIAL_REASONS_REQUIRED = _("Enter the reasons for the denial")
FOUR_EYES = _(
    "You recommended this decision, so another supervisor must approve it or send it back."
)
NO_ACTIVE_DECISION = _("There is no recommendation waiting for approval.")
SEND_BACK_COMMENT_REQUIRED = _("Enter what the examiner should look at again")
CONFIRM_REQUIRED = _("Confirm that you have checked the recommendation")
