"""Templates out, files in: CSV (UTF-8 with BOM, or Shift_JIS) and XLSX.

Reading turns the bytes into rows of text cells keyed by the template's
column keys, or refuses the whole file (``FileRefused``) naming what is
wrong: a missing or renamed column, a character Shift_JIS cannot carry (row
and bytes), more rows than ``MAX_ROWS``, more bytes than ``MAX_FILE_BYTES``.
Excel's number-formatted dates are read as dates.  Formulas are never
evaluated: a formula cell is read as its text and flagged, and the row
checker refuses it.  Nothing read here is ever written back to a
spreadsheet without ``guard_cell``.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from batches.columns import Template, all_labels
from batches.messages import (
    BROKEN_CSV,
    BROKEN_XLSX,
    EMPTY,
    ENCODING,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MISSING_COLUMNS,
    NO_ROWS,
    NOT_SHIFT_JIS,
    OLD_EXCEL,
    REPEATED_COLUMNS,
    TOO_LARGE,
    TOO_MANY_ROWS,
    UNKNOWN_COLUMNS,
    UTF16,
    FileRefused,
)

CSV_UTF8 = "csv"
CSV_SJIS = "csv-sjis"
XLSX = "xlsx"
FORMATS = (CSV_UTF8, CSV_SJIS, XLSX)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a spreadsheet would take for the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class SheetRow:
    line: int  # as the spreadsheet numbers it (the headings are lines 1–2)
    cells: dict[str, str]
    formulas: set[str] = field(default_factory=set)


def guard_cell(value: str) -> str:
    """A value safe to write into a spreadsheet: one a spreadsheet would
    read as a formula gets a leading apostrophe."""
    text = str(value)
    if unicodedata.normalize("NFKC", text[:1]).startswith(FORMULA_START):
        return "'" + text
    return text


def looks_like_formula(value: str) -> bool:
    """A cell that is a formula, not a value (never evaluated)."""
    return unicodedata.normalize("NFKC", value.lstrip()[:1]) in ("=", "@")


# --- Templates -----------------------------------------------------------------------


def template_rows(template: Template, language: str) -> list[list[str]]:
    labels = template.labels(language)
    return [list(template.columns), [labels[name] for name in template.columns]]


def template_csv(template: Template, language: str, *, shift_jis: bool) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in template_rows(template, language):
        writer.writerow([guard_cell(cell) for cell in row])
    text = out.getvalue()
    # Shift_JIS as Excel on Japanese Windows writes it (cp932); UTF-8 with a
    # BOM so that Excel opens it as UTF-8.
    return text.encode("cp932") if shift_jis else text.encode("utf-8-sig")


def template_xlsx(template: Template, language: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.create_sheet(template.edition.key[:31], 0)
    workbook.remove(workbook.worksheets[1])
    for row in template_rows(template, language):
        sheet.append([guard_cell(cell) for cell in row])
    bold = Font(bold=True)
    for cell in sheet[2]:
        cell.font = bold
    dates = template.date_columns()
    for index, name in enumerate(template.columns, start=1):
        column = sheet.column_dimensions[get_column_letter(index)]
        column.width = 18
        # Text, so that Excel keeps leading zeros (phone, passport numbers);
        # date columns stay General and take Excel dates.
        if name not in dates:
            column.number_format = "@"
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Reading -------------------------------------------------------------------------


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def read_file(data: bytes, template: Template) -> list[SheetRow]:
    """The file's people as rows keyed by column (blank rows skipped).
    Raises FileRefused for a file that cannot be used as a whole."""
    if not data:
        raise FileRefused(EMPTY)
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(
            TOO_LARGE, size=_size_text(len(data)), cap=_size_text(MAX_FILE_BYTES)
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(OLD_EXCEL)
    if data.startswith(b"PK\x03\x04"):
        lines = _xlsx_lines(data)
    else:
        lines = _csv_lines(_decode(data))
    return _rows(lines, template)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(UTF16)
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileRefused(ENCODING) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Excel's plain "CSV" on Japanese Windows: cp932 (Shift_JIS with the
    # NEC and IBM extensions, which it reads).  A byte pair it cannot read
    # is named with its row.
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRefused(
            NOT_SHIFT_JIS,
            line=line,
            bytes=data[exc.start : exc.start + 2].hex(" ").upper(),
        ) from None
    if "\x00" in text:
        raise FileRefused(ENCODING)
    return text


Line = tuple[int, list[str], set[int]]  # line number, cells, formula cell indexes


def _csv_lines(text: str) -> Iterator[Line]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    end = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise FileRefused(BROKEN_CSV, line=end + 1) from None
        line, end = end + 1, reader.line_num
        yield line, cells, set()


def _cell_text(value: Any) -> str:
    """A cell's value as the text a person would have typed: Excel's dates
    (numbers formatted as dates) as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_lines(data: bytes) -> Iterator[Line]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRefused(BROKEN_XLSX) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileRefused(
            TOO_LARGE, size=_size_text(unpacked), cap=_size_text(MAX_UNPACKED_BYTES)
        )
    try:
        # data_only=False: a formula stays a formula (its text), never its
        # cached result, and nothing evaluates it.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(), start=1):
            cells, formulas = [], set()
            for index, cell in enumerate(row):
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f":
                    formulas.add(index)
                cells.append(_cell_text(value))
            yield number, cells, formulas
        workbook.close()
    except FileRefused:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise FileRefused(BROKEN_XLSX) from None


def _header(cells: list[str], template: Template) -> list[str | None]:
    wanted = set(template.columns)
    keys: list[str | None] = []
    seen: set[str] = set()
    unknown: list[str] = []
    repeated: list[str] = []
    for cell in cells:
        name = unicodedata.normalize("NFKC", cell).strip()
        if not name:
            keys.append(None)
            continue
        if name not in wanted:
            unknown.append(name)
            keys.append(None)
        elif name in seen:
            repeated.append(name)
            keys.append(None)
        else:
            seen.add(name)
            keys.append(name)
    labels = template.labels("ja")
    missing = [f"{labels[k]} ({k})" for k in template.columns if k not in seen]
    if missing:
        raise FileRefused(MISSING_COLUMNS, columns="、".join(missing))
    if unknown:
        raise FileRefused(UNKNOWN_COLUMNS, columns="、".join(unknown))
    if repeated:
        raise FileRefused(REPEATED_COLUMNS, columns="、".join(repeated))
    return keys


def _rows(lines: Iterable[Line], template: Template) -> list[SheetRow]:
    iterator = iter(lines)
    first = next(iterator, None)
    if first is None or not any(c.strip() for c in first[1]):
        raise FileRefused(EMPTY)
    keys = _header(first[1], template)
    label_texts = all_labels(template)
    rows: list[SheetRow] = []
    for position, (line, cells, formulas) in enumerate(iterator):
        if not any(c.strip() for c in cells):
            continue  # blank rows (Excel leaves ",,,," lines) are not people
        if position == 0 and _is_label_row(cells, keys, label_texts):
            continue
        if len(rows) == MAX_ROWS:
            raise FileRefused(TOO_MANY_ROWS, cap=f"{MAX_ROWS:,}")
        row = SheetRow(line=line, cells={})
        for index, key in enumerate(keys):
            if key is None:
                continue
            row.cells[key] = cells[index] if index < len(cells) else ""
            if index in formulas or looks_like_formula(row.cells[key]):
                row.formulas.add(key)
        rows.append(row)
    if not rows:
        raise FileRefused(NO_ROWS)
    return rows


def _is_label_row(cells: list[str], keys: list[str | None], labels: set[str]) -> bool:
    """The template's second heading row (the column labels)."""
    named = [c.strip() for c, k in zip(cells, keys, strict=False) if k and c.strip()]
    return bool(named) and sum(c in labels for c in named) * 2 >= len(named)


def problems_csv(rows: list[list[str]]) -> bytes:
    """A CSV of the preview's problems, every cell guarded."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([guard_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")
