"""The service guide PDF: which version is current, and making it."""

from __future__ import annotations

import functools
import hashlib
import logging
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import get_template

from portal.lib.pdf import render_pdf

logger = logging.getLogger(__name__)

GUIDE_TEMPLATE = "pdf/service_guide.html"
# Everything whose change changes the PDF's content.
_GUIDE_SOURCES = (GUIDE_TEMPLATE, "pdf/base.html")
GUIDE_FOLDER = "guides"


@functools.cache
def _renderer_version() -> str:
    try:
        return metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        return "unknown"


def service_guide_version(*, language: str) -> str:
    """A short hash of the guide's templates, the language's compiled
    translations and the renderer version: a new value means a new PDF."""
    digest = hashlib.sha256()
    digest.update(language.encode())
    digest.update(_renderer_version().encode())
    for template_name in _GUIDE_SOURCES:
        origin = get_template(template_name).origin  # type: ignore[attr-defined]
        digest.update(Path(origin.name).read_bytes())
    for locale_path in settings.LOCALE_PATHS:
        mo_file = Path(locale_path) / language / "LC_MESSAGES" / "django.mo"
        if mo_file.is_file():
            digest.update(mo_file.read_bytes())
    return digest.hexdigest()[:16]


def _check_language(language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unsupported language {language!r}")


def service_guide_storage_name(*, language: str) -> str:
    """Where the current version of the guide in ``language`` is (or will be) stored."""
    _check_language(language)
    version = service_guide_version(language=language)
    return f"{GUIDE_FOLDER}/service-guide-{language}-{version}.pdf"


def service_guide_render(*, language: str) -> str:
    """Make sure the current guide in ``language`` is in ``default_storage`` and
    return its storage name.

    Idempotent: returns at once when the current version is already stored;
    two concurrent runs leave one file.  Older versions of the same language
    are deleted afterwards.  Raises ``ValueError`` for an unknown language.
    """
    name = service_guide_storage_name(language=language)
    if default_storage.exists(name):
        return name
    version = name.rsplit("-", 1)[-1].removesuffix(".pdf")
    pdf = render_pdf(GUIDE_TEMPLATE, {"version": version}, language=language)
    if default_storage.exists(name):  # another worker finished first
        return name
    saved = default_storage.save(name, ContentFile(pdf))
    if saved != name:
        # The storage picked another name because ours appeared meanwhile.
        default_storage.delete(saved)
    _delete_old_versions(language=language, keep=name)
    logger.info("service guide rendered: %s", name)
    return name


def _delete_old_versions(*, language: str, keep: str) -> None:
    prefix = f"service-guide-{language}-"
    try:
        _, files = default_storage.listdir(GUIDE_FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        return
    for file_name in files:
        path = f"{GUIDE_FOLDER}/{file_name}"
        if file_name.startswith(prefix) and file_name.endswith(".pdf") and path != keep:
            try:
                default_storage.delete(path)
            except Exception:
                logger.exception("could not delete old service guide %s", path)
