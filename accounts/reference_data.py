"""Prefectures and immigration offices as data, and the loader that syncs them.

The loader takes a model registry (``apps``) so that a data migration can pass
its historical models and tests and commands can pass ``django.apps.apps``.
Sources: domain-facts §5.5 (bureaus, district offices, jurisdiction) and
JIS X 0401 (prefecture codes).  Office codes are ours (three upper-case
letters, airport offices use the IATA code of their airport); they appear in
receipt numbers, so never change one once used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from django.db import models

from accounts.branch_offices import BRANCH_OFFICES, CONTACTS


class Registry(Protocol):
    """What the loaders need of an app registry (``django.apps.apps`` or a
    migration's historical ``apps``)."""

    def get_model(self, app_label: str, model_name: str | None = None) -> Any: ...


def sync_rows(
    model: type[models.Model], key: Sequence[str], rows: Iterable[dict[str, Any]]
) -> int:
    """Create or update ``model`` rows so that each row of ``rows`` exists with
    those values, matched on the ``key`` fields; returns the rows written.

    One read of the (small) table, one bulk insert, one update per changed row:
    cheap when everything is already in step.  Rows not in ``rows`` are kept.
    Keys naming no field of ``model`` are ignored, so a migration's older
    historical model can load today's data (new columns keep their defaults).
    """
    concrete = model._meta.concrete_fields
    known = {f.name for f in concrete} | {f.attname for f in concrete}
    manager = model._default_manager
    existing = {tuple(getattr(obj, k) for k in key): obj for obj in manager.all()}
    new = []
    written = 0
    for row in rows:
        values = {k: v for k, v in row.items() if k in known}
        obj = existing.get(tuple(values[k] for k in key))
        if obj is None:
            new.append(model(**values))
            continue
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            obj.save(update_fields=changed)
            written += 1
    manager.bulk_create(new)
    return written + len(new)


PREFECTURES: list[dict[str, Any]] = [
    {"code": 1, "name_ja": "北海道", "name_en": "Hokkaido"},
    {"code": 2, "name_ja": "青森県", "name_en": "Aomori"},
    {"code": 3, "name_ja": "岩手県", "name_en": "Iwate"},
    {"code": 4, "name_ja": "宮城県", "name_en": "Miyagi"},
    {"code": 5, "name_ja": "秋田県", "name_en": "Akita"},
    {"code": 6, "name_ja": "山形県", "name_en": "Yamagata"},
    {"code": 7, "name_ja": "福島県", "name_en": "Fukushima"},
    {"code": 8, "name_ja": "茨城県", "name_en": "Ibaraki"},
    {"code": 9, "name_ja": "栃木県", "name_en": "Tochigi"},
    {"code": 10, "name_ja": "群馬県", "name_en": "Gunma"},
    {"code": 11, "name_ja": "埼玉県", "name_en": "Saitama"},
    {"code": 12, "name_ja": "千葉県", "name_en": "Chiba"},
    {"code": 13, "name_ja": "東京都", "name_en": "Tokyo"},
    {"code": 14, "name_ja": "神奈川県", "name_en": "Kanagawa"},
    {"code": 15, "name_ja": "新潟県", "name_en": "Niigata"},
    {"code": 16, "name_ja": "富山県", "name_en": "Toyama"},
    {"code": 17, "name_ja": "石川県", "name_en": "Ishikawa"},
    {"code": 18, "name_ja": "福井県", "name_en": "Fukui"},
    {"code": 19, "name_ja": "山梨県", "name_en": "Yamanashi"},
    {"code": 20, "name_ja": "長野県", "name_en": "Nagano"},
    {"code": 21, "name_ja": "岐阜県", "name_en": "Gifu"},
    {"code": 22, "name_ja": "静岡県", "name_en": "Shizuoka"},
    {"code": 23, "name_ja": "愛知県", "name_en": "Aichi"},
    {"code": 24, "name_ja": "三重県", "name_en": "Mie"},
    {"code": 25, "name_ja": "滋賀県", "name_en": "Shiga"},
    {"code": 26, "name_ja": "京都府", "name_en": "Kyoto"},
    {"code": 27, "name_ja": "大阪府", "name_en": "Osaka"},
    {"code": 28, "name_ja": "兵庫県", "name_en": "Hyogo"},
    {"code": 29, "name_ja": "奈良県", "name_en": "Nara"},
    {"code": 30, "name_ja": "和歌山県", "name_en": "Wakayama"},
    {"code": 31, "name_ja": "鳥取県", "name_en": "Tottori"},
    {"code": 32, "name_ja": "島根県", "name_en": "Shimane"},
    {"code": 33, "name_ja": "岡山県", "name_en": "Okayama"},
    {"code": 34, "name_ja": "広島県", "name_en": "Hiroshima"},
    {"code": 35, "name_ja": "山口県", "name_en": "Yamaguchi"},
    {"code": 36, "name_ja": "徳島県", "name_en": "Tokushima"},
    {"code": 37, "name_ja": "香川県", "name_en": "Kagawa"},
    {"code": 38, "name_ja": "愛媛県", "name_en": "Ehime"},
    {"code": 39, "name_ja": "高知県", "name_en": "Kochi"},
    {"code": 40, "name_ja": "福岡県", "name_en": "Fukuoka"},
    {"code": 41, "name_ja": "佐賀県", "name_en": "Saga"},
    {"code": 42, "name_ja": "長崎県", "name_en": "Nagasaki"},
    {"code": 43, "name_ja": "熊本県", "name_en": "Kumamoto"},
    {"code": 44, "name_ja": "大分県", "name_en": "Oita"},
    {"code": 45, "name_ja": "宮崎県", "name_en": "Miyazaki"},
    {"code": 46, "name_ja": "鹿児島県", "name_en": "Kagoshima"},
    {"code": 47, "name_ja": "沖縄県", "name_en": "Okinawa"},
]


def _bureau(
    code: str, city_ja: str, city_en: str, sort_order: int, **extra: Any
) -> dict[str, Any]:
    return {
        "code": code,
        "kind": "bureau",
        "parent": None,
        "name_ja": f"{city_ja}出入国在留管理局",
        "name_en": f"{city_en} Regional Immigration Services Bureau",
        "postal_code": "",
        "address_ja": "",
        "phone": "",
        "contact_verified": False,
        "is_port": False,
        "accepts_use_requests": True,
        "accepts_applications": True,
        "accepts_coe": True,
        "sort_order": sort_order,
        **extra,
    }


def _district(
    code: str,
    parent: str,
    name_ja: str,
    name_en: str,
    sort_order: int,
    *,
    airport: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "code": code,
        "kind": "district",
        "parent": parent,
        "name_ja": name_ja,
        "name_en": f"{name_en} District Immigration Services Office",
        "postal_code": "",
        "address_ja": "",
        "phone": "",
        "contact_verified": False,
        "is_port": airport,
        # Airport district offices do immigration inspection; they take neither
        # requests for use nor residence applications (PRODUCT §2.1).
        "accepts_use_requests": not airport,
        "accepts_applications": not airport,
        "accepts_coe": not airport,
        "jurisdiction": [],
        "sort_order": sort_order,
        **extra,
    }


# ``parent`` and ``jurisdiction`` hold office codes and prefecture codes.
# Every prefecture is in exactly one office's jurisdiction (a test checks it).
OFFICES: list[dict[str, Any]] = [
    _bureau(
        "SPR",
        "札幌",
        "Sapporo",
        10,
        postal_code="060-0042",
        address_ja="北海道札幌市中央区大通西12丁目",
        jurisdiction=[1],
    ),
    _bureau(
        "SND",
        "仙台",
        "Sendai",
        20,
        postal_code="983-0842",
        address_ja="宮城県仙台市宮城野区五輪1-3-20",
        jurisdiction=[2, 3, 4, 5, 6, 7],
    ),
    _bureau(
        "TKY", "東京", "Tokyo", 30, jurisdiction=[8, 9, 10, 11, 12, 13, 15, 19, 20]
    ),
    _district(
        "NRT",
        "TKY",
        "東京出入国在留管理局成田空港支局",
        "Narita Airport",
        31,
        airport=True,
    ),
    _district(
        "HND",
        "TKY",
        "東京出入国在留管理局羽田空港支局",
        "Haneda Airport",
        32,
        airport=True,
    ),
    _district(
        "YKH", "TKY", "東京出入国在留管理局横浜支局", "Yokohama", 33, jurisdiction=[14]
    ),
    _bureau("NGY", "名古屋", "Nagoya", 40, jurisdiction=[16, 17, 18, 21, 22, 23, 24]),
    _district(
        "NGO",
        "NGY",
        "名古屋出入国在留管理局中部空港支局",
        "Chubu Airport",
        41,
        airport=True,
    ),
    _bureau("OSK", "大阪", "Osaka", 50, jurisdiction=[25, 26, 27, 29, 30]),
    _district(
        "KIX",
        "OSK",
        "大阪出入国在留管理局関西空港支局",
        "Kansai Airport",
        51,
        airport=True,
    ),
    _district(
        "KOB", "OSK", "大阪出入国在留管理局神戸支局", "Kobe", 52, jurisdiction=[28]
    ),
    _bureau(
        "HRS",
        "広島",
        "Hiroshima",
        60,
        address_ja="広島県広島市中区上八丁堀2-31",
        jurisdiction=[31, 32, 33, 34, 35],
    ),
    # Takamatsu's jurisdiction is the four Shikoku prefectures (domain-facts
    # §5.5 marks it unverified, open question 9).
    _bureau("TKM", "高松", "Takamatsu", 70, jurisdiction=[36, 37, 38, 39]),
    _bureau("FKO", "福岡", "Fukuoka", 80, jurisdiction=[40, 41, 42, 43, 44, 45, 46]),
    _district(
        "NAH", "FKO", "福岡出入国在留管理局那覇支局", "Naha", 81, jurisdiction=[47]
    ),
]
for _office in OFFICES:
    _office.update(CONTACTS.get(_office["code"], {}))
# The branch offices (出張所): no prefecture jurisdiction of their own.
OFFICES += BRANCH_OFFICES


def load_prefectures(apps: Registry) -> int:
    """Make the 47 prefectures match PREFECTURES; returns the rows written."""
    Prefecture = apps.get_model("accounts", "Prefecture")
    return sync_rows(Prefecture, ["code"], PREFECTURES)


def load_offices(apps: Registry) -> int:
    """Make the prefectures and the listed offices (fields, bureau, jurisdiction)
    match this module; returns the rows written (0 when already in step).

    Idempotent and cheap on a second run: a few reads, writes only for
    differences.  Offices not listed here (e.g. branches added in the admin)
    are left alone; admin edits to a listed office's seeded fields are put back.
    """
    written = load_prefectures(apps)
    Office = apps.get_model("accounts", "Office")

    def fields(row: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in row.items() if k not in ("parent", "jurisdiction")}

    # Bureaus first, then every office whose parent exists (district offices,
    # then the branches under them; one round when everything exists).
    written += sync_rows(
        Office, ["code"], [fields(r) for r in OFFICES if not r["parent"]]
    )
    pending = [r for r in OFFICES if r["parent"]]
    while pending:
        parent_pk = dict(Office.objects.values_list("code", "pk"))
        ready = [r for r in pending if r["parent"] in parent_pk]
        if not ready:
            raise ValueError(f"unknown parent office in {pending[0]['code']!r}")
        written += sync_rows(
            Office,
            ["code"],
            [{**fields(r), "parent_id": parent_pk[r["parent"]]} for r in ready],
        )
        pending = [r for r in pending if r["parent"] not in parent_pk]

    office_pk = dict(
        Office.objects.filter(code__in=[r["code"] for r in OFFICES]).values_list(
            "code", "pk"
        )
    )
    have: dict[int, set[int]] = {pk: set() for pk in office_pk.values()}
    links = Office.jurisdiction.through.objects.filter(office_id__in=office_pk.values())
    for office_id, prefecture_id in links.values_list("office_id", "prefecture_id"):
        have[office_id].add(prefecture_id)
    for row in OFFICES:
        pk = office_pk[row["code"]]
        if have[pk] != set(row["jurisdiction"]):
            Office.objects.get(pk=pk).jurisdiction.set(row["jurisdiction"])
            written += 1
    return written
