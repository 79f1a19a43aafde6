"""``{% per_language %}…{% endper_language %}``: a piece of the layout that
is the same for every request in a language (the brand, the footer's links,
the session dialog's texts; not static file links, whose names depend on the
storage) is rendered once per language and
process and then reused (README, "Performance": the layout was about 3 ms of
every page).

Its body sees no request context at all — only ``LANGUAGE_CODE`` and
``DEBUG`` — so
anything in it that depended on the request, the user or the page would
render empty in every test instead of silently leaking between users.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.template.backends.utils import csrf_input
from django.template.base import UNKNOWN_SOURCE
from django.templatetags.static import static
from django.urls import get_script_prefix
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_rendered: dict[tuple[Any, ...], SafeString] = {}


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    """Settings never change in production; a test that changes one (the
    static files' storage, say) gets freshly rendered pieces."""
    _rendered.clear()


class PerLanguageNode(template.Node):
    def __init__(self, nodelist: template.NodeList, lineno: int) -> None:
        self.nodelist = nodelist
        self.lineno = lineno

    def render(self, context: template.Context) -> SafeString:
        language = get_language() or ""
        # One per line of a template (its line number names it).
        key = (self.origin.name, self.lineno, language, settings.DEBUG)
        html = _rendered.get(key)
        if html is None:
            isolated = template.Context(
                {"LANGUAGE_CODE": language, "DEBUG": settings.DEBUG},
                autoescape=context.autoescape,
            )
            isolated.template = context.template
            html = mark_safe(self.nodelist.render(isolated))  # noqa: S308
            # A template made from a string has no name to remember it by.
            if self.origin.name != UNKNOWN_SOURCE:
                _rendered[key] = html
        return html


@register.tag
def per_language(parser: Any, token: Any) -> PerLanguageNode:
    nodelist = parser.parse(("endper_language",))
    parser.delete_first_token()
    return PerLanguageNode(nodelist, token.lineno)


# --- {% remember a b c %}…{% endremember %} ------------------------------------
# A piece that depends on a few values only (the account menu: the user's
# name, the unread count, the current path) is rendered once per process for
# each combination of them and then reused.  The key is the values listed in
# the tag, the language, the script prefix and the template line; the body
# must print nothing else that varies, except its ``{% csrf_token %}``, which
# is put in per request.  Bounded; nothing is kept with DEBUG on.
REMEMBER_SIZE = 5_000
_remembered: dict[tuple[Any, ...], str] = {}
_CSRF_MARK = "csrf-mark-of-a-remembered-piece"
_CSRF_INPUT = f'<input type="hidden" name="csrfmiddlewaretoken" value="{_CSRF_MARK}">'


@receiver(setting_changed)
def forget_remembered(**kwargs: Any) -> None:
    """Empty the memory (a setting changed; tests start afresh)."""
    _remembered.clear()


class RememberNode(template.Node):
    def __init__(
        self, nodelist: template.NodeList, parts: list[Any], lineno: int
    ) -> None:
        self.nodelist = nodelist
        self.parts = parts
        self.lineno = lineno

    def render(self, context: template.Context) -> SafeString:
        key = (
            self.origin.name,
            self.lineno,
            get_language(),
            get_script_prefix(),
            *(part.resolve(context) for part in self.parts),
        )
        html = _remembered.get(key)
        if html is None:
            with context.push(csrf_token=_CSRF_MARK):
                html = self.nodelist.render(context)
            if not settings.DEBUG and self.origin.name != UNKNOWN_SOURCE:
                if len(_remembered) >= REMEMBER_SIZE:
                    _remembered.clear()
                _remembered[key] = html
        if _CSRF_INPUT in html:
            html = html.replace(_CSRF_INPUT, page_csrf_input(context))
        return mark_safe(html)  # noqa: S308 - the body escaped what it printed


def page_csrf_input(context: template.Context) -> str:
    """The CSRF field as ``{% csrf_token %}`` prints it on this page: with
    the page's token (the context's, masked once per render: a mask costs
    32 calls to the system's random source) where it has one."""
    token = context.get("csrf_token")
    if token and token != "NOTPROVIDED":  # noqa: S105 - Django's "no token"
        return str(_CSRF_INPUT.replace(_CSRF_MARK, conditional_escape(token)))
    request: HttpRequest = context["request"]
    return str(csrf_input(request))


@register.tag
def remember(parser: Any, token: Any) -> RememberNode:
    """``{% remember value … %}…{% endremember %}``: see above."""
    parts = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    if not parts:
        raise template.TemplateSyntaxError("remember needs the values it depends on")
    nodelist = parser.parse(("endremember",))
    parser.delete_first_token()
    return RememberNode(nodelist, parts, token.lineno)


# --- {% asset "css/portal.css" %} ----------------------------------------------
# ``{% static %}`` asks the storage on every call (the manifest's hashed name,
# URL quoting): about 30 µs, five times on every page of the layout.  The
# answer depends only on the path and the storage, which a process loads once
# (ManifestStaticFilesStorage reads its manifest at start), so it is kept.
_assets: dict[str, str] = {}


@receiver(setting_changed)
def _forget_assets(**kwargs: Any) -> None:
    _assets.clear()


@register.simple_tag
def asset(path: str) -> str:
    """The URL ``{% static path %}`` gives, asked once per process."""
    url = _assets.get(path)
    if url is None:
        url = _assets[path] = static(path)
    return url
