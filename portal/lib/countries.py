"""The one nationality list of the portal: the residence card's 国籍・地域,
kept as data in ``portal/lib/data/nationalities.csv`` (code, Japanese name
as ISA prints it on residence cards, its reading in katakana, English name).
Used by forms, filters, pages, PDFs and the roster CSV importer; no models,
no database.

What the list holds, and why:

- The states Japan recognises, under ISA's short names (中国, 韓国, 英国,
  米国, キルギス, モンゴル … — no 王国 or 共和国 except to tell two apart:
  ドミニカ国 and ドミニカ共和国, コンゴ共和国 and コンゴ民主共和国).
- The three entries a residence card shows that are not recognised states:
  朝鮮 (Korean residents who have not registered as South Korean nationals,
  and holders of North Korean passports), 台湾 and パレスチナ.  朝鮮 keeps
  ISO 3166's ``KP``, the code the portal has always stored for North Korea.
- 無国籍 (stateless), stored as ``XX`` (ISO 3166 leaves X* codes to users),
  and コソボ as ``XK`` (the user-assigned code in common use; ISO has none).
- Japan (``JP``) for the 申請書's family members, left out of the pickers of
  a foreign national's own nationality.

Dependent territories are not nationalities and are left out: their people
hold the passport, and residence cards show the nationality, of the state
they depend on (Hong Kong and Macao → 中国, Puerto Rico or Guam → 米国,
Bermuda or Gibraltar → 英国, New Caledonia or Réunion → フランス …).
Uninhabited territories (Antarctica, Bouvet Island, Heard Island, the US
Minor Outlying Islands …) have no nationals at all.  Western Sahara is not
recognised by Japan and has no passport of its own.

Codes stored before this list (a territory's ISO code, say ``HK``) keep
working: ``country_name`` still names them (ISO 3166's name), and a
person's page offers their stored code as a choice until it is changed.

Order: Japanese names by their reading (五十音順), English names
alphabetically (accents ignored)."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils import translation

DATA_FILE = Path(__file__).with_name("data") / "nationalities.csv"
JAPAN = "JP"

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Nationality:
    code: str
    name_ja: str
    reading: str  # katakana, for the Japanese order
    name_en: str

    def name(self, language: str) -> str:
        return self.name_en if language.split("-")[0] == "en" else self.name_ja


def lookup_key(text: str) -> str:
    """How names are compared: NFKC, single spaces, case-folded."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


@cache
def nationalities() -> tuple[Nationality, ...]:
    """Every entry of the data file, in the file's order."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Nationality(
                code=row["code"].strip().upper(),
                name_ja=row["name_ja"].strip(),
                reading=row["reading"].strip(),
                name_en=row["name_en"].strip(),
            )
            for row in csv.DictReader(handle)
        )


# --- Ordering ----------------------------------------------------------------------

# Small kana sort as their full-size forms; ー takes the vowel before it.
_SMALL = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_VOWELS = {
    **dict.fromkeys("アカサタナハマヤラワガザダバパ", "ア"),
    **dict.fromkeys("イキシチニヒミリギジヂビピ", "イ"),
    **dict.fromkeys("ウクスツヌフムユルグズヅブプヴ", "ウ"),
    **dict.fromkeys("エケセテネヘメレゲゼデベペ", "エ"),
    **dict.fromkeys("オコソトノホモヨロゴゾドボポヲ", "オ"),
}


def reading_key(reading: str) -> tuple[str, str]:
    """The 五十音 sort key of a katakana reading: voiced marks and small kana
    count as the plain kana (ガ with カ), a long-vowel mark as its vowel;
    ties are broken by the reading itself (カ before ガ)."""
    plain = unicodedata.normalize("NFD", reading.translate(_SMALL))
    plain = plain.replace("\u3099", "").replace("\u309a", "")
    letters: list[str] = []
    for char in plain:
        if char == "ー" and letters:
            letters.append(_VOWELS.get(letters[-1], letters[-1]))
        else:
            letters.append(char)
    return "".join(letters), reading


def _english_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# --- Pickers and names -------------------------------------------------------------


def _language(language: str | None) -> str:
    code = (language or translation.get_language() or "ja").split("-")[0]
    return "en" if code == "en" else "ja"


@cache
def _sorted_choices(language: str) -> tuple[tuple[str, str], ...]:
    entries = nationalities()
    if language == "en":
        ordered = sorted(entries, key=lambda n: _english_key(n.name_en))
    else:
        ordered = sorted(entries, key=lambda n: reading_key(n.reading))
    return tuple((n.code, n.name(language)) for n in ordered)


def country_choices(
    language: str | None = None,
    *,
    include_japan: bool = False,
    current: str | None = None,
) -> list[tuple[str, str]]:
    """(code, name) pairs of the nationality list in ``language`` (default:
    the active one), in that language's order.  Japan is left out unless
    asked for (foreign nationals are not Japanese).  ``current``, a code
    stored before the list changed (a territory's), is added at the end so
    that a record holding it can still be shown and saved unchanged."""
    lang = _language(language)
    pairs = [
        pair for pair in _sorted_choices(lang) if include_japan or pair[0] != JAPAN
    ]
    if current and current.upper() not in {code for code, _name in pairs}:
        pairs.append((current.upper(), country_name(current, lang)))
    return pairs


def country_name(code: str | None, language: str | None = None) -> str:
    """The name of a nationality code in ``language``: the list's name, or
    ISO 3166's for a code stored before the list left it out; the code
    itself only when nothing knows it."""
    if not code:
        return ""
    upper = code.upper()
    lang = _language(language)
    entry = _by_code().get(upper)
    if entry is not None:
        return entry.name(lang)
    return _legacy_names(lang).get(upper, upper)


@cache
def _by_code() -> dict[str, Nationality]:
    return {n.code: n for n in nationalities()}


@cache
def _legacy_names(language: str) -> dict[str, str]:
    """ISO 3166-1 names (pycountry) of the codes the list leaves out."""
    import gettext

    import pycountry

    try:
        names: gettext.NullTranslations = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[language]
        )
    except OSError:  # a trimmed installation without locales
        names = gettext.NullTranslations()
    result = {}
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        result[country.alpha_2] = (
            english if language == "en" else names.gettext(country.name)
        )
    return result


@cache
def country_lookup() -> tuple[frozenset[str], dict[str, str]]:
    """For importers: the codes of the list, and every other accepted
    spelling — the list's names and readings, ISO 3166 alpha-3 codes and
    names (English and Japanese), normalised — mapped to the list's code.
    A territory's spellings are not accepted: it is not a nationality."""
    import gettext

    import pycountry

    codes = frozenset(_by_code())
    aliases: dict[str, str] = {}
    for entry in nationalities():
        for name in (entry.name_ja, entry.reading, entry.name_en):
            aliases.setdefault(lookup_key(name), entry.code)
    try:
        ja: gettext.NullTranslations = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=["ja"]
        )
    except OSError:
        ja = gettext.NullTranslations()
    for country in pycountry.countries:
        code = country.alpha_2
        if code not in codes:
            continue
        aliases.setdefault(lookup_key(country.alpha_3), code)
        names = {
            country.name,
            getattr(country, "common_name", country.name),
            getattr(country, "official_name", country.name),
        }
        names |= {ja.gettext(name) for name in list(names)}
        for name in names:
            aliases.setdefault(lookup_key(name), code)
    # Spellings people type that neither ISO nor ISA uses.
    for alias, code in (
        ("北朝鮮", "KP"),
        ("North Korea", "KP"),
        ("キルギスタン", "KG"),
        ("アメリカ", "US"),
        ("アメリカ合衆国", "US"),
        ("イギリス", "GB"),
        ("XXA", "XX"),
        ("無国籍者", "XX"),
        ("RKS", "XK"),
        ("TWN", "TW"),
    ):
        aliases.setdefault(lookup_key(alias), code)
    return codes, aliases
