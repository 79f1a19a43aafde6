"""Template helpers for the shared components (``templates/components/``).

Display only: these tags decide how a field is drawn, never what it means.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms, template
from django.conf import settings
from django.core.paginator import Page
from django.template import TemplateDoesNotExist
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from portal.lib import once
from portal.lib.emails import RenderedEmail, render_email

logger = logging.getLogger(__name__)
register = template.Library()

# Sensible autocomplete tokens (WCAG 1.3.5) for personal fields whose form did
# not set one.  Forms should set their own; this only fills obvious gaps.
_AUTOCOMPLETE_BY_NAME = {
    "email": "email",
    "phone": "tel",
    "telephone": "tel",
    "postal_code": "postal-code",
    "full_name": "name",
    "family_name": "family-name",
    "given_name": "given-name",
}
# Fields that take a code from an authenticator app or a recovery code sheet.
_ONE_TIME_CODE_FORMS = ("allauth.mfa.",)


def field_kind(bound_field: forms.BoundField) -> str:
    """Which branch of ``components/field.html`` draws this field."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    # CheckboxSelectMultiple is a RadioSelect subclass: test it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkbox_multiple"
    if isinstance(widget, forms.RadioSelect):
        return "radio"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "text"


register.filter("field_kind", field_kind)


def _is_one_time_code(bound_field: forms.BoundField) -> bool:
    return bound_field.name == "code" and type(bound_field.form).__module__.startswith(
        _ONE_TIME_CODE_FORMS
    )


def _first_input_id(bound_field: forms.BoundField) -> str:
    """The id an error-summary link should point to: the field itself, or the
    first option of a radio/checkbox group (GOV.UK error summary guidance)."""
    if field_kind(bound_field) in {"radio", "checkbox_multiple"}:
        return f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id or ""


@register.simple_tag
def field_parts(
    bound_field: forms.BoundField,
    label: Any = "",
    hint: Any = "",
    optional: Any = "",
    no_hint: Any = False,
) -> dict[str, Any]:
    """What ``components/field.html`` draws for a field: its kind, label and
    hint (template overrides win), the "(optional)" marker, and the ids for
    ``aria-describedby``.  Missing template variables arrive as ""."""
    kind = field_kind(bound_field)
    hint_text = "" if no_hint is True else (hint or bound_field.help_text)
    if isinstance(optional, bool):
        show_optional = optional
    else:
        # A lone checkbox ("I confirm…") is never marked optional.
        show_optional = kind != "checkbox" and not bound_field.field.required
    auto_id = bound_field.auto_id
    ids = [f"{auto_id}_helptext"] if hint_text else []
    if bound_field.errors:
        ids.append(f"{auto_id}_error")
    return {
        "kind": kind,
        "label": label or bound_field.label,
        "hint": hint_text,
        "show_optional": show_optional,
        "hint_id": f"{auto_id}_helptext",
        "error_id": f"{auto_id}_error",
        "describedby": " ".join(ids),
    }


@register.simple_tag
def widget(
    bound_field: forms.BoundField, describedby: Any = None, **extra: Any
) -> SafeString:
    """Render a bound field's widget with the component's attributes: class by
    kind, ``aria-describedby`` (the hint and error ids; by default from the
    field's help text and errors), ``aria-invalid`` on error, autocomplete
    defaults, and no placeholder (labels do that job).

    Other keyword arguments become attributes (``autocomplete="off"``,
    ``class_="input input--width-10"``)."""
    kind = field_kind(bound_field)
    existing = bound_field.field.widget.attrs
    attrs: dict[str, Any] = {"placeholder": False}
    css = {
        "text": "input",
        "select": "select",
        "textarea": "textarea",
        "file": "file-upload",
    }.get(kind, "")
    if _is_one_time_code(bound_field):
        css = "input input--code"
        attrs.update(
            inputmode="numeric",
            autocomplete="one-time-code",
            spellcheck="false",
            autocapitalize="off",
        )
    if css:
        attrs["class"] = " ".join(filter(None, [css, existing.get("class", "")]))
    if describedby is None:
        ids = [f"{bound_field.auto_id}_helptext"] if bound_field.help_text else []
        if bound_field.errors:
            ids.append(f"{bound_field.auto_id}_error")
        describedby = " ".join(ids)
    described = " ".join(
        filter(None, [existing.get("aria-describedby", ""), describedby])
    )
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    if kind not in {"radio", "checkbox_multiple"}:
        # Always set (False drops the attribute) so Django does not add its
        # own reference to a help text the component chose not to show.
        attrs["aria-describedby"] = described or False
    if (
        kind == "text"
        and "autocomplete" not in existing
        and "autocomplete" not in attrs
        and bound_field.name in _AUTOCOMPLETE_BY_NAME
    ):
        attrs["autocomplete"] = _AUTOCOMPLETE_BY_NAME[bound_field.name]
    for key, value in extra.items():
        attrs[key.rstrip("_").replace("_", "-")] = value
    return bound_field.as_widget(attrs=attrs)


@register.filter
def chunks(value: str, size: int = 4) -> list[str]:
    """``"ABCDEFGH"|chunks:4`` → ``["ABCD", "EFGH"]``: long keys drawn in
    groups that are easy to read and type (copying keeps no spaces)."""
    text = str(value)
    size = max(1, int(size))
    return [text[i : i + size] for i in range(0, len(text), size)]


@register.simple_tag
def error_summary_items(form: forms.BaseForm | None) -> list[dict[str, str]]:
    """One ``{"href", "message"}`` per error, in the order of the form.
    Errors not tied to a visible field link to the first field, where the
    user starts to put things right."""
    if form is None or not getattr(form, "errors", None):
        return []
    visible = list(form.visible_fields())
    first_href = f"#{_first_input_id(visible[0])}" if visible else ""
    items = [{"href": first_href, "message": str(m)} for m in form.non_field_errors()]
    for hidden in form.hidden_fields():
        items += [{"href": first_href, "message": str(m)} for m in hidden.errors]
    for bound_field in visible:
        href = f"#{_first_input_id(bound_field)}"
        items += [{"href": href, "message": str(m)} for m in bound_field.errors]
    return items


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    """The current URL's query string with ``page`` set to ``number``."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is None:
        return f"?page={number}"
    query["page"] = str(number)
    return "?" + query.urlencode()


@register.simple_tag
def once_token() -> str:
    """A hidden field with a fresh token: the form creates one row even when
    it is sent several times (``portal.lib.once``)."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">', once.FIELD, once.new_token()
    )


@register.simple_tag
def elided_pages(page: Page) -> list[int | str]:
    """Page numbers around the current one, with "…" for the gaps."""
    return list(
        page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    )


@register.simple_tag
def unread_notifications(user: Any) -> int:
    """Unread inbox entries, for the count in the user menu (one query)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    from portal.notifications.selectors import unread_count

    return unread_count(user=user)


def _rendered(context: template.Context, notification: Any) -> RenderedEmail | None:
    """The notification as its email would read, in the page's language;
    rendered once per notification and page."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    cache: dict[str, RenderedEmail | None] = notification.__dict__.setdefault(
        "_rendered_by_language", {}
    )
    if language not in cache:
        user = context.get("user")
        recipient = (
            user
            if getattr(user, "pk", None) == notification.recipient_id
            else notification.recipient
        )
        try:
            cache[language] = render_email(
                notification.kind,
                {
                    **notification.context,
                    "recipient": recipient,
                    "link": notification.link,
                },
                language,
            )
        except TemplateDoesNotExist:
            logger.warning(
                "no email templates for notification kind %r", notification.kind
            )
            cache[language] = None
    return cache[language]


@register.simple_tag(takes_context=True)
def notification_subject(context: template.Context, notification: Any) -> str:
    rendered = _rendered(context, notification)
    return rendered.subject if rendered else notification.kind


@register.simple_tag(takes_context=True)
def notification_body(context: template.Context, notification: Any) -> str:
    rendered = _rendered(context, notification)
    return rendered.text if rendered else ""


@register.simple_tag
def demo_totp_code(user: Any) -> str:
    """The current TOTP code of a demo account, so a newcomer can try the
    embedded demo without a phone (PRODUCT.md §5).  Empty unless DEBUG is on
    and the username starts with "demo-": never a code for a real account."""
    if not settings.DEBUG or user is None:
        return ""
    if not str(getattr(user, "username", "")).startswith("demo-"):
        return ""
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    authenticator = Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).first()
    if authenticator is None:
        return ""
    secret = get_adapter().decrypt(authenticator.data["secret"])
    counters = list(yield_hotp_counters_from_time())
    current = counters[len(counters) // 2]  # the middle one is "now"
    return format_hotp_value(hotp_value(secret, current))


@register.simple_tag(takes_context=True)
def reauthentication_action(context: template.Context) -> str:
    """What the re-authentication prompt protects ('' when not known)."""
    from portal.lib.reauth import pending_action

    request = context.get("request")
    return pending_action(request) if request is not None else ""
