"""The one country list of the portal: ISO 3166-1 from pycountry, with the
names in Japanese (the usual short names) and English.  Used by forms,
filters, pages and the roster CSV importer; no models, no database."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from django.utils import translation

_SPACES = re.compile(r"\s+")


def lookup_key(text: str) -> str:
    """How names are compared: NFKC, single spaces, case-folded."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


@cache
def country_lookup() -> tuple[frozenset[str], dict[str, str]]:
    """ISO 3166-1 (from pycountry): the alpha-2 codes, and every other accepted
    spelling (alpha-3, English and Japanese names), normalised, to alpha-2."""
    import gettext

    import pycountry

    alpha2: set[str] = set()
    aliases: dict[str, str] = {}
    try:
        ja: gettext.NullTranslations = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=["ja"]
        )
    except OSError:  # a trimmed installation without locales: codes still work
        ja = gettext.NullTranslations()
    for country in pycountry.countries:
        code = country.alpha_2
        alpha2.add(code)
        aliases[country.alpha_3] = code
        names = {
            country.name,
            getattr(country, "common_name", country.name),
            getattr(country, "official_name", country.name),
        }
        names |= {ja.gettext(name) for name in list(names)}
        for name in names:
            aliases.setdefault(lookup_key(name), code)
    return frozenset(alpha2), aliases


def country_choices(
    language: str | None = None, *, include_japan: bool = False
) -> list[tuple[str, str]]:
    """(alpha-2, name) pairs sorted by name, in ``language`` (default: the
    active one) — the one country list of the portal (forms, filters, pages).
    Japan is left out unless asked for (foreign nationals are not Japanese)."""
    pairs = _country_choices(language or translation.get_language() or "ja")
    return [p for p in pairs if include_japan or p[0] != "JP"]


def country_name(code: str | None, language: str | None = None) -> str:
    """The name of an ISO 3166 alpha-2 code in ``language``; the code itself
    when unknown."""
    if not code:
        return ""
    names = _country_names(language or translation.get_language() or "ja")
    return names.get(code.upper(), code)


@cache
def _country_names(language: str) -> dict[str, str]:
    return dict(_country_choices(language))


# pycountry's Japanese names: the usual short names, as the Foreign Ministry
# and ISA write them (and one misspelling upstream, タニザニア).
_JA_NAMES = {
    "TZ": "タンザニア",
    "TW": "台湾",
    "KR": "韓国",
    "KP": "北朝鮮",
    "GE": "ジョージア",
    "CN": "中国",
    "VN": "ベトナム",
    "RU": "ロシア",
    "US": "アメリカ合衆国",
    "GB": "英国",
}


@cache
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    import gettext

    import pycountry

    lang = language.split("-")[0]
    try:
        names: gettext.NullTranslations = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[lang]
        )
    except OSError:
        names = gettext.NullTranslations()
    pairs = []
    for c in pycountry.countries:
        english = getattr(c, "common_name", None) or c.name
        if lang == "en":
            name = english
        elif lang == "ja" and c.alpha_2 in _JA_NAMES:
            name = _JA_NAMES[c.alpha_2]
        else:
            name = (
                names.gettext(english)
                if names.gettext(english) != english
                else names.gettext(c.name)
            )
        pairs.append((c.alpha_2, name))
    return tuple(sorted(pairs, key=lambda pair: pair[1]))
