"""User-facing texts of the fee, payment, issuance and dispatch steps and of
the public pages, in one place so wording and translation are reviewed
together."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# --- Fee and payment -------------------------------------------------------------------

STAMPS_SHORT = _(
    "The stamps add up to ¥{received}, which is ¥{difference} short of the fee due "
    "(¥{due}). Nothing was recorded. Ask the applicant for the missing stamps."
)
STAMPS_TOO_MUCH = _(
    "The stamps add up to ¥{received}, which is ¥{difference} too much for the fee due "
    "(¥{due}). Nothing was recorded. Return the surplus stamps to the applicant."
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
    "“{status}”). Check it again."
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
