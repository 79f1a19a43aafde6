"""Every user-facing text of the review app (queue, case page, requests for
documents, the four-eyes decision, fee, payment, issuance, dispatch and the
public pages), in one place so wording and translation are reviewed
together.

The review errors (``review.errors``) carry a code; ``CODES`` maps each code
to its text and is registered with ``portal.lib.errors.register_messages``
when this module is imported (``ReviewConfig.ready``).  Views show an error
with ``show_error(request, exc)`` or ``message_for(exc)``; forms use the
constants directly."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.lib.errors import register_messages

# ======================================================================================
# Examination
# ======================================================================================

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

# ======================================================================================
# Fee, payment, issuance, dispatch, public pages
# ======================================================================================

# --- Fee and payment -------------------------------------------------------------------

STAMPS_SHORT = _(
    "The stamps add up to ¥%(received)s, which is ¥%(difference)s short of the fee due "
    "(¥%(due)s). Nothing was recorded. Ask the applicant for the missing stamps."
)
STAMPS_TOO_MUCH = _(
    "The stamps add up to ¥%(received)s, which is ¥%(difference)s too much for the fee due "
    "(¥%(due)s). Nothing was recorded. Return the surplus stamps to the applicant."
)
STAMPS_AMOUNT_REQUIRED = _(
    "Enter the total value of the stamps in yen, for example 5500."
)
STAMPS_AMOUNT_INVALID = _(
    "Enter the amount in whole yen, using digits only, for example 5500."
)
FEE_UNKNOWN = _(
    "The fee table has no fee for this application on the day it was received. "
    "Correct the fee table in the administration pages, then compute the fee again."
)
FEE_NOT_ASSESSED = _("The fee has not been computed yet.")
ALREADY_PAID = _("The fee has already been paid.")
NOT_AWAITING_PAYMENT = _("This application is not waiting for the fee.")
PROVIDER_UNAVAILABLE = _(
    "Electronic payment is not available. Pay with revenue stamps."
)
SANDBOX_CARD_DECLINED = _(
    "The card was declined. In the sandbox, use the test card 4242 4242 4242 4242."
)
SANDBOX_CARD_INVALID = _(
    "Enter the card number as 16 digits. In the sandbox, use 4242 4242 4242 4242."
)
CALLBACK_BAD_SIGNATURE = _("The payment notification could not be verified.")
CALLBACK_AMOUNT = _("The amount paid does not match the fee due.")
CALLBACK_REJECTED = _("The payment notification was refused.")

# --- What the user sends ------------------------------------------------------------------

RETURN_METHOD_REQUIRED = _("Choose how the result should be returned to you.")
CARD_SENT_REQUIRED = _(
    "Confirm that you have sent the current residence card. The new card is issued "
    "only in exchange for it."
)
DECLARATION_CLOSED = _(
    "The documents have already been issued; nothing here can be changed."
)

# --- Issuance and dispatch -------------------------------------------------------------------

CARD_NOT_RECEIVED = _(
    "Record that the current residence card has arrived before issuing the new card."
)
NO_CURRENT_CARD_NEEDED = _("No current residence card is needed for this application.")
NO_APPROVED_GRANT = _("There is no approved grant for this application.")
TRACKING_REQUIRED = _(
    "Enter the tracking number of the registered mail or Letter Pack."
)
TRACKING_SHAPE = _(
    "Enter the Japan Post tracking number of 11 to 13 digits, for example "
    "1234-5678-9012. Hyphens and spaces are allowed."
)
TRACKING_NOT_FOR_METHOD = _(
    "Leave the tracking number empty: this method has no tracking number."
)
METHOD_REQUIRED = _("Choose how it is sent.")
EMAIL_ONLY_FOR_CERTIFICATES = _(
    "A residence card cannot be sent by email. Choose registered mail, Letter Pack Plus "
    "or the counter."
)
STALE = _(
    "This case was changed by someone else since you opened the page (it is now "
    "“%(status)s”). Check it again."
)
HANDOVER_CONFIRM_REQUIRED = _(
    "Confirm that the foreign national has received the card or certificate."
)

# --- Public pages ---------------------------------------------------------------------------------

VERIFY_CODE_REQUIRED = _("Enter the verification code printed on the certificate.")
VERIFY_CODE_SHAPE = _(
    "Enter the 12 letters and digits of the verification code, for example "
    "ABCD-EFGH-2345. Hyphens and spaces are allowed."
)
VERIFY_RATE_LIMITED = _(
    "Too many codes were checked from your connection. Wait a few minutes and try again."
)


# --- Codes -------------------------------------------------------------------------------

CODES: dict[str, str | Promise] = {
    # Examination
    "examination_refused": NOT_IN_STATE,
    "changed_by_someone_else": CHANGED_BY_SOMEONE_ELSE,
    "not_in_state": NOT_IN_STATE,
    "already_assigned": ALREADY_ASSIGNED,
    "not_an_examiner": NOT_AN_EXAMINER,
    "claim_first": CLAIM_FIRST,
    "closed_case": CLOSED_CASE,
    "note_required": NOTE_REQUIRED,
    "items_required": ITEMS_REQUIRED,
    "due_date_past": DUE_DATE_PAST,
    "due_date_too_far": DUE_DATE_TOO_FAR,
    "due_date_not_later": DUE_DATE_NOT_LATER,
    "extension_reason_required": EXTENSION_REASON_REQUIRED,
    "request_not_open": REQUEST_NOT_OPEN,
    "outcome_required": OUTCOME_REQUIRED,
    "period_required": PERIOD_REQUIRED,
    "period_not_allowed": PERIOD_NOT_ALLOWED,
    "no_status_to_grant": NO_STATUS_TO_GRANT,
    "reentry_until_required": REENTRY_UNTIL_REQUIRED,
    "reentry_until_past": REENTRY_UNTIL_PAST,
    "activity_terms_required": ACTIVITY_TERMS_REQUIRED,
    "denial_reasons_required": DENIAL_REASONS_REQUIRED,
    "four_eyes": FOUR_EYES,
    "no_active_decision": NO_ACTIVE_DECISION,
    "send_back_comment_required": SEND_BACK_COMMENT_REQUIRED,
    # Issuance: a refusal without a code of its own reads "changed by someone
    # else" with the case's current status (the page was out of date).
    "issuance_refused": STALE,
    "stamps_short": STAMPS_SHORT,
    "stamps_too_much": STAMPS_TOO_MUCH,
    "fee_unknown": FEE_UNKNOWN,
    "fee_not_assessed": FEE_NOT_ASSESSED,
    "already_paid": ALREADY_PAID,
    "not_awaiting_payment": NOT_AWAITING_PAYMENT,
    "provider_unavailable": PROVIDER_UNAVAILABLE,
    "callback_bad_signature": CALLBACK_BAD_SIGNATURE,
    "callback_amount": CALLBACK_AMOUNT,
    "callback_rejected": CALLBACK_REJECTED,
    "return_method_required": RETURN_METHOD_REQUIRED,
    "card_sent_required": CARD_SENT_REQUIRED,
    "declaration_closed": DECLARATION_CLOSED,
    "card_not_received": CARD_NOT_RECEIVED,
    "no_card_needed": NO_CURRENT_CARD_NEEDED,
    "no_grant": NO_APPROVED_GRANT,
    "tracking_shape": TRACKING_SHAPE,
    "tracking_not_for_method": TRACKING_NOT_FOR_METHOD,
    "dispatch_method_required": METHOD_REQUIRED,
    "email_only_for_certificates": EMAIL_ONLY_FOR_CERTIFICATES,
    "verify_rate_limited": VERIFY_RATE_LIMITED,
}

register_messages(CODES)
