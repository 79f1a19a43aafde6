"""The user-facing texts of the applications app (filing, people, cases), in
one place so wording and translation are reviewed together.

Each text has a code (``filing_*`` for the form texts, so that they cannot
clash with another app's codes).  ``register_messages`` makes the codes known to
``portal.lib.errors.message_for``, which turns a domain error
(``applications.errors``) into words; forms use the constants directly.
Imported by ``ApplicationsConfig.ready``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.lib.errors import register_messages

# --- People and the filing flow ---------------------------------------------------

NAME_ROMAN = _(
    "Enter the name in Roman letters (A–Z) exactly as in the passport, for example "
    "NGUYEN VAN AN. Letters with accents are written without them, as in the "
    "passport's machine-readable lines."
)
NAME_TOO_LONG = _("The name can be at most %(limit)s characters long.")
FAMILY_NAME_REQUIRED = _("Enter the family name as in the passport.")
APPOINTMENT_USER_ID_REQUIRED = _("Enter the user ID of the person to appoint.")
APPOINTMENT_DATE_REQUIRED = _("Enter the last day of the appointment.")
APPOINTMENT_DATE_PAST = _("The last day of the appointment cannot be in the past.")
APPOINTMENT_DATE_TOO_LATE = _(
    "An appointment can last at most three years: enter %(date)s or an earlier day."
)
APPOINTMENT_NO_TYPES = _("Tick at least one type of application, or choose every type.")
APPOINTMENT_NO_PEOPLE = _(
    "Tick at least one foreign national, or choose every foreign national."
)
HIDDEN_CHARACTERS = _(
    "This contains invisible control or text-direction characters, which are not "
    "allowed. Type it again rather than pasting it."
)
SEX_REQUIRED = _("Choose the person's sex.")
BIRTH_REQUIRED = _("Enter the date of birth.")
BIRTH_FUTURE = _("The date of birth cannot be in the future.")
BIRTH_TOO_OLD = _("The date of birth is before 1900. Check the year.")
NATIONALITY_REQUIRED = _("Choose the person's nationality.")
DATE_FORMAT = _(
    "“%(value)s” is not a date in the form YYYY-MM-DD, for example 2027-03-31."
)
DATE_IMPOSSIBLE = _("“%(value)s” is not a real date. Check the month and the day.")
PASSPORT_FORMAT = _(
    "Enter the passport number with letters A–Z and digits 0–9 only, as printed in "
    "the passport (at most 20 characters), for example TZ1234567."
)
CARD_FORMAT = _(
    "Enter the residence card number as 2 letters, 8 digits and 2 letters, for "
    "example AB12345678CD. It is printed at the top right of the card."
)
CARD_REQUIRED = _(
    "Enter the residence card number, for example AB12345678CD: it is needed for "
    "applications made in Japan."
)
STATUS_REQUIRED = _("Choose the person's current status of residence.")
SUBCATEGORY_REQUIRED = _("Choose the category of this status of residence.")
SUBCATEGORY_MISMATCH = _(
    "This category belongs to another status of residence. Choose a category of the "
    "status you chose."
)
PERIOD_REQUIRED = _("Choose the period of stay the person was granted.")
EXPIRY_REQUIRED = _("Enter the date the period of stay ends.")
EXPIRY_BEFORE_BIRTH = _("The period of stay cannot end before the date of birth.")
DUPLICATE_PERSON = _(
    "%(name)s, with the same nationality and passport number, is already registered "
    "for this organisation. Open their details instead of adding them again."
)
CHOOSE_PERSON = _("Choose the person the application is for, or add a new person.")
CHOOSE_ORGANIZATION = _("Choose the organisation you are filing for.")
CHOOSE_TYPE = _("Choose the type of application.")
TARGET_STATUS_REQUIRED = _("Choose the status of residence you apply for.")
REQUESTED_PERIOD_REQUIRED = _("Choose the period of stay you apply for.")
EVENT_DATE_REQUIRED = _(
    "Enter the date of the event (birth, loss of Japanese nationality …)."
)
EVENT_DATE_FUTURE = _("The date of the event cannot be in the future.")
ACTIVITY_REQUIRED = _("Describe the activity the certificate should cover.")
REENTRY_VARIANT_REQUIRED = _("Choose a single or a multiple re-entry permit.")
REENTRY_UNTIL_REQUIRED = _("Enter until when the re-entry permit should be valid.")
OTHER_KIND_REQUIRED = _("Choose comprehensive or individual permission.")
OTHER_DETAILS_REQUIRED = _(
    "Describe the other activity: the employer or school, where, the work and the "
    "hours per week."
)
DECLARATION_REQUIRED = _(
    "Confirm that the information is true and correct to send the application."
)
DOCUMENT_REQUIRED = _("Choose at least one file to upload.")
MISSING_DOCUMENT = _("Upload the %(document)s.")
PHOTO_RATIO = _(
    "“%(name)s” is %(width)s × %(height)s pixels. The photograph must be 4 cm high "
    "and 3 cm wide (4:3, upright). Crop it to that shape and upload it again."
)
PHOTO_LANDSCAPE = _(
    "“%(name)s” is a landscape picture (%(width)s × %(height)s pixels). Upload the "
    "photograph upright: taller than it is wide, 4 cm high and 3 cm wide."
)
PHOTO_TOO_SMALL = _(
    "“%(name)s” is only %(width)s × %(height)s pixels. The photograph must be at "
    "least %(min_width)s × %(min_height)s pixels so that the face prints sharply. "
    "Upload the original photo instead of a copy made smaller."
)
PHOTO_BLANK = _(
    "“%(name)s” looks blank: it is almost one colour. Upload a photograph of the "
    "person's face."
)
STALE_EDIT = _(
    "This application was changed in another tab or by someone else after you opened "
    "this page. Nothing you entered here was saved. The page now shows the latest "
    "saved answers: make your change again."
)
PERSON_STALE = _(
    "These details were changed by someone else after you opened this page. Nothing "
    "you entered here was saved. The page now shows the latest details: make your "
    "change again."
)
NOT_A_DRAFT = _("This application has already been submitted and cannot be changed.")

# --- Domain errors without a form text ----------------------------------------------

NOT_ELIGIBLE = _(
    "You cannot send the application yet. Correct the items listed at the top of "
    "this page: each link opens the page where you can change the answer."
)
ALREADY_WITHDRAWN = _("This application has already been withdrawn.")
NOT_WITHDRAWABLE = _(
    "This application can no longer be withdrawn: a decision has been made."
)
WITHDRAWAL_RACED = _(
    "This application can no longer be withdrawn: its status changed "
    "while you were on the page."
)

# --- The case list and withdrawal -------------------------------------------------

SEARCH_SHORT = _(
    "Enter at least %(min)d characters of the receipt number or of the name"
)
REASON_REQUIRED = _("Enter the reason for withdrawing the application")
# Filled in by Django's length validator.
REASON_LONG = _("The reason must be %(limit_value)d characters or fewer")

MESSAGES = {
    "filing_name_roman": NAME_ROMAN,
    "filing_name_too_long": NAME_TOO_LONG,
    "filing_family_name_required": FAMILY_NAME_REQUIRED,
    "filing_sex_required": SEX_REQUIRED,
    "filing_birth_required": BIRTH_REQUIRED,
    "filing_birth_future": BIRTH_FUTURE,
    "filing_birth_too_old": BIRTH_TOO_OLD,
    "filing_nationality_required": NATIONALITY_REQUIRED,
    "filing_date_format": DATE_FORMAT,
    "filing_date_impossible": DATE_IMPOSSIBLE,
    "filing_passport_format": PASSPORT_FORMAT,
    "filing_card_format": CARD_FORMAT,
    "filing_card_required": CARD_REQUIRED,
    "filing_status_required": STATUS_REQUIRED,
    "filing_subcategory_required": SUBCATEGORY_REQUIRED,
    "filing_subcategory_mismatch": SUBCATEGORY_MISMATCH,
    "filing_period_required": PERIOD_REQUIRED,
    "filing_expiry_required": EXPIRY_REQUIRED,
    "filing_expiry_before_birth": EXPIRY_BEFORE_BIRTH,
    "duplicate_person": DUPLICATE_PERSON,
    "filing_choose_person": CHOOSE_PERSON,
    "filing_choose_organization": CHOOSE_ORGANIZATION,
    "filing_choose_type": CHOOSE_TYPE,
    "filing_target_status_required": TARGET_STATUS_REQUIRED,
    "filing_requested_period_required": REQUESTED_PERIOD_REQUIRED,
    "filing_event_date_required": EVENT_DATE_REQUIRED,
    "filing_event_date_future": EVENT_DATE_FUTURE,
    "filing_activity_required": ACTIVITY_REQUIRED,
    "filing_reentry_variant_required": REENTRY_VARIANT_REQUIRED,
    "filing_reentry_until_required": REENTRY_UNTIL_REQUIRED,
    "filing_other_kind_required": OTHER_KIND_REQUIRED,
    "filing_other_details_required": OTHER_DETAILS_REQUIRED,
    "filing_declaration_required": DECLARATION_REQUIRED,
    "filing_upload_required": DOCUMENT_REQUIRED,
    "filing_missing_document": MISSING_DOCUMENT,
    "filing_photo_ratio": PHOTO_RATIO,
    "filing_photo_landscape": PHOTO_LANDSCAPE,
    "filing_photo_too_small": PHOTO_TOO_SMALL,
    "filing_photo_blank": PHOTO_BLANK,
    "draft_changed": STALE_EDIT,
    "person_changed": PERSON_STALE,
    "not_a_draft": NOT_A_DRAFT,
    "not_eligible": NOT_ELIGIBLE,
    "already_withdrawn": ALREADY_WITHDRAWN,
    "not_withdrawable": NOT_WITHDRAWABLE,
    "withdrawal_raced": WITHDRAWAL_RACED,
    "case_search_short": SEARCH_SHORT,
    "withdrawal_reason_required": REASON_REQUIRED,
    "withdrawal_reason_long": REASON_LONG,
}

register_messages(MESSAGES)
