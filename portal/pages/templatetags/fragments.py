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
from django.template.base import UNKNOWN_SOURCE
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
