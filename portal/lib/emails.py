"""One helper renders every email: three templates per kind, in one language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(kind: str, context: dict[str, Any], language: str) -> RenderedEmail:
    """Render ``templates/emails/<kind>_subject.txt``, ``_body.txt`` and
    ``_body.html`` in ``language``."""
    ctx = {"base_url": settings.PORTAL_BASE_URL, **context}
    with translation.override(language):
        subject: str = render_to_string(f"emails/{kind}_subject.txt", ctx)
        text = render_to_string(f"emails/{kind}_body.txt", ctx)
        html = render_to_string(f"emails/{kind}_body.html", ctx)
    # A subject is one line; a stray newline would be a header injection.
    subject = " ".join(subject.split())
    return RenderedEmail(subject=subject, text=text.strip() + "\n", html=html)
