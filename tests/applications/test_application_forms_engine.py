"""The one validator: every item kind table-tested, dates in 西暦 and 和暦,
money and kana normalised, conditional requirements, repeated groups with
paths, section status, differences from the record, pre-fill and messages."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from django.utils import translation

import pytest

from applications.application_forms import engine, values
from applications.application_forms.editions import edition_for
from applications.application_forms.engine import Problem, SectionStatus
from applications.application_forms.messages import field_label, problem_message
from applications.application_forms.prefill import initial_answers
from applications.application_forms.schema import Item, Kind, Width

TODAY = date(2026, 12, 4)
EDITION = edition_for("extension", "engineer_humanities_international", on=TODAY)
CODE_LISTS = {
    **engine.static_code_lists(),
    "country": frozenset({"CN", "VN", "PH", "US", "JP"}),
    "status_of_residence": frozenset(
        {"engineer_humanities_international", "dependent", "student"}
    ),
}


def _item(kind: Kind, **kw) -> Item:
    return Item("x", "項目", "Item", kind, **kw)


# --- Normalisation per kind ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "extra", "raw", "expected"),
    [
        (Kind.ROMAN_NAME, {}, "ｊｏｈｎ  smith", "JOHN SMITH"),
        (Kind.ROMAN_NAME, {}, "José  Álvarez-Núñez", "JOSE ALVAREZ-NUNEZ"),
        (Kind.ROMAN_NAME, {}, "o'brien", "O'BRIEN"),
        (Kind.KANA_NAME, {}, "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ\u3000タロウ"),
        (Kind.KANA_NAME, {}, "やまだ　たろう", "ヤマダ\u3000タロウ"),
        (Kind.KANJI_NAME, {}, " 山田\u3000太郎 ", "山田 太郎"),
        (Kind.TEXT, {}, "  会社員　（ＩＴ）  ", "会社員 (IT)"),
        (Kind.TEXT, {"width": Width.FULL}, "ABC 1", "ＡＢＣ\u3000１"),
        (Kind.TEXT, {"upper": True}, "abc", "ABC"),
        (
            Kind.ADDRESS,
            {},
            "愛知県名古屋市中区栄１－２－３",
            "愛知県名古屋市中区栄1-2-3",
        ),
        (Kind.YES_NO, {}, "有", True),
        (Kind.YES_NO, {}, "No", False),
        (Kind.YES_NO, {}, False, False),
        (Kind.CHOICE, {"choices": "sex"}, " M ", "M"),
        (Kind.CHOICE, {"choices": "country", "upper": True}, "cn", "CN"),
        (Kind.MONEY_YEN, {}, "1,200,000", 1_200_000),
        (Kind.MONEY_YEN, {}, "１，２００，０００円", 1_200_000),
        (Kind.MONEY_YEN, {}, "¥300,000", 300_000),
        (Kind.MONEY_YEN, {}, "120万円", 1_200_000),
        (Kind.MONEY_YEN, {}, "30万5000", 305_000),
        (Kind.MONEY_YEN, {}, 4500, 4500),
        (Kind.INTEGER, {}, "１２", 12),
        (Kind.INTEGER, {}, "1,024人", 1024),
        (Kind.POSTAL_CODE, {}, "〒４６０ー０００８", "460-0008"),
        (Kind.PHONE, {}, "０５２（１２３）４５６７", "052-123-4567"),
        (Kind.PHONE, {}, "+81 90-1234-5678", "090-1234-5678"),
        (Kind.EMAIL, {}, " ｔａｒｏ@example.jp ", "taro@example.jp"),
        (Kind.CORPORATE_NUMBER, {}, "4-0110-0109-8993", "4011001098993"),
        (Kind.CARD_NUMBER, {}, "ab 1234 5678 cd", "AB12345678CD"),
        (Kind.CARD_NUMBER, {}, "ＡＢ１２３４５６７８ＣＤ", "AB12345678CD"),
        (Kind.PASSPORT_NUMBER, {}, "e 1234-5678", "E12345678"),
        (Kind.DATE, {}, "2027-02-10", "2027-02-10"),
    ],
)
def test_normalise(kind, extra, raw, expected):
    assert engine.normalise(_item(kind, **extra), raw) == expected


@pytest.mark.parametrize(
    ("kind", "raw", "code"),
    [
        (Kind.ROMAN_NAME, "山田", "form_roman_name_invalid"),
        (Kind.ROMAN_NAME, "JOHN2", "form_roman_name_invalid"),
        (Kind.KANA_NAME, "Yamada", "form_kana_invalid"),
        (Kind.KANA_NAME, "山田", "form_kana_invalid"),
        (Kind.YES_NO, "maybe", "form_yes_no_invalid"),
        (Kind.MONEY_YEN, "about 3 million", "form_money_invalid"),
        (Kind.MONEY_YEN, "-5", "form_money_invalid"),
        (Kind.MONEY_YEN, True, "form_money_invalid"),
        (Kind.INTEGER, "1.5", "form_integer_invalid"),
        (Kind.POSTAL_CODE, "12345", "form_postal_code_invalid"),
        (Kind.PHONE, "12345", "form_phone_invalid"),
        (Kind.EMAIL, "taro@", "form_email_invalid"),
        (Kind.CORPORATE_NUMBER, "123", "form_corporate_number_format"),
        (Kind.CORPORATE_NUMBER, "5011001098993", "form_corporate_number_check_digit"),
        (Kind.CARD_NUMBER, "A12345678CD", "form_card_number_invalid"),
        (Kind.PASSPORT_NUMBER, "E12#45678", "form_passport_invalid"),
        (Kind.DATE, "tomorrow", "form_date_invalid"),
    ],
)
def test_normalise_refuses(kind, raw, code):
    with pytest.raises(values.Invalid) as info:
        engine.normalise(_item(kind), raw)
    assert info.value.code == code


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_empty_answers_normalise_to_none(raw):
    assert engine.normalise(_item(Kind.TEXT), raw) is None
    assert engine.normalise(_item(Kind.DATE), raw) is None


# --- Dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2027-02-10", date(2027, 2, 10)),
        ("2027/2/10", date(2027, 2, 10)),
        ("２０２７／２／１０", date(2027, 2, 10)),
        ("2027年2月10日", date(2027, 2, 10)),
        ("2027.02.10", date(2027, 2, 10)),
        ("20270210", date(2027, 2, 10)),
        ("令和9年2月10日", date(2027, 2, 10)),
        ("令和 9 年 2 月 10 日", date(2027, 2, 10)),
        ("R9.2.10", date(2027, 2, 10)),
        ("r9/2/10", date(2027, 2, 10)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("昭和60年12月31日", date(1985, 12, 31)),
        ("H2.3.4", date(1990, 3, 4)),
        ("2024-02-29", date(2024, 2, 29)),
    ],
)
def test_dates_in_western_and_japanese_eras(raw, expected):
    assert values.parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        ("2027-02-30", "form_date_nonexistent", {}),
        ("2027/13/1", "form_date_nonexistent", {}),
        ("令和9年2月29日", "form_date_nonexistent", {}),
        ("昭和65年1月1日", "form_era_year_out_of_range", {"era": "昭和", "year": 65}),
        ("平成32年1月1日", "form_era_year_out_of_range", {"era": "平成", "year": 32}),
        ("令和0年1月1日", "form_era_year_out_of_range", {"era": "令和", "year": 0}),
        ("平成31年5月1日", "form_date_outside_era", {"era": "平成"}),
        ("令和元年4月30日", "form_date_outside_era", {"era": "令和"}),
        ("昭和64年1月8日", "form_date_outside_era", {"era": "昭和"}),
        ("2027-2", "form_date_invalid", {}),
    ],
)
def test_impossible_dates_are_refused_with_their_own_code(raw, code, params):
    with pytest.raises(values.Invalid) as info:
        values.parse_date(raw)
    assert info.value.code == code
    assert params.items() <= info.value.params.items()


# --- Validation of a whole edition ----------------------------------------------------


def complete_answers() -> dict:
    """A complete, valid extension for 技術・人文知識・国際業務."""
    return {
        "nationality": "VN", "date_of_birth": "1995-04-01", "family_name": "NGUYEN",
        "given_name": "VAN AN", "sex": "M", "marital_status": "single",
        "occupation": "会社員", "home_town": "Hanoi",
        "address_in_japan": "愛知県名古屋市中区栄1-2-3", "mobile_phone": "090-1234-5678",
        "passport_number": "C1234567", "passport_expiry": "2030-01-01",
        "current_status": "engineer_humanities_international", "current_period": "1年",
        "current_period_expiry": "2027-02-10", "residence_card_number": "AB12345678CD",
        "desired_period": "3年", "reason_for_extension": "引き続き同じ会社で働くため",
        "criminal_record": "無", "has_family_in_japan": "無",
        "employer_name": "株式会社なにわ", "employer_address": "大阪府大阪市北区梅田1-1-1",
        "employer_phone": "06-1234-5678",
        "education_place": "home", "education_level": "bachelor",
        "school_name": "Hanoi University", "graduation_date": "2017-06-30",
        "it_qualification": "no", "has_legal_representative": "no",
        "agent_name": "山田太郎", "agent_organisation": "株式会社なにわ",
        "agent_phone": "06-1234-5678",
        "contract_type": "employment", "org_name": "株式会社なにわ",
        "org_corporate_number": "4011001098993", "org_business_type": "communications",
        "org_address": "大阪府大阪市北区梅田1-1-1", "org_phone": "06-1234-5678",
        "org_employees": "120", "org_foreign_employees": "8",
        "employment_term": "indefinite", "employment_start_date": "2024-04-01",
        "salary_yen": "300,000", "salary_basis": "monthly", "has_position": "no",
        "job_type": "it", "activity_details": "社内システムの設計及び開発",
        "dispatched": "no",
    }  # fmt: skip


def _validate(answers, **kw):
    return engine.validate(EDITION, answers, code_lists=CODE_LISTS, today=TODAY, **kw)


def test_complete_answers_are_valid_and_every_section_complete():
    assert _validate(complete_answers()) == []
    states = engine.sections_status(
        EDITION, complete_answers(), code_lists=CODE_LISTS, today=TODAY
    )
    assert set(states.values()) == {SectionStatus.COMPLETE}
    assert (
        engine.blocking_sections(EDITION, complete_answers(), code_lists=CODE_LISTS)
        == []
    )


def test_clean_returns_normalised_answers_without_unknown_or_inapplicable_keys():
    answers = {
        **complete_answers(),
        "salary_yen": "３０万円",
        "criminal_record_detail": "not asked when the answer is no",
        "left_over_from_an_older_edition": "x",
    }
    result = engine.clean(EDITION, answers, code_lists=CODE_LISTS, today=TODAY)
    assert result.ok
    assert result.answers["salary_yen"] == 300_000
    assert result.answers["criminal_record"] is False
    assert "criminal_record_detail" not in result.answers
    assert "left_over_from_an_older_edition" not in result.answers


def test_required_items_are_named_on_their_own():
    answers = complete_answers()
    del answers["reason_for_extension"]
    answers["occupation"] = "   "
    assert _validate(answers) == [
        Problem("occupation", "form_required"),
        Problem("reason_for_extension", "form_required"),
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"criminal_record": "有"},
            [Problem("criminal_record_detail", "form_required")],
        ),
        (
            {"criminal_record": "有", "criminal_record_detail": "2019年 速度超過 罰金"},
            [],
        ),
        ({"contract_type": "other"}, [Problem("contract_type_other", "form_required")]),
        ({"employment_term": "fixed"}, [Problem("employment_period", "form_required")]),
        ({"has_position": "yes", "position_title": "課長"}, []),
        (
            {"dispatched": "yes", "dispatch_name": "派遣先株式会社"},
            [
                Problem("dispatch_business_type", "form_required"),
                Problem("dispatch_address", "form_required"),
                Problem("dispatch_phone", "form_required"),
                Problem("dispatch_period", "form_required"),
            ],
        ),
        (
            {"it_qualification": "yes"},
            [Problem("it_qualification_name", "form_required")],
        ),
        (
            {"has_legal_representative": "yes", "legal_representative_name": "父"},
            [
                Problem("legal_representative_relationship", "form_required"),
                Problem("legal_representative_address", "form_required"),
                Problem("legal_representative_phone", "form_required"),
            ],
        ),
    ],
)
def test_conditional_requirements(changes, expected):
    assert _validate({**complete_answers(), **changes}) == expected


def test_item_rules_name_the_path_and_parameters():
    answers = {
        **complete_answers(),
        "date_of_birth": "2027-01-01",  # in the future
        "occupation": "あ" * 61,
        "org_employees": "-3",
        "nationality": "XX",
        "current_status": "diplomat_typo",
        "employer_phone": "12",
        "org_business_type": "banana",
    }
    assert _validate(answers) == [
        Problem("nationality", "form_choice_invalid"),
        Problem("date_of_birth", "form_date_in_future"),
        Problem("occupation", "form_too_long", {"max_length": 60}),
        Problem("current_status", "form_choice_invalid"),
        Problem("employer_phone", "form_phone_invalid"),
        Problem("org_business_type", "form_choice_invalid"),
        Problem("org_employees", "form_integer_invalid"),
    ]


def test_reference_lists_are_accepted_as_typed_when_not_passed():
    answers = {**complete_answers(), "nationality": "xx"}
    problems = engine.validate(EDITION, answers, today=TODAY)
    assert problems == []


# --- Repeated groups -------------------------------------------------------------------


def _member(**kw) -> dict:
    return {
        "relationship": "spouse", "name": "NGUYEN THI BINH", "birth_date": "1996/5/6",
        "nationality": "vn", "lives_together": "有", **kw,
    }  # fmt: skip


def test_family_rows_are_required_when_the_answer_is_yes():
    answers = {**complete_answers(), "has_family_in_japan": "有"}
    assert _validate(answers) == [
        Problem("family_members", "form_required", {"minimum": 1})
    ]


def test_group_rows_are_checked_with_paths_and_blank_rows_skipped():
    answers = {
        **complete_answers(),
        "has_family_in_japan": "yes",
        "family_members": [
            _member(),
            {"relationship": "", "name": "  "},  # a blank row of the page
            _member(birth_date="令和9年2月30日", card_number="12"),
            _member(relationship="cousin", lives_together=None),
        ],
    }
    result = engine.clean(EDITION, answers, code_lists=CODE_LISTS, today=TODAY)
    assert result.problems == [
        Problem("family_members[2].birth_date", "form_date_nonexistent"),
        Problem("family_members[2].card_number", "form_card_number_invalid"),
        Problem("family_members[3].relationship", "form_choice_invalid"),
        Problem("family_members[3].lives_together", "form_required"),
    ]
    first = result.answers["family_members"][0]
    assert first == {
        "relationship": "spouse", "name": "NGUYEN THI BINH",
        "birth_date": "1996-05-06", "nationality": "VN", "lives_together": True,
    }  # fmt: skip
    assert len(result.answers["family_members"]) == 3


def test_group_rows_are_dropped_when_the_group_does_not_apply():
    answers = {**complete_answers(), "family_members": [_member(birth_date="bad")]}
    result = engine.clean(EDITION, answers, code_lists=CODE_LISTS, today=TODAY)
    assert result.ok and "family_members" not in result.answers


def test_group_limits_and_shape():
    too_many = {**complete_answers(), "has_family_in_japan": "yes"}
    too_many["family_members"] = [_member() for _ in range(21)]
    assert _validate(too_many) == [
        Problem("family_members", "form_too_many", {"maximum": 20})
    ]
    not_a_list = {
        **complete_answers(),
        "has_family_in_japan": "yes",
        "family_members": "x",
    }
    assert Problem("family_members", "form_not_a_list") in _validate(not_a_list)


def test_optional_group_with_rows():
    answers = {
        **complete_answers(),
        "employment_history": [
            {"joined_on": "2017/7/1", "left_on": "2020/3/31", "employer": "ABC Co."},
            {"joined_on": "", "employer": "DEF"},
        ],
    }
    assert _validate(answers) == [
        Problem("employment_history[1].joined_on", "form_required")
    ]


# --- Sections ----------------------------------------------------------------------------


def test_validate_one_section_reads_conditions_from_the_others():
    answers = {"criminal_record": "有"}
    assert _validate(answers, section="criminal_record") == [
        Problem("criminal_record_detail", "form_required")
    ]
    assert _validate({"has_family_in_japan": "no"}, section="family_in_japan") == []


def test_section_status():
    answers = complete_answers()
    for key in (
        "contract_type",
        "org_name",
        "org_corporate_number",
        "org_business_type",
        "org_address",
        "org_phone",
        "org_employees",
        "org_foreign_employees",
    ):
        answers.pop(key)  # fmt: skip
    answers["org_name"] = "株式会社なにわ"  # organisation: started, not finished
    answers["salary_yen"] = "a lot"  # employment: invalid
    answers.pop("reason_for_extension")
    answers.pop("desired_period")  # request: nothing answered
    states = engine.sections_status(
        EDITION, answers, code_lists=CODE_LISTS, today=TODAY
    )
    assert states["identity"] is SectionStatus.COMPLETE
    assert states["request"] is SectionStatus.NOT_STARTED
    assert states["contract"] is SectionStatus.NOT_STARTED
    assert states["organisation"] is SectionStatus.IN_PROGRESS
    assert states["employment"] is SectionStatus.INVALID
    # Nothing required and nothing answered: complete.
    assert states["employment_history"] is SectionStatus.COMPLETE
    assert engine.blocking_sections(
        EDITION, answers, code_lists=CODE_LISTS, today=TODAY
    ) == ["request", "contract", "organisation", "employment"]


# --- The person's record ------------------------------------------------------------


def _person(**kw):
    base = {
        "family_name": "Nguyen", "given_name": "Van An", "name_kanji": "",
        "sex": "M", "nationality": "VN", "date_of_birth": date(1995, 4, 1),
        "passport_number": "C1234567", "passport_expiry": date(2030, 1, 1),
        "residence_card_number": "AB12345678CD",
        "current_status": SimpleNamespace(code="engineer_humanities_international"),
        "current_period": "1年", "period_expiry": date(2027, 2, 10),
        "address_in_japan": "愛知県名古屋市中区栄1-2-3",
    }  # fmt: skip
    return SimpleNamespace(**{**base, **kw})


def test_differences_from_the_record_are_flagged_not_refused():
    answers = {
        **complete_answers(),
        "residence_card_number": "ZZ99999999ZZ",
        "family_name": "nguyen",  # same once normalised
        "passport_expiry": "令和12年1月1日",  # same day
    }
    assert _validate(answers) == []
    differences = engine.diff_against_record(EDITION, answers, _person())
    assert [(d.path, d.answer, d.record) for d in differences] == [
        ("residence_card_number", "ZZ99999999ZZ", "AB12345678CD")
    ]


def test_no_difference_for_unanswered_items_or_empty_record_values():
    answers = complete_answers()
    answers.pop("address_in_japan")
    person = _person(residence_card_number="", address_in_japan="東京都")
    assert engine.diff_against_record(EDITION, answers, person) == []


# --- Pre-fill ------------------------------------------------------------------------


def test_initial_answers_from_record_profile_and_previous_application():
    organisation = {
        "name_ja": "株式会社なにわ", "address": "大阪府大阪市北区梅田1-1-1",
        "phone": "06-1234-5678", "corporate_number": "4011001098993",
        "capital_yen": 10_000_000, "employees": None,
    }  # fmt: skip
    previous = {
        "residence_card_number": "OLD0000000XX",
        "school_name": "Hanoi University",
        "has_family_in_japan": True,
        "family_members": [_member()],
        "reason_for_change": "not on this edition",
    }
    answers = initial_answers(
        EDITION,
        person=_person(),
        organisation_profile=organisation,
        previous_answers=previous,
        filer=SimpleNamespace(full_name="山田太郎", phone=""),
    )
    assert answers["family_name"] == "NGUYEN"
    assert answers["date_of_birth"] == "1995-04-01"
    assert answers["current_status"] == "engineer_humanities_international"
    assert answers["residence_card_number"] == "AB12345678CD"  # the record is newer
    assert answers["school_name"] == "Hanoi University"
    assert answers["family_members"] == [_member()]
    assert answers["org_name"] == answers["employer_name"] == "株式会社なにわ"
    assert answers["org_capital_yen"] == 10_000_000
    assert answers["agent_name"] == "山田太郎"
    assert "org_employees" not in answers and "agent_phone" not in answers
    assert "reason_for_change" not in answers
    assert "name_kanji" not in answers


# --- Messages -----------------------------------------------------------------------


def test_problem_messages_name_the_field_in_each_language():
    problem = Problem("family_members[2].birth_date", "form_date_nonexistent")
    with translation.override("en"):
        assert field_label(EDITION, problem.path) == (
            "Family members in Japan and co-residents, row 3: Date of birth"
        )
        assert problem_message(EDITION, problem).startswith(
            "“Family members in Japan and co-residents, row 3: Date of birth” is not "
            "a real date"
        )
        assert problem_message(EDITION, Problem("sex", "form_required")) == (
            "Choose an answer for “Sex”."
        )
    with translation.override("ja"):
        message = problem_message(
            EDITION,
            Problem(
                "date_of_birth",
                "form_era_year_out_of_range",
                {"era": "昭和", "year": 65},
            ),
        )
        assert "生年月日" in message and "昭和" in message and "65" in message
        assert problem_message(EDITION, Problem("occupation", "form_required")) == (
            "「職業」を入力してください。"
        )
