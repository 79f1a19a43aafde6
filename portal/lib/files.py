"""Upload validation: one component decides whether an uploaded file may be kept.

``validate_upload`` reads the file once, decides its type **by content** (magic
bytes, then a real parser), never by its name or the browser's content type,
and returns the exact bytes to store.  Every rejection is a ``ValidationError``
with a ``code`` from ``ERROR_MESSAGES`` and a message that names the file and
says what to do.

What it guarantees, and its limits:

* Accepted kinds are PDF, JPEG and PNG; the caller narrows them with ``allowed``.
* PDFs are opened with pypdf and their pages counted; encrypted (password or
  permission-protected) PDFs are rejected.  Every object of the PDF is then
  walked (compressed object streams and ``#xx``-escaped names included) and a
  PDF with active content is refused, each case with its own message:
  JavaScript (``/JS``, ``/JavaScript``), a launch action (``/Launch``), embedded
  files (``/EmbeddedFile``, ``/EmbeddedFiles``, ``/EF``) and open or event
  actions (an ``/OpenAction`` that is an action, or ``/AA``).  An
  ``/OpenAction`` that is only a destination (which page and zoom to show
  first, common in word-processor PDFs) is harmless and accepted.  Files are
  still only ever served as attachments with ``nosniff`` and
  ``Content-Security-Policy: sandbox`` (see ``portal.files.views``).
* Images are decoded and **re-encoded** by Pillow (same format, EXIF orientation
  applied, EXIF/XMP/comments/text chunks dropped, ICC profile and PNG
  transparency kept), so anything appended to or hidden in the original
  (metadata, trailing archives) is not stored.  Images above
  ``MAX_IMAGE_PIXELS`` are refused before decoding (decompression bombs), and
  one request may decode at most ``MAX_REQUEST_PIXELS`` in total (the decode
  budget), so the worst allowed upload request stays a few seconds of CPU
  however many files it carries (``PrivateFileField`` also takes at most
  ``MAX_FILES_PER_REQUEST`` files).
* Polyglots: a PDF or image that also parses as a ZIP archive (an end-of-central-
  directory record near its end), or that contains HTML/script markup anywhere
  (``<script``, ``<html``, ``<svg``, ``<iframe``, ``<?php`` …), is rejected.
  This is a heuristic against the known tricks, not a proof; the serving rules
  above are the real defence.  Its false positive: a PDF that carries such
  markup uncompressed (e.g. an XFA form's rich text) is refused too; printing
  it to a new PDF fixes that.
* Truncated images are caught by walking the JPEG segments / PNG chunks here,
  because WeasyPrint turns on Pillow's process-wide ``LOAD_TRUNCATED_IMAGES``.
* No malware scanning happens here (there is no scanner in this environment).
"""

from __future__ import annotations

import contextvars
import hashlib
import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class Kind(models.TextChoices):
    """The file types the portal accepts.  Labels are format names (not translated)."""

    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"


CONTENT_TYPES: dict[Kind, str] = {
    Kind.PDF: "application/pdf",
    Kind.JPEG: "image/jpeg",
    Kind.PNG: "image/png",
}
EXTENSIONS: dict[Kind, str] = {Kind.PDF: "pdf", Kind.JPEG: "jpg", Kind.PNG: "png"}
# Suffixes a user's file name may already carry for a kind (kept for display).
_NAME_SUFFIXES: dict[Kind, tuple[str, ...]] = {
    Kind.PDF: ("pdf",),
    Kind.JPEG: ("jpg", "jpeg", "jpe"),
    Kind.PNG: ("png",),
}
_PIL_FORMATS: dict[Kind, str] = {Kind.JPEG: "JPEG", Kind.PNG: "PNG"}

# ASVS 5.2.6 suggests refusing pixel floods well below Pillow's own bomb limit
# (~179 MP).  16 MP covers a phone photo (12 MP) and an A4 scan at 400 dpi
# (15.5 MP); decoding and re-encoding costs up to ~0.1 s per megapixel on a
# busy 2-core machine, so one request may decode at most 32 MP in total.
MAX_IMAGE_PIXELS = 16_000_000
MAX_REQUEST_PIXELS = 24_000_000
MAX_FILES_PER_REQUEST = 10
# Walking a PDF's objects costs ~0.05-0.13 ms each.  A scan has 2-4 objects a
# page, so 10,000 covers a 2,500-page document; more is refused as too complex
# to check, and one request may walk at most MAX_REQUEST_PDF_OBJECTS in total
# (the same budget idea as for pixels).
MAX_PDF_OBJECTS = 10_000
MAX_REQUEST_PDF_OBJECTS = 10_000
JPEG_QUALITY = 90
MAX_DISPLAY_NAME = 150

# Every user-facing upload error, so wording and translation are reviewed together.
ERROR_MESSAGES: dict[str, _StrPromise] = {
    "too_large": _(
        "“%(name)s” is %(size)s MB. Each file must be %(limit)s MB or smaller."
    ),
    "too_large_total": _(
        "Together the files are %(total)s MB. All files together must be %(limit)s MB "
        "or smaller."
    ),
    "too_many_files": _("Choose at most %(limit)s files at a time."),
    "empty": _("“%(name)s” is empty (0 bytes). Check the file and upload it again."),
    "type_not_allowed": _(
        "“%(name)s” is not an accepted type of file. Upload one of these types: "
        "%(allowed)s."
    ),
    "svg": _(
        "“%(name)s” is an SVG image, which is not accepted. Save it as PNG or PDF and "
        "upload that."
    ),
    "html": _(
        "“%(name)s” is a web page or a script, which is not accepted. Save or print it "
        "as a PDF and upload that."
    ),
    "archive": _(
        "“%(name)s” is a compressed archive (such as ZIP), which is not accepted. "
        "Upload each document as its own file instead."
    ),
    "office_document": _(
        "“%(name)s” is a Word, Excel or other office document, which is not accepted. "
        "Save it as a PDF and upload that."
    ),
    "executable": _("“%(name)s” is a program, not a document, and cannot be accepted."),
    "polyglot": _(
        "“%(name)s” contains hidden content besides the document (such as a web page "
        "or an archive), so it cannot be accepted. Save the document again as a new "
        "file and upload that."
    ),
    "pdf_encrypted": _(
        "“%(name)s”: this PDF is password-protected; remove the password and upload it "
        "again."
    ),
    "pdf_broken": _(
        "“%(name)s” is damaged or incomplete and cannot be opened as a PDF. Save it "
        "again and upload it again."
    ),
    "image_broken": _(
        "“%(name)s” cannot be read as an image; it may be damaged or incomplete. Save "
        "it again and upload it again."
    ),
    "image_too_many_pixels": _(
        "“%(name)s” is %(megapixels)s megapixels. Images may have at most %(limit)s "
        "megapixels; reduce its resolution and upload it again."
    ),
    "images_too_many_pixels_together": _(
        "“%(name)s” was not checked: together the images you chose are more than "
        "%(limit)s megapixels. Upload fewer images at a time, or reduce their "
        "resolution."
    ),
    "pdf_javascript": _(
        "“%(name)s”: this PDF contains JavaScript, which is not accepted. Print it to "
        "a new PDF (or save it as PDF/A) and upload that."
    ),
    "pdf_open_action": _(
        "“%(name)s”: this PDF runs an action when it is opened or used, which is not "
        "accepted. Print it to a new PDF (or save it as PDF/A) and upload that."
    ),
    "pdf_launch": _(
        "“%(name)s”: this PDF tries to start another program, which is not accepted. "
        "Print it to a new PDF and upload that."
    ),
    "pdf_embedded_file": _(
        "“%(name)s”: this PDF has other files attached inside it, which is not "
        "accepted. Upload each document as its own file."
    ),
    "pdf_too_complex": _(
        "“%(name)s”: this PDF is too complex to check. Print it to a new PDF and "
        "upload that."
    ),
    "pdfs_too_complex_together": _(
        "“%(name)s” was not checked: together the PDFs you chose are too large to "
        "check at once. Upload fewer files at a time."
    ),
}


@dataclass(frozen=True)
class CleanedUpload:
    """An upload that passed validation: exactly the bytes to store."""

    content: bytes = field(repr=False)
    kind: Kind
    content_type: str
    extension: str
    size: int
    sha256: str
    # The user's file name, sanitised; for display and Content-Disposition only,
    # never for a storage path.
    original_name: str


@dataclass
class UploadBatch:
    """Several files chosen together, each judged on its own
    (``PrivateFileField(multiple=True, partial=True)``): the files that may be
    kept, and one error (naming its file) for each file that may not."""

    accepted: list[CleanedUpload] = field(default_factory=list)
    rejected: list[ValidationError] = field(default_factory=list)


# --- Content sniffing ---------------------------------------------------------

_PDF_MAGIC = b"%PDF-"
_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_EXECUTABLE_MAGICS = (
    b"MZ",  # Windows PE / DOS
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O 32/64, both byte orders
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"#!",  # shell and other scripts
)
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc .xls .ppt .msg
_ARCHIVE_MAGICS = (
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"\x28\xb5\x2f\xfd",  # zstd
    b"MSCF",  # cab
)
_HTML_MARKUP = re.compile(
    rb"<(?:script|html|body|head|iframe|object|embed|svg|!doctype\s+html)[\s>/]|<\?php",
    re.IGNORECASE,
)
_SVG_TAG = re.compile(rb"<svg[\s>/]", re.IGNORECASE)


def _text_head(data: bytes) -> bytes:
    """The first few KB as lower-case ASCII-ish bytes, BOMs and UTF-16 undone."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    head = head.removeprefix(b"\xef\xbb\xbf")
    return head.lstrip().lower()


def _zip_rejection(data: bytes) -> str:
    """``office_document`` for OOXML/ODF packages (.docx is a zip), else ``archive``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist()[:1000])
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        names = set()
    if "[Content_Types].xml" in names or "mimetype" in names:
        return "office_document"
    return "archive"


def sniff(data: bytes) -> Kind | str:
    """Return the accepted ``Kind`` the bytes are, or the rejection code they earn.

    Only the content decides; unknown content gets ``type_not_allowed``.
    """
    if not data:
        return "empty"
    if data.startswith(_EXECUTABLE_MAGICS):
        return "executable"
    if data.startswith(_PDF_MAGIC):
        return Kind.PDF
    if data.startswith(_JPEG_MAGIC):
        return Kind.JPEG
    if data.startswith(_PNG_MAGIC):
        return Kind.PNG
    if data.startswith(_ZIP_MAGICS):
        return _zip_rejection(data)
    if data.startswith(_OLE2_MAGIC):
        return "office_document"
    if data.startswith(_ARCHIVE_MAGICS) or data[257:262] == b"ustar":
        return "archive"
    head = _text_head(data)
    if _SVG_TAG.search(head):
        return "svg"
    if _HTML_MARKUP.search(head) or head.startswith(b"<"):
        # Markup we do not know is treated as web content, never as a document.
        return "html"
    return "type_not_allowed"


def _is_polyglot(data: bytes) -> bool:
    """Does an accepted-looking file also carry markup or a ZIP archive?"""
    if _HTML_MARKUP.search(data):
        return True
    # zipfile finds an archive by its end-of-central-directory record, wherever
    # the archive starts — exactly how a PDF+ZIP or JPEG+ZIP polyglot is opened.
    return zipfile.is_zipfile(io.BytesIO(data))


# --- Kind-specific checks -----------------------------------------------------


def _check_pdf(data: bytes, name: str) -> None:
    from pypdf import PdfReader

    # Readers look for the end marker in the last KB; without it the file was
    # cut short (an interrupted upload or download).
    if b"%%EOF" not in data[-1024:]:
        raise _error("pdf_broken", name=name)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _error("pdf_encrypted", name=name)
        # The page tree's own count: flattening the tree (``len(reader.pages)``)
        # costs as much as walking every object again.
        root: Any = reader.trailer["/Root"]
        pages = int(root["/Pages"]["/Count"])
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many types on hostile input
        raise _error("pdf_broken", name=name) from exc
    if pages < 1:
        raise _error("pdf_broken", name=name)
    found = _pdf_active_content(reader, name)
    if found:
        raise _error(found, name=name)


# Checked in this order; the first kind found names the message.
_PDF_ACTIVE_ORDER = (
    "pdf_launch",
    "pdf_javascript",
    "pdf_embedded_file",
    "pdf_open_action",
)


def _pdf_active_content(reader: Any, name: str) -> str:
    """The code of the active content the PDF carries ("" when none), found by
    walking every object (pypdf resolves object streams and name escapes)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    numbers: set[tuple[int, int]] = set()
    for generation, entries in reader.xref.items():
        numbers.update((number, generation) for number in entries)
    numbers.update((number, 0) for number in reader.xref_objStm)
    if len(numbers) > MAX_PDF_OBJECTS:
        raise _error("pdf_too_complex", name=name)
    _spend_budget("pdf_objects", len(numbers), name)
    found: set[str] = set()

    def inspect(value: Any, depth: int = 0) -> None:
        if depth > 32:
            return
        if isinstance(value, DictionaryObject):
            kind = value.get("/S")
            if kind == "/Launch" or "/Launch" in value or "/Win" in value:
                found.add("pdf_launch")
            if kind == "/JavaScript" or "/JS" in value or "/JavaScript" in value:
                found.add("pdf_javascript")
            if (
                value.get("/Type") in ("/EmbeddedFile", "/EmbeddedFiles")
                or "/EmbeddedFiles" in value
                or "/EF" in value
            ):
                found.add("pdf_embedded_file")
            if "/AA" in value:
                found.add("pdf_open_action")
            open_action = value.get("/OpenAction")
            if open_action is not None:
                target = (
                    open_action.get_object()
                    if hasattr(open_action, "get_object")
                    else open_action
                )
                if isinstance(target, DictionaryObject):  # an action, not a destination
                    found.add("pdf_open_action")
            for key, item in value.items():
                if not isinstance(item, IndirectObject):
                    inspect(item, depth + 1)
                elif key == "/OpenAction":
                    inspect(item.get_object(), depth + 1)
        elif isinstance(value, ArrayObject):
            for item in value:
                if not isinstance(item, IndirectObject):
                    inspect(item, depth + 1)

    for number, generation in sorted(numbers):
        try:
            obj = reader.get_object(IndirectObject(number, generation, reader))
        except Exception as exc:
            # An object we cannot read could still be read by a viewer: refuse.
            raise _error("pdf_broken", name=name) from exc
        if hasattr(obj, "get") or isinstance(obj, ArrayObject):
            inspect(obj)
    inspect(reader.trailer)
    return next((code for code in _PDF_ACTIVE_ORDER if code in found), "")


def _jpeg_is_complete(data: bytes) -> bool:
    """Walk the JPEG's segments to its end-of-image marker.

    Pillow would tell us about truncation itself, but only while its global
    ``ImageFile.LOAD_TRUNCATED_IMAGES`` is off — and importing WeasyPrint
    switches it on for the whole process.  So completeness is checked here.
    """
    size = len(data)
    i = 2  # after SOI
    while i < size:
        if data[i] != 0xFF:
            return False
        while i < size and data[i] == 0xFF:  # fill bytes
            i += 1
        if i >= size:
            return False
        marker = data[i]
        i += 1
        if marker == 0xD9:  # EOI
            return True
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # RSTn, TEM: no length
            continue
        if i + 2 > size:
            return False
        length = int.from_bytes(data[i : i + 2], "big")
        if length < 2:
            return False
        i += length
        if marker == 0xDA:  # SOS: entropy-coded data runs to the next real marker
            while True:
                j = data.find(b"\xff", i)
                if j < 0 or j + 1 >= size:
                    return False
                following = data[j + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    i = j + 2  # stuffed byte or restart marker
                elif following == 0xFF:
                    i = j + 1
                else:
                    i = j
                    break
    return False


def _png_is_complete(data: bytes) -> bool:
    """Every chunk whole with a correct CRC, up to ``IEND`` (see above for why)."""
    size = len(data)
    i = len(_PNG_MAGIC)
    while i + 12 <= size:
        length = int.from_bytes(data[i : i + 4], "big")
        end = i + 12 + length
        if end > size:
            return False
        crc = int.from_bytes(data[end - 4 : end], "big")
        if zlib.crc32(data[i + 4 : end - 4]) != crc:
            return False
        if data[i + 4 : i + 8] == b"IEND":
            return True
        i = end
    return False


# Work done so far for the request being served: (request id, pixels decoded,
# PDF objects walked).
_spent: contextvars.ContextVar[tuple[str, int, int]] = contextvars.ContextVar(
    "upload_work_spent", default=("", 0, 0)
)


def _spend_budget(what: str, amount: int, name: str) -> None:
    """Count ``amount`` pixels (``what="pixels"``) or PDF objects
    (``"pdf_objects"``) against the request's budget, or refuse the file."""
    from portal.lib.middleware import current_request_id

    request_id = current_request_id()
    if request_id == "-":  # not inside a request (commands, tasks)
        return
    owner, pixels, objects = _spent.get()
    if owner != request_id:
        pixels = objects = 0
    if what == "pixels":
        limit = getattr(settings, "UPLOAD_MAX_REQUEST_PIXELS", MAX_REQUEST_PIXELS)
        if pixels + amount > limit:
            raise _error(
                "images_too_many_pixels_together",
                name=name,
                limit=f"{limit / 1_000_000:g}",
            )
        pixels += amount
    else:
        limit = getattr(
            settings, "UPLOAD_MAX_REQUEST_PDF_OBJECTS", MAX_REQUEST_PDF_OBJECTS
        )
        if objects + amount > limit:
            raise _error("pdfs_too_complex_together", name=name)
        objects += amount
    _spent.set((request_id, pixels, objects))


def _reencode_image(data: bytes, kind: Kind, name: str, max_pixels: int) -> bytes:
    """Decode and re-encode in the same format; returns the new bytes."""
    from PIL import Image, ImageOps

    pil_format = _PIL_FORMATS[kind]
    complete = _jpeg_is_complete if kind == Kind.JPEG else _png_is_complete
    if not complete(data):
        raise _error("image_broken", name=name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[pil_format]) as probe:
                width, height = probe.size
                if width * height > max_pixels:
                    raise _error(
                        "image_too_many_pixels",
                        name=name,
                        megapixels=f"{width * height / 1_000_000:.1f}",
                        limit=f"{max_pixels / 1_000_000:g}",
                    )
                _spend_budget("pixels", width * height, name)
                probe.verify()
            with Image.open(io.BytesIO(data), formats=[pil_format]) as image:
                image.load()
                icc_profile = image.info.get("icc_profile")
                transparency = image.info.get("transparency")
                try:
                    upright = ImageOps.exif_transpose(image)
                except Exception:  # a broken EXIF block must not sink a good image
                    upright = image.copy()
                # Nothing from the original's metadata is written back: Pillow
                # would otherwise carry comments and XMP over from ``info``.
                upright.info = {}
                options: dict[str, Any] = {}
                if icc_profile:
                    options["icc_profile"] = icc_profile
                if kind == Kind.JPEG:
                    if upright.mode not in ("L", "RGB", "CMYK"):
                        upright = upright.convert("RGB")
                    options["quality"] = JPEG_QUALITY
                else:
                    if upright.mode not in (
                        "1",
                        "L",
                        "LA",
                        "I",
                        "I;16",
                        "P",
                        "RGB",
                        "RGBA",
                    ):
                        upright = upright.convert("RGBA")
                    elif transparency is not None:
                        options["transparency"] = transparency
                out = io.BytesIO()
                upright.save(out, format=pil_format, **options)
                return out.getvalue()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _error(
            "image_too_many_pixels",
            name=name,
            megapixels="?",
            limit=f"{max_pixels / 1_000_000:g}",
        ) from exc
    except Exception as exc:  # Pillow raises OSError, SyntaxError, ValueError, ...
        raise _error("image_broken", name=name) from exc


# --- Helpers ------------------------------------------------------------------


def _megabytes(size: int) -> str:
    """1 decimal, without a trailing ".0": "30", "10", "2.5"."""
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def _error(code: str, **params: str) -> ValidationError:
    return ValidationError(ERROR_MESSAGES[code], code=code, params=params)


def kinds_label(kinds: Iterable[Kind]) -> str:
    """ "PDF, JPEG, PNG" in a stable order, with a translatable separator."""
    ordered = [kind.label for kind in Kind if kind in set(kinds)]
    return pgettext("list separator", ", ").join(str(label) for label in ordered)


def _clean_name(name: str | None) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if not unicodedata.category(ch).startswith("C"))
    return " ".join(base.split()).strip(" .")[:MAX_DISPLAY_NAME].rstrip(" .")


def sanitize_display_name(name: str | None, kind: Kind) -> str:
    """The user's file name made safe to show and to send back in a header.

    Keeps only the last path segment, NFC-normalises, drops control and
    formatting characters (including bidi overrides that disguise ``exe.pdf``),
    trims leading dots and length, and makes the suffix match the real type.
    """
    base = _clean_name(name)
    stem, dot, suffix = base.rpartition(".")
    if not dot or suffix.lower() not in _NAME_SUFFIXES[kind]:
        stem, suffix = base, EXTENSIONS[kind]
    stem = stem[: MAX_DISPLAY_NAME - len(suffix) - 1].rstrip(" .") or "file"
    return f"{stem}.{suffix}"


def _read_capped(uploaded_file: IO[bytes] | Any, limit: int) -> bytes:
    """Read at most ``limit + 1`` bytes (enough to know the file is too big)."""
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    return bytes(data or b"")


# --- Public API ---------------------------------------------------------------


def validate_upload(
    uploaded_file: IO[bytes] | Any,
    *,
    allowed: set[Kind] | frozenset[Kind],
    max_bytes: int | None = None,
) -> CleanedUpload:
    """Validate one uploaded file and return what may be stored.

    Raises ``ValidationError`` (with a ``code`` from ``ERROR_MESSAGES``) when the
    file is empty, larger than ``max_bytes`` (default ``UPLOAD_MAX_FILE_BYTES``),
    not one of ``allowed`` by content, an SVG, HTML or script, an archive or
    office document, an executable, a polyglot, an encrypted or unreadable
    PDF, or an image Pillow cannot decode or that has too many pixels.
    Nothing is written anywhere.
    """
    limit = settings.UPLOAD_MAX_FILE_BYTES if max_bytes is None else max_bytes
    raw_name = str(getattr(uploaded_file, "name", "") or "")
    shown = _clean_name(raw_name) or "file"  # for messages; the type is not known yet

    declared_size = getattr(uploaded_file, "size", None)
    if isinstance(declared_size, int) and declared_size > limit:
        raise _error(
            "too_large",
            name=shown,
            size=_megabytes(declared_size),
            limit=_megabytes(limit),
        )
    data = _read_capped(uploaded_file, limit)
    if len(data) > limit:
        raise _error(
            "too_large", name=shown, size=_megabytes(len(data)), limit=_megabytes(limit)
        )

    detected = sniff(data)
    if not isinstance(detected, Kind):
        params = {"name": shown}
        if detected == "type_not_allowed":
            params["allowed"] = kinds_label(allowed)
        raise _error(detected, **params)
    kind = detected
    if kind not in allowed:
        raise _error("type_not_allowed", name=shown, allowed=kinds_label(allowed))
    if _is_polyglot(data):
        raise _error("polyglot", name=shown)

    if kind == Kind.PDF:
        _check_pdf(data, shown)
        content = data
    else:
        max_pixels = getattr(settings, "UPLOAD_MAX_IMAGE_PIXELS", MAX_IMAGE_PIXELS)
        content = _reencode_image(data, kind, shown, max_pixels)

    return CleanedUpload(
        content=content,
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        extension=EXTENSIONS[kind],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=sanitize_display_name(raw_name, kind),
    )


def check_total_size(
    *, current_bytes: int, adding_bytes: int, max_total_bytes: int | None = None
) -> int:
    """Return the new running total, or raise ``ValidationError`` (code
    ``too_large_total``) if it would exceed ``UPLOAD_MAX_TOTAL_BYTES``."""
    limit = (
        settings.UPLOAD_MAX_TOTAL_BYTES if max_total_bytes is None else max_total_bytes
    )
    total = current_bytes + adding_bytes
    if total > limit:
        raise ValidationError(
            ERROR_MESSAGES["too_large_total"],
            code="too_large_total",
            params={"total": _megabytes(total), "limit": _megabytes(limit)},
        )
    return total


# --- Form field ---------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    """A file input that lets the user choose several files (Django 5+ pattern)."""

    allow_multiple_selected = True


class PrivateFileField(forms.FileField):
    """A file field whose cleaned value is a ``CleanedUpload`` (or a list of them
    with ``multiple=True``), validated by ``validate_upload``.

    Forms just declare it; views hand the cleaned value to
    ``portal.files.services.store_upload``.  With ``multiple=True`` every file
    is checked and all errors are reported together, then the files' total
    size is checked against ``max_total_bytes`` (default
    ``UPLOAD_MAX_TOTAL_BYTES``); a whole application's total is the caller's
    business (``check_total_size``).  With ``partial=True`` as well, a refused
    file does not sink the others: the value is an ``UploadBatch`` of the
    files accepted and the errors of those refused, and only a choice with no
    file accepted (or too many files, or too much together) is an error.
    """

    def __init__(
        self,
        *,
        allowed: Iterable[Kind] = (Kind.PDF, Kind.JPEG, Kind.PNG),
        max_bytes: int | None = None,
        multiple: bool = False,
        partial: bool = False,
        max_files: int = MAX_FILES_PER_REQUEST,
        max_total_bytes: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.allowed = frozenset(allowed)
        self.max_bytes = max_bytes
        self.multiple = multiple
        self.partial = partial and multiple
        self.max_files = max_files
        self.max_total_bytes = max_total_bytes
        if multiple:
            kwargs.setdefault("widget", MultipleFileInput())
        # An empty file gets our own message (code "empty") from validate_upload.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        # A hint for the file chooser only; the content decides.
        accept = []
        for kind in Kind:
            if kind in self.allowed:
                accept.append(CONTENT_TYPES[kind])
                accept.extend(f".{suffix}" for suffix in _NAME_SUFFIXES[kind])
        attrs.setdefault("accept", ",".join(accept))
        return attrs

    def _clean_one(self, data: Any, initial: Any) -> CleanedUpload | None:
        value = super().clean(data, initial)
        if not value:
            return None
        return validate_upload(value, allowed=self.allowed, max_bytes=self.max_bytes)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if not self.multiple:
            return self._clean_one(data, initial)
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return UploadBatch() if self.partial else []
        if len(files) > self.max_files:
            raise ValidationError(
                ERROR_MESSAGES["too_many_files"],
                code="too_many_files",
                params={"limit": str(self.max_files)},
            )
        cleaned: list[CleanedUpload] = []
        errors: list[ValidationError] = []
        for item in files:
            try:
                one = self._clean_one(item, None)
            except ValidationError as exc:
                errors.extend(exc.error_list)
            else:
                if one is not None:
                    cleaned.append(one)
        if errors and not (self.partial and cleaned):
            raise ValidationError(errors)
        check_total_size(
            current_bytes=0,
            adding_bytes=sum(item.size for item in cleaned),
            max_total_bytes=self.max_total_bytes,
        )
        if self.partial:
            return UploadBatch(accepted=cleaned, rejected=errors)
        return cleaned
