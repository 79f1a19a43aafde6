"""The optional read replica (issue 9, item 10): with DATABASE_REPLICA_URL
set, reads that may lag (queue counts, processing times, searches) go to the
``replica`` alias; writes, reads in a transaction and everything else stay on
``default``.  Under the test suite ``replica`` is a TEST MIRROR of default."""

from __future__ import annotations

from typing import Any

from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from applications.models import Application
from portal.lib.db import replica_reads

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def test_the_replica_is_a_test_mirror_of_default(settings: Any) -> None:
    assert settings.DATABASES["replica"]["TEST"]["MIRROR"] == "default"


def test_only_lag_tolerant_reads_go_to_the_replica(settings: Any) -> None:
    settings.REPLICA_READS = True
    assert router.db_for_read(Application) == "default"
    with replica_reads():
        assert router.db_for_read(Application) == "replica"
        assert router.db_for_write(Application) == "default"
        with transaction.atomic():
            # A read in a transaction must see the transaction's writes.
            assert router.db_for_read(Application) == "default"
    assert router.db_for_read(Application) == "default"


def test_without_a_replica_nothing_moves(settings: Any) -> None:
    settings.REPLICA_READS = False
    with replica_reads():
        assert router.db_for_read(Application) == "default"


def test_queue_counts_and_processing_times_read_from_the_replica(
    settings: Any, reference_data: None
) -> None:
    from django.core.cache import cache

    from accounts.models import Office
    from review import processing_times, selectors

    settings.REPLICA_READS = True
    cache.clear()
    tokyo = Office.objects.get(code="TKY").pk
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_default,
    ):
        selectors.case_queue_counts(office_ids={tokyo}, today=timezone.localdate())
        processing_times.refresh_summary()
    replica_sql = " ".join(q["sql"] for q in on_replica.captured_queries)
    assert "GROUP BY" in replica_sql and "PERCENTILE_CONT" in replica_sql
    assert not any(
        "applications_application" in q["sql"] for q in on_default.captured_queries
    )
