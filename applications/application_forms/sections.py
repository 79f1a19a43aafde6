"""The sections of ISA's application forms, written once and shared by the
editions (``editions.py``) that print them.

Sources: the published forms, read through ISA's PDF of 別記第三十号の二様式
(extension, 申請人等作成用1, bilingual labels: items 1–16 verified) and
secondary pages quoting the 在留資格認定証明書交付申請書 (申請人等作成用1 items
1–21; 所属機関等作成用 items 1–5 and the organisation's details).  Items whose
presence, wording or numbering could not be checked carry ``unverified=True``.
"""

from __future__ import annotations

from applications.application_forms.schema import Item, Kind, Part, Section, When, Width

# --- Building blocks -----------------------------------------------------------------

YES = When  # readability: ``YES("criminal_record", equals=True)``


def _phone(key: str, ja: str, en: str, number: str = "", **kw: object) -> Item:
    return Item(key, ja, en, Kind.PHONE, number=number, **kw)  # type: ignore[arg-type]


# --- 申請人等作成用1: who the applicant is --------------------------------------------

NATIONALITY = Item(
    "nationality",
    "国籍・地域",
    "Nationality/Region",
    Kind.CHOICE,
    number="1",
    choices="country",
    upper=True,
    prefill="person.nationality",
)
DATE_OF_BIRTH = Item(
    "date_of_birth",
    "生年月日",
    "Date of birth",
    Kind.DATE,
    number="2",
    not_future=True,
    prefill="person.date_of_birth",
)
FAMILY_NAME = Item(
    "family_name",
    "氏名（姓）",
    "Name (family name)",
    Kind.ROMAN_NAME,
    number="3",
    max_length=60,
    prefill="person.family_name",
    help_ja="旅券（パスポート）の記載どおりにローマ字で記入してください。",
    help_en="In Roman letters, exactly as in the passport.",
)
GIVEN_NAME = Item(
    "given_name",
    "氏名（名）",
    "Name (given name)",
    Kind.ROMAN_NAME,
    number="3",
    required=False,
    max_length=60,
    prefill="person.given_name",
    help_ja="旅券に名の記載がない場合は空欄にしてください。",
    help_en="Leave empty if the passport shows no given name.",
)
NAME_KANJI = Item(
    "name_kanji",
    "氏名（漢字）",
    "Name (in kanji)",
    Kind.KANJI_NAME,
    number="3",
    required=False,
    max_length=60,
    prefill="person.name_kanji",
    help_ja="漢字氏名がある場合は併記してください。",
    help_en="If the name is also written in kanji.",
    unverified=True,
)
SEX = Item(
    "sex", "性別", "Sex", Kind.CHOICE, number="4", choices="sex", prefill="person.sex"
)
PLACE_OF_BIRTH = Item(
    "place_of_birth",
    "出生地",
    "Place of birth",
    Kind.TEXT,
    number="5",
    max_length=100,
)
MARITAL_STATUS = Item(
    "marital_status",
    "配偶者の有無",
    "Marital status",
    Kind.CHOICE,
    number="5",
    choices="marital_status",
)
OCCUPATION = Item("occupation", "職業", "Occupation", number="6", max_length=60)
HOME_TOWN = Item(
    "home_town", "本国における居住地", "Home town/city", number="7", max_length=100
)

ADDRESS_IN_JAPAN = Item(
    "address_in_japan",
    "住居地",
    "Address in Japan",
    Kind.ADDRESS,
    number="8",
    max_length=200,
    prefill="person.address_in_japan",
)
PHONE = _phone("phone", "電話番号", "Telephone No.", "9", required=False)
MOBILE_PHONE = _phone(
    "mobile_phone", "携帯電話番号", "Cellular phone No.", "9", required=False
)
EMAIL = Item(
    "email",
    "メールアドレス",
    "E-mail",
    Kind.EMAIL,
    required=False,
    max_length=254,
    unverified=True,
)
PASSPORT_NUMBER = Item(
    "passport_number",
    "旅券番号",
    "Passport number",
    Kind.PASSPORT_NUMBER,
    number="10(1)",
    prefill="person.passport_number",
)
PASSPORT_EXPIRY = Item(
    "passport_expiry",
    "旅券の有効期限",
    "Passport date of expiration",
    Kind.DATE,
    number="10(2)",
    prefill="person.passport_expiry",
)
CURRENT_STATUS = Item(
    "current_status",
    "現に有する在留資格",
    "Status of residence",
    Kind.CHOICE,
    number="11",
    choices="status_of_residence",
    prefill="person.current_status.code",
)
CURRENT_PERIOD = Item(
    "current_period",
    "在留期間",
    "Period of stay",
    number="11",
    max_length=24,
    prefill="person.current_period",
)
CURRENT_PERIOD_EXPIRY = Item(
    "current_period_expiry",
    "在留期間の満了日",
    "Date of expiration",
    Kind.DATE,
    number="11",
    prefill="person.period_expiry",
)
RESIDENCE_CARD_NUMBER = Item(
    "residence_card_number",
    "在留カード番号",
    "Residence card number",
    Kind.CARD_NUMBER,
    number="12",
    prefill="person.residence_card_number",
)

IDENTITY = Section(
    "identity",
    "申請人の身分事項",
    "About the applicant",
    (
        NATIONALITY,
        DATE_OF_BIRTH,
        FAMILY_NAME,
        GIVEN_NAME,
        NAME_KANJI,
        SEX,
        MARITAL_STATUS,
        OCCUPATION,
        HOME_TOWN,
    ),
)
# The COE and change forms ask the place of birth between sex and marital
# status, so the items after it move down by one.
IDENTITY_WITH_PLACE_OF_BIRTH = Section(
    "identity",
    "申請人の身分事項",
    "About the applicant",
    (
        NATIONALITY,
        DATE_OF_BIRTH,
        FAMILY_NAME,
        GIVEN_NAME,
        NAME_KANJI,
        SEX,
        PLACE_OF_BIRTH,
        MARITAL_STATUS,
        OCCUPATION,
        HOME_TOWN,
    ),
).renumbered({"marital_status": "6", "occupation": "7", "home_town": "8"})
CONTACT_IN_JAPAN = Section(
    "contact",
    "住居地・連絡先",
    "Address and contact",
    (ADDRESS_IN_JAPAN, PHONE, MOBILE_PHONE, EMAIL),
)
CONTACT_COE = Section(
    "contact",
    "日本における連絡先",
    "Intended address or contact in Japan",
    (
        Item(
            "contact_address_in_japan",
            "日本における連絡先（住所）",
            "Address in Japan",
            Kind.ADDRESS,
            number="9",
            max_length=200,
            help_ja="住居が決まっていない場合は、受入れ機関の所在地を記入してください。",
            help_en="If the address is not decided yet, the receiving organisation's.",
        ),
        _phone("contact_phone", "電話番号", "Telephone No.", "9", required=False),
        _phone(
            "contact_mobile_phone",
            "携帯電話番号",
            "Cellular phone No.",
            "9",
            required=False,
        ),
        EMAIL,
    ),
)
PASSPORT = Section("passport", "旅券", "Passport", (PASSPORT_NUMBER, PASSPORT_EXPIRY))
# A child born in Japan may have no passport yet when acquisition is applied for.
PASSPORT_OPTIONAL = Section(
    "passport",
    "旅券",
    "Passport",
    (
        Item(
            "passport_number",
            "旅券番号",
            "Passport number",
            Kind.PASSPORT_NUMBER,
            number="10(1)",
            required=False,
            prefill="person.passport_number",
        ),
        Item(
            "passport_expiry",
            "旅券の有効期限",
            "Passport date of expiration",
            Kind.DATE,
            number="10(2)",
            required=When("passport_number", answered=True),
            prefill="person.passport_expiry",
        ),
    ),
)
CURRENT_STAY = Section(
    "current_stay",
    "現在の在留資格",
    "Current status of residence",
    (CURRENT_STATUS, CURRENT_PERIOD, CURRENT_PERIOD_EXPIRY, RESIDENCE_CARD_NUMBER),
)

# --- What is applied for -------------------------------------------------------------

DESIRED_PERIOD = Item(
    "desired_period",
    "希望する在留期間",
    "Desired length of stay",
    max_length=24,
    help_ja="審査の結果によって希望の期間とならない場合があります。",
    help_en="It may not be as desired after examination.",
)
EXTENSION_REQUEST = Section(
    "request",
    "更新の内容",
    "Extension applied for",
    (
        Item(
            "desired_period",
            "希望する在留期間",
            "Desired length of extension",
            number="13",
            max_length=24,
            help_ja=DESIRED_PERIOD.help_ja,
            help_en=DESIRED_PERIOD.help_en,
        ),
        Item(
            "reason_for_extension",
            "更新の理由",
            "Reason for extension",
            number="14",
            max_length=400,
        ),
    ),
)
CHANGE_REQUEST = Section(
    "request",
    "変更の内容",
    "Change applied for",
    (
        Item(
            "desired_status",
            "希望する在留資格",
            "Desired status of residence",
            Kind.CHOICE,
            number="13",
            choices="status_of_residence",
        ),
        Item(
            "desired_period",
            "希望する在留期間",
            "Period of stay",
            number="13",
            max_length=24,
            help_ja=DESIRED_PERIOD.help_ja,
            help_en=DESIRED_PERIOD.help_en,
        ),
        Item(
            "reason_for_change",
            "変更の理由",
            "Reason for change of status of residence",
            number="14",
            max_length=400,
        ),
    ),
)
COE_ENTRY = Section(
    "request",
    "入国の目的・予定",
    "Purpose and plan of entry",
    (
        Item(
            "purpose_of_entry",
            "入国目的",
            "Purpose of entry",
            Kind.CHOICE,
            number="11",
            choices="status_of_residence",
        ),
        Item(
            "planned_entry_date",
            "入国予定年月日",
            "Date of entry",
            Kind.DATE,
            number="12",
            not_past=True,
        ),
        Item(
            "port_of_entry", "上陸予定港", "Port of entry", number="13", max_length=60
        ),
        Item(
            "intended_length_of_stay",
            "滞在予定期間",
            "Intended length of stay",
            number="14",
            max_length=24,
        ),
        Item(
            "accompanying_persons",
            "同伴者の有無",
            "Accompanying persons, if any",
            Kind.YES_NO,
            number="15",
        ),
        Item(
            "visa_application_place",
            "査証申請予定地",
            "Intended place to apply for visa",
            number="16",
            max_length=60,
        ),
        Item(
            "past_entries",
            "過去の出入国歴",
            "Past entry into / departure from Japan",
            Kind.YES_NO,
            number="17",
            unverified=True,
        ),
        Item(
            "past_entries_count",
            "過去の出入国歴（回数）",
            "Past entries (number of times)",
            Kind.INTEGER,
            number="17",
            when=When("past_entries", equals=True),
            minimum=1,
            unverified=True,
        ),
        Item(
            "latest_entry_date",
            "直近の入国日",
            "Latest entry",
            Kind.DATE,
            number="17",
            when=When("past_entries", equals=True),
            not_future=True,
            unverified=True,
        ),
        Item(
            "latest_departure_date",
            "直近の出国日",
            "Latest departure",
            Kind.DATE,
            number="17",
            when=When("past_entries", equals=True),
            not_future=True,
            unverified=True,
        ),
        Item(
            "past_coe_applications",
            "過去の在留資格認定証明書交付申請歴",
            "Past history of applying for a certificate of eligibility",
            Kind.YES_NO,
            number="18",
            unverified=True,
        ),
        Item(
            "past_coe_count",
            "申請回数",
            "Number of applications",
            Kind.INTEGER,
            number="18",
            when=When("past_coe_applications", equals=True),
            minimum=1,
            unverified=True,
        ),
        Item(
            "past_coe_refused_count",
            "不交付となった回数",
            "Number of refusals",
            Kind.INTEGER,
            number="18",
            when=When("past_coe_applications", equals=True),
            minimum=0,
            unverified=True,
        ),
        Item(
            "receipt_method",
            "在留資格認定証明書の受領方法",
            "How to receive the certificate of eligibility",
            Kind.CHOICE,
            choices="coe_receipt_method",
            unverified=True,
        ),
    ),
)
ACQUISITION_REQUEST = Section(
    "request",
    "取得の内容",
    "Acquisition applied for",
    (
        Item(
            "acquisition_reason",
            "在留資格の取得を必要とする事由",
            "Reason for acquiring a status of residence",
            Kind.CHOICE,
            choices="acquisition_reason",
            unverified=True,
        ),
        Item(
            "acquisition_reason_detail",
            "事由の具体的内容",
            "Details of the reason",
            max_length=400,
            when=When("acquisition_reason", equals="other"),
            unverified=True,
        ),
        Item(
            "event_date",
            "事由の発生年月日",
            "Date of the event",
            Kind.DATE,
            not_future=True,
            unverified=True,
        ),
        Item(
            "desired_status",
            "希望する在留資格",
            "Desired status of residence",
            Kind.CHOICE,
            choices="status_of_residence",
            unverified=True,
        ),
        Item(
            "desired_period",
            "希望する在留期間",
            "Desired period of stay",
            max_length=24,
            unverified=True,
        ),
    ),
    unverified=True,
)

# --- Record and family ---------------------------------------------------------------

CRIMINAL_RECORD = Section(
    "criminal_record",
    "犯罪を理由とする処分",
    "Criminal record",
    (
        Item(
            "criminal_record",
            "犯罪を理由とする処分を受けたことの有無（日本国外におけるものを含む。）",
            "Criminal record (in Japan / overseas)",
            Kind.YES_NO,
            number="15",
            help_ja="交通違反等による処分を含みます。",
            help_en="Including dispositions due to traffic violations, etc.",
        ),
        Item(
            "criminal_record_detail",
            "具体的内容",
            "Detail",
            max_length=400,
            number="15",
            when=When("criminal_record", equals=True),
        ),
    ),
)
DEPORTATION = Section(
    "deportation",
    "退去強制又は出国命令による出国",
    "Departure by deportation or departure order",
    (
        Item(
            "deported",
            "退去強制又は出国命令による出国の有無",
            "Departure by deportation / departure order",
            Kind.YES_NO,
            number="20",
        ),
        Item(
            "deported_count",
            "回数",
            "Number of times",
            Kind.INTEGER,
            number="20",
            when=When("deported", equals=True),
            minimum=1,
        ),
        Item(
            "latest_deportation_date",
            "直近の送還歴",
            "Latest departure by deportation",
            Kind.DATE,
            number="20",
            when=When("deported", equals=True),
            not_future=True,
        ),
    ),
    unverified=True,
)


def _family_member_items(coe: bool) -> tuple[Item, ...]:
    together_ja = "同居予定の有無" if coe else "同居の有無"
    together_en = (
        "Intended to reside with applicant or not"
        if coe
        else "Residing with applicant or not"
    )
    return (
        Item(
            "relationship", "続柄", "Relationship", Kind.CHOICE, choices="relationship"
        ),
        Item("name", "氏名", "Name", max_length=60),
        Item("birth_date", "生年月日", "Date of birth", Kind.DATE, not_future=True),
        Item(
            "nationality",
            "国籍・地域",
            "Nationality/Region",
            Kind.CHOICE,
            choices="country",
            upper=True,
        ),
        Item("lives_together", together_ja, together_en, Kind.YES_NO),
        Item(
            "place_of_work_or_school",
            "勤務先名称・通学先名称",
            "Place of employment / school",
            required=False,
            max_length=100,
        ),
        Item(
            "card_number",
            "在留カード番号・特別永住者証明書番号",
            "Residence card number / Special Permanent Resident Certificate number",
            Kind.CARD_NUMBER,
            required=False,
        ),
    )


def _family(number: str, *, coe: bool) -> Section:
    return Section(
        "family_in_japan",
        "在日親族及び同居者",
        "Family in Japan and co-residents",
        (
            Item(
                "has_family_in_japan",
                "在日親族（父・母・配偶者・子・兄弟姉妹・祖父母・叔（伯）父・叔（伯）母など）及び同居者の有無",
                "Family in Japan (father, mother, spouse, children, siblings, grandparents, "
                "uncle, aunt and others) and anyone you reside with",
                Kind.YES_NO,
                number=number,
            ),
            Item(
                "family_members",
                "在日親族及び同居者",
                "Family members in Japan and co-residents",
                Kind.GROUP,
                number=number,
                when=When("has_family_in_japan", equals=True),
                items=_family_member_items(coe),
                min_items=1,
                max_items=20,
                help_ja="記入欄が不足する場合は行を追加してください。",
                help_en="Add a row for each person.",
            ),
        ),
    )


FAMILY_IN_JAPAN = _family("16", coe=False)
FAMILY_IN_JAPAN_COE = _family("21", coe=True)

# --- 申請人等作成用2: work, education, history ----------------------------------------

PLACE_OF_EMPLOYMENT = Section(
    "place_of_employment",
    "勤務先",
    "Place of employment",
    (
        Item(
            "employer_name",
            "名称",
            "Name",
            number="17(1)",
            max_length=200,
            prefill="organisation.name_ja",
        ),
        Item(
            "employer_branch",
            "支店・事業所名",
            "Name of branch",
            number="17(1)",
            required=False,
            max_length=100,
        ),
        Item(
            "employer_address",
            "所在地",
            "Address",
            Kind.ADDRESS,
            number="17(2)",
            max_length=200,
            prefill="organisation.address",
        ),
        _phone(
            "employer_phone",
            "電話番号",
            "Telephone No.",
            "17(2)",
            prefill="organisation.phone",
        ),
    ),
    unverified=True,
)
EDUCATION = Section(
    "education",
    "最終学歴",
    "Education (last school or institution)",
    (
        Item(
            "education_place",
            "最終学歴（所在地）",
            "Location of the last school",
            Kind.CHOICE,
            number="18",
            choices="education_place",
        ),
        Item(
            "education_level",
            "最終学歴（区分）",
            "Level of the last school",
            Kind.CHOICE,
            number="18",
            choices="education_level",
        ),
        Item("school_name", "学校名", "Name of school", number="18", max_length=200),
        Item(
            "graduation_date",
            "卒業年月日",
            "Date of graduation",
            Kind.DATE,
            number="18",
        ),
        Item(
            "major",
            "専攻・専門分野",
            "Major field of study",
            number="19",
            required=False,
            max_length=200,
        ),
    ),
    unverified=True,
)
IT_QUALIFICATION = Section(
    "it_qualification",
    "情報処理技術者資格",
    "IT qualifications",
    (
        Item(
            "it_qualification",
            "情報処理技術者資格又は試験合格の有無",
            "Qualification or passed examination on information processing",
            Kind.YES_NO,
            number="20",
        ),
        Item(
            "it_qualification_name",
            "資格名又は試験名",
            "Name of the qualification or examination",
            number="20",
            max_length=200,
            when=When("it_qualification", equals=True),
        ),
    ),
    unverified=True,
)
EMPLOYMENT_HISTORY = Section(
    "employment_history",
    "職歴",
    "Employment history",
    (
        Item(
            "employment_history",
            "職歴（外国におけるものを含む）",
            "Employment history (including those in other countries)",
            Kind.GROUP,
            number="21",
            required=False,
            max_items=20,
            items=(
                Item(
                    "joined_on",
                    "入社年月",
                    "Date of joining",
                    Kind.DATE,
                    not_future=True,
                ),
                Item(
                    "left_on",
                    "退社年月",
                    "Date of leaving",
                    Kind.DATE,
                    required=False,
                    not_future=True,
                ),
                Item("employer", "勤務先名称", "Place of employment", max_length=200),
            ),
        ),
    ),
    unverified=True,
)
REPRESENTATIVE = Section(
    "representative",
    "代理人・取次者",
    "Legal representative and agent",
    (
        Item(
            "has_legal_representative",
            "法定代理人による申請",
            "Filed by a legal representative",
            Kind.YES_NO,
        ),
        Item(
            "legal_representative_name",
            "代理人（氏名）",
            "Legal representative (name)",
            max_length=100,
            when=When("has_legal_representative", equals=True),
        ),
        Item(
            "legal_representative_relationship",
            "本人との関係",
            "Relationship with the applicant",
            max_length=60,
            when=When("has_legal_representative", equals=True),
        ),
        Item(
            "legal_representative_address",
            "住所",
            "Address",
            Kind.ADDRESS,
            max_length=200,
            when=When("has_legal_representative", equals=True),
        ),
        _phone(
            "legal_representative_phone",
            "電話番号",
            "Telephone No.",
            when=When("has_legal_representative", equals=True),
        ),
        Item(
            "agent_name",
            "取次者（氏名）",
            "Agent (name)",
            max_length=100,
            prefill="filer.full_name",
        ),
        Item(
            "agent_organisation",
            "取次者の所属機関等",
            "Agent's organisation",
            max_length=200,
            prefill="organisation.name_ja",
        ),
        _phone(
            "agent_phone",
            "取次者の電話番号",
            "Agent's telephone No.",
            prefill="filer.phone",
        ),
    ),
    unverified=True,
)

# --- Status-group sections of the applicant part ------------------------------------

STUDY = Section(
    "study",
    "在籍予定の教育機関",
    "School",
    (
        Item("study_school_name", "学校名", "Name of school", max_length=200),
        Item(
            "study_school_type",
            "教育機関の種別",
            "Type of school",
            Kind.CHOICE,
            choices="school_type",
        ),
        Item("study_school_address", "所在地", "Address", Kind.ADDRESS, max_length=200),
        _phone("study_school_phone", "電話番号", "Telephone No."),
        Item("enrolment_date", "入学（予定）年月日", "Date of admission", Kind.DATE),
        Item("course", "専攻・課程", "Course of study", max_length=200),
        Item(
            "weekly_study_hours",
            "週間授業時間",
            "Weekly class hours",
            Kind.INTEGER,
            required=False,
            minimum=1,
            maximum=60,
        ),
        Item(
            "japanese_ability",
            "日本語能力を証明する資格・試験の有無",
            "Japanese language certification",
            Kind.YES_NO,
        ),
        Item(
            "japanese_test",
            "試験名・級",
            "Examination and level",
            max_length=100,
            when=When("japanese_ability", equals=True),
        ),
        Item(
            "plans_after_graduation",
            "卒業後の予定",
            "Plan after graduation",
            required=False,
            max_length=200,
        ),
    ),
    unverified=True,
)
FUNDING = Section(
    "funding",
    "滞在費支弁方法",
    "Method of support",
    (
        Item(
            "funding_method",
            "支弁方法",
            "Method of support",
            Kind.CHOICE,
            choices="funding_method",
        ),
        Item(
            "monthly_support_yen",
            "月額",
            "Amount per month",
            Kind.MONEY_YEN,
            minimum=0,
        ),
        Item(
            "sponsor_name",
            "経費支弁者（氏名）",
            "Supporter (name)",
            max_length=100,
            when=When("funding_method", in_=("sponsor_abroad", "sponsor_in_japan")),
        ),
        Item(
            "sponsor_relationship",
            "申請人との関係",
            "Relationship with the applicant",
            max_length=60,
            when=When("funding_method", in_=("sponsor_abroad", "sponsor_in_japan")),
        ),
        Item(
            "sponsor_address",
            "経費支弁者（住所）",
            "Supporter (address)",
            Kind.ADDRESS,
            max_length=200,
            when=When("funding_method", in_=("sponsor_abroad", "sponsor_in_japan")),
        ),
        Item(
            "sponsor_occupation",
            "経費支弁者（職業）",
            "Supporter (occupation)",
            max_length=100,
            when=When("funding_method", in_=("sponsor_abroad", "sponsor_in_japan")),
        ),
        Item(
            "sponsor_annual_income_yen",
            "経費支弁者（年収）",
            "Supporter (annual income)",
            Kind.MONEY_YEN,
            when=When("funding_method", in_=("sponsor_abroad", "sponsor_in_japan")),
        ),
    ),
    unverified=True,
)
SUPPORTER = Section(
    "supporter",
    "扶養者",
    "Supporter",
    (
        Item("supporter_name", "扶養者（氏名）", "Supporter (name)", max_length=100),
        Item(
            "supporter_birth_date",
            "生年月日",
            "Date of birth",
            Kind.DATE,
            not_future=True,
        ),
        Item(
            "supporter_nationality",
            "国籍・地域",
            "Nationality/Region",
            Kind.CHOICE,
            choices="country",
            upper=True,
        ),
        Item(
            "supporter_card_number",
            "在留カード番号",
            "Residence card number",
            Kind.CARD_NUMBER,
        ),
        Item(
            "supporter_status",
            "在留資格",
            "Status of residence",
            Kind.CHOICE,
            choices="status_of_residence",
        ),
        Item("supporter_period", "在留期間", "Period of stay", max_length=24),
        Item(
            "supporter_period_expiry",
            "在留期間の満了日",
            "Date of expiration",
            Kind.DATE,
        ),
        Item(
            "relationship_to_supporter",
            "申請人との関係",
            "Relationship with the applicant",
            Kind.CHOICE,
            choices="dependent_relationship",
        ),
        Item("supporter_employer", "勤務先名称", "Place of employment", max_length=200),
        Item(
            "supporter_employer_address",
            "勤務先所在地",
            "Address",
            Kind.ADDRESS,
            max_length=200,
        ),
        _phone("supporter_employer_phone", "勤務先電話番号", "Telephone No."),
        Item(
            "supporter_annual_income_yen",
            "年収",
            "Annual income",
            Kind.MONEY_YEN,
            minimum=0,
        ),
    ),
    unverified=True,
)
SPOUSE_FAMILY = Section(
    "relationship",
    "身分関係",
    "Family relationship",
    (
        Item(
            "status_basis",
            "身分関係",
            "Family relationship",
            Kind.CHOICE,
            choices="spouse_relationship",
        ),
        Item(
            "spouse_name",
            "配偶者（氏名）",
            "Spouse (name)",
            max_length=100,
            when=When("status_basis", equals="spouse"),
        ),
        Item(
            "spouse_birth_date",
            "配偶者（生年月日）",
            "Spouse (date of birth)",
            Kind.DATE,
            not_future=True,
            when=When("status_basis", equals="spouse"),
        ),
        Item(
            "spouse_nationality",
            "配偶者（国籍・地域）",
            "Spouse (nationality/region)",
            Kind.CHOICE,
            choices="country",
            upper=True,
            when=When("status_basis", equals="spouse"),
        ),
        Item(
            "marriage_registered_japan",
            "婚姻届出先（日本国）",
            "Marriage registered at (Japan)",
            max_length=100,
            when=When("status_basis", equals="spouse"),
        ),
        Item(
            "marriage_registered_japan_on",
            "届出年月日（日本国）",
            "Date of registration (Japan)",
            Kind.DATE,
            not_future=True,
            when=When("status_basis", equals="spouse"),
        ),
        Item(
            "marriage_registered_home",
            "婚姻届出先（本国等）",
            "Marriage registered at (home country)",
            required=False,
            max_length=100,
            when=When("status_basis", equals="spouse"),
        ),
        Item(
            "marriage_registered_home_on",
            "届出年月日（本国等）",
            "Date of registration (home country)",
            Kind.DATE,
            not_future=True,
            required=When("marriage_registered_home", answered=True),
            when=When("status_basis", equals="spouse"),
        ),
        Item(
            "self_supporting",
            "申請人の滞在費支弁者は申請人本人ですか",
            "Does the applicant support themselves?",
            Kind.YES_NO,
        ),
        Item(
            "supporter_name",
            "扶養者（氏名）",
            "Supporter (name)",
            max_length=100,
            when=When("self_supporting", equals=False),
        ),
        Item(
            "supporter_relationship",
            "扶養者（申請人との関係）",
            "Supporter (relationship)",
            max_length=60,
            when=When("self_supporting", equals=False),
        ),
        Item(
            "supporter_employer",
            "扶養者（勤務先名称）",
            "Supporter (place of employment)",
            max_length=200,
            required=False,
            when=When("self_supporting", equals=False),
        ),
        Item(
            "supporter_annual_income_yen",
            "扶養者（年収）",
            "Supporter (annual income)",
            Kind.MONEY_YEN,
            when=When("self_supporting", equals=False),
        ),
    ),
    unverified=True,
)
DESIGNATED = Section(
    "designated_activity",
    "指定される活動",
    "Designated activity",
    (
        Item(
            "designated_notice",
            "告示の区分",
            "Public notice",
            Kind.CHOICE,
            choices="designated_notice",
        ),
        Item("activity_description", "活動内容", "Activity", max_length=1000),
        Item(
            "activity_organisation",
            "活動先の名称",
            "Organisation where the activity takes place",
            required=False,
            max_length=200,
        ),
        Item(
            "activity_organisation_address",
            "活動先の所在地",
            "Its address",
            Kind.ADDRESS,
            required=False,
            max_length=200,
        ),
    ),
    unverified=True,
)
ACTIVITY = Section(
    "activity",
    "活動の内容",
    "Activity in Japan",
    (
        Item("activity_description", "活動内容", "Activity", max_length=1000),
        Item(
            "activity_organisation",
            "活動先（所属機関）の名称",
            "Organisation",
            max_length=200,
            prefill="organisation.name_ja",
        ),
        Item(
            "activity_organisation_address",
            "所在地",
            "Address",
            Kind.ADDRESS,
            max_length=200,
            prefill="organisation.address",
        ),
        Item(
            "activity_period",
            "活動予定期間",
            "Period of the activity",
            max_length=60,
            required=False,
        ),
    ),
    unverified=True,
)
HSP_POINTS = Section(
    "hsp_points",
    "高度専門職ポイント",
    "Highly skilled professional points",
    (
        Item(
            "hsp_category",
            "希望する区分",
            "Category applied for",
            Kind.CHOICE,
            choices="hsp_category",
        ),
        Item(
            "hsp_points",
            "ポイント合計",
            "Total points",
            Kind.INTEGER,
            minimum=70,
            maximum=200,
            help_ja="ポイント計算表の合計点（70点以上）を記入してください。",
            help_en="The total of the points calculation table (70 or more).",
        ),
    ),
    unverified=True,
)
SSW = Section(
    "ssw",
    "特定技能",
    "Specified skilled worker",
    (
        Item(
            "ssw_field",
            "特定産業分野",
            "Specified industrial field",
            Kind.CHOICE,
            choices="ssw_field",
        ),
        Item(
            "ssw_skill_test",
            "技能試験の合格",
            "Skill test passed",
            max_length=200,
            required=False,
        ),
        Item(
            "ssw_japanese_test",
            "日本語試験の合格",
            "Japanese test passed",
            max_length=200,
            required=False,
        ),
        Item(
            "titp_completed",
            "技能実習2号の良好な修了",
            "Completed Technical Intern Training (ii) in good standing",
            Kind.YES_NO,
        ),
        Item(
            "support_organisation",
            "登録支援機関（名称）",
            "Registered support organisation",
            max_length=200,
            required=False,
        ),
        Item(
            "support_organisation_number",
            "登録支援機関の登録番号",
            "Its registration number",
            max_length=20,
            pattern=r"[0-9]{2}登-[0-9]{6}",
            required=When("support_organisation", answered=True),
        ),
    ),
    unverified=True,
)
TITP = Section(
    "titp",
    "技能実習",
    "Technical intern training",
    (
        Item(
            "titp_category",
            "技能実習の区分",
            "Category",
            Kind.CHOICE,
            choices="titp_category",
        ),
        Item(
            "supervising_organisation",
            "監理団体（名称）",
            "Supervising organisation",
            max_length=200,
            when=When("titp_category", in_=("i_b", "ii_b", "iii_b")),
        ),
        Item(
            "supervising_permit_number",
            "監理団体の許可番号",
            "Its permit number",
            max_length=20,
            when=When("titp_category", in_=("i_b", "ii_b", "iii_b")),
        ),
        Item(
            "plan_certification_number",
            "技能実習計画の認定番号",
            "Certification number of the training plan",
            max_length=30,
        ),
    ),
    unverified=True,
)
SKILL_DEVELOPMENT = Section(
    "skill_development",
    "育成就労",
    "Employment for skill development",
    (
        Item(
            "supervising_support_organisation",
            "監理支援機関（名称）",
            "Supervising and support organisation",
            max_length=200,
            required=False,
        ),
        Item(
            "plan_certification_number",
            "育成就労計画の認定番号",
            "Certification number of the plan",
            max_length=30,
        ),
    ),
    unverified=True,
)
OFFICIAL = Section(
    "official_duties",
    "公用の内容",
    "Official duties",
    (
        Item(
            "government_agency",
            "派遣元の政府機関等",
            "Government or organisation",
            max_length=200,
        ),
        Item("official_position", "地位", "Position", max_length=100),
        Item("official_duties", "職務内容", "Duties", max_length=1000),
    ),
    unverified=True,
)

# --- 所属機関等作成用 ---------------------------------------------------------------

_DISPATCHED = When("dispatched", equals=True)

CONTRACT = Section(
    "contract",
    "契約の形態",
    "Type of contract",
    (
        Item(
            "contract_type",
            "契約の形態",
            "Type of contract",
            Kind.CHOICE,
            number="2",
            choices="contract_type",
        ),
        Item(
            "contract_type_other",
            "その他の場合の内容",
            "If other, details",
            number="2",
            max_length=100,
            when=When("contract_type", equals="other"),
        ),
    ),
    part=Part.ORGANISATION,
)
ORGANISATION = Section(
    "organisation",
    "所属機関等契約先",
    "Organisation (contracting party)",
    (
        Item(
            "org_name",
            "名称",
            "Name",
            number="3(1)",
            max_length=200,
            prefill="organisation.name_ja",
        ),
        Item(
            "org_corporate_number",
            "法人番号",
            "Corporation no.",
            Kind.CORPORATE_NUMBER,
            number="3(2)",
            required=False,
            prefill="organisation.corporate_number",
            help_ja="法人の場合は13桁の法人番号を記入してください。",
            help_en="For a corporation, its 13-digit corporate number.",
        ),
        Item(
            "org_branch",
            "支店・事業所名",
            "Name of branch",
            number="3(3)",
            required=False,
            max_length=100,
        ),
        Item(
            "org_employment_insurance_number",
            "雇用保険適用事業所番号",
            "Employment insurance application office number",
            number="3(4)",
            required=False,
            width=Width.HALF,
            pattern=r"[0-9]{4}-?[0-9]{6}-?[0-9]",
            prefill="organisation.employment_insurance_number",
            help_ja="11桁（例：1301-123456-7）。非適用の場合は空欄にしてください。",
            help_en="11 digits (e.g. 1301-123456-7); empty if not covered.",
        ),
        Item(
            "org_business_type",
            "業種（主たる業種）",
            "Type of industry (main)",
            Kind.CHOICE,
            number="3(5)",
            choices="business_type",
            prefill="organisation.business_type",
        ),
        Item(
            "org_business_type_other",
            "業種（他に業種があれば）",
            "Type of industry (other)",
            Kind.CHOICE,
            number="3(5)",
            choices="business_type",
            required=False,
        ),
        Item(
            "org_address",
            "所在地",
            "Address",
            Kind.ADDRESS,
            number="3(6)",
            max_length=200,
            prefill="organisation.address",
        ),
        _phone(
            "org_phone",
            "電話番号",
            "Telephone No.",
            "3(6)",
            prefill="organisation.phone",
        ),
        Item(
            "org_capital_yen",
            "資本金",
            "Capital",
            Kind.MONEY_YEN,
            number="3(7)",
            required=False,
            minimum=0,
            prefill="organisation.capital_yen",
        ),
        Item(
            "org_annual_sales_yen",
            "年間売上高（直近年度）",
            "Annual sales (latest year)",
            Kind.MONEY_YEN,
            number="3(8)",
            required=False,
            minimum=0,
            prefill="organisation.annual_sales_yen",
        ),
        Item(
            "org_employees",
            "従業員数",
            "Number of employees",
            Kind.INTEGER,
            number="3(9)",
            minimum=0,
            prefill="organisation.employees",
        ),
        Item(
            "org_foreign_employees",
            "うち外国人職員数",
            "Number of foreign employees",
            Kind.INTEGER,
            number="3(9)",
            minimum=0,
            prefill="organisation.foreign_employees",
        ),
        Item(
            "org_technical_interns",
            "うち技能実習生数",
            "Number of technical intern trainees",
            Kind.INTEGER,
            number="3(9)",
            required=False,
            minimum=0,
            prefill="organisation.technical_interns",
        ),
    ),
    part=Part.ORGANISATION,
)
EMPLOYMENT = Section(
    "employment",
    "就労予定・給与",
    "Employment",
    (
        Item(
            "employment_term",
            "就労予定期間",
            "Period of work",
            Kind.CHOICE,
            number="4",
            choices="employment_term",
        ),
        Item(
            "employment_period",
            "期間",
            "Length",
            number="4",
            max_length=24,
            when=When("employment_term", equals="fixed"),
        ),
        Item(
            "employment_start_date",
            "雇用開始（入社）年月日",
            "Date of joining the company",
            Kind.DATE,
            number="5",
        ),
        Item(
            "salary_yen",
            "給与・報酬（税引き前の支払額）",
            "Salary/Reward (amount of payment before taxes)",
            Kind.MONEY_YEN,
            number="6",
            minimum=1,
            unverified=True,
        ),
        Item(
            "salary_basis",
            "給与・報酬の単位",
            "Salary basis",
            Kind.CHOICE,
            number="6",
            choices="salary_basis",
            unverified=True,
        ),
        Item(
            "experience_years",
            "実務経験年数",
            "Business experience (years)",
            Kind.INTEGER,
            number="7",
            required=False,
            minimum=0,
            maximum=70,
            unverified=True,
        ),
        Item(
            "has_position",
            "職務上の地位（役職名）の有無",
            "Position (title)",
            Kind.YES_NO,
            number="8",
            unverified=True,
        ),
        Item(
            "position_title",
            "役職名",
            "Title",
            number="8",
            max_length=60,
            when=When("has_position", equals=True),
            unverified=True,
        ),
        Item(
            "job_type",
            "職種（主たる職種）",
            "Occupation (main)",
            Kind.CHOICE,
            number="9",
            choices="job_type",
            unverified=True,
        ),
        Item(
            "job_type_other",
            "職種（他に職種があれば）",
            "Occupation (other)",
            Kind.CHOICE,
            number="9",
            choices="job_type",
            required=False,
            unverified=True,
        ),
        Item(
            "activity_details",
            "活動内容詳細",
            "Details of activities",
            number="10",
            max_length=1000,
            unverified=True,
        ),
    ),
    part=Part.ORGANISATION,
)
DISPATCH = Section(
    "dispatch",
    "派遣先等",
    "Dispatch site",
    (
        Item(
            "dispatched",
            "派遣先等の有無（人材派遣の場合又は勤務地が所属機関と異なる場合）",
            "Dispatched, or working somewhere other than the organisation",
            Kind.YES_NO,
            number="11",
        ),
        Item(
            "dispatch_name",
            "名称",
            "Name",
            number="11(1)",
            max_length=200,
            when=_DISPATCHED,
        ),
        Item(
            "dispatch_corporate_number",
            "法人番号",
            "Corporation no.",
            Kind.CORPORATE_NUMBER,
            number="11(2)",
            required=False,
            when=_DISPATCHED,
        ),
        Item(
            "dispatch_branch",
            "支店・事業所名",
            "Name of branch",
            number="11(3)",
            required=False,
            max_length=100,
            when=_DISPATCHED,
        ),
        Item(
            "dispatch_business_type",
            "業種",
            "Type of industry",
            Kind.CHOICE,
            number="11(5)",
            choices="business_type",
            when=_DISPATCHED,
        ),
        Item(
            "dispatch_address",
            "所在地",
            "Address",
            Kind.ADDRESS,
            number="11(6)",
            max_length=200,
            when=_DISPATCHED,
        ),
        _phone(
            "dispatch_phone", "電話番号", "Telephone No.", "11(6)", when=_DISPATCHED
        ),
        Item(
            "dispatch_period",
            "派遣予定期間",
            "Period of dispatch",
            number="11(9)",
            max_length=60,
            when=_DISPATCHED,
        ),
    ),
    part=Part.ORGANISATION,
    unverified=True,
)
BUSINESS_PLAN = Section(
    "business",
    "事業の内容",
    "The business",
    (
        Item("business_description", "事業内容", "Business", max_length=1000),
        Item(
            "investment_yen",
            "投資額",
            "Amount invested",
            Kind.MONEY_YEN,
            minimum=0,
        ),
        Item(
            "office_secured",
            "事業所の確保",
            "Business premises secured",
            Kind.YES_NO,
        ),
    ),
    part=Part.ORGANISATION,
    unverified=True,
)
SCHOOL_CONFIRMATION = Section(
    "school",
    "教育機関",
    "School",
    (
        Item(
            "school_org_name",
            "学校名",
            "Name of school",
            max_length=200,
            prefill="organisation.name_ja",
        ),
        Item(
            "school_org_address",
            "所在地",
            "Address",
            Kind.ADDRESS,
            max_length=200,
            prefill="organisation.address",
        ),
        _phone(
            "school_org_phone",
            "電話番号",
            "Telephone No.",
            prefill="organisation.phone",
        ),
        Item(
            "attendance_rate",
            "出席率（％）",
            "Attendance rate (%)",
            Kind.INTEGER,
            required=False,
            minimum=0,
            maximum=100,
        ),
        Item(
            "expected_completion_date",
            "修了予定年月日",
            "Expected date of completion",
            Kind.DATE,
            required=False,
        ),
    ),
    part=Part.ORGANISATION,
    unverified=True,
)

# --- Single-form procedures ----------------------------------------------------------

AUTHORIZED_EMPLOYMENT = Section(
    "certificate",
    "証明を希望する活動",
    "Activity to be certified",
    (
        Item(
            "certified_employer",
            "勤務先名称",
            "Place of employment",
            max_length=200,
            prefill="organisation.name_ja",
        ),
        Item(
            "certified_employer_address",
            "勤務先所在地",
            "Address",
            Kind.ADDRESS,
            max_length=200,
            prefill="organisation.address",
        ),
        _phone(
            "certified_employer_phone",
            "電話番号",
            "Telephone No.",
            prefill="organisation.phone",
        ),
        Item(
            "certified_activity",
            "証明を希望する活動の内容",
            "Activity",
            max_length=1000,
        ),
        Item(
            "certified_period",
            "就労する期間",
            "Period of the activity",
            max_length=60,
        ),
        Item("certificate_purpose", "使用目的", "Purpose of use", max_length=200),
    ),
    unverified=True,
)
REENTRY = Section(
    "reentry",
    "再入国の予定",
    "Travel plan",
    (
        Item("travel_purpose", "旅行目的", "Purpose of travel", max_length=200),
        Item(
            "destinations",
            "予定渡航先国名",
            "Intended countries to visit",
            max_length=200,
        ),
        Item(
            "departure_date",
            "出国予定年月日",
            "Date of departure",
            Kind.DATE,
            not_past=True,
        ),
        Item(
            "return_date",
            "再入国予定年月日",
            "Date of re-entry",
            Kind.DATE,
            not_past=True,
        ),
        Item(
            "reentry_kind",
            "希望する再入国許可",
            "Desired re-entry permit",
            Kind.CHOICE,
            choices="reentry_kind",
        ),
        Item(
            "pending_criminal_trial",
            "確定前の刑事裁判の有無",
            "Pending criminal trial",
            Kind.YES_NO,
        ),
        Item(
            "pending_criminal_trial_detail",
            "具体的内容",
            "Detail",
            max_length=400,
            when=When("pending_criminal_trial", equals=True),
        ),
        Item(
            "passport_unobtainable_reason",
            "旅券を取得することができない場合はその理由",
            "If you cannot obtain a passport, the reason",
            required=False,
            max_length=400,
        ),
    ),
    unverified=True,
)
OTHER_ACTIVITY = Section(
    "other_activity",
    "資格外活動の内容",
    "Activity other than that permitted",
    (
        Item(
            "present_activity",
            "現在の在留活動の内容",
            "Present activity",
            max_length=400,
        ),
        Item(
            "other_activity_kind",
            "許可の種類",
            "Kind of permission",
            Kind.CHOICE,
            choices="other_activity_kind",
        ),
        Item(
            "other_employer",
            "勤務先名称",
            "Place of employment",
            max_length=200,
            when=When("other_activity_kind", equals="individual"),
        ),
        Item(
            "other_employer_address",
            "勤務先所在地",
            "Address",
            Kind.ADDRESS,
            max_length=200,
            when=When("other_activity_kind", equals="individual"),
        ),
        _phone(
            "other_employer_phone",
            "電話番号",
            "Telephone No.",
            when=When("other_activity_kind", equals="individual"),
        ),
        Item("other_job", "職務の内容", "Type of work", max_length=400),
        Item(
            "other_weekly_hours",
            "週間稼働時間",
            "Working hours per week",
            Kind.INTEGER,
            minimum=1,
            maximum=168,
        ),
        Item(
            "other_pay_yen",
            "報酬（月額）",
            "Salary (monthly)",
            Kind.MONEY_YEN,
            required=False,
            minimum=0,
        ),
        Item(
            "other_period",
            "雇用契約期間",
            "Period of employment contract",
            max_length=60,
            required=False,
        ),
    ),
    unverified=True,
)

__all__ = [name for name in dir() if name.isupper()]
