"""The one way to make a PDF: a Django template rendered in one language,
converted by WeasyPrint.

PDFs are rendered in background tasks and stored, never inside a request
(QUALITY.md item 27).  WeasyPrint loads native libraries on import, so it is
imported inside the functions below only (ruff bans a module-level import).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

# Relative and ``{% static %}`` URLs resolve against this virtual base; the
# fetcher maps it to the static files on disk and refuses everything else.
_BASE_URL = "file:///"


def _static_path(url: str) -> Path | None:
    """The local file a ``file:///static/...`` URL names, if it is a static file."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    path = unquote(parts.path)
    if not path.startswith(static_prefix):
        return None
    relative = path.removeprefix(static_prefix)
    if not relative or ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if isinstance(found, str):
        return Path(found)
    candidate = Path(settings.STATIC_ROOT) / relative
    return candidate if candidate.is_file() else None


def _url_fetcher() -> Any:
    """A WeasyPrint fetcher that reads only static files and ``data:`` URLs.

    A PDF never reaches the network or arbitrary local files, even if user
    text somehow turned into a URL.
    """
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = _static_path(url)
            if path is None:
                raise ValueError(
                    f"PDF templates may load static files only, not {url!r}"
                )
            content_type = (
                mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            )
            return URLFetcherResponse(
                path.as_uri(),
                body=path.read_bytes(),
                headers={"Content-Type": content_type},
            )

    return StaticOnlyFetcher(allowed_protocols={"file", "data"})


def render_html(
    template_name: str, context: Mapping[str, Any], *, language: str
) -> str:
    """The template's HTML in ``language`` (what ``render_pdf`` converts)."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unsupported language {language!r}")
    with translation.override(language):
        return render_to_string(template_name, dict(context))


def render_pdf(
    template_name: str, context: Mapping[str, Any], *, language: str
) -> bytes:
    """Render ``template_name`` (extending ``pdf/base.html``) in ``language`` and
    return the PDF bytes.

    Guarantees: every string is translated under ``translation.override``;
    Japanese glyphs come from an embedded CJK font when one is installed
    (fonts-noto-cjk or fonts-ipafont-gothic; see ``pdf/base.html``); only
    static files and ``data:`` URLs are loaded.  Raises ``ValueError`` for a
    language not in ``LANGUAGES``.
    """
    html = render_html(template_name, context, language=language)
    import weasyprint

    document = weasyprint.HTML(
        string=html, base_url=_BASE_URL, url_fetcher=_url_fetcher()
    )
    pdf = document.write_pdf()
    if not isinstance(pdf, bytes):  # write_pdf returns bytes when no target is given
        raise TypeError("WeasyPrint returned no PDF")
    return pdf
