"""The platform helpers every app builds on (portal/lib)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from django.db import connection, models
from django.http import Http404
from django.utils import translation

import pytest

from accounts.models import User
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib import keyset
from portal.lib.access import get_or_404
from portal.lib.codes import CodeSpaceExhausted, allocate_unique
from portal.lib.emails import render_email
from portal.lib.errors import (
    DomainError,
    IllegalTransition,
    StaleEdit,
    message_for,
    next_state,
)
from portal.lib.ratelimit import hit
from portal.notifications.kinds import NotificationKind
from portal.notifications.services import notify
from tests.factories import UserFactory


class Colour(models.TextChoices):
    RED = "red"
    GREEN = "green"


TABLE = {(Colour.RED, "go"): Colour.GREEN}


def test_next_state_reads_the_table_and_refuses_what_is_missing():
    assert next_state(TABLE, "red", "go") == Colour.GREEN
    with pytest.raises(IllegalTransition) as caught:
        next_state(TABLE, "green", "go")
    assert (caught.value.status, caught.value.action) == ("green", "go")
    assert isinstance(caught.value, DomainError)


def test_message_for_uses_the_registered_wording_in_the_active_language():
    with translation.override("en"):
        assert "Someone else changed this" in message_for(StaleEdit())
        unknown = message_for(DomainError("no_such_code"))
    assert unknown  # a generic refusal, never an empty message


def test_keyset_round_trip_and_tampering():
    moment = datetime(2026, 12, 4, 9, 30, 15, 123456, tzinfo=UTC)
    token = keyset.encode(moment, 42, keyset.BEFORE)
    assert keyset.decode(token) == ("p", (moment, 42))
    for bad in ("", None, "%%%", "bm90LmEuY3Vyc29y", token[:-3] + "A"):
        decoded = keyset.decode(bad)
        assert decoded is None or decoded != ("p", (moment, 42))
    # A key no row can have (beyond bigint, or not positive) is refused too.
    for key in (2**63, 10**30, 0, -5):
        assert keyset.decode(keyset.encode(moment, key)) is None
    assert keyset.decode(keyset.encode(moment, 2**63 - 1)) is not None


@pytest.mark.django_db
def test_get_or_404_turns_missing_and_malformed_keys_into_404():
    user = UserFactory()
    assert get_or_404(User.objects.all(), pk=user.pk) == user
    with pytest.raises(Http404):
        get_or_404(User.objects.all(), pk=user.pk + 1000)
    with pytest.raises(Http404):
        get_or_404(User.objects.all(), pk="not-a-number")


def test_rate_limit_counts_within_the_window():
    assert all(hit("test:abc", limit=3, window=60) for _ in range(3))
    assert not hit("test:abc", limit=3, window=60)
    assert hit("test:other", limit=3, window=60)


@pytest.mark.django_db
def test_audit_refuses_an_action_not_in_the_closed_list():
    audit_record(actor=None, action=AuditAction.AUTH_LOGIN)
    with pytest.raises(ValueError):
        audit_record(actor=None, action="auth.logn")


@pytest.mark.django_db
def test_notify_refuses_a_kind_without_templates():
    with pytest.raises(ValueError):
        notify(to_email="a@example.jp", kind="no_such_kind")


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("kind", list(NotificationKind))
def test_every_notification_kind_renders_in_both_languages(kind, language):
    """With only what the relay always passes (a recipient and a link), every
    kind's subject, text and HTML templates render in both languages."""
    recipient = User(username="U0000001", email="a@example.jp", language=language)
    # Counts that plural forms need; everything else may be missing.
    context = {"item_count": 2, "days_left": 7, "due_date": "2027-02-10"}
    email = render_email(
        kind, {**context, "recipient": recipient, "link": "/x/"}, language
    )
    assert email.subject.strip()
    assert email.text.strip()
    assert "<" in email.html


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_allocate_unique_under_contention_gives_every_writer_its_own_code():
    """Eight threads draw from a space of ten codes at once: every write lands
    with a distinct code, collisions are retried, none surfaces as an error."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS test_codes (code varchar(4) PRIMARY KEY)"
        )
        cursor.execute("TRUNCATE test_codes")
    pool = iter(
        ["A1", "A1", "A2", "A2", "A3", "A3", "A4", "A4"] + [f"B{i}" for i in range(100)]
    )
    lock = threading.Lock()
    barrier = threading.Barrier(8)
    results: list[str] = []
    errors: list[BaseException] = []

    def generate() -> str:
        with lock:
            return next(pool)

    def write(code: str) -> str:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO test_codes (code) VALUES (%s)", [code])
        return code

    def worker() -> None:
        try:
            barrier.wait()
            results.append(allocate_unique(generate, write, label="test code"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    try:
        assert not errors
        assert len(results) == 8
        assert len(set(results)) == 8
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE test_codes")


@pytest.mark.django_db
def test_allocate_unique_gives_up_when_every_draw_collides():
    user = UserFactory()

    def write(code: str) -> None:
        UserFactory(username=user.username)

    with pytest.raises(CodeSpaceExhausted):
        allocate_unique(lambda: "x", write, attempts=3)
