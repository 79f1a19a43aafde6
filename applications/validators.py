"""Normalisers and validators for foreign nationals and the filing flow, and
the user-facing texts of the filing flow (one place, so wording and
translation are reviewed together).

Each ``clean_*`` function takes what a person typed and returns the value to
store, or raises ``ValidationError`` with a ``code``.  They read no database,
so they are table-tested (tests/applications/test_foreign_nationals.py).
What people really type is normalised, never rejected: full-width letters
and digits (``ＡＢ１２…``), spaces and the many hyphen look-alikes
(``accounts.validators.normalize_number``).
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from accounts.validators import CARD_NUMBER_RE, normalize_number, normalize_text
from applications.periods import parse_period

PASSPORT_RE = re.compile(r"^[A-Z0-9]{1,20}$")
# Names as in the passport's machine-readable zone and visual zone: Roman
# letters, with the separators passports print (space, hyphen, apostrophe).
ROMAN_NAME_RE = re.compile(r"^[A-Z]+(?:[ '\-.][A-Z]+)*\.?$")
NAME_MAX = 60
EARLIEST_BIRTH_YEAR = 1900

# --- Messages ---------------------------------------------------------------------

NAME_ROMAN = _(
    "Enter the name in Roman letters (A–Z) exactly as in the passport, for example "
    "NGUYEN VAN AN. Letters with accents are written without them, as in the "
    "passport's machine-readable lines."
)
NAME_TOO_LONG = _("The name can be at most %(limit)s characters long.")
FAMILY_NAME_REQUIRED = _("Enter the family name as in the passport.")
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
PHOTO_RATIO_TOLERANCE = 0.06


# --- Names --------------------------------------------------------------------------


def clean_roman_name(value: str | None, *, required: bool) -> str:
    """A name in Roman letters as in the passport: NFKC (full width to half
    width), runs of spaces to one, upper case; letters A–Z with the passport's
    separators (space, hyphen, apostrophe) only.  Blank is allowed unless
    ``required``."""
    text = normalize_text(value).upper()
    if not text:
        if required:
            raise ValidationError(FAMILY_NAME_REQUIRED, code="required")
        return ""
    if len(text) > NAME_MAX:
        raise ValidationError(
            NAME_TOO_LONG, code="too_long", params={"limit": NAME_MAX}
        )
    if not ROMAN_NAME_RE.match(text):
        raise ValidationError(NAME_ROMAN, code="not_roman")
    return text


def clean_name_kanji(value: str | None) -> str:
    """A name in kanji, kept as typed (NFKC would change some kanji), with the
    ideographic space and runs of white space made one space."""
    text = " ".join((value or "").replace("\u3000", " ").split())
    if len(text) > NAME_MAX:
        raise ValidationError(
            NAME_TOO_LONG, code="too_long", params={"limit": NAME_MAX}
        )
    return text


# --- Numbers ------------------------------------------------------------------------


def _compact(value: str | None) -> str:
    """NFKC, every hyphen look-alike and every space removed, upper case."""
    return normalize_number(value).replace("-", "").upper()


def clean_passport_number(value: str | None) -> str:
    """A passport number: A–Z and 0–9, at most 20 characters (lenient, since
    foreign passports differ; domain-facts §5.3).  Blank stays blank."""
    text = _compact(value)
    if text and not PASSPORT_RE.match(text):
        raise ValidationError(PASSPORT_FORMAT, code="format")
    return text


def clean_residence_card_number(value: str | None) -> str:
    """A residence card number ``AA12345678AA`` (domain-facts §5.1), from
    whatever was typed: full width, spaces, hyphens, lower case.  Blank stays
    blank."""
    text = _compact(value)
    if text and not CARD_NUMBER_RE.match(text):
        raise ValidationError(CARD_FORMAT, code="format")
    return text


# --- Dates --------------------------------------------------------------------------

_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_date_input(value: str | None) -> date | None:
    """A date typed as ``YYYY-MM-DD`` (also ``/``, ``.``, ``年月日``, full-width
    digits, without leading zeros); None when blank.  Raises ValidationError
    for another form (``format``) or a date that does not exist
    (``impossible``: 2027-02-30)."""
    raw = (value or "").strip()
    text = normalize_number(raw).replace(" ", "")
    if not text:
        return None
    match = _DATE_RE.match(text)
    if match is None:
        raise ValidationError(DATE_FORMAT, code="format", params={"value": raw})
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValidationError(
            DATE_IMPOSSIBLE, code="impossible", params={"value": raw}
        ) from None


def check_date_of_birth(born: date, *, today: date) -> date:
    if born > today:
        raise ValidationError(BIRTH_FUTURE, code="future")
    if born.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(BIRTH_TOO_OLD, code="too_old")
    return born


def check_photo_ratio(width: int, height: int, *, name: str) -> None:
    """A photo 4 cm high and 3 cm wide (domain-facts §5.4), within a few per
    cent, so that a reasonable crop passes and a landscape snapshot does not."""
    if width <= 0 or height <= 0:
        return
    ratio = height / width
    if abs(ratio - 4 / 3) > (4 / 3) * PHOTO_RATIO_TOLERANCE:
        raise ValidationError(
            PHOTO_RATIO,
            code="photo_ratio",
            params={"name": name, "width": str(width), "height": str(height)},
        )


# --- Periods of stay ----------------------------------------------------------------


def period_label(text: str) -> str:
    """A period string of the catalogue (``applications.periods``) in words:
    "1 year 3 months", "Designated period (at most 5 years)", "Indefinite"."""
    try:
        period = parse_period(text)
    except ValueError:
        return text
    if period.indefinite:
        return str(_("Indefinite"))
    if period.activity:
        return str(_("For as long as the activity lasts"))
    parts = []
    if period.years:
        parts.append(
            ngettext("%(n)s year", "%(n)s years", period.years) % {"n": period.years}
        )
    if period.months:
        parts.append(
            ngettext("%(n)s month", "%(n)s months", period.months)
            % {"n": period.months}
        )
    if period.days:
        parts.append(
            ngettext("%(n)s day", "%(n)s days", period.days) % {"n": period.days}
        )
    # One translatable pattern, so that languages written without spaces
    # (Japanese: 1年3か月) join the parts their own way.
    words = parts[0] if parts else ""
    for part in parts[1:]:
        words = pgettext(
            "joins two parts of a period of stay, as in “1 year 3 months”",
            "%(first)s %(second)s",
        ) % {"first": words, "second": part}
    if period.designated:
        return str(_("Designated period (at most %(period)s)") % {"period": words})
    return words


def period_sort_key(text: str) -> tuple[int, int]:
    """Longest first; open-ended periods before fixed ones, designated after."""
    try:
        period = parse_period(text)
    except ValueError:
        return (3, 0)
    if not period.is_fixed_length:
        return (0, 0)
    days = period.years * 366 + period.months * 31 + period.days
    return (2 if period.designated else 1, -days)
