"""Normalisers and validators for foreign nationals and the filing flow (their
texts are in ``applications.messages``).

Each ``clean_*`` function takes what a person typed and returns the value to
store, or raises ``ValidationError`` with a ``code``.  They read no database,
so they are table-tested (tests/applications/test_foreign_nationals.py).
What people really type is normalised, never rejected: full-width letters
and digits (``ＡＢ１２…``), spaces and the many hyphen look-alikes
(``accounts.validators.normalize_number``).
"""

from __future__ import annotations

import io
import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from accounts.validators import (
    CARD_NUMBER_RE,
    has_hidden_characters,
    normalize_number,
    normalize_text,
)
from applications.messages import (
    BIRTH_FUTURE,
    BIRTH_TOO_OLD,
    CARD_FORMAT,
    DATE_FORMAT,
    DATE_IMPOSSIBLE,
    FAMILY_NAME_REQUIRED,
    HIDDEN_CHARACTERS,
    NAME_ROMAN,
    NAME_TOO_LONG,
    PASSPORT_FORMAT,
    PHOTO_BLANK,
    PHOTO_LANDSCAPE,
    PHOTO_RATIO,
    PHOTO_TOO_SMALL,
)
from applications.periods import parse_period

PASSPORT_RE = re.compile(r"^[A-Z0-9]{1,20}$")
# Names as in the passport's machine-readable zone and visual zone: Roman
# letters, with the separators passports print (space, hyphen, apostrophe).
ROMAN_NAME_RE = re.compile(r"^[A-Z]+(?:[ '\-.][A-Z]+)*\.?$")
NAME_MAX = 60
EARLIEST_BIRTH_YEAR = 1900

PHOTO_RATIO_TOLERANCE = 0.06
# The smallest photo accepted.  The print is 3 cm × 4 cm; 300 × 400 pixels is
# 254 dpi at that size, about what a photo printer needs for a face to print
# sharply (ISA's own online-application photo guidance asks for a clear,
# unretouched face; anything smaller is a thumbnail or a screenshot).
PHOTO_MIN_WIDTH = 300
PHOTO_MIN_HEIGHT = 400
# Less than this share of a photo differing from its background is no face.
PHOTO_MIN_INK = 0.01


# --- Names --------------------------------------------------------------------------


def refuse_hidden_characters(text: str) -> str:
    """The roster's rule for names (``accounts.validators``): control and
    format characters (bidi overrides, zero-width characters) are refused,
    since they make a name display as something it is not."""
    if has_hidden_characters(text):
        raise ValidationError(HIDDEN_CHARACTERS, code="hidden_characters")
    return text


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
    refuse_hidden_characters(text)
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
    refuse_hidden_characters(text)
    if len(text) > NAME_MAX:
        raise ValidationError(
            NAME_TOO_LONG, code="too_long", params={"limit": NAME_MAX}
        )
    return text


def clean_address(value: str | None) -> str:
    """An address as typed, runs of white space made one space; hidden
    characters refused like in names."""
    return refuse_hidden_characters(" ".join((value or "").split()))


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
    cent, so that a reasonable crop passes and a landscape snapshot does not
    (that one gets its own message: upload it upright)."""
    if width <= 0 or height <= 0:
        return
    params = {"name": name, "width": str(width), "height": str(height)}
    if width > height:
        raise ValidationError(PHOTO_LANDSCAPE, code="photo_landscape", params=params)
    ratio = height / width
    if abs(ratio - 4 / 3) > (4 / 3) * PHOTO_RATIO_TOLERANCE:
        raise ValidationError(
            PHOTO_RATIO,
            code="photo_ratio",
            params=params,
        )


def check_photo(content: bytes, *, name: str) -> None:
    """The photograph's checks, each refusal with its own code and message:
    upright (``photo_landscape``), 4:3 (``photo_ratio``), at least
    ``PHOTO_MIN_WIDTH`` × ``PHOTO_MIN_HEIGHT`` pixels (``photo_too_small``)
    and not near-uniform (``photo_blank``).  ``content`` is what
    ``validate_upload`` returns: already turned upright by its EXIF
    orientation, so a phone photo taken upright counts as upright."""
    from PIL import Image

    from portal.lib.scan_quality import ink_fraction

    with Image.open(io.BytesIO(content)) as image:
        width, height = image.size
        check_photo_ratio(width, height, name=name)
        if width < PHOTO_MIN_WIDTH or height < PHOTO_MIN_HEIGHT:
            raise ValidationError(
                PHOTO_TOO_SMALL,
                code="photo_too_small",
                params={
                    "name": name,
                    "width": str(width),
                    "height": str(height),
                    "min_width": str(PHOTO_MIN_WIDTH),
                    "min_height": str(PHOTO_MIN_HEIGHT),
                },
            )
        image.draft("L", (width // 2, height // 2))
        if ink_fraction(image) < PHOTO_MIN_INK:
            raise ValidationError(
                PHOTO_BLANK, code="photo_blank", params={"name": name}
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
