"""What the inbox page shows of one notification: web content, not the
email pasted in (issue 12 item 5) — a heading saying what happened and the
action needed, the message's paragraphs, the key facts, and one primary
button to the page where the action is taken."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal.lib.emails import render_email, render_inbox
from portal.notifications.kinds import NotificationKind
from portal.notifications.models import Notification

Kind = NotificationKind

# The primary button's words, by kind; the others open the related page.
_DOCUMENTS = (Kind.DOCUMENT_REQUEST, Kind.DOCUMENT_REQUEST_EXTENDED)
_CASE_FOR_OFFICERS = (
    Kind.CASE_ASSIGNED,
    Kind.DECISION_SENT_BACK,
    Kind.DOCUMENT_REQUEST_ANSWERED,
)


def _button_label(kind: str, context: dict[str, Any]) -> str:
    if kind in _DOCUMENTS or kind == Kind.DOCUMENT_REQUEST_REMINDER:
        return _("Send the documents")
    if kind in (Kind.DECISION_GRANTED, Kind.FEE_DUE):
        return _("Pay the fee") if context.get("amount") else _("See what to send")
    if kind == Kind.CARD_DISPATCHED:
        return _("Record the handover")
    if kind == Kind.DECISION_PROPOSED:
        return _("Review the recommendation")
    if kind in _CASE_FOR_OFFICERS and context.get("audience") != "organization":
        return _("Open the case")
    if context.get("receipt_number"):
        return _("Open the application")
    return _("Open the related page")


def _as_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _facts(context: dict[str, Any], language: str) -> list[dict[str, Any]]:
    """The key facts the context carries, in a fixed order; each with a
    ``value`` (text) or a ``date``."""
    english = language.startswith("en")

    def localized(key: str) -> str:
        return str(
            (context.get(f"{key}_en") if english else None)
            or context.get(f"{key}_ja")
            or ""
        )

    rows: list[dict[str, Any]] = []

    def add(label: str, value: Any = "", *, when: date | None = None) -> None:
        if value or when:
            rows.append({"label": label, "value": value, "date": when})

    add(_("Person"), context.get("about_person", ""))
    add(_("Application"), localized("application_type"))
    add(_("Receipt number"), context.get("receipt_number", ""))
    add(_("Organisation"), localized("about_organization"))
    if context.get("amount"):
        amount = context.get("amount_text", context["amount"])
        add(_("Fee"), f"¥{amount}" if english else f"{amount}円")
    if context.get("due_date"):
        add(_("Due date"), when=_as_date(context["due_date"]))
    add(_("Tracking number"), context.get("tracking_number", ""))
    return rows


def notification_page(
    *, notification: Notification, user: Any, language: str | None = None
) -> dict[str, Any]:
    """The detail page's content in ``language`` (the page's by default).
    A kind whose templates are gone shows its code and nothing else."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    context = dict(notification.context)
    recipient = (
        user
        if getattr(user, "pk", None) == notification.recipient_id
        else notification.recipient
    )
    email_context = {**context, "recipient": recipient, "link": notification.link}
    try:
        rendered = render_email(notification.kind, email_context, language)
        body: SafeString = mark_safe(  # noqa: S308 — template output, values escaped
            render_inbox(notification.kind, email_context, language)
        )
    except TemplateDoesNotExist:
        return {
            "subject": notification.kind,
            "heading": notification.kind,
            "body": "",
            "facts": [],
            "action_url": notification.link,
            "action_label": _("Open the related page"),
        }
    with translation.override(language):
        label = _button_label(notification.kind, context)
        facts = _facts(context, language)
    return {
        "subject": rendered.subject,
        "heading": rendered.action or rendered.subject,
        "body": body,
        "facts": facts,
        "action_url": context.get("respond_link") or notification.link,
        "action_label": label,
    }
