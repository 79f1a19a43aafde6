from __future__ import annotations

from django.utils.translation import get_language


def page_language() -> str:
    """ "en" or "ja": which of a record's ``*_en``/``*_ja`` fields to show."""
    return "en" if (get_language() or "ja").startswith("en") else "ja"
