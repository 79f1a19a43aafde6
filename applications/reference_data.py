"""The application types, the status-of-residence catalogue and the dated fee
table as data, and the loaders that sync them into the database.

The loaders take a model registry (``apps``) so that a data migration can pass
its historical models and tests and commands can pass ``django.apps.apps``.
They create missing rows and put back the listed values of existing rows;
rows added in the admin are kept.  Sources: domain-facts §1.1, §1.2, §2, §3.1
and PRODUCT §2.2.  Periods use the grammar of ``applications.periods``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from accounts.reference_data import Registry, sync_rows

APPLICATION_TYPES: list[dict[str, Any]] = [
    {
        "code": "coe",
        "number": 1,
        "name_ja": "在留資格認定証明書交付申請",
        "name_en": "Certificate of Eligibility",
        "is_companion": False,
        "takes_companions": False,
        "in_japan": False,
        "residence_card_required": False,
    },
    {
        "code": "change",
        "number": 2,
        "name_ja": "在留資格変更許可申請",
        "name_en": "Change of Status of Residence",
        "is_companion": False,
        "takes_companions": True,
        "in_japan": True,
        "residence_card_required": True,
    },
    {
        "code": "extension",
        "number": 3,
        "name_ja": "在留期間更新許可申請",
        "name_en": "Extension of Period of Stay",
        "is_companion": False,
        "takes_companions": True,
        "in_japan": True,
        "residence_card_required": True,
    },
    {
        "code": "acquisition",
        "number": 4,
        "name_ja": "在留資格取得許可申請",
        "name_en": "Permission to Acquire Status of Residence",
        "is_companion": False,
        "takes_companions": True,
        "in_japan": True,
        # Born in Japan / lost Japanese nationality: no residence card yet.
        "residence_card_required": False,
    },
    {
        "code": "authorized_employment",
        "number": 5,
        "name_ja": "就労資格証明書交付申請",
        "name_en": "Certificate of Authorized Employment",
        "is_companion": False,
        "takes_companions": False,
        "in_japan": True,
        "residence_card_required": True,
    },
    {
        "code": "reentry",
        "number": 6,
        "name_ja": "再入国許可申請",
        "name_en": "Re-entry Permit",
        "is_companion": True,
        "takes_companions": False,
        "in_japan": True,
        "residence_card_required": True,
    },
    {
        "code": "other_activity",
        "number": 7,
        "name_ja": "資格外活動許可申請",
        "name_en": "Permission to Engage in Activity Other Than That Permitted",
        "is_companion": True,
        "takes_companions": False,
        "in_japan": True,
        "residence_card_required": True,
    },
]
for _row in APPLICATION_TYPES:
    _row["sort_order"] = _row["number"] * 10

_STANDARD = ["5y", "3y", "1y", "3m"]
_TABLE2 = ["5y", "3y", "1y", "6m"]


def _status(
    code: str,
    group: str,
    name_ja: str,
    name_en: str,
    periods: list[str],
    *,
    online: bool = True,
    note: str = "",
    available_from: date | None = None,
) -> dict[str, Any]:
    table = "II" if group == "II" else "I"
    return {
        "code": code,
        "table": table,
        "group": group,
        "name_ja": name_ja,
        "name_en": name_en,
        "online_eligible": online,
        "activity_restricted": table == "I",
        "periods": periods,
        "available_from": available_from,
        "note": note,
    }


# Online eligibility: Table I except Diplomat and Temporary Visitor (and the
# Designated Activities sub-category "preparation for departure"); Table II
# except Permanent Resident (PRODUCT §2.2, domain-facts §1.3).
STATUSES: list[dict[str, Any]] = [
    # Table I-1
    _status("diplomat", "I-1", "外交", "Diplomat", ["activity"], online=False,
            note="Not online (excluded from the online scope)."),
    _status("official", "I-1", "公用", "Official",
            ["5y", "3y", "1y", "3m", "30d", "15d"]),
    _status("professor", "I-1", "教授", "Professor", _STANDARD),
    _status("artist", "I-1", "芸術", "Artist", _STANDARD),
    _status("religious_activities", "I-1", "宗教", "Religious Activities", _STANDARD),
    _status("journalist", "I-1", "報道", "Journalist", _STANDARD),
    # Table I-2
    _status("highly_skilled_professional", "I-2", "高度専門職",
            "Highly Skilled Professional", ["5y", "indefinite"]),
    _status("business_manager", "I-2", "経営・管理", "Business Manager",
            ["5y", "3y", "1y", "6m", "4m", "3m"]),
    _status("legal_accounting_services", "I-2", "法律・会計業務",
            "Legal/Accounting Services", _STANDARD),
    _status("medical_services", "I-2", "医療", "Medical Services", _STANDARD),
    _status("researcher", "I-2", "研究", "Researcher", _STANDARD),
    _status("instructor", "I-2", "教育", "Instructor", _STANDARD),
    _status("engineer_humanities_international", "I-2", "技術・人文知識・国際業務",
            "Engineer/Specialist in Humanities/International Services", _STANDARD,
            note="Online for organisations of categories 1–3 "
                 "(category 3 since 2020-04-23)."),
    _status("intra_company_transferee", "I-2", "企業内転勤", "Intra-company Transferee",
            _STANDARD),
    _status("nursing_care", "I-2", "介護", "Nursing Care", _STANDARD),
    _status("entertainer", "I-2", "興行", "Entertainer",
            ["3y", "1y", "6m", "3m", "30d"],
            note="30 days replaced 15 days on 2023-08-01."),
    _status("skilled_labor", "I-2", "技能", "Skilled Labor", _STANDARD),
    _status("specified_skilled_worker", "I-2", "特定技能", "Specified Skilled Worker",
            ["3y", "1y", "6m", "designated-3y"]),
    _status("technical_intern_training", "I-2", "技能実習", "Technical Intern Training",
            ["designated-2y", "designated-1y"],
            note="Total at most 5 years. Replaced by Employment for Skill Development "
                 "from 2027-04-01 (no new training plans after that date)."),
    _status("employment_for_skill_development", "I-2", "育成就労",
            "Employment for Skill Development", [], online=False,
            available_from=date(2027, 4, 1),
            note="In force from 2027-04-01 (replaces Technical Intern Training; "
                 "3 years in principle). Periods of stay and online scope not yet "
                 "published: fill them in before enabling online filing."),
    # Table I-3
    _status("cultural_activities", "I-3", "文化活動", "Cultural Activities",
            ["3y", "1y", "6m", "3m"]),
    _status("temporary_visitor", "I-3", "短期滞在", "Temporary Visitor",
            ["90d", "30d", "designated-15d"], online=False,
            note="Not online (excluded from the online scope)."),
    # Table I-4
    _status("student", "I-4", "留学", "Student",
            ["4y3m", "4y", "3y3m", "3y", "2y3m", "2y", "1y3m", "1y", "6m", "3m"]),
    _status("trainee", "I-4", "研修", "Trainee", ["1y", "6m", "3m"]),
    _status("dependent", "I-4", "家族滞在", "Dependent", ["designated-5y"],
            note="Online only if the supporting person's status is within "
                 "the online scope."),
    # Table I-5
    _status("designated_activities", "I-5", "特定活動", "Designated Activities",
            ["5y", "3y", "1y", "6m", "3m", "designated-5y"],
            note="Online only for the notices (告示) listed as sub-categories, some "
                 "with procedure limits (ISA online scope list, 2024-08)."),
    # Table II
    _status("permanent_resident", "II", "永住者", "Permanent Resident", ["indefinite"],
            online=False,
            note="No extension; the permanent residence application is not online."),
    _status("spouse_of_japanese", "II", "日本人の配偶者等",
            "Spouse or Child of Japanese National", _TABLE2),
    _status("spouse_of_permanent_resident", "II", "永住者の配偶者等",
            "Spouse or Child of Permanent Resident", _TABLE2),
    _status("long_term_resident", "II", "定住者", "Long-Term Resident",
            [*_TABLE2, "designated-5y"]),
]  # fmt: skip
for _number, _row in enumerate(STATUSES, start=1):
    _row["sort_order"] = _number * 10


def _sub(
    code: str,
    name_ja: str,
    name_en: str,
    periods: list[str] | None = None,
    *,
    online: bool = True,
    note: str = "",
) -> dict[str, Any]:
    return {
        "code": code,
        "name_ja": name_ja,
        "name_en": name_en,
        "online_eligible": online,
        "periods": periods,
        "note": note,
    }


_VIA_SUPERVISOR = "Online only through the supervising organisation (監理団体)."

# Keyed by status code; ``periods`` None means the status's periods apply.
SUBCATEGORIES: dict[str, list[dict[str, Any]]] = {
    "highly_skilled_professional": [
        _sub("i_a", "1号イ（高度学術研究活動）",
             "(i)(a) Advanced academic research activities", ["5y"]),
        _sub("i_b", "1号ロ（高度専門・技術活動）",
             "(i)(b) Advanced specialised/technical activities", ["5y"]),
        _sub("i_c", "1号ハ（高度経営・管理活動）",
             "(i)(c) Advanced business management activities", ["5y"]),
        _sub("ii", "2号", "(ii)", ["indefinite"],
             note="After at least 3 years in (i)."),
    ],
    "specified_skilled_worker": [
        _sub("i", "1号", "(i)", ["designated-3y"],
             note="Designated period of at most 3 years since 2025-09-30; total "
                  "at most 5 years (leave for childbirth, childcare or illness "
                  "excluded)."),
        _sub("ii", "2号", "(ii)", ["3y", "1y", "6m"], note="No total cap."),
    ],
    "technical_intern_training": [
        _sub("i_a", "1号イ（企業単独型）", "(i)(a) Company-sponsored",
             ["designated-1y"]),
        _sub("i_b", "1号ロ（団体監理型）", "(i)(b) Supervising-organisation type",
             ["designated-1y"], note=_VIA_SUPERVISOR),
        _sub("ii_a", "2号イ（企業単独型）", "(ii)(a) Company-sponsored",
             ["designated-2y"]),
        _sub("ii_b", "2号ロ（団体監理型）", "(ii)(b) Supervising-organisation type",
             ["designated-2y"], note=_VIA_SUPERVISOR),
        _sub("iii_a", "3号イ（企業単独型）", "(iii)(a) Company-sponsored",
             ["designated-2y"]),
        _sub("iii_b", "3号ロ（団体監理型）", "(iii)(b) Supervising-organisation type",
             ["designated-2y"], note=_VIA_SUPERVISOR),
    ],
    "designated_activities": [
        _sub("departure_preparation", "出国準備期間", "Preparation for departure",
             ["31d", "30d"], online=False,
             note="Not online; a re-application after a denial is paper only."),
        _sub("notice_9", "告示9号（インターンシップ）", "Notice No. 9: Internship"),
        _sub("notice_15", "告示15号（国際文化交流）",
             "Notice No. 15: International cultural exchange",
             note="Not for extension."),
        _sub("epa", "告示16〜24号・27〜31号（EPA看護師・介護福祉士等）",
             "Notices No. 16–24, 27–31: EPA nurses and care workers",
             note="Not for the certificate of eligibility."),
        _sub("hsp_family", "告示33号・33号の2・34号（高度専門職外国人の家族等）",
             "Notices No. 33, 33-2, 34: Family of highly skilled professionals"),
        _sub("notice_46", "告示46号（本邦大学卒業者）",
             "Notice No. 46: Graduates of Japanese universities"),
        _sub("notice_47", "告示47号（告示46号の者の配偶者等）",
             "Notice No. 47: Spouse or child of a Notice No. 46 holder"),
    ],
}  # fmt: skip

# The first date the fee table covers.  The pre-2025 amounts applied long
# before it; their historical start is not recorded here.
FEES_EARLIEST = date(1990, 1, 1)
FEES_2025 = date(2025, 4, 1)

# (type, variant): [(valid_from, online, counter), ...].  Free types have rows
# of 0, so that "free" is data and a missing row is an error.
_FEE_TABLE: dict[tuple[str, str], list[tuple[date, int, int]]] = {
    ("coe", ""): [(FEES_EARLIEST, 0, 0)],
    ("change", ""): [(FEES_EARLIEST, 4000, 4000), (FEES_2025, 5500, 6000)],
    ("extension", ""): [(FEES_EARLIEST, 4000, 4000), (FEES_2025, 5500, 6000)],
    ("acquisition", ""): [(FEES_EARLIEST, 0, 0)],
    ("authorized_employment", ""): [
        (FEES_EARLIEST, 1200, 1200),
        (FEES_2025, 1600, 2000),
    ],
    ("reentry", "single"): [(FEES_EARLIEST, 3000, 3000), (FEES_2025, 3500, 4000)],
    ("reentry", "multiple"): [(FEES_EARLIEST, 6000, 6000), (FEES_2025, 6500, 7000)],
    ("other_activity", ""): [(FEES_EARLIEST, 0, 0)],
}

FEES: list[dict[str, Any]] = [
    {
        "application_type": type_code,
        "variant": variant,
        "channel": channel,
        "valid_from": valid_from,
        "amount_yen": amount,
    }
    for (type_code, variant), rows in _FEE_TABLE.items()
    for valid_from, online, counter in rows
    for channel, amount in (("online", online), ("counter", counter))
]


def load_application_types(apps: Registry) -> int:
    """Make the seven application types match APPLICATION_TYPES."""
    ApplicationType = apps.get_model("applications", "ApplicationType")
    return sync_rows(ApplicationType, ["code"], APPLICATION_TYPES)


def load_statuses(apps: Registry) -> int:
    """Make the statuses of residence and their sub-categories match STATUSES
    and SUBCATEGORIES."""
    StatusOfResidence = apps.get_model("applications", "StatusOfResidence")
    StatusSubCategory = apps.get_model("applications", "StatusSubCategory")
    written = sync_rows(StatusOfResidence, ["code"], STATUSES)
    status_pk = dict(StatusOfResidence.objects.values_list("code", "pk"))
    rows = [
        {**sub, "status_id": status_pk[status_code], "sort_order": number * 10}
        for status_code, subs in SUBCATEGORIES.items()
        for number, sub in enumerate(subs, start=1)
    ]
    return written + sync_rows(StatusSubCategory, ["status_id", "code"], rows)


def load_fees(apps: Registry) -> int:
    """Make the fee table match FEES (needs the application types)."""
    ApplicationType = apps.get_model("applications", "ApplicationType")
    Fee = apps.get_model("applications", "Fee")
    type_pk = dict(ApplicationType.objects.values_list("code", "pk"))
    rows = [
        {**{k: v for k, v in fee.items() if k != "application_type"},
         "application_type_id": type_pk[fee["application_type"]]}
        for fee in FEES
    ]  # fmt: skip
    return sync_rows(
        Fee, ["application_type_id", "variant", "channel", "valid_from"], rows
    )


def load_reference_data(apps: Registry) -> int:
    """Load application types, statuses and fees; returns the rows written
    (0 when everything is already in step)."""
    return load_application_types(apps) + load_statuses(apps) + load_fees(apps)
