"""Warnings about kept document scans (portal.lib.scan_quality), table-driven
over generated images and PDFs."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from PIL import Image, ImageDraw

from portal.lib.files import Kind, validate_upload
from portal.lib.scan_quality import ink_fraction, is_blank, scan_warnings
from tests.applications.filing_data import text_pdf_bytes as text_pdf


def page_image(width: int, height: int, *, lines: int = 20) -> Image.Image:
    """A white page with ``lines`` lines of "text" (dark bars of words)."""
    image = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(image)
    line_height = max(2, height // 60)
    for line in range(lines):
        top = height // 10 + line * line_height * 2
        x = width // 10
        while x < width * 0.85:
            word = width // 25
            draw.rectangle((x, top, x + word, top + line_height), fill=30)
            x += word + width // 80
    return image


def blank_page(width: int, height: int) -> Image.Image:
    """A blank scanned page: near-white with scanner noise and a few specks."""
    image = Image.new("L", (width, height), 245)
    draw = ImageDraw.Draw(image)
    for i in range(0, width, 7):
        draw.point((i, (i * 31) % height), fill=238)
    draw.point((width // 2, height // 2), fill=0)
    return image


def image_file(image: Image.Image, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, format=fmt)
    return out.getvalue()


def scanned_pdf(*pages: Image.Image, dpi: int) -> bytes:
    """A PDF of full-page images drawn at ``dpi`` (what a scanner makes)."""
    out = io.BytesIO()
    first, *rest = [page.convert("RGB") for page in pages]
    first.save(out, format="PDF", resolution=dpi, save_all=True, append_images=rest)
    return out.getvalue()


def warnings_for(data: bytes, name: str) -> list[str]:
    cleaned = validate_upload(SimpleUploadedFile(name, data), allowed=frozenset(Kind))
    return scan_warnings(cleaned)


A4_150 = (1240, 1754)  # A4 at 150 dpi
A4_300 = (2480, 3508)


CASES = [
    ("a sharp image scan", image_file(page_image(*A4_150)), "a.png", []),
    (
        "a sharp JPEG phone photo",
        image_file(page_image(3000, 4000), "JPEG"),
        "a.jpg",
        [],
    ),
    (
        "an image under 1000 px on its short side",
        image_file(page_image(600, 850)),
        "small.png",
        ["“small.png” is only 600 × 850 pixels"],
    ),
    (
        "a blank image",
        image_file(blank_page(*A4_150)),
        "blank.png",
        ["“blank.png” looks blank"],
    ),
    (
        "a small blank image: both warnings",
        image_file(blank_page(300, 400)),
        "b.png",
        ["is only 300 × 400 pixels", "“b.png” looks blank"],
    ),
    (
        "a PDF scanned at 300 dpi",
        scanned_pdf(page_image(*A4_300), dpi=300),
        "scan.pdf",
        [],
    ),
    (
        "a PDF scanned at 150 dpi (the floor)",
        scanned_pdf(page_image(*A4_150), dpi=150),
        "scan.pdf",
        [],
    ),
    (
        "a PDF scanned at 100 dpi",
        scanned_pdf(page_image(827, 1170), page_image(827, 1170), dpi=100),
        "fax.pdf",
        ["“fax.pdf” (page 1, 2) was scanned at about 100 dpi"],
    ),
    (
        "a PDF with a blank scanned page",
        scanned_pdf(page_image(*A4_150), blank_page(*A4_150), dpi=150),
        "two.pdf",
        ["“two.pdf” has blank-looking pages (page 2)"],
    ),
    ("a born-digital PDF with text", text_pdf(), "tax.pdf", []),
    (
        "a born-digital PDF with an empty page",
        text_pdf(blank_second_page=True),
        "tax.pdf",
        ["“tax.pdf” has blank-looking pages (page 2)"],
    ),
]


@pytest.mark.parametrize(
    ("case", "data", "name", "expected"),
    [pytest.param(*case, id=case[0]) for case in CASES],
)
def test_scan_warnings(case, data, name, expected):
    warnings = warnings_for(data, name)
    assert len(warnings) == len(expected), warnings
    for warning, wanted in zip(warnings, expected, strict=True):
        assert wanted in warning


def test_a_page_with_one_line_of_text_is_not_blank():
    assert not is_blank(page_image(*A4_150, lines=1))
    assert is_blank(blank_page(*A4_150))


def test_ink_is_measured_against_the_background_not_white():
    dark = Image.new("L", (400, 400), 20)
    assert ink_fraction(dark) == 0
    ImageDraw.Draw(dark).rectangle((0, 0, 199, 399), fill=220)
    assert ink_fraction(dark) == pytest.approx(0.5, abs=0.01)


def test_a_file_that_cannot_be_analysed_gets_no_warning(caplog):
    cleaned = validate_upload(
        SimpleUploadedFile("ok.png", image_file(page_image(*A4_150))),
        allowed=frozenset(Kind),
    )
    broken = type(cleaned)(**{**cleaned.__dict__, "content": b"\x89PNG broken"})
    assert scan_warnings(broken) == []
    assert "could not analyse upload" in caplog.text
