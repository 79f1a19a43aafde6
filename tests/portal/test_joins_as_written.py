"""``portal.lib.db.joins_as_written``: the many-join reads of the queue and
the officer's case page are planned in written join order, in the same round
trip, and nothing else is (README, "Performance")."""

from __future__ import annotations

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

import pytest

from accounts.models import Office
from portal.lib.db import joins_as_written

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

SETTING = "SELECT current_setting('join_collapse_limit')"


def _setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute(SETTING)
        return cursor.fetchone()[0]


def test_a_select_in_the_block_keeps_its_written_join_order() -> None:
    default = _setting()
    assert default != "1"
    with CaptureQueriesContext(connection) as queries, joins_as_written():
        assert _setting() == "1"
        # ORM rows arrive as usual: the cursor is past the setting's result.
        codes = list(Office.objects.order_by("code").values_list("code", flat=True))
    assert codes and codes == sorted(codes)
    assert len(queries) == 2  # one round trip each, counted once
    assert _setting() == default


def test_inside_a_transaction_the_setting_ends_with_the_query() -> None:
    default = _setting()
    with transaction.atomic():
        with joins_as_written():
            assert _setting() == "1"
        # A local setting would last to the end of the transaction: the
        # second statement (the default) ends it.
        assert _setting() == default


def test_writes_in_the_block_are_sent_as_they_are() -> None:
    with CaptureQueriesContext(connection) as queries, joins_as_written():
        Office.objects.filter(code="NONE").update(name_en="x")
    assert queries[0]["sql"].startswith("UPDATE")
