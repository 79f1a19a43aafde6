"""Receipt numbers are allocated by the unique constraint, not by a check
before the insert: two submissions drawing the same number at the same
moment both succeed, with different numbers (PostgreSQL, two real
connections, one per thread)."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

from django.db import connection

import pytest

from applications import services
from applications.models import Application
from applications.services import submission
from applications.workflow import Status
from tests.factories import (
    ApplicationFactory,
    OrganizationFactory,
    attach_required_documents,
    staff,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

TAKEN = "TKY-2026-0000001"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/no-public-url/"},
        },
    }
    return root


def test_a_collision_with_an_existing_number_draws_another(monkeypatch):
    org = OrganizationFactory()
    alice = staff(org)
    first = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=alice,
        receipt_number=TAKEN,
        status=Status.SUBMITTED,
    )
    draws = iter([TAKEN, TAKEN, "TKY-2026-0000002", "TKY-2026-0000003"])
    monkeypatch.setattr(
        submission, "receipt_number_candidate", lambda _code: next(draws)
    )
    draft = ApplicationFactory(organization=org, created_by=alice)
    attach_required_documents(draft)
    case = services.application_submit(application=draft, actor=alice)
    assert case.status == Status.SUBMITTED
    assert case.receipt_number == "TKY-2026-0000002"
    assert case.companions.get().receipt_number == "TKY-2026-0000003"
    first.refresh_from_db()
    assert first.receipt_number == TAKEN


@pytest.mark.postgres
def test_two_submissions_drawing_the_same_number_both_succeed(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    org = OrganizationFactory()
    alice, bob = staff(org), staff(org)
    drafts = [
        ApplicationFactory(organization=org, created_by=alice),
        ApplicationFactory(organization=org, created_by=bob),
    ]
    for draft in drafts:
        attach_required_documents(draft)

    real = submission.receipt_number_candidate
    draws: Counter[int] = Counter()
    lock = threading.Lock()
    both_drawing = threading.Barrier(2)

    def candidate(office_code: str) -> str:
        """Each thread's first draw is the same number, drawn by both at
        once; later draws are random."""
        me = threading.get_ident()
        with lock:
            draws[me] += 1
            first = draws[me] == 1
        if first:
            both_drawing.wait(timeout=10)
            return TAKEN
        return real(office_code)

    monkeypatch.setattr(submission, "receipt_number_candidate", candidate)
    results: list[Any] = [None, None]

    def run(index: int, draft: Application, actor: Any) -> None:
        from django.db import connection as thread_connection

        try:
            results[index] = services.application_submit(application=draft, actor=actor)
        except Exception as exc:  # a 500 in production: the test fails below
            results[index] = exc
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=run, args=(0, drafts[0], alice)),
        threading.Thread(target=run, args=(1, drafts[1], bob)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"

    assert all(isinstance(r, Application) for r in results), results
    numbers = [
        number
        for draft in drafts
        for number in Application.objects.filter(pk=draft.pk).values_list(
            "receipt_number", flat=True
        )
    ]
    assert len(set(numbers)) == 2
    assert TAKEN in numbers
    assert all(
        a.status == Status.SUBMITTED
        for a in Application.objects.filter(organization=org)
    )
    every_number = list(
        Application.objects.filter(organization=org).values_list(
            "receipt_number", flat=True
        )
    )
    assert len(set(every_number)) == len(every_number) == 4
    # The loser of the first draw drew again: 2 + 2 draws, plus the retry.
    assert sum(draws.values()) == 5
