"""Every user-facing refusal of batch filing, so wording and translation are
reviewed together.  File-level refusals are ``FileRefused`` codes; row-level
rules (``ROW_RULES``) are worded here too — the form's own rules are worded
by ``application_forms.messages`` and the person's by the filing forms."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from portal.lib.errors import DomainError, register_messages

# Documented caps (README "Batch filing"): a file over them is refused whole.
MAX_ROWS = 2000
MAX_FILE_BYTES = 10 * 1024 * 1024
# An XLSX is a zip: its unpacked size is capped too (a zip bomb).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024


class FileRefused(DomainError):
    """The whole file is refused; nothing is created."""

    default_code = "batch_file_refused"


EMPTY = "batch_empty"
TOO_LARGE = "batch_too_large"
TOO_MANY_ROWS = "batch_too_many_rows"
NO_ROWS = "batch_no_rows"
UTF16 = "batch_utf16"
ENCODING = "batch_encoding"
NOT_SHIFT_JIS = "batch_not_shift_jis"
BROKEN_CSV = "batch_broken_csv"
BROKEN_XLSX = "batch_broken_xlsx"
OLD_EXCEL = "batch_old_excel"
MISSING_COLUMNS = "batch_missing_columns"
UNKNOWN_COLUMNS = "batch_unknown_columns"
REPEATED_COLUMNS = "batch_repeated_columns"
NOT_READY = "batch_not_ready"
NOTHING_TO_CREATE = "batch_nothing_to_create"

register_messages(
    {
        FileRefused.default_code: _("The file cannot be used."),
        EMPTY: _("The file is empty. Download the template and fill it in."),
        TOO_LARGE: _(
            "The file is %(size)s; a batch file can be at most %(cap)s. Split it "
            "into smaller files."
        ),
        TOO_MANY_ROWS: _(
            "The file has more than %(cap)s people. A batch can have at most "
            "%(cap)s rows: split the file and upload each part."
        ),
        NO_ROWS: _(
            "The file has the column headings but no people. Add one row per "
            "person below the headings."
        ),
        UTF16: _(
            "The file is saved as “Unicode text” (UTF-16). Save it from Excel as "
            "“CSV UTF-8” or as an Excel workbook and upload it again."
        ),
        ENCODING: _(
            "The file could not be read as text. Save it as “CSV UTF-8”, "
            "“CSV” (Shift_JIS) or as an Excel workbook (.xlsx)."
        ),
        NOT_SHIFT_JIS: _(
            "Row %(line)s contains a character that Shift_JIS cannot represent "
            "(bytes %(bytes)s, a 外字 or a character outside JIS X 0208). Replace "
            "it, or save the file as “CSV UTF-8” and upload it again."
        ),
        BROKEN_CSV: _("The file is not a valid CSV file (row %(line)s)."),
        BROKEN_XLSX: _(
            "The file could not be read as an Excel workbook (.xlsx). Save it "
            "again from Excel, or as “CSV UTF-8”."
        ),
        OLD_EXCEL: _(
            "The file is an old Excel workbook (.xls). Save it as an Excel "
            "workbook (.xlsx) or as “CSV UTF-8” and upload it again."
        ),
        MISSING_COLUMNS: _(
            "The file does not have the template's columns: missing %(columns)s. "
            "Do not rename or delete columns; download the template again."
        ),
        UNKNOWN_COLUMNS: _(
            "The file has columns the template does not have: %(columns)s. Do "
            "not rename columns; download the template again."
        ),
        REPEATED_COLUMNS: _("These columns appear twice: %(columns)s."),
        NOT_READY: _("This batch cannot be confirmed now."),
        NOTHING_TO_CREATE: _(
            "No row of this batch is valid: correct the file and upload it again."
        ),
    }
)

NOT_ALLOWED = _("You may no longer file for this organisation.")

# Rules of a row that are not the form's or the person's own (the preview's
# "rule" column).
FORMULA = "formula"
PRIVATE_USE = "private_use"
SAME_PERSON = "same_person"
WRONG_FORM = "wrong_form"
NOT_CREATED = "not_created"

ROW_RULES = {
    FORMULA: _(
        "A formula is not read: type the value itself (formulas are never calculated)."
    ),
    PRIVATE_USE: _(
        "The character %(character)s is a 外字 (a private character) that "
        "cannot be sent. Replace it."
    ),
    SAME_PERSON: _("The same person is already in row %(line)s."),
    WRONG_FORM: _(
        "This person's status needs another form (%(form)s). Put the person "
        "in that form's template."
    ),
    NOT_CREATED: _("The draft could not be created: %(reason)s"),
}
