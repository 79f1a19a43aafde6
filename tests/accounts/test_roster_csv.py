"""The roster CSV: encodings, headings, normalisation, every kind of error by
line and column, all-or-nothing, export round trip, and the bulk import
(1,000 rows; no per-row queries)."""

from __future__ import annotations

import time
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

import pytest

from accounts import roster_csv, services
from accounts.models import RosterEntry
from accounts.roster_csv import (
    HEADERS,
    RosterValueError,
    RowError,
    clean_value,
    parse_roster_csv,
    roster_csv_template,
    roster_to_csv,
)
from portal.audit.models import AuditEvent
from tests.accounts.roster_files import CSV_HEADER, csv_row, roster_file
from tests.factories import OrganizationFactory, staff

TODAY = date(2026, 6, 1)
HEADER = CSV_HEADER


def parse(text: str, encoding: str = "utf-8") -> roster_csv.RosterParseResult:
    return parse_roster_csv(text.encode(encoding), today=TODAY)


def one(text: str) -> RowError:
    result = parse(text)
    assert len(result.errors) == 1, result.errors
    assert result.rows == []
    return result.errors[0]


def row(**overrides: str) -> str:
    return csv_row(1, **overrides)


# --- Encodings ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "encoding"),
    [(b"", "utf-8"), (b"\xef\xbb\xbf", "utf-8"), (b"", "cp932"), (b"", "shift_jis")],
)
def test_utf8_utf8_bom_and_shift_jis_are_read(prefix, encoding):
    text = "姓,名,性別,生年月日,国籍,在留カード番号,在留資格\r\nTRAN,MAI,女,2001-03-05,VN,AB12345678CD,技能実習\r\n"
    result = parse_roster_csv(prefix + text.encode(encoding), today=TODAY)
    assert result.errors == []
    assert result.rows[0]["sex"] == "F"
    assert result.rows[0]["status_of_residence"] == "技能実習"


def test_utf16_file_gets_a_specific_message():
    data = b"\xff\xfe" + (HEADER + "\n" + row()).encode("utf-16-le")
    result = parse_roster_csv(data, today=TODAY)
    assert len(result.errors) == 1
    assert "UTF-16" in result.errors[0].message
    assert result.errors[0].line == 1


def test_excel_workbook_is_recognised():
    result = parse_roster_csv(b"PK\x03\x04" + b"\x00" * 100, today=TODAY)
    assert "Excel workbook" in result.errors[0].message


def test_undecodable_bytes_are_one_error():
    result = parse_roster_csv(HEADER.encode() + b"\n\xff\xfe\xfd\xfc", today=TODAY)
    assert len(result.errors) == 1
    assert "could not be read as text" in result.errors[0].message


def test_empty_file_and_headings_only():
    assert "empty" in parse_roster_csv(b"", today=TODAY).errors[0].message
    assert "no people" in parse(HEADER + "\r\n").errors[0].message


# --- Headings ----------------------------------------------------------------


def test_japanese_english_and_full_width_headings_in_any_order():
    text = (
        "ＦＡＭＩＬＹ＿ＮＡＭＥ,Given name,国籍,生年月日,性別,在留カード番号\n"
        "NGUYEN,AN,VN,1990-01-01,M,AB12345678CD\n"
    )
    result = parse(text)
    assert result.errors == []
    assert result.rows[0]["family_name"] == "NGUYEN"
    # Left-out optional columns are filled in.
    assert result.rows[0]["planned_hire"] is False
    assert result.rows[0]["period_expiry"] is None


def test_missing_and_unknown_columns_are_one_error_naming_them():
    error = one(
        "family_name,sex,birthday,nationality,residence_card_number\nA,M,1990-01-01,VN,\n"
    )
    assert error.line == 1
    assert error.column == ""
    assert "given_name" in error.message
    assert "date_of_birth" in error.message
    assert "birthday" in error.message
    assert "template" in error.message


def test_missing_columns_are_named_in_japanese_in_japanese():
    with translation.override("ja"):
        error = one("family_name\nA\n")
    assert "生年月日" in error.message


def test_repeated_column_is_reported():
    error = one(HEADER + ",姓\n" + row() + ",X\n")
    assert "姓" in error.message


# --- Normalisation -----------------------------------------------------------


def test_values_are_normalised():
    text = (
        "姓,名,性別,生年月日,国籍,在留カード番号,在留期間満了日,採用予定\n"
        "ｎｇｕｙｅｎ,van  an,男,１９９８／４／１２,VNM,ａｂ 1234-5678 ｃｄ,2027/3/31,\n"
        "santos,maria,f,1999年1月2日,フィリピン,,,○\n"
    )
    result = parse(text)
    assert result.errors == []
    first, second = result.rows
    assert first == {
        "family_name": "NGUYEN",
        "given_name": "VAN AN",
        "name_kanji": "",
        "sex": "M",
        "date_of_birth": "1998-04-12",
        "nationality": "VN",
        "status_of_residence": "",
        "residence_card_number": "AB12345678CD",
        "period_expiry": "2027-03-31",
        "planned_hire": False,
    }
    assert second["nationality"] == "PH"
    assert second["date_of_birth"] == "1999-01-02"
    assert second["planned_hire"] is True
    assert second["residence_card_number"] == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("yes", True),
        ("1", True),
        ("○", True),
        ("はい", True),
        ("no", False),
        ("0", False),
        ("", False),
        ("×", False),
        ("TRUE", True),
    ],
)
def test_planned_hire_values(value, expected):
    result = parse(
        HEADER + "\n" + row(planned_hire=value, residence_card_number="AB00000001CD")
    )
    assert result.errors == []
    assert result.rows[0]["planned_hire"] is expected


def test_kanji_names_are_not_nfkc_normalised():
    # U+FA19 (a compatibility ideograph) must stay as written.
    result = parse(HEADER + "\n" + row(name_kanji="\ufa19田\u3000太郎"))
    assert result.rows[0]["name_kanji"] == "\ufa19田 太郎"


def test_blank_lines_are_skipped_and_line_numbers_count_them():
    text = HEADER + "\n" + row() + "\n,,,,,,,,,\n\n" + csv_row(2, sex="Q") + "\n"
    error = one(text)
    assert error.line == 5
    assert error.column == "sex"


# --- Errors per line and column ----------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "column", "words"),
    [
        ({"date_of_birth": "2026-02-30"}, "date_of_birth", "not a real date"),
        ({"date_of_birth": "30/02/2026"}, "date_of_birth", "YYYY-MM-DD"),
        ({"date_of_birth": "2026-06-02"}, "date_of_birth", "in the future"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth", "before 1900"),
        ({"date_of_birth": ""}, "date_of_birth", "Enter the"),
        ({"family_name": ""}, "family_name", "Enter the"),
        ({"family_name": "A" * 61}, "family_name", "too long"),
        ({"sex": "Q"}, "sex", "F, M or X"),
        ({"nationality": "ZZ"}, "nationality", "ISO 3166"),
        ({"nationality": "JP"}, "nationality", "Japanese nationals"),
        (
            {"residence_card_number": "AB1234567CD"},
            "residence_card_number",
            "2 letters, 8 digits",
        ),
        (
            {"residence_card_number": "1234567890AB"},
            "residence_card_number",
            "AB12345678CD",
        ),
        ({"residence_card_number": ""}, "residence_card_number", "planned hire"),
        ({"planned_hire": "maybe"}, "planned_hire", "yes or no"),
        ({"period_expiry": "2026-13-01"}, "period_expiry", "not a real date"),
        (
            {"period_expiry": "1960-01-01", "date_of_birth": "1990-01-01"},
            "period_expiry",
            "before the date of birth",
        ),
    ],
)
def test_each_bad_value_is_reported_with_line_and_column(overrides, column, words):
    error = one(HEADER + "\n" + csv_row(7) + "\n" + row(**overrides) + "\n")
    assert error.line == 3
    assert error.column == column
    assert words in error.message


def test_column_is_named_as_the_user_wrote_it():
    text = "姓,名,性別,生年月日,国籍,在留カード番号\nA,B,M,2026-02-30,VN,AB12345678CD\n"
    error = one(text)
    assert error.column == "生年月日"
    assert "2026-02-30" in error.message


def test_duplicate_person_and_duplicate_card_are_reported():
    text = "\n".join(
        [
            HEADER,
            csv_row(1),
            csv_row(2),
            csv_row(1, residence_card_number="ZZ99999999ZZ"),
            csv_row(3, residence_card_number="AB00000002CD"),
        ]
    )
    result = parse(text)
    assert [(e.line, e.column) for e in result.errors] == [
        (4, "family_name"),
        (5, "residence_card_number"),
    ]
    assert "line 2" in result.errors[0].message
    assert "line 3" in result.errors[1].message
    assert result.rows == []


def test_duplicate_person_matches_after_normalisation():
    text = "\n".join(
        [
            HEADER,
            csv_row(1),
            csv_row(
                1, family_name="ｐｅｒｓｏｎ1", residence_card_number="AB77777777CD"
            ),
        ]
    )
    error = one(text)
    assert (error.line, error.column) == (3, "family_name")


def test_more_values_than_columns():
    error = one(HEADER + "\n" + row() + ",extra\n")
    assert error.line == 2
    assert "more values" in error.message


def test_a_file_with_errors_on_many_lines_reports_them_all_and_imports_nothing():
    lines = [HEADER] + [
        csv_row(n, sex="?" if n % 100 == 0 else ("F" if n % 2 else "M"))
        for n in range(1000)
    ]
    result = parse("\n".join(lines))
    assert len(result.errors) == 10
    assert [e.line for e in result.errors] == [2 + n for n in range(0, 1000, 100)]
    assert result.rows == []


def test_control_characters_are_refused():
    error = one(HEADER + '\n"A\x07B",X,,M,1990-01-01,VN,,AB12345678CD,,no\n')
    assert error.column == "family_name"


# --- Template and export ------------------------------------------------------


def test_template_is_utf8_with_bom_and_parses_back_to_one_row():
    with translation.override("ja"):
        data = roster_csv_template()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].split(",") == [
        roster_csv.JA_HEADERS[k] for k in HEADERS
    ]
    result = parse_roster_csv(data, today=TODAY)
    assert result.errors == []
    assert len(result.rows) == 1


def test_template_in_english_has_english_headings():
    with translation.override("en"):
        text = roster_csv_template().decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER


def test_export_round_trips_and_guards_against_formulas():
    # (The formula used to sit in the status of residence; that column now
    # takes only statuses from the reference list, so it sits in a name.)
    rows = parse(roster_file(3).decode()).rows
    rows[0]["name_kanji"] = "=HYPERLINK(1)"
    data = roster_to_csv(rows)
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"'=HYPERLINK(1)" in data
    again = parse_roster_csv(data, today=TODAY)
    assert again.errors == []
    assert again.rows == rows


@pytest.mark.parametrize("formula", ["＝1+1", "＋1", "－1", "＠SUM(1)", "\t=1", "\r=1"])
def test_export_guards_full_width_formula_characters(formula):
    """Review L7: the kanji name is stored without NFKC, so ＝1+1 used to be
    exported unguarded."""
    rows = parse(roster_file(1).decode()).rows
    rows[0]["name_kanji"] = formula
    data = roster_to_csv(rows)
    assert "'" + formula in data.decode("utf-8-sig")
    if formula.startswith("＝"):  # and a re-import gives back the name
        assert parse_roster_csv(data, today=TODAY).rows == rows


@pytest.mark.parametrize(
    "name",
    ["NGUYEN\u202eNAV", "\u2066LI\u2069", "TRAN\u200bMAI", "LI\x07WEI"],
)
def test_names_with_control_or_bidi_characters_are_refused(name):
    """Review L8: a U+202E override was kept in the kanji name."""
    with pytest.raises(RosterValueError):
        clean_value("name_kanji", name)
    with pytest.raises(RosterValueError):
        clean_value("family_name", name)


def test_status_of_residence_must_come_from_the_list():
    statuses = {"技能実習": "技能実習", "technical intern training": "技能実習"}
    assert (
        clean_value("status_of_residence", "技能実習", statuses=statuses) == "技能実習"
    )
    assert (
        clean_value(
            "status_of_residence", "Technical Intern Training", statuses=statuses
        )
        == "技能実習"
    )
    assert clean_value("status_of_residence", "", statuses=statuses) == ""
    for wrong in ("@SUM(1+1)", "=HYPERLINK(1)", "学生"):
        with pytest.raises(RosterValueError):
            clean_value("status_of_residence", wrong, statuses=statuses)


@pytest.mark.django_db
def test_the_registered_list_is_the_reference_data():
    from accounts.roster_csv import status_names

    names = status_names()
    assert names is not None
    assert names["技術・人文知識・国際業務"] == "技術・人文知識・国際業務"
    assert names["permanent resident"] == "永住者"
    assert names["permanent_resident"] == "永住者"
    result = parse_roster_csv(
        (
            "姓,名,性別,生年月日,国籍,在留カード番号,在留資格\r\n"
            "TRAN,MAI,女,2001-03-05,VN,AB12345678CD,@SUM(1+1)\r\n"
        ).encode(),
        today=TODAY,
        statuses=names,
    )
    assert len(result.errors) == 1
    assert result.errors[0].column == "在留資格"


def test_ten_thousand_rows_parse_without_errors():
    started = time.perf_counter()
    result = parse_roster_csv(roster_file(10_000), today=TODAY)
    elapsed = time.perf_counter() - started
    assert result.errors == []
    assert len(result.rows) == 10_000
    print(f"parsed 10,000 rows in {elapsed:.3f}s")


# --- Import into the roster (database) ---------------------------------------


@pytest.mark.django_db
def test_import_of_1000_rows_upserts_in_a_few_queries(django_assert_max_num_queries):
    org = OrganizationFactory()
    actor = staff(org)
    started = time.perf_counter()
    result = parse_roster_csv(roster_file(1000), today=TODAY)
    with django_assert_max_num_queries(6):
        count = services.roster_import(organization=org, rows=result.rows, actor=actor)
    elapsed = time.perf_counter() - started
    print(f"parsed and imported 1,000 rows in {elapsed:.3f}s")
    assert count == 1000
    assert RosterEntry.objects.filter(organization=org).count() == 1000
    event = AuditEvent.objects.get(action="roster.import")
    assert event.data == {"count": 1000}
    assert event.organization_code == org.code


@pytest.mark.django_db
def test_query_count_does_not_grow_with_rows():
    org = OrganizationFactory()
    actor = staff(org)
    counts = []
    for size, start in ((500, 0), (3000, 10_000)):
        rows = parse_roster_csv(roster_file(size, start=start), today=TODAY).rows
        with CaptureQueriesContext(connection) as ctx:
            services.roster_import(organization=org, rows=rows, actor=actor)
        counts.append(len(ctx.captured_queries))
    # One INSERT per 1,000 rows at most, never one per row.
    assert counts[1] <= counts[0] + 3


@pytest.mark.django_db
def test_import_updates_people_already_on_the_roster():
    org = OrganizationFactory()
    actor = staff(org)
    first = parse_roster_csv(roster_file(3), today=TODAY).rows
    services.roster_import(organization=org, rows=first, actor=actor)
    codes = set(RosterEntry.objects.values_list("code", flat=True))
    changed = [dict(r, status_of_residence="永住者") for r in first]
    services.roster_import(organization=org, rows=changed, actor=actor)
    assert RosterEntry.objects.count() == 3
    assert set(RosterEntry.objects.values_list("code", flat=True)) == codes
    assert set(RosterEntry.objects.values_list("status_of_residence", flat=True)) == {
        "永住者"
    }


@pytest.mark.django_db
def test_import_keeps_other_organisations_rosters_apart():
    a, b = OrganizationFactory(), OrganizationFactory()
    rows = parse_roster_csv(roster_file(2), today=TODAY).rows
    services.roster_import(organization=a, rows=rows, actor=staff(a))
    services.roster_import(organization=b, rows=rows, actor=staff(b))
    assert RosterEntry.objects.filter(organization=a).count() == 2
    assert RosterEntry.objects.filter(organization=b).count() == 2
