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


def _about(ctx: dict[str, Any], language: str) -> str:
    """Whom a case notification is about, for its subject: the person and
    the organisation (context keys ``about_person``,
    ``about_organization_ja``/``_en``, which case notifications carry), so
    that a user serving several organisations sees it in the inbox list."""
    person = " ".join(str(ctx.get("about_person") or "").split())
    english = language.startswith("en")
    organization = str(
        (ctx.get("about_organization_en") if english else None)
        or ctx.get("about_organization_ja")
        or ""
    )
    organization = " ".join(organization.split())
    if person and organization:
        return (
            f"{person} ({organization})" if english else f"{person}（{organization}）"
        )
    return person or organization


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
    about = _about(ctx, language)
    if about:
        subject = f"{subject} — {about}"
    return RenderedEmail(subject=subject, text=text.strip() + "\n", html=html)
