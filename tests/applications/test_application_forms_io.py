"""The same definitions and validator behind pages, stored answers, batch
templates and the API schema."""

from __future__ import annotations

import json
from datetime import date

import pytest

from applications.application_forms import engine, storage, tabular
from applications.application_forms.editions import all_editions, edition_for
from applications.application_forms.engine import Problem
from applications.application_forms.json_schema import json_schema

TODAY = date(2026, 12, 4)
EDITION = edition_for("extension", "engineer_humanities_international", on=TODAY)


def test_pages_show_conditional_items_only_when_they_apply():
    keys = [i.key for i in engine.applicable_items(EDITION, "criminal_record", {})]
    assert keys == ["criminal_record"]
    keys = [
        i.key
        for i in engine.applicable_items(
            EDITION, "criminal_record", {"criminal_record": "有"}
        )
    ]
    assert keys == ["criminal_record", "criminal_record_detail"]
    reveals = engine.controlling_items(EDITION)
    assert reveals["criminal_record"] == ["criminal_record_detail"]
    assert reveals["has_family_in_japan"] == ["family_members"]


def test_stored_answers_keep_their_edition_and_what_was_typed():
    raw = {"family_name": "nguyen", "retired_item": "kept while a draft"}
    data = json.loads(json.dumps(storage.envelope(EDITION, raw=raw)))
    edition, answers = storage.read(data)
    assert edition is EDITION and answers == raw
    cleaned = engine.clean(EDITION, raw).answers
    sent = storage.envelope(EDITION, raw=raw, cleaned=cleaned)
    assert storage.read(sent) == (EDITION, {"family_name": "NGUYEN"})
    with pytest.raises(KeyError):
        storage.read({**data, "edition": "extension.work_general.19990101"})


def test_batch_template_columns_round_trip_to_answers_and_problem_columns():
    columns = tabular.columns(EDITION, group_rows=2)
    assert columns[:3] == ["nationality", "date_of_birth", "family_name"]
    assert "family_members.2.birth_date" in columns
    assert "family_members.3.birth_date" not in columns
    labels = tabular.column_labels(EDITION, "ja", group_rows=2)
    assert labels["family_members.2.birth_date"] == "在日親族及び同居者 2: 生年月日"
    row = {
        "family_name": "Nguyen",
        "has_family_in_japan": "有",
        "family_members.2.relationship": "child",
        "family_members.2.birth_date": "2027-02-30",
        "family_members.1.relationship": "spouse",
        "no_such_column": "x",
        "nationality": "",
    }
    answers = tabular.answers_from_row(EDITION, row)
    assert answers["family_members"] == [
        {"relationship": "spouse"},
        {"relationship": "child", "birth_date": "2027-02-30"},
    ]
    assert "nationality" not in answers and "no_such_column" not in answers
    problems = engine.validate(EDITION, answers, section="family_in_japan")
    assert Problem("family_members[1].birth_date", "form_date_nonexistent") in problems
    assert tabular.column_for_path("family_members[1].birth_date") == (
        "family_members.2.birth_date"
    )
    assert tabular.column_for_path("nationality") == "nationality"


@pytest.mark.parametrize("edition", all_editions(), ids=lambda e: e.key)
def test_every_edition_has_a_json_schema_of_its_items(edition):
    schema = json.loads(json.dumps(json_schema(edition)))
    assert set(schema["properties"]) == {item.key for item in edition.items()}
    assert set(schema["required"]) <= set(schema["properties"])


def test_json_schema_describes_kinds_and_conditions():
    schema = json_schema(EDITION)["properties"]
    assert schema["date_of_birth"]["format"] == "date"
    assert schema["criminal_record"]["type"] == "boolean"
    assert schema["salary_yen"]["type"] == "integer"
    assert schema["sex"]["enum"] == ["F", "M"]
    assert (
        "asked only when criminal_record is True"
        in (schema["criminal_record_detail"]["description"])
    )
    rows = schema["family_members"]
    assert rows["type"] == "array" and rows["maxItems"] == 20
    assert "birth_date" in rows["items"]["required"]


def test_summary_shows_sections_rows_and_differences_in_each_language():
    from types import SimpleNamespace

    from applications.application_forms.presenters import form_summary
    from tests.applications.test_application_forms_engine import (
        CODE_LISTS,
        complete_answers,
    )

    raw = {
        **complete_answers(),
        "residence_card_number": "ZZ99999999ZZ",
        "has_family_in_japan": "有",
        "family_members": [
            {"relationship": "spouse", "name": "NGUYEN THI BINH",
             "birth_date": "1996/5/6", "nationality": "vn", "lives_together": "有"},
        ],
    }  # fmt: skip
    cleaned = engine.clean(EDITION, raw, code_lists=CODE_LISTS).answers
    person = SimpleNamespace(residence_card_number="AB12345678CD", family_name="NGUYEN")
    labels = {"country": {"VN": "ベトナム"}}
    sections = form_summary(
        EDITION, cleaned, language="ja", person=person, reference_labels=labels
    )
    by_key = {s.key: s for s in sections}
    assert [s.key for s in sections] == [s.key for s in EDITION.sections]
    identity = {row.path: row for row in by_key["identity"].rows}
    assert identity["nationality"].value == "ベトナム"
    assert identity["date_of_birth"].value == "1995年4月1日"
    assert identity["sex"].value == "男"
    card = next(
        r for r in by_key["current_stay"].rows if r.path == "residence_card_number"
    )
    assert card.differs_from_record and card.record_value == "AB12345678CD"
    assert not identity["family_name"].differs_from_record
    family = {row.path: row for row in by_key["family_in_japan"].rows}
    assert family["has_family_in_japan"].value == "有"
    assert family["family_members[0].lives_together"].label == (
        "在日親族及び同居者 1行目：同居の有無"
    )
    employment = {row.path: row.value for row in by_key["employment"].rows}
    assert employment["salary_yen"] == "300,000円"
    english = form_summary(EDITION, cleaned, language="en", with_status=True)
    employment = {row.path: row.value for row in english[-2].rows}
    assert employment["salary_yen"] == "¥300,000"
    assert english[0].title == "About the applicant"
    assert english[0].status == engine.SectionStatus.COMPLETE


@pytest.mark.parametrize(
    ("stored", "ja", "en"),
    [
        ("3y", "3年", "3 years"),
        ("1y3m", "1年3か月", "1 year 3 months"),
        ("3年", "3年", "3年"),  # typed text is shown as written
    ],
)
def test_a_period_of_stay_reads_in_words_not_as_its_code(stored, ja, en):
    """The person's period (prefilled as the catalogue's "3y") showed as
    "3y" on both case pages."""
    from applications.application_forms.presenters import display_value
    from applications.application_forms.sections import CURRENT_PERIOD

    assert display_value(CURRENT_PERIOD, stored, "ja") == ja
    assert display_value(CURRENT_PERIOD, stored, "en") == en


def test_other_periods_are_shown_as_written():
    """Only periods of stay are catalogue periods: "activity" typed as a
    period of employment is not "For as long as the activity lasts"."""
    from applications.application_forms.presenters import display_value
    from applications.application_forms.schema import Item

    employment = Item("employment_period", "雇用期間", "Period of employment")
    assert display_value(employment, "activity", "en") == "activity"
    assert display_value(employment, "3y", "ja") == "3y"
