"""User-facing error texts of the accounts app, in one place so wording and
translation are reviewed together."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

MISSING_CATEGORY = _("Choose your user category.")
MISSING_ORGANIZATION = _("Complete the organisation's details.")
MISSING_CORPORATE_NUMBER = _("Enter the corporate number of the organisation.")
MISSING_PERSON = _("Complete your own details (name, kana, phone, position).")
MISSING_TORITSUGI = _(
    "Enter the number of your filing-agent notification certificate and who issued it."
)
MISSING_ROSTER = _("Import the list of foreign employees and planned hires.")
MISSING_DECLARATIONS = _("Confirm each of the requirements.")
MISSING_DOCUMENT = _("Upload the {document}.")
MISSING_OFFICE = _("Choose the immigration office.")
OFFICE_NOT_ACCEPTING = _(
    "This office does not take requests for use. Choose the office for your organisation's area."
)
DUPLICATE_PENDING = _(
    "You already have a request for this organisation waiting for a decision. "
    "Wait for its result or correct the returned one."
)
