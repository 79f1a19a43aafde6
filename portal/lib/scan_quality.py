"""What a machine can tell about an accepted upload's legibility.

``validate_upload`` decides whether a file may be kept; this module only looks
at a file that passed and says what may be wrong with it as a copy of a
document: a scan too coarse to read, or blank pages.  These are **warnings**:
the file is kept, the user decides (a clean card scan can be small, a blank
back page can be deliberate).

Measures, and why these thresholds:

* *Ink.* A page or photo is reduced to at most ``ANALYSIS_SIDE`` pixels in
  grey, its background is the most common grey level, and a pixel is "ink"
  when it differs from that by more than ``INK_LEVEL`` levels (scanner noise
  and JPEG artefacts stay well below).  A scan is blank below
  ``BLANK_INK_FRACTION`` of ink: one line of 10-pt text across an A4 page is
  about 0.1 %, so 0.02 % leaves only specks.
* *Resolution of an image file* (JPEG/PNG).  Its physical size is unknown, so
  a pixel floor stands in: ``MIN_IMAGE_SHORT_SIDE`` = 1000 px is an A4 page at
  about 120 dpi, the least at which 8-pt print stays readable.
* *Resolution of a scanned PDF page* (a page painted only by images).  The
  image's drawn size is taken from the page's transformation matrix, so the
  resolution is measured: below ``MIN_SCAN_DPI`` = 150 dpi warns (ISA and
  most agencies ask for 200-300 dpi scans; 150 is where small print blurs).
  Pages with text or drawings are born digital and not measured.

Work is bounded: at most ``MAX_PDF_PAGES`` pages are looked at, and only images
up to ``portal.lib.files.MAX_IMAGE_PIXELS`` are decoded (JPEGs at a reduced
scale).
"""

from __future__ import annotations

import io
import logging
import math
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from portal.lib.files import MAX_IMAGE_PIXELS, CleanedUpload, Kind

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from PIL.Image import Image

logger = logging.getLogger(__name__)

ANALYSIS_SIDE = 1000
INK_LEVEL = 48
BLANK_INK_FRACTION = 0.0002
MIN_IMAGE_SHORT_SIDE = 1000
MIN_SCAN_DPI = 150
MAX_PDF_PAGES = 50

# Every warning about an accepted file, reviewed and translated together.
WARNING_MESSAGES: dict[str, _StrPromise] = {
    "image_low_resolution": _(
        "“%(name)s” is only %(width)s × %(height)s pixels, so small print may be "
        "hard to read. Check that you can read it; if not, scan it at 300 dpi or "
        "take a sharper photo, upload that and remove this file."
    ),
    "pdf_low_resolution": _(
        "“%(name)s” (page %(pages)s) was scanned at about %(dpi)s dpi, so small "
        "print may be hard to read. Check that you can read it; if not, scan it "
        "at 300 dpi, upload that and remove this file."
    ),
    "image_blank": _(
        "“%(name)s” looks blank. Check that it is the right file; if not, upload "
        "the right one and remove this file."
    ),
    "pdf_blank_pages": _(
        "“%(name)s” has blank-looking pages (page %(pages)s). Check that every "
        "page was scanned on the right side; if not, upload the file again and "
        "remove this one."
    ),
}


def ink_fraction(image: Image) -> float:
    """The share of pixels (0-1) that differ clearly from the background."""
    grey = image.convert("L")
    grey.thumbnail((ANALYSIS_SIDE, ANALYSIS_SIDE))
    histogram = grey.histogram()
    total = sum(histogram)
    if not total:
        return 0.0
    background = max(range(256), key=histogram.__getitem__)
    ink = sum(
        count
        for level, count in enumerate(histogram)
        if abs(level - background) > INK_LEVEL
    )
    return ink / total


def is_blank(image: Image, *, threshold: float = BLANK_INK_FRACTION) -> bool:
    """Is the image near-uniform (less than ``threshold`` of it is ink)?"""
    return ink_fraction(image) < threshold


def _pages_text(pages: list[int]) -> str:
    return ", ".join(str(page) for page in pages)


def scan_warnings(upload: CleanedUpload) -> list[str]:
    """Warnings (translated text naming the file) for a document upload; an
    empty list when nothing looks wrong or the file cannot be analysed."""
    name = upload.original_name
    try:
        if upload.kind == Kind.PDF:
            return _pdf_warnings(upload.content, name)
        return _image_warnings(upload.content, name)
    except Exception:  # analysis is a courtesy; it must never sink an upload
        logger.warning("could not analyse upload %s", upload.sha256, exc_info=True)
        return []


def _image_warnings(content: bytes, name: str) -> list[str]:
    from PIL import Image

    warnings: list[str] = []
    with Image.open(io.BytesIO(content)) as image:
        width, height = image.size
        if min(width, height) < MIN_IMAGE_SHORT_SIDE:
            warnings.append(
                str(WARNING_MESSAGES["image_low_resolution"])
                % {"name": name, "width": width, "height": height}
            )
        image.draft("L", (ANALYSIS_SIDE, ANALYSIS_SIDE))
        if is_blank(image):
            warnings.append(str(WARNING_MESSAGES["image_blank"]) % {"name": name})
    return warnings


# --- PDF pages ------------------------------------------------------------------

_TEXT_OPERATORS = {b"Tj", b"TJ", b"'", b'"'}
_PAINT_OPERATORS = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"sh"}
_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _multiply(m: _Matrix, n: _Matrix) -> _Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _page_marks(page: Any, reader: Any) -> tuple[bool, list[tuple[Any, _Matrix]]]:
    """(whether the page shows text, drawings or inline images; the image
    XObjects it draws with the matrix each is drawn with)."""
    from pypdf.generic import ContentStream

    contents = page.get_contents()
    if contents is None:
        return False, []
    xobjects: Any = {}
    resources = page.get("/Resources")
    if resources is not None:
        xobjects = resources.get_object().get("/XObject") or {}
        if hasattr(xobjects, "get_object"):
            xobjects = xobjects.get_object()
    other = False
    images: list[tuple[Any, _Matrix]] = []
    matrix = _IDENTITY
    stack: list[_Matrix] = []
    for operands, operator in ContentStream(contents, reader).operations:
        if operator == b"q":
            stack.append(matrix)
        elif operator == b"Q":
            matrix = stack.pop() if stack else _IDENTITY
        elif operator == b"cm" and len(operands) == 6:
            matrix = _multiply(
                (
                    float(operands[0]),
                    float(operands[1]),
                    float(operands[2]),
                    float(operands[3]),
                    float(operands[4]),
                    float(operands[5]),
                ),
                matrix,
            )
        elif (
            operator in _TEXT_OPERATORS
            or operator in _PAINT_OPERATORS
            or operator == b"INLINE IMAGE"
        ):
            other = True
        elif operator == b"Do" and operands:
            xobject = xobjects.get(operands[0])
            xobject = xobject.get_object() if xobject is not None else None
            if xobject is not None and xobject.get("/Subtype") == "/Image":
                images.append((xobject, matrix))
            else:
                other = True  # a form XObject: drawn content we do not unpack
    return other, images


def _decode(xobject: Any) -> Image | None:
    """The image, reduced, or None when it is too big or cannot be decoded."""
    from PIL import Image

    width, height = int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))
    if width * height > MAX_IMAGE_PIXELS or width * height == 0:
        return None
    filters = xobject.get("/Filter")
    if filters == "/DCTDecode":
        image = Image.open(io.BytesIO(xobject.get_data()))
        image.draft("L", (ANALYSIS_SIDE, ANALYSIS_SIDE))
        return image
    decoded = xobject.decode_as_image()
    return decoded if isinstance(decoded, Image.Image) else None


def _pdf_warnings(content: bytes, name: str) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content), strict=False)
    blank: list[int] = []
    coarse: list[int] = []
    lowest_dpi = math.inf
    for number, page in enumerate(reader.pages, start=1):
        if number > MAX_PDF_PAGES:
            break
        other, images = _page_marks(page, reader)
        if other:
            continue
        if not images:
            blank.append(number)
            continue
        page_dpi = math.inf
        all_blank = True
        for xobject, (a, b, c, d, _e, _f) in images:
            shown_width = math.hypot(a, b) / 72  # inches
            shown_height = math.hypot(c, d) / 72
            if shown_width > 0.5 and shown_height > 0.5:  # not a logo or a speck
                dpi = min(
                    int(xobject.get("/Width", 0)) / shown_width,
                    int(xobject.get("/Height", 0)) / shown_height,
                )
                page_dpi = min(page_dpi, dpi)
            if all_blank:
                decoded = _decode(xobject)
                all_blank = decoded is not None and is_blank(decoded)
        if all_blank:
            blank.append(number)
        elif round(page_dpi) < MIN_SCAN_DPI:  # 149.99 from rounding is 150
            coarse.append(number)
            lowest_dpi = min(lowest_dpi, page_dpi)
    warnings: list[str] = []
    if coarse:
        warnings.append(
            str(WARNING_MESSAGES["pdf_low_resolution"])
            % {"name": name, "pages": _pages_text(coarse), "dpi": round(lowest_dpi)}
        )
    if blank:
        warnings.append(
            str(WARNING_MESSAGES["pdf_blank_pages"])
            % {"name": name, "pages": _pages_text(blank)}
        )
    return warnings
