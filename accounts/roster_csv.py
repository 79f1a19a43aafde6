"""The roster CSV: the list of foreign employees and planned hires.

Pure functions, no database: ``parse_roster_csv`` turns the bytes of an
uploaded file into JSON-ready rows (the field names of ``RosterEntry``) or a
list of errors, each naming the file line, the column as the user wrote it and
what is expected.  Callers import **nothing** when ``errors`` is non-empty.

What it accepts:

* UTF-8, UTF-8 with BOM (Excel's "CSV UTF-8") and Shift_JIS/CP932 (Excel's
  plain "CSV" on Japanese Windows).  A BOM decides; otherwise UTF-8 is tried
  first — CP932 bytes are almost never valid UTF-8, so the guess is safe.
* Column headings in English (``family_name``) or Japanese (``姓``), in any
  order; full-width characters and letter case do not matter.
* Dates as ``YYYY-MM-DD``, ``YYYY/MM/DD`` (also without leading zeros, as Excel
  writes them), ``YYYY.MM.DD`` or ``YYYY年M月D日``; full-width digits are
  normalised (NFKC) rather than rejected.

The same cleaning functions validate the roster form (``clean_value``), so a
row typed in the portal and a row imported from a file obey the same rules.
"""

from __future__ import annotations

import csv
import io
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.validators import CARD_NUMBER_RE, has_hidden_characters
from portal.lib.countries import country_lookup

# Columns in file order: the English key (the RosterEntry field name) and its
# Japanese heading.  Both are accepted on import.
HEADERS: tuple[str, ...] = (
    "family_name",
    "given_name",
    "name_kanji",
    "sex",
    "date_of_birth",
    "nationality",
    "status_of_residence",
    "residence_card_number",
    "period_expiry",
    "planned_hire",
)
JA_HEADERS: dict[str, str] = {
    "family_name": "姓",
    "given_name": "名",
    "name_kanji": "漢字氏名",
    "sex": "性別",
    "date_of_birth": "生年月日",
    "nationality": "国籍",
    "status_of_residence": "在留資格",
    "residence_card_number": "在留カード番号",
    "period_expiry": "在留期間満了日",
    "planned_hire": "採用予定",
}
# Columns a file must have; the others may be left out entirely.
REQUIRED_HEADERS: tuple[str, ...] = (
    "family_name",
    "given_name",
    "sex",
    "date_of_birth",
    "nationality",
    "residence_card_number",
)
# One example row for the template (a fictional person).
EXAMPLE_ROW: dict[str, str] = {
    "family_name": "NGUYEN",
    "given_name": "VAN AN",
    "name_kanji": "",
    "sex": "M",
    "date_of_birth": "1998-04-12",
    "nationality": "VN",
    "status_of_residence": "技術・人文知識・国際業務",
    "residence_card_number": "AB12345678CD",
    "period_expiry": "2027-03-31",
    "planned_hire": "no",
}

MAX_LENGTHS = {
    "family_name": 60,
    "given_name": 60,
    "name_kanji": 60,
    "status_of_residence": 64,
}
_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_CARD_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー－]")
_SPACES = re.compile(r"\s+")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# The statuses of residence a roster may name: applications registers the
# reference list (accounts does not import it); see ``status_names``.
_status_provider: Callable[[], Iterable[tuple[str, ...]]] | None = None


def register_status_names(provider: Callable[[], Iterable[tuple[str, ...]]]) -> None:
    """``provider()`` yields ``(name_ja, *other names or codes)`` per status."""
    global _status_provider
    _status_provider = provider


def status_names() -> dict[str, str] | None:
    """{normalised Japanese name, English name or code: Japanese name}, from
    the registered reference list (one query: callers ask once per file or
    form, never per row); None when nothing is registered."""
    if _status_provider is None:
        return None
    names: dict[str, str] = {}
    for name_ja, *others in _status_provider():
        for name in (name_ja, *others):
            if name:
                names[_key(name)] = name_ja
    return names


# {Japanese name: English name}, read at most once a minute: a roster table
# asks per row, and the reference list changes only through the admin.
_ENGLISH_NAMES: tuple[float, dict[str, str]] = (0.0, {})


def _english_status_names() -> dict[str, str]:
    global _ENGLISH_NAMES
    read_at, names = _ENGLISH_NAMES
    if _status_provider is None:
        return {}
    if time.monotonic() - read_at > 60 or not names:
        names = {
            name_ja: next((name for name in others if name), name_ja)
            for name_ja, *others in _status_provider()
        }
        _ENGLISH_NAMES = (time.monotonic(), names)
    return names


def status_in_language(stored: str, language: str) -> str:
    """A roster's status of residence (stored as its Japanese name, mapped to
    the code list at import) in ``language``: the English name of the same
    status on English pages; the stored text when it is not on the list."""
    if not stored or not language.startswith("en"):
        return stored
    return _english_status_names().get(stored, stored)


SEX_VALUES = {
    "f": "F",
    "female": "F",
    "女": "F",
    "女性": "F",
    "m": "M",
    "male": "M",
    "男": "M",
    "男性": "M",
    "x": "X",
    "other": "X",
    "その他": "X",
}
YES_VALUES = {"yes", "y", "1", "true", "○", "〇", "◯", "はい", "有", "予定"}
NO_VALUES = {"", "no", "n", "0", "false", "×", "✕", "いいえ", "無", "-", "―"}

# Every user-facing message of the importer, so wording and translation are
# reviewed together.  Column names are filled in as the user wrote them.
ERROR_MESSAGES = {
    "empty_file": gettext_lazy(
        "The file is empty. Download the template, add one line per person and "
        "upload it again."
    ),
    "encoding": gettext_lazy(
        "The file could not be read as text. Save it from Excel as “CSV UTF-8” or "
        "“CSV” and upload it again."
    ),
    "utf16": gettext_lazy(
        "The file is saved as “Unicode text” (UTF-16). Save it from Excel as "
        "“CSV UTF-8” and upload it again."
    ),
    "workbook": gettext_lazy(
        "The file is an Excel workbook, not a CSV file. In Excel choose “Save as” "
        "and the type “CSV UTF-8”, then upload that file."
    ),
    "broken_csv": gettext_lazy(
        "The file is not a valid CSV file ({detail}). Save it from Excel as "
        "“CSV UTF-8” and upload it again."
    ),
    "headers": gettext_lazy(
        "The first line must contain the column headings of the template. {problems} "
        "Download the template to see the headings."
    ),
    "missing_columns": gettext_lazy("Missing columns: {columns}."),
    "unknown_columns": gettext_lazy("Columns not recognised: {columns}."),
    "repeated_columns": gettext_lazy("Columns that appear twice: {columns}."),
    "no_rows": gettext_lazy(
        "The file has headings but no people. Add one line per person below the "
        "headings."
    ),
    "too_many_values": gettext_lazy(
        "This line has more values than there are columns. Check for a stray comma."
    ),
    "required": gettext_lazy("Enter the {column}."),
    "too_long": gettext_lazy(
        "The {column} is too long: it has {length} characters, at most {limit} are "
        "allowed."
    ),
    "control_chars": gettext_lazy(
        "The {column} contains characters that are not allowed."
    ),
    "status_unknown": gettext_lazy(
        "“{value}” is not a status of residence. Enter it as on the residence "
        "card, for example 技術・人文知識・国際業務."
    ),
    "sex": gettext_lazy(
        "“{value}” is not a sex we recognise. Enter F, M or X (or 女, 男)."
    ),
    "date_format": gettext_lazy(
        "“{value}” is not a date in the form YYYY-MM-DD, for example 1998-04-12."
    ),
    "date_impossible": gettext_lazy(
        "“{value}” is not a real date. Check the month and the day."
    ),
    "birth_future": gettext_lazy("The date of birth “{value}” is in the future."),
    "birth_too_old": gettext_lazy(
        "The date of birth “{value}” is before 1900. Check the year."
    ),
    "expiry_before_birth": gettext_lazy(
        "The end of the period of stay “{value}” is before the date of birth."
    ),
    "nationality": gettext_lazy(
        "“{value}” is not a country code. Enter the two-letter ISO 3166 code, for "
        "example VN for Viet Nam (three-letter codes such as VNM are also accepted)."
    ),
    "nationality_japan": gettext_lazy(
        "Japanese nationals are not listed. The list is of foreign nationals only."
    ),
    "card_format": gettext_lazy(
        "“{value}” is not a residence card number. It has 2 letters, 8 digits and "
        "2 letters, for example AB12345678CD."
    ),
    "card_required": gettext_lazy(
        "Enter the residence card number, for example AB12345678CD. Leave it blank "
        "only for a planned hire (write “yes” in the {planned} column)."
    ),
    "planned_hire": gettext_lazy(
        "“{value}” is not yes or no. Write yes (or 1, ○) for a planned hire, and no "
        "(or 0, or leave it blank) otherwise."
    ),
    "duplicate_person": gettext_lazy(
        "This person is already on line {line} (same name, date of birth and "
        "nationality)."
    ),
    "duplicate_card": gettext_lazy(
        "The residence card number is already used on line {line}."
    ),
}


def _msg(code: str, **params: Any) -> str:
    """A message of ``ERROR_MESSAGES`` in the active language, filled in."""
    text = str(ERROR_MESSAGES[code])
    return text.format(**params) if params else text


class RosterValueError(ValueError):
    """One value failed; ``message`` is translated and ready to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    """One problem: ``line`` is the 1-based line of the file, ``column`` the
    heading as the user wrote it ("" for the whole line or file)."""

    line: int
    column: str
    message: str


@dataclass
class RosterParseResult:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _key(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


# --- Cleaning one value ------------------------------------------------------------


def _unguard(value: str) -> str:
    """Remove our own export's guard against spreadsheet formulas (a leading
    ' before a formula character, full-width ones included)."""
    if value.startswith("'") and unicodedata.normalize("NFKC", value[1:2]).startswith(
        _FORMULA_START
    ):
        return value[1:]
    return value


def _text(value: str, column: str, key: str) -> str:
    value = _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()
    value = _unguard(value)
    if has_hidden_characters(value):
        raise RosterValueError(_msg("control_chars", column=column))
    limit = MAX_LENGTHS[key]
    if len(value) > limit:
        raise RosterValueError(
            _msg("too_long", column=column, length=len(value), limit=limit)
        )
    return value


def _kanji(value: str, column: str) -> str:
    # No NFKC here: it would swap some kanji for their unified variants
    # (神 U+FA19 → 神), changing how a person's name is written.
    value = _unguard(_SPACES.sub(" ", value.replace("\u3000", " ")).strip())
    if has_hidden_characters(value):
        raise RosterValueError(_msg("control_chars", column=column))
    if len(value) > MAX_LENGTHS["name_kanji"]:
        raise RosterValueError(
            _msg(
                "too_long",
                column=column,
                length=len(value),
                limit=MAX_LENGTHS["name_kanji"],
            )
        )
    return value


def parse_date(value: str) -> date | None:
    """A date in one of the accepted forms, or None for a blank value.
    Raises RosterValueError for a wrong form or an impossible date."""
    text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
    if not text:
        return None
    match = _DATE_RE.match(text)
    if match is None:
        raise RosterValueError(_msg("date_format", value=value.strip()))
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise RosterValueError(_msg("date_impossible", value=value.strip())) from None


def clean_family_name(value: str, column: str = "") -> str:
    """Passport spelling, upper case (as in the machine-readable zone)."""
    column = column or _("family name")
    cleaned = _text(value, column, "family_name").upper()
    if not cleaned:
        raise RosterValueError(_msg("required", column=column))
    return cleaned


def clean_given_name(value: str, column: str = "") -> str:
    return _text(value, column or _("given names"), "given_name").upper()


def clean_name_kanji(value: str, column: str = "") -> str:
    return _kanji(value, column or _("name in kanji"))


def clean_sex(value: str, column: str = "") -> str:
    key = _key(value)
    if not key:
        raise RosterValueError(_msg("required", column=column or _("sex")))
    if key not in SEX_VALUES:
        raise RosterValueError(_msg("sex", value=value.strip()))
    return SEX_VALUES[key]


def clean_date_of_birth(
    value: str, column: str = "", today: date | None = None
) -> date:
    born = parse_date(value)
    if born is None:
        raise RosterValueError(_msg("required", column=column or _("date of birth")))
    if born > (today or timezone.localdate()):
        raise RosterValueError(_msg("birth_future", value=value.strip()))
    if born.year < 1900:
        raise RosterValueError(_msg("birth_too_old", value=value.strip()))
    return born


def clean_nationality(value: str, column: str = "") -> str:
    """ISO 3166-1 alpha-2; alpha-3 codes and country names (English or
    Japanese) are normalised to it."""
    key = _key(value)
    if not key:
        raise RosterValueError(_msg("required", column=column or _("nationality")))
    alpha2, aliases = country_lookup()
    upper = key.upper()
    code = upper if upper in alpha2 else aliases.get(upper) or aliases.get(key)
    if code is None:
        raise RosterValueError(_msg("nationality", value=value.strip()))
    if code == "JP":
        raise RosterValueError(_msg("nationality_japan"))
    return code


def clean_status_of_residence(
    value: str, column: str = "", statuses: Mapping[str, str] | None = None
) -> str:
    """Blank, or a status of the reference list (``statuses``, see
    ``status_names``) named in Japanese, English or by code, stored by its
    Japanese name.  Without a list only the text rules apply."""
    text = _text(value, column or _("status of residence"), "status_of_residence")
    if not text or statuses is None:
        return text
    found = statuses.get(_key(text))
    if found is None:
        raise RosterValueError(_msg("status_unknown", value=text))
    return found


def clean_card_number(value: str, column: str = "") -> str:
    """NFKC, spaces and hyphens removed, upper case; blank stays blank."""
    text = _CARD_SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()
    if text and not CARD_NUMBER_RE.match(text):
        raise RosterValueError(_msg("card_format", value=value.strip()))
    return text


def clean_period_expiry(value: str, column: str = "") -> date | None:
    return parse_date(value)


def clean_planned_hire(value: str, column: str = "") -> bool:
    key = _key(value)
    if key in YES_VALUES:
        return True
    if key in NO_VALUES:
        return False
    raise RosterValueError(_msg("planned_hire", value=value.strip()))


_CLEANERS = {
    "family_name": clean_family_name,
    "given_name": clean_given_name,
    "name_kanji": clean_name_kanji,
    "sex": clean_sex,
    "nationality": clean_nationality,
    "status_of_residence": clean_status_of_residence,
    "residence_card_number": clean_card_number,
    "period_expiry": clean_period_expiry,
    "planned_hire": clean_planned_hire,
}


def clean_value(
    key: str,
    value: str,
    column: str = "",
    today: date | None = None,
    statuses: Mapping[str, str] | None = None,
) -> Any:
    """Clean one value of column ``key``; raises RosterValueError.
    ``statuses`` is the reference list of statuses of residence
    (``status_names()``)."""
    if key == "date_of_birth":
        return clean_date_of_birth(value, column, today)
    if key == "status_of_residence":
        return clean_status_of_residence(value, column, statuses)
    return _CLEANERS[key](value, column)


def cross_check(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Rules between fields of one cleaned row, as (key, message) pairs."""
    problems: list[tuple[str, str]] = []
    needs_card = "residence_card_number" in values and not values.get("planned_hire")
    if needs_card and not values.get("residence_card_number"):
        planned = header_label("planned_hire")
        problems.append(
            (
                "residence_card_number",
                _msg("card_required", planned=planned),
            )
        )
    born, expiry = values.get("date_of_birth"), values.get("period_expiry")
    if isinstance(born, date) and isinstance(expiry, date) and expiry < born:
        problems.append(
            (
                "period_expiry",
                _msg("expiry_before_birth", value=expiry.isoformat()),
            )
        )
    return problems


def person_key(values: Mapping[str, Any]) -> tuple[Any, ...]:
    """Who a row is: the roster's unique key (nationality, names, birth)."""
    return (
        values.get("nationality"),
        values.get("family_name"),
        values.get("given_name") or "",
        str(values.get("date_of_birth")),
    )


# --- Headings -------------------------------------------------------------------


def header_label(key: str, language: str | None = None) -> str:
    """The heading written for ``key``: Japanese when the language is Japanese,
    the English key otherwise (both are accepted on import)."""
    lang = (language or translation.get_language() or "ja").split("-")[0]
    return JA_HEADERS[key] if lang == "ja" else key


@cache
def _header_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for key in HEADERS:
        lookup[_key(key)] = key
        lookup[_key(key.replace("_", " "))] = key
        lookup[_key(JA_HEADERS[key])] = key
        lookup[_key(f"{JA_HEADERS[key]} ({key})")] = key
        lookup[_key(f"{JA_HEADERS[key]}({key})")] = key
    return lookup


def _map_headers(cells: list[str]) -> tuple[list[str | None], str | None]:
    """Each column's key (None for a blank heading), or an error message."""
    lookup = _header_lookup()
    keys: list[str | None] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    repeated: list[str] = []
    for cell in cells:
        text = cell.strip()
        if not text:
            keys.append(None)
            continue
        key = lookup.get(_key(text))
        if key is None:
            unknown.append(text)
        elif key in seen:
            repeated.append(text)
        else:
            seen[key] = text
        keys.append(key)
    # Both spellings, so the user finds the column whichever they used.
    missing = [f"{JA_HEADERS[k]} ({k})" for k in REQUIRED_HEADERS if k not in seen]
    problems = []
    separator = _(", ")
    if missing:
        problems.append(_msg("missing_columns", columns=separator.join(missing)))
    if unknown:
        problems.append(_msg("unknown_columns", columns=separator.join(unknown)))
    if repeated:
        problems.append(_msg("repeated_columns", columns=separator.join(repeated)))
    if problems:
        return keys, _msg("headers", problems=" ".join(problems))
    return keys, None


# --- Reading a file -------------------------------------------------------------


def decode(data: bytes) -> str:
    """The file's text: BOM → UTF-8; else UTF-8 if valid; else CP932 (a
    superset of Shift_JIS).  Raises RosterValueError if none fits."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterValueError(_msg("workbook"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RosterValueError(_msg("utf16"))
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    else:
        encodings = ["utf-8", "cp932"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise RosterValueError(_msg("encoding"))


def parse_roster_csv(
    data: bytes,
    *,
    today: date | None = None,
    statuses: Mapping[str, str] | None = None,
) -> RosterParseResult:
    """Validate a whole roster file (statuses of residence against
    ``statuses``, the reference list, when given).  ``rows`` are JSON-ready dicts keyed by
    the RosterEntry field names (dates as ISO strings); ``errors`` lists every
    problem by line and column.  All or nothing: callers must not import any
    row when ``errors`` is non-empty."""
    result = RosterParseResult()
    today = today or timezone.localdate()
    try:
        text = decode(data)
    except RosterValueError as exc:
        result.errors.append(RowError(1, "", exc.message))
        return result
    if not text.strip():
        result.errors.append(RowError(1, "", _msg("empty_file")))
        return result

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        result.errors.append(RowError(1, "", _msg("broken_csv", detail=exc)))
        return result
    header_line = reader.line_num
    keys, problem = _map_headers(header)
    if problem:
        result.errors.append(RowError(header_line, "", problem))
        return result
    columns = {key: header[i].strip() for i, key in enumerate(keys) if key}
    present = [(i, key) for i, key in enumerate(keys) if key]
    width = len(header)

    people: dict[tuple[Any, ...], int] = {}
    cards: dict[str, int] = {}
    errors = result.errors
    previous_end = header_line
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            errors.append(
                RowError(
                    previous_end + 1,
                    "",
                    _msg("broken_csv", detail=exc),
                )
            )
            break
        line = previous_end + 1
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank lines (Excel leaves ",,,,,," rows) are not people
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            errors.append(RowError(line, "", _msg("too_many_values")))
            continue
        row: dict[str, Any] = {}
        row_ok = True
        for index, key in present:
            raw = cells[index] if index < len(cells) else ""
            try:
                row[key] = clean_value(key, raw, columns[key], today, statuses)
            except RosterValueError as exc:
                errors.append(RowError(line, columns[key], exc.message))
                row_ok = False
        if not row_ok:
            continue
        cross = cross_check(row)
        for key, message in cross:
            errors.append(RowError(line, columns.get(key, ""), message))
        if cross:
            continue
        who = person_key(row)
        if who in people:
            errors.append(
                RowError(
                    line,
                    columns["family_name"],
                    _msg("duplicate_person", line=people[who]),
                )
            )
            continue
        people[who] = line
        card = row.get("residence_card_number")
        if card:
            if card in cards:
                errors.append(
                    RowError(
                        line,
                        columns["residence_card_number"],
                        _msg("duplicate_card", line=cards[card]),
                    )
                )
                continue
            cards[card] = line
        result.rows.append(_json_row(row))

    if not errors and not result.rows:
        errors.append(RowError(header_line + 1, "", _msg("no_rows")))
    if errors:
        result.rows = []
    return result


def _json_row(values: Mapping[str, Any]) -> dict[str, Any]:
    """All ten fields, blanks filled, dates as ISO strings."""
    born = values["date_of_birth"]
    expiry = values.get("period_expiry")
    return {
        "family_name": values["family_name"],
        "given_name": values.get("given_name", ""),
        "name_kanji": values.get("name_kanji", ""),
        "sex": values["sex"],
        "date_of_birth": born.isoformat(),
        "nationality": values["nationality"],
        "status_of_residence": values.get("status_of_residence", ""),
        "residence_card_number": values.get("residence_card_number", ""),
        "period_expiry": expiry.isoformat() if expiry else None,
        "planned_hire": bool(values.get("planned_hire", False)),
    }


# --- Writing files ----------------------------------------------------------------


def _safe_cell(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    # Full-width ＝＋－＠ (and other compatibility forms) count too: NFKC
    # folds them to the ASCII characters a spreadsheet may treat as formulas.
    if text.startswith(_FORMULA_START) or unicodedata.normalize(
        "NFKC", text[:1]
    ).startswith(_FORMULA_START):
        return "'" + text
    return text


def _write(rows: Iterable[Iterable[Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header_label(key) for key in HEADERS])
    for row in rows:
        writer.writerow([_safe_cell(value) for value in row])
    # The BOM makes Excel read UTF-8 (otherwise it assumes CP932 in Japan).
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def roster_csv_template() -> bytes:
    """The template to download: headings (in the active language) and one
    example row, UTF-8 with BOM."""
    return _write([[EXAMPLE_ROW[key] for key in HEADERS]])


def roster_to_csv(entries: Iterable[Any]) -> bytes:
    """Export roster entries (RosterEntry objects or row dicts) in the import
    format, UTF-8 with BOM; the file can be imported again unchanged."""

    def value(entry: Any, key: str) -> Any:
        return entry.get(key) if isinstance(entry, Mapping) else getattr(entry, key)

    return _write([value(entry, key) for key in HEADERS] for entry in entries)
