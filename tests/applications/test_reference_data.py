from __future__ import annotations

from datetime import date

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

from applications.models import (
    ApplicationType,
    Fee,
    StatusOfResidence,
    StatusSubCategory,
)
from applications.periods import parse_period, validate_periods
from applications.reference_data import (
    STATUSES,
    SUBCATEGORIES,
    load_reference_data,
)
from applications.selectors import fee_for

pytestmark = pytest.mark.django_db

TABLE_I = {
    "I-1": ["外交", "公用", "教授", "芸術", "宗教", "報道"],
    "I-2": [
        "高度専門職", "経営・管理", "法律・会計業務", "医療", "研究", "教育",
        "技術・人文知識・国際業務", "企業内転勤", "介護", "興行", "技能", "特定技能",
        "技能実習", "育成就労",
    ],
    "I-3": ["文化活動", "短期滞在"],
    "I-4": ["留学", "研修", "家族滞在"],
    "I-5": ["特定活動"],
}  # fmt: skip
TABLE_II = ["永住者", "日本人の配偶者等", "永住者の配偶者等", "定住者"]
NOT_ONLINE = {"外交", "短期滞在", "育成就労", "永住者"}


# --- application types ------------------------------------------------------


def test_seven_application_types_numbered_as_in_the_product(reference_data):
    types = list(ApplicationType.objects.order_by("number"))
    assert [(t.number, t.code) for t in types] == [
        (1, "coe"), (2, "change"), (3, "extension"), (4, "acquisition"),
        (5, "authorized_employment"), (6, "reentry"), (7, "other_activity"),
    ]  # fmt: skip


def test_companions_go_only_with_change_extension_acquisition(reference_data):
    companions = ApplicationType.objects.filter(is_companion=True)
    hosts = ApplicationType.objects.filter(takes_companions=True)
    assert set(companions.values_list("code", flat=True)) == {
        "reentry",
        "other_activity",
    }
    assert set(hosts.values_list("code", flat=True)) == {
        "change",
        "extension",
        "acquisition",
    }


def test_only_coe_is_filed_from_abroad(reference_data):
    abroad = ApplicationType.objects.filter(in_japan=False)
    assert list(abroad.values_list("code", flat=True)) == ["coe"]
    no_card = ApplicationType.objects.filter(residence_card_required=False)
    assert set(no_card.values_list("code", flat=True)) == {"coe", "acquisition"}


# --- statuses of residence --------------------------------------------------


def test_catalogue_has_table_i_and_ii_as_domain_facts_list_them(reference_data):
    for group, names in TABLE_I.items():
        rows = StatusOfResidence.objects.filter(table="I", group=group)
        assert sorted(rows.values_list("name_ja", flat=True)) == sorted(names)
    table_ii = StatusOfResidence.objects.filter(table="II", group="II")
    assert sorted(table_ii.values_list("name_ja", flat=True)) == sorted(TABLE_II)
    assert StatusOfResidence.objects.count() == 30


def test_online_eligibility_follows_the_product_rules(reference_data):
    not_online = StatusOfResidence.objects.filter(online_eligible=False)
    assert set(not_online.values_list("name_ja", flat=True)) == NOT_ONLINE
    departure = StatusSubCategory.objects.get(
        status__code="designated_activities", code="departure_preparation"
    )
    assert not departure.online_eligible
    assert departure.status.online_eligible


def test_table_ii_statuses_have_no_activity_restriction(reference_data):
    assert not StatusOfResidence.objects.filter(
        table="II", activity_restricted=True
    ).exists()
    assert not StatusOfResidence.objects.filter(
        table="I", activity_restricted=False
    ).exists()


def test_employment_for_skill_development_starts_2027(reference_data):
    status = StatusOfResidence.objects.get(code="employment_for_skill_development")
    assert status.available_from == date(2027, 4, 1)
    assert not status.online_eligible
    assert "2027-04-01" in status.note


@pytest.mark.parametrize(
    ("code", "periods"),
    [
        ("diplomat", ["activity"]),
        ("official", ["5y", "3y", "1y", "3m", "30d", "15d"]),
        ("business_manager", ["5y", "3y", "1y", "6m", "4m", "3m"]),
        ("entertainer", ["3y", "1y", "6m", "3m", "30d"]),
        ("temporary_visitor", ["90d", "30d", "designated-15d"]),
        ("dependent", ["designated-5y"]),
        ("permanent_resident", ["indefinite"]),
        ("long_term_resident", ["5y", "3y", "1y", "6m", "designated-5y"]),
    ],
)
def test_periods_of_stay(reference_data, code, periods):
    assert StatusOfResidence.objects.get(code=code).periods == periods


def test_subcategory_periods_override_or_inherit(reference_data):
    hsp_ii = StatusSubCategory.objects.get(
        status__code="highly_skilled_professional", code="ii"
    )
    assert hsp_ii.effective_periods == ["indefinite"]
    internship = StatusSubCategory.objects.get(
        status__code="designated_activities", code="notice_9"
    )
    assert internship.periods is None
    assert internship.effective_periods == internship.status.periods


def test_every_seeded_period_is_in_the_grammar():
    for status in STATUSES:
        validate_periods(status["periods"])
    for subs in SUBCATEGORIES.values():
        for sub in subs:
            if sub["periods"] is not None:
                validate_periods(sub["periods"])


def test_seeded_statuses_pass_model_validation(reference_data):
    for status in StatusOfResidence.objects.all():
        status.full_clean()
    for sub in StatusSubCategory.objects.all():
        sub.full_clean()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5y", {"years": 5}),
        ("1y3m", {"years": 1, "months": 3}),
        ("30d", {"days": 30}),
        ("designated-5y", {"years": 5, "designated": True}),
        ("designated-15d", {"days": 15, "designated": True}),
        ("indefinite", {"indefinite": True}),
        ("activity", {"activity": True}),
    ],
)
def test_parse_period(text, expected):
    period = parse_period(text)
    for attribute, value in expected.items():
        assert getattr(period, attribute) == value


@pytest.mark.parametrize(
    "text", ["", "5", "y", "3m1y", "designated-", "5 y", "forever"]
)
def test_parse_period_rejects_text_outside_the_grammar(text):
    with pytest.raises(ValueError, match="not a period"):
        parse_period(text)


@pytest.mark.parametrize("value", ["5y", ["5y", "5y"], ["5y", 3], [None], {"5y": 1}])
def test_validate_periods_rejects_bad_values(value):
    with pytest.raises(ValidationError):
        validate_periods(value)


# --- fees ---------------------------------------------------------------------

BEFORE = date(2025, 3, 31)
FROM = date(2025, 4, 1)


@pytest.mark.parametrize(
    ("type_code", "variant", "channel", "received_on", "amount"),
    [
        ("change", "", "online", BEFORE, 4000),
        ("change", "", "counter", BEFORE, 4000),
        ("change", "", "online", FROM, 5500),
        ("change", "", "counter", FROM, 6000),
        ("extension", "", "online", BEFORE, 4000),
        ("extension", "", "online", FROM, 5500),
        ("extension", "", "counter", date(2026, 11, 26), 6000),
        ("authorized_employment", "", "online", BEFORE, 1200),
        ("authorized_employment", "", "counter", BEFORE, 1200),
        ("authorized_employment", "", "online", FROM, 1600),
        ("authorized_employment", "", "counter", FROM, 2000),
        ("reentry", "single", "online", BEFORE, 3000),
        ("reentry", "single", "online", FROM, 3500),
        ("reentry", "single", "counter", FROM, 4000),
        ("reentry", "multiple", "counter", BEFORE, 6000),
        ("reentry", "multiple", "online", FROM, 6500),
        ("reentry", "multiple", "counter", FROM, 7000),
        ("coe", "", "online", BEFORE, 0),
        ("coe", "", "online", FROM, 0),
        ("acquisition", "", "counter", FROM, 0),
        ("other_activity", "", "online", FROM, 0),
        ("other_activity", "", "counter", BEFORE, 0),
    ],
)
def test_fee_for(reference_data, type_code, variant, channel, received_on, amount):
    kwargs = {"variant": variant, "channel": channel, "received_on": received_on}
    assert fee_for(application_type=type_code, **kwargs) == amount
    instance = ApplicationType.objects.get(code=type_code)
    assert fee_for(application_type=instance, **kwargs) == amount


def test_fee_for_uses_the_latest_row_in_force(reference_data):
    extension = ApplicationType.objects.get(code="extension")
    Fee.objects.create(
        application_type=extension,
        channel="online",
        valid_from=date(2027, 4, 1),
        amount_yen=30000,
    )
    online = {"application_type": extension, "channel": "online"}
    assert fee_for(**online, received_on=date(2027, 3, 31)) == 5500
    assert fee_for(**online, received_on=date(2027, 4, 1)) == 30000


def test_fee_for_raises_when_the_table_has_no_row(reference_data):
    with pytest.raises(Fee.DoesNotExist):
        fee_for(application_type="reentry", channel="online", received_on=FROM)
    with pytest.raises(Fee.DoesNotExist):
        fee_for(
            application_type="change", channel="online", received_on=date(1989, 1, 1)
        )


# --- the loader -------------------------------------------------------------


def test_migration_loaded_the_catalogue():
    assert ApplicationType.objects.count() == 7
    assert StatusOfResidence.objects.count() == 30
    assert Fee.objects.count() == 26


def test_load_twice_writes_nothing(django_assert_max_num_queries):
    load_reference_data(apps)
    with django_assert_max_num_queries(8):
        assert load_reference_data(apps) == 0


def test_loader_works_with_the_migration_historical_models():
    state = MigrationExecutor(connection).loader.project_state(
        ("applications", "0002_reference_data")
    )
    assert load_reference_data(state.apps) == 0


@pytest.mark.django_db(transaction=True)
def test_loader_fills_a_flushed_database():
    call_command("flush", interactive=False, verbosity=0)
    assert not ApplicationType.objects.exists()

    assert load_reference_data(apps) == 7 + 30 + 19 + 26

    assert StatusSubCategory.objects.count() == sum(map(len, SUBCATEGORIES.values()))
    fee = fee_for(application_type="change", channel="counter", received_on=FROM)
    assert fee == 6000
