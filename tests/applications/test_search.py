"""The name search's copy of the person's name on each application
(``Application.search_name``, kept by PostgreSQL triggers, migration 0011):
right on every write path, and what the queue, the case list and the API
search.  The embedded SQLite of ``make run`` matches the person's name
instead, with the same folding."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from typing import Any

from django.db import connection, transaction
from django.db.models import Value
from django.db.models.sql import Query
from django.utils import timezone

import pytest

from applications import search, selectors
from applications.models import Application, ApplicationType, ForeignNational
from applications.workflow import Status
from review import selectors as review_selectors
from tests.api.conftest import ApiClient, make_key
from tests.conftest import ROOT
from tests.factories import (
    ApplicationFactory,
    ForeignNationalFactory,
    OrganizationFactory,
    staff,
)
from tests.sqlite_connections import sqlite_connection


def _stored(application: Application) -> str:
    return Application.objects.values_list("search_name", flat=True).get(
        pk=application.pk
    )


def _person_name(person: ForeignNational) -> str:
    """The person's name as the database normalises it (PersonSearchName)."""
    return (
        ForeignNational.objects.filter(pk=person.pk)
        .annotate(name=search.PersonSearchName(*search.PERSON_NAME_FIELDS))
        .values_list("name", flat=True)
        .get()
    )


def _case(org: Any, person: ForeignNational, **fields: Any) -> Application:
    return ApplicationFactory(
        shortcut=True,
        organization=org,
        foreign_national=person,
        status=fields.pop("status", Status.SUBMITTED),
        **fields,
    )


@pytest.mark.django_db
def test_a_new_application_takes_its_persons_normalised_name(
    reference_data: None, org: Any, org_staff: Any
) -> None:
    person = ForeignNationalFactory(
        organization=org, family_name="DVOŘÁK", given_name="José", name_kanji="王 偉"
    )
    case = _case(org, person)
    assert _stored(case) == "DVORAK JOSE 王 偉" == _person_name(person)
    assert _stored(case.companions.get()) == "DVORAK JOSE 王 偉"
    # The insert returns the value the trigger wrote.
    draft = Application.objects.create(
        application_type=ApplicationType.objects.get(code="extension"),
        organization=org,
        foreign_national=person,
        created_by=org_staff,
    )
    assert draft.search_name == "DVORAK JOSE 王 偉"


@pytest.mark.django_db
def test_renaming_the_person_renames_their_applications(
    reference_data: None, org: Any
) -> None:
    person = ForeignNationalFactory(organization=org, family_name="SHRESTHA")
    case = _case(org, person)
    other = _case(org, ForeignNationalFactory(organization=org, family_name="RAI"))
    before = _stored(other)

    person.family_name = "KARKI"
    person.save()
    assert _stored(case) == "KARKI VAN AN " == _person_name(person)
    assert _stored(case.companions.get()) == "KARKI VAN AN "
    ForeignNational.objects.filter(pk=person.pk).update(
        given_name="BIKASH", name_kanji="カルキ"
    )
    assert _stored(case) == "KARKI BIKASH カルキ"
    assert _stored(case.companions.get()) == "KARKI BIKASH カルキ"
    assert _stored(other) == before


@pytest.mark.django_db
def test_moving_an_application_to_another_person(
    reference_data: None, org: Any
) -> None:
    first = ForeignNationalFactory(organization=org, family_name="GURUNG")
    second = ForeignNationalFactory(organization=org, family_name="TAMANG")
    case = _case(org, first)
    case.foreign_national = second
    case.save(update_fields=["foreign_national"])
    assert _stored(case) == _person_name(second)
    Application.objects.filter(pk=case.pk).update(foreign_national=first)
    assert _stored(case) == _person_name(first)


@pytest.mark.django_db
def test_a_copy_read_before_a_rename_does_not_write_the_old_name_back(
    reference_data: None, org: Any
) -> None:
    person = ForeignNationalFactory(organization=org, family_name="MAGAR")
    case = _case(org, person)
    stale = Application.objects.get(pk=case.pk)
    ForeignNational.objects.filter(pk=person.pk).update(family_name="THAPA")
    stale.withdrawal_reason = "x"
    stale.save()  # every column, the old search_name included
    assert _stored(case) == _person_name(person)
    assert _stored(case).startswith("THAPA ")
    # Nor can anyone write another name into it.
    Application.objects.filter(pk=case.pk).update(search_name="SOMEONE ELSE")
    assert _stored(case).startswith("THAPA ")


@pytest.mark.django_db(transaction=True)
def test_a_rename_while_an_application_is_being_filed_reaches_it(
    reference_data: None,
) -> None:
    """Two connections: the new application's trigger reads the person FOR
    SHARE, so the rename waits for the filing to commit and then updates the
    new row too (without the lock it would not see it, and the application
    would keep the old name)."""
    org = OrganizationFactory()
    filer = staff(org)
    person = ForeignNationalFactory(organization=org, family_name="SHRESTHA")
    extension = ApplicationType.objects.get(code="extension")
    inserted, commit, renamed = threading.Event(), threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def file() -> None:
        from django.db import connection as own

        try:
            with transaction.atomic():
                Application.objects.create(
                    application_type=extension,
                    organization=org,
                    foreign_national=person,
                    created_by=filer,
                )
                inserted.set()
                commit.wait(timeout=10)
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            own.close()

    def rename() -> None:
        from django.db import connection as own

        try:
            inserted.wait(timeout=10)
            ForeignNational.objects.filter(pk=person.pk).update(family_name="KARKI")
            renamed.set()
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=file), threading.Thread(target=rename)]
    for thread in threads:
        thread.start()
    assert inserted.wait(timeout=10)
    assert not renamed.wait(timeout=0.5)  # waits for the filing
    commit.set()
    for thread in threads:
        thread.join(timeout=20)
    assert not failures, failures
    assert renamed.is_set()
    assert Application.objects.get(foreign_national=person).search_name.startswith(
        "KARKI "
    )


@pytest.mark.django_db
def test_queue_case_list_and_api_find_a_case_by_its_persons_current_name(
    reference_data: None, org: Any, org_staff: Any, examiner: Any
) -> None:
    person = ForeignNationalFactory(organization=org, family_name="SHRESTHA")
    case = _case(org, person, status=Status.EXAMINING)
    _case(org, ForeignNationalFactory(organization=org, family_name="RAI"))
    ForeignNational.objects.filter(pk=person.pk).update(
        family_name="KARKI", given_name="BIKASH"
    )

    def queue(text: str) -> list[int]:
        rows = review_selectors.case_queue(
            user=examiner,
            office_ids={case.office_id},
            filters=review_selectors.QueueFilters(text=text),
            today=timezone.localdate(),
        )
        return [row["id"] for row in rows]

    def case_list(text: str) -> list[int]:
        return [c.pk for c in selectors.cases_for_user(user=org_staff, text=text)]

    api = ApiClient(make_key(org_staff, [org]))

    def from_api(text: str) -> list[str]:
        return [c["code"] for c in api.get("/api/v1/cases", q=text).json()["items"]]

    assert queue("KARKI") == queue("bikash karki") == [case.pk]
    assert case_list("KARKI") == case_list("ｋａｒｋｉ ｂｉｋ") == [case.pk]
    assert from_api("karki") == [str(case.code)]
    assert queue("SHRESTHA") == case_list("SHRESTHA") == from_api("SHRESTHA") == []


def test_on_sqlite_a_case_is_matched_on_its_persons_name(monkeypatch: Any) -> None:
    """SQLite keeps no copy (no triggers there): the condition names the
    person's columns, not search_name."""

    class SQLite:
        vendor = "sqlite"

    monkeypatch.setattr(search, "connection", SQLite())
    condition = search.case_search("karki")[1]
    sql = str(Application.objects.filter(condition).values("id").query)
    assert '"applications_foreignnational"."family_name"' in sql
    assert "search_name" not in sql


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        ("NGUYEN", "VAN AN", ""),
        ("Dvořák", "josé émile", ""),
        ("ŠŤASTNÝ", "Ñuñez Øystein", "王 偉"),
        ("カルキ", "ビカシュ", "山田"),
    ],
)
def test_sqlite_folds_names_as_postgresql_does(name: tuple[str, str, str]) -> None:
    expression = search.PersonSearchName(*(Value(part) for part in name))
    postgres_sql, params = expression.as_sql(
        Query(None).get_compiler(connection=connection), connection
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {postgres_sql}", params)
        on_postgres = cursor.fetchone()[0]
    sqlite = sqlite_connection()
    try:
        sqlite_sql, params = expression.as_sqlite(
            Query(None).get_compiler(connection=sqlite), sqlite
        )
        with sqlite.cursor() as cursor:
            cursor.execute(f"SELECT {sqlite_sql}", params)
            on_sqlite = cursor.fetchone()[0]
    finally:
        sqlite.close()
    assert on_sqlite == on_postgres
    assert on_postgres == search.normalise(" ".join(name)) + ("" if name[2] else " ")


_ON_SQLITE = """
from datetime import timedelta

from django.utils import timezone
from accounts.selectors import organizations_today
from applications import selectors
from review import selectors as review_selectors
from tests.factories import ApplicationFactory, ForeignNationalFactory, officer

case = ApplicationFactory(
    shortcut=True, status="examining", companions=("reentry", "other_activity"),
    foreign_national=ForeignNationalFactory(family_name="Dvořák", given_name="JOSÉ"),
)
examiner = officer("examiner")
queue = review_selectors.case_queue(
    user=examiner, office_ids={case.office_id}, today=timezone.localdate(),
    filters=review_selectors.QueueFilters(text="DVORAK JOSE"),
)
cases = selectors.cases_for_user(user=case.created_by, text="DVORAK")
rows = list(selectors.case_list_values(cases))  # companions as one string
# Queries compiled once (portal/lib/compiled.py) take dates and UUIDs as
# text on SQLite: the user's organisations (today) and the officer's case page.
organizations = organizations_today(user=case.created_by)
page = review_selectors.case_page_get_for_officer(user=examiner, code=case.code)
# ... and datetimes and strings: the queue's compiled pages, and the user's
# case page.
examining = review_selectors.QueueFilters(status="examining")
first, _more = review_selectors.compiled_queue_page(
    office_ids={case.office_id}, filters=examining
)
earlier, _more = review_selectors.compiled_queue_page(
    office_ids={case.office_id}, filters=examining,
    before=(case.submitted_at + timedelta(hours=1), case.pk + 1),
)
later, _more = review_selectors.compiled_queue_page(
    office_ids={case.office_id}, filters=examining,
    after=(case.submitted_at, case.pk),
)
users_page = selectors.case_page_get_for_user(user=case.created_by, code=case.code)
listed, _more = selectors.compiled_case_list_page(user=case.created_by)
older, _more = selectors.compiled_case_list_page(
    user=case.created_by, before=(case.submitted_at - timedelta(hours=1), case.pk)
)
print(
    [r["id"] for r in listed] == [case.pk] == [r["id"] for r in older],
    [r["id"] for r in first] == [case.pk] == [r["id"] for r in earlier],
    later == [],
    users_page.pk == case.pk,
    [row["id"] for row in queue] == [case.pk],
    [c.pk for c in cases] == [case.pk] == [r["id"] for r in rows],
    sorted(selectors.companion_type_ids(rows[0]))
    == sorted(case.companions.values_list("application_type_id", flat=True)),
    [o.pk for o in organizations] == [case.organization_id],
    page.pk == case.pk,
)
"""


def test_make_runs_sqlite_database_migrates_and_finds_cases_by_name(
    tmp_path: Any,
) -> None:
    """``make run`` (scripts/run.sh): migrations on SQLite, then a name
    search of the queue and of the case list, the case list's organisations,
    the queue's and the case list's compiled pages and both case pages."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "ZAIRYU_TESTING")
    }
    env.update(DJANGO_DEBUG="1", ZAIRYU_VAR_DIR=str(tmp_path))
    for command in (["migrate", "--noinput", "-v", "0"], ["shell", "-c", _ON_SQLITE]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.split()[-9:] == ["True"] * 9, result.stdout
