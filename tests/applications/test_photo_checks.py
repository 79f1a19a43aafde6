"""The photograph's checks at upload (applications.validators.check_photo),
table-driven over generated images, after ``validate_upload`` has turned them
upright by their EXIF orientation as the upload does."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from PIL import Image, ImageDraw

from applications import validators
from portal.lib.files import Kind, validate_upload

EXIF_ORIENTATION = 0x0112
ROTATED_90 = 6  # "rotate 90° clockwise to view": a phone held upright


def portrait(width: int, height: int) -> Image.Image:
    """Head and shoulders on a plain background."""
    image = Image.new("RGB", (width, height), (225, 230, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse(
        (width * 0.3, height * 0.15, width * 0.7, height * 0.6), fill=(150, 110, 90)
    )
    draw.rectangle(
        (width * 0.15, height * 0.65, width * 0.85, height), fill=(30, 40, 70)
    )
    return image


def jpeg(image: Image.Image, *, orientation: int | None = None) -> bytes:
    out = io.BytesIO()
    if orientation is None:
        image.save(out, format="JPEG")
    else:
        exif = Image.Exif()
        exif[EXIF_ORIENTATION] = orientation
        image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def uniform(width: int, height: int) -> Image.Image:
    image = Image.new("RGB", (width, height), (200, 200, 200))
    ImageDraw.Draw(image).line((0, 0, width, 0), fill=(190, 190, 190))
    return image


CASES = [
    ("upright 4:3 at the minimum", jpeg(portrait(300, 400)), None),
    ("upright 4:3, large", jpeg(portrait(1200, 1600)), None),
    ("4:3 within the tolerance", jpeg(portrait(310, 400)), None),
    ("landscape", jpeg(portrait(400, 300)), "photo_landscape"),
    ("landscape phone photo", jpeg(portrait(4000, 3000)), "photo_landscape"),
    ("square", jpeg(portrait(400, 400)), "photo_ratio"),
    ("too narrow (2:3 passport crop)", jpeg(portrait(400, 600)), "photo_ratio"),
    ("too small", jpeg(portrait(150, 200)), "photo_too_small"),
    ("blank", jpeg(uniform(300, 400)), "photo_blank"),
    (
        "stored landscape, EXIF says upright",
        jpeg(portrait(300, 400).rotate(90, expand=True), orientation=ROTATED_90),
        None,
    ),
    (
        "stored portrait, EXIF says it lies on its side",
        jpeg(portrait(300, 400), orientation=ROTATED_90),
        "photo_landscape",
    ),
]


@pytest.mark.parametrize(
    ("case", "data", "code"), [pytest.param(*case, id=case[0]) for case in CASES]
)
def test_photo_checks(case, data, code):
    cleaned = validate_upload(
        SimpleUploadedFile("photo.jpg", data), allowed=frozenset({Kind.JPEG})
    )
    if code is None:
        validators.check_photo(cleaned.content, name="photo.jpg")
        return
    with pytest.raises(ValidationError) as caught:
        validators.check_photo(cleaned.content, name="photo.jpg")
    assert caught.value.code == code
    message = caught.value.messages[0]
    assert "“photo.jpg”" in message


def test_each_refusal_says_what_to_do():
    messages = {}
    for _case, data, code in CASES:
        if code is None:
            continue
        cleaned = validate_upload(
            SimpleUploadedFile("p.jpg", data), allowed=frozenset({Kind.JPEG})
        )
        with pytest.raises(ValidationError) as caught:
            validators.check_photo(cleaned.content, name="p.jpg")
        messages[code] = caught.value.messages[0]
    assert "Upload the photograph upright" in messages["photo_landscape"]
    assert "4 cm high and 3 cm wide" in messages["photo_ratio"]
    assert "at least 300 × 400 pixels" in messages["photo_too_small"]
    assert "looks blank" in messages["photo_blank"]
