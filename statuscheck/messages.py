"""Every user-facing text of the status check that is not in a template, in
one place so wording and translation are reviewed together (Japanese in the
project catalogue; Chinese, Vietnamese and Korean in this app's own)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

RECEIPT_REQUIRED = _("Enter the receipt number.")
RECEIPT_SHAPE = _(
    "Enter the receipt number as it is printed on the receipt: three letters, "
    "the year and seven digits, for example TKY-2026-0123456."
)
BIRTH_DATE_REQUIRED = _("Enter your date of birth.")
BIRTH_DATE_INVALID = _(
    "Enter your date of birth as year, month and day, for example 1995-04-01."
)
BIRTH_DATE_NONEXISTENT = _(
    "This date of birth is not a real date. Check the month and the day."
)
BIRTH_DATE_IN_FUTURE = _("Your date of birth cannot be in the future.")
CLIENT_LIMITED = _(
    "Too many checks were made from your connection. Wait 10 minutes and try again."
)
RECEIPT_LIMITED = _(
    "This receipt number was checked too many times. Wait an hour and try again."
)
