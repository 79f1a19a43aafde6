"""The status check's own languages.

The portal is in Japanese and English (``settings.LANGUAGES``); this one
page is also in Chinese (simplified), Vietnamese and Korean, the largest
groups of foreign residents.  The view renders inside
``translation.override`` of the language chosen here; the three extra
languages' words come from this app's catalogues (``statuscheck/locale``),
which hold only what this page shows, so no other page can appear in them.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation.trans_real import parse_accept_lang_header

# (code, the language's name in itself); the order of the page's switcher.
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("ja", "日本語"),
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("vi", "Tiếng Việt"),
    ("ko", "한국어"),
)
CODES = frozenset(code for code, _name in LANGUAGES)
# Browser language tags that mean one of ours (zh-TW / zh-Hant do not).
_BROWSER = {"zh": "zh-hans", "zh-cn": "zh-hans", "zh-sg": "zh-hans"}


def _from_browser(tag: str) -> str | None:
    tag = tag.lower()
    if tag in CODES:
        return tag
    if tag in _BROWSER:
        return _BROWSER[tag]
    primary = tag.split("-")[0]
    return primary if primary in CODES and primary != "zh" else None


def page_language(request: HttpRequest) -> str:
    """``?lang=`` when it names one of ours; else, for a visitor who never
    chose a portal language, the first of ours their browser asks for; else
    the portal's language for the request (Japanese or English)."""
    asked = request.GET.get("lang", "").lower()
    if asked in CODES:
        return asked
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        header = request.headers.get("Accept-Language", "")
        for tag, _quality in parse_accept_lang_header(header):
            if (found := _from_browser(tag)) is not None:
                return found
    return getattr(request, "LANGUAGE_CODE", None) or get_language() or "ja"
