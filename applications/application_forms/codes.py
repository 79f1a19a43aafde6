"""Code lists the form items choose from, and the status groups ISA's forms
are split by.

Two kinds of list:

- *static* lists, defined here as data (sex, marital status, relationship,
  contract type, business type, organisation category …);
- *reference* lists that live in the database or a library and change without
  code: ``status_of_residence`` (``applications.StatusOfResidence``) and
  ``country`` (ISO 3166 alpha-2, the portal's one country list).  The engine
  never reads them itself: callers pass ``code_lists`` (``resolve_code_lists()``
  builds the full mapping once per request or import run).

``unverified=True`` marks a list whose codes could not be checked against the
published form (ISA's 業種一覧 / 職種一覧 numbering in particular): the
labels follow the form as closely as known, the codes are ours.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from applications.application_forms.schema import Code, CodeList


def _list(name: str, *rows: tuple[str, str, str], unverified: bool = False) -> CodeList:
    return CodeList(name, tuple(Code(*row) for row in rows), unverified=unverified)


SEX = _list("sex", ("M", "男", "Male"), ("F", "女", "Female"))
MARITAL_STATUS = _list(
    "marital_status", ("married", "有", "Married"), ("single", "無", "Single")
)
RELATIONSHIP = _list(
    "relationship",
    ("spouse", "配偶者", "Spouse"),
    ("child", "子", "Child"),
    ("father", "父", "Father"),
    ("mother", "母", "Mother"),
    ("sibling", "兄弟姉妹", "Brother or sister"),
    ("grandparent", "祖父母", "Grandparent"),
    ("uncle_aunt", "叔（伯）父・叔（伯）母", "Uncle or aunt"),
    ("other_relative", "その他の親族", "Other relative"),
    ("cohabitant", "同居者", "Person living with you"),
)
CONTRACT_TYPE = _list(
    "contract_type",
    ("employment", "雇用", "Employment"),
    ("mandate", "委任", "Entrustment"),
    ("service_contract", "請負", "Service contract"),
    ("other", "その他", "Other"),
)
ORGANISATION_CATEGORY = _list(
    "organisation_category",
    ("1", "カテゴリー1", "Category 1"),
    ("2", "カテゴリー2", "Category 2"),
    ("3", "カテゴリー3", "Category 3"),
    ("4", "カテゴリー4", "Category 4"),
)
# ISA's 業種一覧 (annex of the 所属機関等作成用 part) numbers the business types;
# the numbering was not verified, so the codes are ours.
BUSINESS_TYPE = _list(
    "business_type",
    ("manufacturing_food", "製造業（食料品）", "Manufacturing (food)"),
    ("manufacturing_textile", "製造業（繊維工業）", "Manufacturing (textiles)"),
    (
        "manufacturing_plastic",
        "製造業（プラスチック製品）",
        "Manufacturing (plastic products)",
    ),
    ("manufacturing_metal", "製造業（金属製品）", "Manufacturing (metal products)"),
    (
        "manufacturing_machinery",
        "製造業（生産用機械器具）",
        "Manufacturing (production machinery)",
    ),
    (
        "manufacturing_electrical",
        "製造業（電気機械器具）",
        "Manufacturing (electrical machinery)",
    ),
    (
        "manufacturing_transport",
        "製造業（輸送用機械器具）",
        "Manufacturing (transport equipment)",
    ),
    ("manufacturing_other", "製造業（その他）", "Manufacturing (other)"),
    ("agriculture", "農業", "Agriculture"),
    ("forestry", "林業", "Forestry"),
    ("fishery", "漁業", "Fishery"),
    ("mining", "鉱業・採石業・砂利採取業", "Mining and quarrying"),
    ("construction", "建設業", "Construction"),
    (
        "utilities",
        "電気・ガス・熱供給・水道業",
        "Electricity, gas, heat supply and water",
    ),
    ("communications", "情報通信業", "Information and communications"),
    ("transport", "運輸業・郵便業", "Transport and postal activities"),
    ("wholesale", "卸売業", "Wholesale trade"),
    ("retail", "小売業", "Retail trade"),
    ("finance", "金融業・保険業", "Finance and insurance"),
    ("real_estate", "不動産業・物品賃貸業", "Real estate and goods rental"),
    (
        "research",
        "学術研究・専門・技術サービス業",
        "Scientific research, professional and technical services",
    ),
    ("accommodation", "宿泊業", "Accommodation"),
    ("food_service", "飲食サービス業", "Food and drink services"),
    (
        "living_services",
        "生活関連サービス業・娯楽業",
        "Living-related and personal services, amusement",
    ),
    ("education", "教育・学習支援業", "Education and learning support"),
    ("medical_welfare", "医療・福祉", "Medical, health care and welfare"),
    ("compound_services", "複合サービス事業", "Compound services"),
    ("other_services", "その他のサービス業", "Other services"),
    ("other", "その他", "Other"),
    unverified=True,
)
JOB_TYPE = _list(
    "job_type",
    ("research", "研究", "Research"),
    ("engineering", "技術開発（情報処理分野以外）", "Engineering (other than IT)"),
    ("it", "技術開発（情報処理分野）", "Engineering (IT)"),
    ("design", "設計", "Design (engineering)"),
    ("production_management", "生産管理", "Production management"),
    ("translation", "翻訳・通訳", "Translation and interpretation"),
    ("language_teaching", "語学教師", "Language teaching"),
    ("sales", "販売・営業", "Sales"),
    ("overseas_business", "海外業務", "Overseas business"),
    ("accounting", "会計業務", "Accounting"),
    ("legal", "法律関係業務", "Legal work"),
    ("clerical", "一般事務", "General office work"),
    ("pr", "広報・宣伝", "Public relations and advertising"),
    ("planning", "企画事務", "Planning"),
    ("management", "管理業務（経営者を除く）", "Management (other than executives)"),
    ("executive", "経営", "Executive management"),
    ("cooking", "調理", "Cooking"),
    ("care", "介護", "Nursing care"),
    ("other", "その他", "Other"),
    unverified=True,
)
SALARY_BASIS = _list(
    "salary_basis", ("monthly", "月額", "Monthly"), ("annual", "年額", "Annual")
)
EMPLOYMENT_TERM = _list(
    "employment_term",
    ("fixed", "定めあり", "Fixed term"),
    ("indefinite", "定めなし", "No fixed term"),
)
EDUCATION_PLACE = _list(
    "education_place",
    ("japan", "本邦", "Japan"),
    ("home", "本国", "Home country"),
    ("other", "外国", "Other country"),
)
EDUCATION_LEVEL = _list(
    "education_level",
    ("doctor", "大学院（博士）", "Doctor"),
    ("master", "大学院（修士）", "Master"),
    ("professional_degree", "大学院（専門職）", "Professional degree"),
    ("bachelor", "大学", "Bachelor"),
    ("junior_college", "短期大学", "Junior college"),
    ("vocational", "専門学校", "College of technology / vocational school"),
    ("high_school", "高等学校", "Senior high school"),
    ("junior_high", "中学校", "Junior high school"),
    ("other", "その他", "Others"),
)
SCHOOL_TYPE = _list(
    "school_type",
    ("graduate_school", "大学院", "Graduate school"),
    ("university", "大学", "University"),
    ("junior_college", "短期大学", "Junior college"),
    ("technical_college", "高等専門学校", "College of technology"),
    ("vocational", "専修学校（専門課程）", "Vocational school"),
    ("japanese_language", "日本語教育機関", "Japanese language institute"),
    ("high_school", "高等学校", "Senior high school"),
    ("junior_high", "中学校", "Junior high school"),
    ("elementary", "小学校", "Elementary school"),
    ("other", "その他", "Other"),
    unverified=True,
)
FUNDING_METHOD = _list(
    "funding_method",
    ("self", "本人負担", "Self"),
    ("sponsor_abroad", "在外経費支弁者負担", "Supporter living abroad"),
    ("sponsor_in_japan", "在日経費支弁者負担", "Supporter in Japan"),
    ("scholarship", "奨学金", "Scholarship"),
    ("other", "その他", "Others"),
    unverified=True,
)
DEPENDENT_RELATIONSHIP = _list(
    "dependent_relationship",
    ("spouse", "配偶者", "Spouse"),
    ("child", "子", "Child"),
    ("other", "その他", "Others"),
)
SPOUSE_RELATIONSHIP = _list(
    "spouse_relationship",
    ("spouse", "配偶者", "Spouse"),
    ("biological_child", "実子", "Biological child"),
    (
        "special_adopted_child",
        "特別養子",
        "Child adopted under the special adoption system",
    ),
    ("nikkei", "日系人", "Person of Japanese descent"),
    ("other", "その他", "Others"),
    unverified=True,
)
SSW_FIELD = _list(
    "ssw_field",
    ("nursing_care", "介護", "Nursing care"),
    ("building_cleaning", "ビルクリーニング", "Building cleaning management"),
    ("industrial_products", "工業製品製造業", "Industrial product manufacturing"),
    ("construction", "建設", "Construction"),
    ("shipbuilding", "造船・舶用工業", "Shipbuilding and ship machinery"),
    ("automobile_repair", "自動車整備", "Automobile repair and maintenance"),
    ("aviation", "航空", "Aviation"),
    ("accommodation", "宿泊", "Accommodation"),
    ("automobile_transport", "自動車運送業", "Automobile transportation"),
    ("railway", "鉄道", "Railway"),
    ("agriculture", "農業", "Agriculture"),
    ("fishery", "漁業", "Fishery and aquaculture"),
    ("food_manufacturing", "飲食料品製造業", "Food and beverage manufacturing"),
    ("food_service", "外食業", "Food service"),
    ("forestry", "林業", "Forestry"),
    ("wood_industry", "木材産業", "Wood industry"),
)
HSP_CATEGORY = _list(
    "hsp_category",
    ("i_a", "高度専門職1号イ", "Highly Skilled Professional (i)(a)"),
    ("i_b", "高度専門職1号ロ", "Highly Skilled Professional (i)(b)"),
    ("i_c", "高度専門職1号ハ", "Highly Skilled Professional (i)(c)"),
    ("ii", "高度専門職2号", "Highly Skilled Professional (ii)"),
)
TITP_CATEGORY = _list(
    "titp_category",
    ("i_a", "技能実習1号イ", "Technical Intern Training (i)(a)"),
    ("i_b", "技能実習1号ロ", "Technical Intern Training (i)(b)"),
    ("ii_a", "技能実習2号イ", "Technical Intern Training (ii)(a)"),
    ("ii_b", "技能実習2号ロ", "Technical Intern Training (ii)(b)"),
    ("iii_a", "技能実習3号イ", "Technical Intern Training (iii)(a)"),
    ("iii_b", "技能実習3号ロ", "Technical Intern Training (iii)(b)"),
)
# The designated-activities notices the online system takes (domain-facts §1.1;
# the sub-category codes of applications.reference_data).
DESIGNATED_NOTICE = _list(
    "designated_notice",
    ("notice_9", "告示9号（インターンシップ）", "Notice No. 9: Internship"),
    (
        "notice_15",
        "告示15号（国際文化交流）",
        "Notice No. 15: International cultural exchange",
    ),
    (
        "epa",
        "告示16〜24号・27〜31号（EPA看護師・介護福祉士等）",
        "EPA nurses and care workers",
    ),
    (
        "hsp_family",
        "告示33号・33号の2・34号（高度専門職外国人の家族等）",
        "Family of a Highly Skilled Professional",
    ),
    (
        "notice_46",
        "告示46号（本邦大学卒業者）",
        "Notice No. 46: Graduates of Japanese universities",
    ),
    (
        "notice_47",
        "告示47号（告示46号の者の配偶者等）",
        "Notice No. 47: Family of a Notice No. 46 person",
    ),
    ("other", "その他", "Other"),
)
ACQUISITION_REASON = _list(
    "acquisition_reason",
    ("birth", "出生", "Birth"),
    (
        "loss_of_nationality",
        "日本国籍の離脱・喪失",
        "Renunciation or loss of Japanese nationality",
    ),
    ("other", "その他", "Others"),
)
REENTRY_KIND = _list(
    "reentry_kind", ("single", "一回限り", "Single"), ("multiple", "数次", "Multiple")
)
OTHER_ACTIVITY_KIND = _list(
    "other_activity_kind",
    ("comprehensive", "包括許可", "Comprehensive permission"),
    ("individual", "個別許可", "Individual permission"),
)
RECEIPT_METHOD = _list(
    "coe_receipt_method",
    ("email", "電子メール", "By email (electronic COE)"),
    ("post", "郵送", "By post (paper)"),
    unverified=True,
)

STATIC_CODE_LISTS: dict[str, CodeList] = {
    code_list.name: code_list
    for code_list in (
        SEX,
        MARITAL_STATUS,
        RELATIONSHIP,
        CONTRACT_TYPE,
        ORGANISATION_CATEGORY,
        BUSINESS_TYPE,
        JOB_TYPE,
        SALARY_BASIS,
        EMPLOYMENT_TERM,
        EDUCATION_PLACE,
        EDUCATION_LEVEL,
        SCHOOL_TYPE,
        FUNDING_METHOD,
        DEPENDENT_RELATIONSHIP,
        SPOUSE_RELATIONSHIP,
        SSW_FIELD,
        HSP_CATEGORY,
        TITP_CATEGORY,
        DESIGNATED_NOTICE,
        ACQUISITION_REASON,
        REENTRY_KIND,
        OTHER_ACTIVITY_KIND,
        RECEIPT_METHOD,
    )
}

# Lists held as reference data elsewhere; their codes come from
# ``resolve_code_lists``.
REFERENCE_CODE_LISTS = ("status_of_residence", "country")
ALL_CODE_LIST_NAMES = frozenset(STATIC_CODE_LISTS) | frozenset(REFERENCE_CODE_LISTS)


def static_code_lists() -> dict[str, frozenset[str]]:
    return {name: code_list.values() for name, code_list in STATIC_CODE_LISTS.items()}


def resolve_code_lists() -> dict[str, frozenset[str]]:
    """Every code list's codes, the reference ones read once (one query for
    the statuses).  Pass the result to ``engine.validate`` for a whole batch."""
    from applications.models import StatusOfResidence
    from portal.lib.countries import country_choices

    lists: dict[str, Collection[str]] = dict(static_code_lists())
    lists["status_of_residence"] = frozenset(
        StatusOfResidence.objects.values_list("code", flat=True)
    )
    lists["country"] = frozenset(
        code for code, _name in country_choices("en", include_japan=True)
    )
    return {name: frozenset(codes) for name, codes in lists.items()}


def code_label(name: str, code: str, language: str) -> str:
    """The label of a static code; the code itself for reference lists (their
    labels come from the database or the country list)."""
    code_list = STATIC_CODE_LISTS.get(name)
    if code_list is not None:
        for entry in code_list.codes:
            if entry.code == code:
                return entry.label(language)
    return code


# --- Status groups -------------------------------------------------------------------
# ISA publishes one form per application type and *group* of statuses (the
# letter after 申請人等作成用2, e.g. "N").  The keys are ours; ``letter`` is
# ISA's where known (unverified: the letters were not checked against the
# current forms, except "T" which the 2026 batch template names, domain-facts
# §4.5).

STATUS_GROUPS: dict[str, dict[str, object]] = {
    "official": {
        "statuses": ("official",),
        "letter": "",
        "has_organisation_part": False,
    },
    "professor_artist_religious_journalist": {
        "statuses": ("professor", "artist", "religious_activities", "journalist"),
        "letter": "",
        "has_organisation_part": True,
    },
    "highly_skilled_professional": {
        "statuses": ("highly_skilled_professional",),
        "letter": "",
        "has_organisation_part": True,
    },
    "business_manager": {
        "statuses": ("business_manager",),
        "letter": "",
        "has_organisation_part": True,
    },
    # 技術・人文知識・国際業務 and the statuses sharing its form.
    "work_general": {
        "statuses": (
            "engineer_humanities_international",
            "intra_company_transferee",
            "skilled_labor",
            "nursing_care",
            "researcher",
            "instructor",
            "legal_accounting_services",
            "medical_services",
        ),
        "letter": "N",
        "has_organisation_part": True,
    },
    "entertainer": {
        "statuses": ("entertainer",),
        "letter": "",
        "has_organisation_part": True,
    },
    "specified_skilled_worker": {
        "statuses": ("specified_skilled_worker",),
        "letter": "",
        "has_organisation_part": True,
    },
    "technical_intern_training": {
        "statuses": ("technical_intern_training",),
        "letter": "",
        "has_organisation_part": True,
    },
    "employment_for_skill_development": {
        "statuses": ("employment_for_skill_development",),
        "letter": "",
        "has_organisation_part": True,
    },
    "cultural_trainee": {
        "statuses": ("cultural_activities", "trainee"),
        "letter": "",
        "has_organisation_part": False,
    },
    "student": {"statuses": ("student",), "letter": "", "has_organisation_part": True},
    "dependent": {
        "statuses": ("dependent",),
        "letter": "",
        "has_organisation_part": False,
    },
    "designated_activities": {
        "statuses": ("designated_activities",),
        "letter": "",
        "has_organisation_part": False,
    },
    "spouse_long_term": {
        "statuses": (
            "spouse_of_japanese",
            "spouse_of_permanent_resident",
            "long_term_resident",
        ),
        "letter": "T",
        "has_organisation_part": False,
    },
}

STATUS_TO_GROUP: dict[str, str] = {
    status: group
    for group, spec in STATUS_GROUPS.items()
    for status in spec["statuses"]  # type: ignore[attr-defined]
}


def status_group(status_code: str | None) -> str:
    """The form group of a status of residence ("" when it has none, e.g. a
    status that cannot be filed online)."""
    return STATUS_TO_GROUP.get(status_code or "", "")


def known_code_lists(
    code_lists: Mapping[str, Collection[str]] | None,
) -> Mapping[str, Collection[str]]:
    return static_code_lists() if code_lists is None else code_lists
