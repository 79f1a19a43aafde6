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
    # The subject template's own words: the action needed, without the names
    # (the inbox page's heading).
    action: str = ""


def _names(ctx: dict[str, Any], language: str) -> tuple[str, str, str]:
    """The application type, the person and the organisation a case
    notification is about (context keys ``application_type_ja``/``_en``,
    ``about_person``, ``about_organization_ja``/``_en``), in ``language``."""
    english = language.startswith("en")

    def pick(key: str) -> str:
        value = (ctx.get(f"{key}_en") if english else None) or ctx.get(f"{key}_ja")
        return " ".join(str(value or "").split())

    person = " ".join(str(ctx.get("about_person") or "").split())
    return pick("application_type"), person, pick("about_organization")


def titled(action: str, ctx: dict[str, Any], language: str) -> str:
    """A case notification's subject in the GOV.UK Notify way: what, for
    whom, and the action needed —
    "Extension of period of stay for NGUYEN VAN AN (Example KK): pay the fee" /
    「在留期間更新許可申請（NGUYEN VAN AN、株式会社例）：手数料5,500円を納付してください」.
    The organisation is named for users who serve several (issue 13).  A
    notification that is not about a case keeps ``action`` as it is."""
    application_type, person, organization = _names(ctx, language)
    if not (application_type or person or organization):
        return _capitalized(action)
    if language.startswith("en"):
        who = f"{person} ({organization})" if person and organization else ""
        who = who or person or organization
        if application_type and who:
            return f"{application_type} for {who}: {action}"
        return f"{application_type or who}: {action}"
    who = "、".join(part for part in (person, organization) if part)
    if application_type and who:
        return f"{application_type}（{who}）：{action}"
    return f"{application_type or who}：{action}"


def render_email(kind: str, context: dict[str, Any], language: str) -> RenderedEmail:
    """Render ``templates/emails/<kind>_subject.txt`` (the action; the names
    are added by ``titled``), ``_body.txt`` and ``_body.html`` in
    ``language``."""
    ctx = {"base_url": settings.PORTAL_BASE_URL, **context}
    with translation.override(language):
        action: str = render_to_string(f"emails/{kind}_subject.txt", ctx)
        # A subject is one line; a stray newline would be a header injection.
        subject = titled(" ".join(action.split()), ctx, language)
        ctx["email_subject"] = subject
        text = render_to_string(f"emails/{kind}_body.txt", ctx)
        html = render_to_string(f"emails/{kind}_body.html", ctx)
    return RenderedEmail(
        subject=subject,
        text=text.strip() + "\n",
        html=html,
        action=_capitalized(" ".join(action.split())),
    )


def render_inbox(kind: str, context: dict[str, Any], language: str) -> str:
    """The paragraphs of ``<kind>_body.html`` for the portal's inbox page
    (``inbox`` mode of ``emails/base_body.html``): without the document
    wrapper, the greeting, the raw links and the "do not reply" signature.
    ``context`` has the ``recipient``, as for the email.
    Trusted template output; context values are escaped by the template."""
    ctx = {
        "base_url": settings.PORTAL_BASE_URL,
        **context,
        "inbox": True,
        "link": "",
    }
    with translation.override(language):
        return render_to_string(f"emails/{kind}_body.html", ctx).strip()


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
