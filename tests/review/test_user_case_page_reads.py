"""The review side of the user's case page (the outcome panel, the fee and
card steps, the open request's due date) is read in the page's one round
trip with the page's own reads (``applications.panels.register_case_reads``):
the page makes as many queries for a decided case or one awaiting documents
as for a case just filed, and shows what those reads found."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from accounts.models import OfficerRole
from review.processing_times import refresh_summary
from tests.factories import officer
from tests.review.exam_helpers import claimed, login, new_case, open_request
from tests.review.issuance_helpers import decided, org_and_user

pytestmark = pytest.mark.django_db


def _page(client, application) -> tuple[int, str, list[str]]:  # type: ignore[no-untyped-def]
    url = reverse("applications:case", args=[application.code])
    client.get(url)  # per-process caches filled, as on a busy server
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return (
        len(ctx.captured_queries),
        response.content.decode(),
        [q["sql"] for q in ctx.captured_queries],
    )


def test_decided_and_awaiting_cases_read_in_the_same_round_trips(client, settings):
    org, user = org_and_user()
    login(client, user, settings)
    refresh_summary()  # the worker's figures exist, as in production
    filed = new_case(org, user)
    awaiting = new_case(org, user)
    examiner = officer(OfficerRole.Role.EXAMINER, office_code=awaiting.office.code)
    request = open_request(claimed(awaiting, examiner), examiner)
    granted = decided(org, user)

    plain, _html, _sql = _page(client, filed)
    waiting, html, sql = _page(client, awaiting)
    assert waiting == plain, sql
    # The open request's due date is on the page, read with the page's reads.
    assert request.due_date.isoformat() in html or str(request.due_date.day) in html
    batch = [s for s in sql if "review_documentrequest" in s]
    assert len(batch) == 1 and "review_document_request" not in batch[0]
    assert "audit_auditevent" in batch[0]  # the same statement as the audit record

    decided_count, html, sql = _page(client, granted)
    assert decided_count == plain, sql
    batch = [s for s in sql if "review_decision" in s]
    assert len(batch) == 1 and "audit_auditevent" in batch[0]
    assert granted.receipt_number in html
