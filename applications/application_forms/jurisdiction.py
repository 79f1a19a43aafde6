"""Filed where the law says: the office that receives an application.

Change, extension, acquisition, the certificate of authorised employment,
re-entry and other activity go to the office with jurisdiction over the
person's address in Japan; a certificate of eligibility to the office over
the receiving organisation (domain-facts §2.1, §2.7).  Offices are data
(``accounts.Office``): an office receives only if it ``accepts_applications``
(and ``accepts_coe`` for a COE) and is not an airport or seaport office.
When the office over the prefecture does not receive, its bureau does.

``receiving_office`` is pure: it takes ``OfficeFacts`` (``office_facts()``
reads them from the database in two queries, once per request or batch).
Companions (re-entry, other activity) filed with a main application go where
the main one goes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from accounts.reference_data import PREFECTURES
from portal.lib.errors import DomainError

COE = "coe"
BY_ORGANISATION = frozenset({COE})
BY_ADDRESS = frozenset(
    {
        "change",
        "extension",
        "acquisition",
        "authorized_employment",
        "reentry",
        "other_activity",
    }
)
# The more local an office, the closer to the person.
_SPECIFICITY = {"bureau": 0, "district": 1, "branch": 2}


class NoReceivingOffice(DomainError):
    default_code = "office_none"


@dataclass(frozen=True)
class OfficeFacts:
    code: str
    kind: str
    parent: str | None
    prefectures: frozenset[int]
    accepts_applications: bool = True
    accepts_coe: bool = True
    is_port: bool = False

    def receives(self, application_type: str) -> bool:
        if self.is_port or not self.accepts_applications:
            return False
        return application_type != COE or self.accepts_coe


def governing_prefecture(
    application_type: str,
    *,
    person_prefecture: int | None,
    organisation_prefecture: int | None,
) -> int | None:
    """Whose address decides: the organisation's for a COE, else the
    person's."""
    if application_type in BY_ORGANISATION:
        return organisation_prefecture
    if application_type in BY_ADDRESS:
        return person_prefecture
    raise ValueError(f"unknown application type {application_type!r}")


def receiving_office(
    application_type: str,
    *,
    person_prefecture: int | None,
    organisation_prefecture: int | None,
    offices: Iterable[OfficeFacts],
) -> OfficeFacts:
    """The office the application is filed with.  Raises ``NoReceivingOffice``
    when the deciding address has no prefecture or no office receives."""
    prefecture = governing_prefecture(
        application_type,
        person_prefecture=person_prefecture,
        organisation_prefecture=organisation_prefecture,
    )
    if prefecture is None:
        raise NoReceivingOffice()
    offices = list(offices)
    covering = [o for o in offices if prefecture in o.prefectures]
    receiving = [o for o in covering if o.receives(application_type)]
    if receiving:
        return max(receiving, key=lambda o: (_SPECIFICITY.get(o.kind, 0), o.code))
    by_code = {o.code: o for o in offices}
    for office in covering:
        parent = by_code.get(office.parent or "")
        while parent is not None:
            if parent.receives(application_type):
                return parent
            parent = by_code.get(parent.parent or "")
    raise NoReceivingOffice()


def office_facts() -> list[OfficeFacts]:
    """Every office as ``OfficeFacts`` (two queries)."""
    from accounts.models import Office

    links: dict[int, set[int]] = {}
    through = Office.jurisdiction.through.objects.values_list(
        "office_id", "prefecture_id"
    )
    for office_id, prefecture_id in through:
        links.setdefault(office_id, set()).add(prefecture_id)
    return [
        OfficeFacts(
            code=office.code,
            kind=office.kind,
            parent=office.parent.code if office.parent else None,
            prefectures=frozenset(links.get(office.pk, ())),
            accepts_applications=office.accepts_applications,
            accepts_coe=office.accepts_coe,
            is_port=office.is_port,
        )
        for office in Office.objects.select_related("parent")
    ]


_PREFECTURE_NAMES: Sequence[tuple[str, int]] = sorted(
    (
        [(p["name_ja"], p["code"]) for p in PREFECTURES]
        + [(p["name_en"].lower(), p["code"]) for p in PREFECTURES]
    ),
    key=lambda pair: -len(pair[0]),
)


# The 20 designated cities (政令指定都市): addresses there often leave the
# prefecture out (``横浜市中区…``).
DESIGNATED_CITIES: dict[str, int] = {
    "札幌市": 1, "仙台市": 4, "さいたま市": 11, "千葉市": 12, "横浜市": 14,
    "川崎市": 14, "相模原市": 14, "新潟市": 15, "静岡市": 22, "浜松市": 22,
    "名古屋市": 23, "京都市": 26, "大阪市": 27, "堺市": 27, "神戸市": 28,
    "岡山市": 33, "広島市": 34, "北九州市": 40, "福岡市": 40, "熊本市": 43,
}  # fmt: skip


def prefecture_from_address(address: str | None) -> int | None:
    """The JIS code of the prefecture an address in Japan starts with
    (``愛知県名古屋市…`` or ``名古屋市…`` → 23; an English address naming the prefecture, e.g.
    ``…, Nagoya, Aichi 450-0002``, is matched on the name).  None when no
    prefecture is named (a designated city such as 名古屋市 stands for its
    prefecture): the person's record or the page must then ask."""
    from accounts.validators import normalize_text

    text = normalize_text(address)
    if not text:
        return None
    for name, code in _PREFECTURE_NAMES:
        if not name.isascii() and text.startswith(name):
            return code
    for city, code in DESIGNATED_CITIES.items():
        if text.startswith(city):
            return code
    lowered = text.lower()
    for name, code in _PREFECTURE_NAMES:
        if name.isascii() and re.search(
            rf"\b{name}(?:-ken|-fu|-to| prefecture)?\b", lowered
        ):
            return code
    return None
