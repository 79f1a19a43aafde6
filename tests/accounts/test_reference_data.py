from __future__ import annotations

from collections import Counter

from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count

import pytest

from accounts.models import Office, Prefecture
from accounts.reference_data import OFFICES, PREFECTURES, load_offices, sync_rows
from accounts.selectors import office_for_prefecture, offices_taking_use_requests

AIRPORT_OFFICES = {"NRT", "HND", "NGO", "KIX"}


def test_data_lists_47_prefectures_with_jis_codes():
    assert [p["code"] for p in PREFECTURES] == list(range(1, 48))
    assert len({p["name_ja"] for p in PREFECTURES}) == 47


def test_data_puts_each_prefecture_in_exactly_one_jurisdiction():
    counts = Counter(code for office in OFFICES for code in office["jurisdiction"])
    assert set(counts) == set(range(1, 48))
    assert [code for code, n in counts.items() if n != 1] == []


def test_office_codes_are_short_uppercase_and_unique():
    codes = [o["code"] for o in OFFICES]
    assert len(codes) == len(set(codes))
    assert len([o for o in OFFICES if o["kind"] != "branch"]) == 15
    assert all(code.isascii() and code.isupper() and len(code) == 3 for code in codes)


@pytest.mark.django_db
def test_migration_loaded_prefectures_and_offices():
    assert Prefecture.objects.count() == 47
    assert Prefecture.objects.get(code=13).name_en == "Tokyo"
    bureaus = Office.objects.filter(kind=Office.Kind.BUREAU)
    assert set(bureaus.values_list("code", flat=True)) == {
        "SPR", "SND", "TKY", "NGY", "OSK", "HRS", "TKM", "FKO"
    }  # fmt: skip
    districts = Office.objects.filter(kind=Office.Kind.DISTRICT).select_related(
        "parent"
    )
    assert {(o.code, o.parent.code) for o in districts} == {
        ("NRT", "TKY"), ("HND", "TKY"), ("YKH", "TKY"), ("NGO", "NGY"),
        ("KIX", "OSK"), ("KOB", "OSK"), ("NAH", "FKO"),
    }  # fmt: skip
    assert Office.objects.get(code="SPR").postal_code == "060-0042"


@pytest.mark.django_db
def test_each_prefecture_is_in_exactly_one_office_jurisdiction(reference_data):
    per_prefecture = Prefecture.objects.annotate(n=Count("offices"))
    assert {p.code: p.n for p in per_prefecture} == dict.fromkeys(range(1, 48), 1)


@pytest.mark.django_db
def test_airport_offices_take_neither_use_requests_nor_applications(reference_data):
    airports = Office.objects.filter(code__in=AIRPORT_OFFICES)
    assert airports.count() == 4
    for office in airports:
        assert not office.accepts_use_requests
        assert not office.accepts_applications
        assert not office.jurisdiction.exists()
        assert office.is_port
    others = Office.objects.exclude(code__in=AIRPORT_OFFICES).exclude(
        kind=Office.Kind.BRANCH
    )
    assert all(o.accepts_use_requests and o.accepts_applications for o in others)


@pytest.mark.django_db
def test_port_branches_take_nothing_and_branches_no_use_requests(reference_data):
    branches = Office.objects.filter(kind=Office.Kind.BRANCH)
    assert branches.exists()
    for office in branches:
        assert not office.accepts_use_requests
        assert not office.jurisdiction.exists()
        assert office.accepts_applications == (not office.is_port)
        assert office.accepts_coe == (not office.is_port)


@pytest.mark.django_db
def test_load_offices_twice_writes_nothing(django_assert_max_num_queries):
    load_offices(apps)
    with django_assert_max_num_queries(6):
        assert load_offices(apps) == 0
    assert Office.objects.count() == len(OFFICES)


@pytest.mark.django_db
def test_load_offices_puts_back_changed_rows_and_keeps_extra_offices():
    tokyo = Office.objects.get(code="TKY")
    tokyo.name_en = "changed"
    tokyo.save()
    tokyo.jurisdiction.remove(13)
    Office.objects.create(
        code="ZZZ", kind=Office.Kind.BRANCH, parent=tokyo, name_ja="試験出張所",
        name_en="Added in the admin",
    )  # fmt: skip

    assert load_offices(apps) == 2

    tokyo.refresh_from_db()
    assert tokyo.name_en == "Tokyo Regional Immigration Services Bureau"
    assert tokyo.jurisdiction.filter(code=13).exists()
    assert Office.objects.filter(code="ZZZ").exists()


@pytest.mark.django_db(transaction=True)
def test_load_offices_fills_a_flushed_database():
    call_command("flush", interactive=False, verbosity=0)
    assert not Prefecture.objects.exists()

    assert load_offices(apps) == 47 + len(OFFICES) + 11  # rows + jurisdiction sets

    assert Office.objects.get(code="YKH").parent == Office.objects.get(code="TKY")
    assert office_for_prefecture(prefecture=47).code == "NAH"


@pytest.mark.django_db
def test_loader_ignores_keys_the_model_lacks():
    """A migration's older historical model must accept today's data."""
    rows = [{**p, "added_in_a_later_version": 1} for p in PREFECTURES]
    assert sync_rows(Prefecture, ["code"], rows) == 0


@pytest.mark.django_db
def test_loader_works_with_the_migration_historical_models():
    state = MigrationExecutor(connection).loader.project_state(
        ("accounts", "0002_reference_data")
    )
    assert load_offices(state.apps) == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefecture", "office"),
    [(1, "SPR"), (13, "TKY"), (12, "TKY"), (14, "YKH"), (23, "NGY"), (27, "OSK"),
     (28, "KOB"), (34, "HRS"), (37, "TKM"), (40, "FKO"), (47, "NAH")],
)  # fmt: skip
def test_office_for_prefecture(reference_data, prefecture, office):
    assert office_for_prefecture(prefecture=prefecture).code == office
    instance = Prefecture.objects.get(code=prefecture)
    assert office_for_prefecture(prefecture=instance).code == office


@pytest.mark.django_db
def test_office_for_prefecture_skips_offices_not_taking_use_requests(reference_data):
    Office.objects.filter(code="YKH").update(accepts_use_requests=False)
    assert office_for_prefecture(prefecture=14) is None


@pytest.mark.django_db
def test_offices_taking_use_requests_excludes_airports_in_order(reference_data):
    codes = list(offices_taking_use_requests().values_list("code", flat=True))
    assert codes == [
        "SPR", "SND", "TKY", "YKH", "NGY", "OSK", "KOB", "HRS", "TKM", "FKO", "NAH"
    ]  # fmt: skip
