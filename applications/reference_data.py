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


# --- Document slots (domain-facts §6.3, §2.3, §2.6, §5.4) -------------------------
#
# Keyed by (application type, status of residence, organisation category);
# None is a wildcard and the most specific row per slot code wins
# (``selectors.document_slots_for``).  The official checklists change often and
# several lists here are not verified against ISA's pages (domain-facts marks
# them U): they are data, to be kept up to date in the admin.

_IN_JAPAN = ("change", "extension", "authorized_employment")
_WORK_NEW = ("coe", "change")  # "COE and change": the full work set
EHI = "engineer_humanities_international"


def _slot(
    code: str,
    name_ja: str,
    name_en: str,
    *,
    type_code: str | None = None,
    status: str | None = None,
    category: int | None = None,
    required: bool = True,
    photo: bool = False,
    hint_ja: str = "",
    hint_en: str = "",
    order: int = 500,
) -> dict[str, Any]:
    return {
        "code": code,
        "application_type": type_code,
        "status": status,
        "org_category": category,
        "name_ja": name_ja,
        "name_en": name_en,
        "hint_ja": hint_ja,
        "hint_en": hint_en,
        "required": required,
        "photo": photo,
        "sort_order": order,
    }


def _document_slots() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        # The generic default: every application.
        _slot(
            "photo",
            "写真（縦4cm×横3cm）",
            "Photograph (4 cm high × 3 cm wide)",
            photo=True,
            order=10,
            hint_ja="申請人のみ、正面、無帽、無背景で、申請前6か月以内に撮影したもの。"
            "JPEG又はPNG。",
            hint_en="The applicant alone, facing the camera, no hat, plain "
            "background, taken within the last 6 months. JPEG or PNG.",
        ),
        _slot(
            "passport",
            "旅券の写し",
            "Copy of the passport",
            required=False,
            order=20,
            hint_ja="身分事項のページ。",
            hint_en="The page with the personal details.",
        ),
        _slot(
            "other",
            "その他の資料",
            "Other supporting documents",
            required=False,
            order=900,
            hint_ja="上記以外に提出する資料があれば。",
            hint_en="Anything else you want to send with the application.",
        ),
        # Acquisition: proof of the event (domain-facts §2.3).
        _slot(
            "acquisition_event",
            "取得事由を証する文書",
            "Proof of the event (birth, loss of Japanese nationality …)",
            type_code="acquisition",
            order=40,
            hint_ja="出生届受理証明書、除籍謄本、国籍喪失届受理証明書など。",
            hint_en="For example the certificate of acceptance of the birth "
            "notification, or of the loss of Japanese nationality.",
        ),
        # Certificate of authorised employment at a job change (§2.6).
        _slot(
            "employment_contract",
            "新しい勤務先との契約書の写し",
            "Copy of the contract with the new employer",
            type_code="authorized_employment",
            order=300,
            hint_ja="活動内容、期間、地位及び報酬が記載されたもの。",
            hint_en="Showing the activity, period, position and pay.",
        ),
        _slot(
            "previous_employment",
            "前職の源泉徴収票及び退職証明書",
            "Withholding slip and certificate of leaving from the previous employer",
            type_code="authorized_employment",
            required=False,
            order=310,
        ),
    ]
    for type_code in _IN_JAPAN:
        rows += [
            _slot(
                "passport",
                "旅券の写し",
                "Copy of the passport",
                type_code=type_code,
                order=20,
                hint_ja="身分事項のページ。",
                hint_en="The page with the personal details.",
            ),
            _slot(
                "residence_card",
                "在留カードの写し（表面・裏面）",
                "Copy of the residence card (both sides)",
                type_code=type_code,
                order=30,
            ),
        ]

    # Engineer/Specialist in Humanities/International Services (§6.3, §5.7).
    proofs = {
        1: (
            "所属機関がカテゴリー1に該当することを証する文書",
            "Proof that the organisation is in category 1",
            "四季報の写し、上場を証明する文書、設立の許可を証明する文書など。",
            "For example a copy of the Japan Company Handbook page, proof of "
            "listing on a stock exchange, or the approval of establishment.",
        ),
        2: (
            "前年分の給与所得の源泉徴収票等の法定調書合計表（受付印のあるものの写し）",
            "Last year's summary of legal records on employment income "
            "(copy with the tax office's receipt stamp)",
            "電子申告の場合は受信通知。利用申出の承認を受けた機関はその承認を証する文書でも可。",
            "For e-filing, the receipt notice. An organisation whose request for "
            "use was approved may send proof of the approval instead.",
        ),
        3: (
            "前年分の給与所得の源泉徴収票等の法定調書合計表（受付印のあるものの写し）",
            "Last year's summary of legal records on employment income "
            "(copy with the tax office's receipt stamp)",
            "電子申告の場合は受信通知。",
            "For e-filing, the receipt notice.",
        ),
        4: (
            "法定調書合計表を提出できない理由を明らかにする文書",
            "Why the summary of legal records cannot be submitted",
            "源泉徴収の免除を受ける機関の場合は免除を証する文書、それ以外は給与支払事務所等の"
            "開設届出書の写し及び直近3か月分の給与所得・退職所得等の所得税徴収高計算書など。",
            "For example the certificate of exemption from withholding, or the "
            "notice of opening a salary payment office with the last 3 months' "
            "withholding tax payment slips.",
        ),
    }
    for category, (name_ja, name_en, hint_ja, hint_en) in proofs.items():
        rows.append(
            _slot(
                "category_proof",
                name_ja,
                name_en,
                status=EHI,
                category=category,
                order=100,
                hint_ja=hint_ja,
                hint_en=hint_en,
            )
        )
    for category in (1, 2):
        for type_code in _WORK_NEW:
            rows.append(
                _slot(
                    "diploma",
                    "専門士・高度専門士の称号を証する文書",
                    "Certificate of the title of specialist or advanced specialist",
                    type_code=type_code,
                    status=EHI,
                    category=category,
                    required=False,
                    order=120,
                    hint_ja="専門学校を卒業し、専門士又は高度専門士の称号を付与された場合のみ。",
                    hint_en="Only for graduates of a specialised training college with "
                    "this title.",
                )
            )
    for category in (3, 4):
        for type_code in _WORK_NEW:
            rows += [
                _slot(
                    "labour_contract",
                    "労働契約書又は労働条件通知書の写し",
                    "Copy of the labour contract or notice of working conditions",
                    type_code=type_code,
                    status=EHI,
                    category=category,
                    order=110,
                    hint_ja="活動内容、期間、地位及び報酬が記載されたもの（労働基準法第15条）。",
                    hint_en="Showing the activity, period, position and pay "
                    "(Labour Standards Act, Art. 15).",
                ),
                _slot(
                    "cv_diploma",
                    "履歴書及び学歴・職歴を証する文書",
                    "CV and proof of education or professional experience",
                    type_code=type_code,
                    status=EHI,
                    category=category,
                    order=120,
                    hint_ja="卒業証明書、学位記の写し、又は10年（翻訳・通訳・語学指導は3年）"
                    "以上の実務経験を証する文書。",
                    hint_en="A diploma or degree certificate, or proof of 10 years' "
                    "experience (3 years for translation, interpretation "
                    "or language teaching).",
                ),
                _slot(
                    "employer_registry",
                    "勤務先の登記事項証明書",
                    "Certificate of registered matters of the employer",
                    type_code=type_code,
                    status=EHI,
                    category=category,
                    order=130,
                ),
                _slot(
                    "business_description",
                    "勤務先の事業内容を明らかにする資料",
                    "Description of the employer's business",
                    type_code=type_code,
                    status=EHI,
                    category=category,
                    order=140,
                    hint_ja="会社案内、ホームページの写しなど。",
                    hint_en="For example a company brochure or a printout of its "
                    "website.",
                ),
                _slot(
                    "financial_statements",
                    "直近年度の決算文書の写し",
                    "Copy of the latest financial statements",
                    type_code=type_code,
                    status=EHI,
                    category=category,
                    order=150,
                    hint_ja="新規事業の場合は事業計画書。",
                    hint_en="For a new business, the business plan.",
                ),
            ]
        rows += [
            _slot(
                "tax_certificates",
                "住民税の課税（又は非課税）証明書及び納税証明書",
                "Resident tax certificates of taxation and of payment",
                type_code="extension",
                status=EHI,
                category=category,
                order=110,
                hint_ja="1年間の総所得及び納税状況が記載されたもの。どちらも記載された"
                "証明書1通で足ります。",
                hint_en="Showing a year's income and the tax paid; one certificate "
                "showing both is enough.",
            ),
            _slot(
                "labour_contract",
                "労働契約書又は労働条件通知書の写し",
                "Copy of the labour contract or notice of working conditions",
                type_code="extension",
                status=EHI,
                category=category,
                required=False,
                order=120,
                hint_ja="契約内容に変更があった場合のみ。",
                hint_en="Only if the terms have changed.",
            ),
        ]

    # Student (留学).
    rows += [
        _slot(
            "admission_certificate",
            "入学許可書の写し",
            "Copy of the letter of admission",
            type_code="coe",
            status="student",
            order=110,
        ),
        _slot(
            "admission_certificate",
            "入学許可書の写し",
            "Copy of the letter of admission",
            type_code="change",
            status="student",
            order=110,
        ),
        _slot(
            "financial_support",
            "経費支弁能力を証する文書",
            "Proof of the means to pay for the stay",
            status="student",
            order=130,
            hint_ja="本人名義の預金残高証明書、奨学金給付証明書、経費支弁者の"
            "預金残高証明書など。",
            hint_en="For example a bank balance certificate, a scholarship "
            "certificate or the sponsor's bank balance certificate.",
        ),
        _slot(
            "enrolment_certificate",
            "在学証明書",
            "Certificate of enrolment",
            type_code="extension",
            status="student",
            order=110,
        ),
        _slot(
            "transcript",
            "成績証明書及び出席証明書",
            "Academic transcript and attendance record",
            type_code="extension",
            status="student",
            order=120,
        ),
    ]
    # Dependent (家族滞在).
    rows += [
        _slot(
            "relationship_proof",
            "扶養者との身分関係を証する文書",
            "Proof of the relationship with the supporting person",
            status="dependent",
            order=110,
            hint_ja="戸籍謄本、婚姻証明書、出生証明書など。",
            hint_en="For example a family register, marriage certificate or "
            "birth certificate.",
        ),
        _slot(
            "supporter_card",
            "扶養者の在留カード又は旅券の写し",
            "Copy of the supporting person's residence card or passport",
            status="dependent",
            order=120,
        ),
        _slot(
            "supporter_employment",
            "扶養者の在職証明書又は営業許可書の写し",
            "Supporting person's certificate of employment or business licence",
            status="dependent",
            order=130,
        ),
        _slot(
            "supporter_income",
            "扶養者の住民税の課税（又は非課税）証明書及び納税証明書",
            "Supporting person's resident tax certificates of taxation and payment",
            status="dependent",
            order=140,
        ),
    ]
    # Specified Skilled Worker (特定技能).
    ssw = "specified_skilled_worker"
    for type_code in _WORK_NEW:
        rows += [
            _slot(
                "ssw_contract",
                "特定技能雇用契約書の写し",
                "Copy of the specified skilled worker employment contract",
                type_code=type_code,
                status=ssw,
                order=110,
            ),
            _slot(
                "ssw_tests",
                "技能試験及び日本語試験の合格証明書の写し",
                "Certificates of passing the skills test and the Japanese test",
                type_code=type_code,
                status=ssw,
                order=120,
                hint_ja="技能実習2号を良好に修了した者はその証明書。",
                hint_en="Or proof of completing Technical Intern Training (ii) "
                "in good standing.",
            ),
            _slot(
                "ssw_support_plan",
                "1号特定技能外国人支援計画書",
                "Support plan for the Specified Skilled Worker (i)",
                type_code=type_code,
                status=ssw,
                order=130,
            ),
        ]
    rows += [
        _slot(
            "health_certificate",
            "健康診断個人票",
            "Medical examination record",
            status=ssw,
            order=140,
        ),
        _slot(
            "ssw_public_dues",
            "住民税・国民健康保険・国民年金の納付を証する文書",
            "Proof of payment of resident tax, health insurance and pension",
            type_code="extension",
            status=ssw,
            order=150,
        ),
    ]
    return rows


DOCUMENT_SLOTS: list[dict[str, Any]] = _document_slots()


def load_document_slots(apps: Registry) -> int:
    """Make the document slots match DOCUMENT_SLOTS (needs the application
    types and statuses).  Kept out of ``load_reference_data`` because the
    model is younger than that loader's migration; the data migration
    ``0004_document_slots`` calls it."""
    ApplicationType = apps.get_model("applications", "ApplicationType")
    StatusOfResidence = apps.get_model("applications", "StatusOfResidence")
    DocumentSlot = apps.get_model("applications", "DocumentSlot")
    type_pk = dict(ApplicationType.objects.values_list("code", "pk"))
    status_pk = dict(StatusOfResidence.objects.values_list("code", "pk"))
    rows = [
        {
            **{
                k: v for k, v in slot.items() if k not in ("application_type", "status")
            },
            "application_type_id": type_pk[slot["application_type"]]
            if slot["application_type"]
            else None,
            "status_id": status_pk[slot["status"]] if slot["status"] else None,
        }
        for slot in DOCUMENT_SLOTS
    ]
    return sync_rows(
        DocumentSlot, ["code", "application_type_id", "status_id", "org_category"], rows
    )


def status_names_for_rosters() -> list[tuple[str, str, str]]:
    """(Japanese name, English name, code) of every status of residence, the
    list a roster's "status of residence" must come from (one query)."""
    from applications.models import StatusOfResidence

    return list(StatusOfResidence.objects.values_list("name_ja", "name_en", "code"))
