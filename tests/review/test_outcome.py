"""The outcome comes back (issue 10, item 7): the decision panel that leads
the user's case page in each state, and the person's record taking what was
granted on issuance with the earlier values kept as history."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

import pytest
from dateutil.relativedelta import relativedelta

from applications.models import PersonRecordHistory, StatusOfResidence
from applications.workflow import Status
from review.models import Decision, ResidenceCard
from tests.factories import ForeignNationalFactory
from tests.review.issuance_helpers import (
    clerk,
    decided,
    login,
    media,
    org_and_user,
    walk_to,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> Path:
    return media(settings, tmp_path)


@pytest.fixture
def org_user():
    return org_and_user()


@pytest.fixture
def the_clerk():
    return clerk()


def panel_text(client, settings, user, application) -> str:
    login(client, user, settings, fresh=False)
    response = client.get(reverse("applications:case", args=[application.code]))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="outcome"')
    return html[start : html.index("</section>", start)]


def test_no_panel_before_a_decision(client, settings, org_user):
    org, user = org_user
    application = decided(org, user, follow_up=False)
    application.status = Status.EXAMINING
    application.save(update_fields=["status"])
    login(client, user, settings, fresh=False)
    response = client.get(reverse("applications:case", args=[application.code]))
    assert 'id="outcome"' not in response.content.decode()


def test_granted_for_another_period_than_requested(client, settings, org_user):
    org, user = org_user
    application = decided(org, user, period="1y")  # 3 years were requested
    expiry = application.foreign_national.period_expiry
    text = panel_text(client, settings, user, application)
    assert "Permission granted" in text
    assert "1 year" in text
    assert "Applied for: 3 years. The office granted a different period." in text
    new_expiry = expiry + relativedelta(years=1)
    assert new_expiry.strftime("%Y") in text
    assert "Pay the fee" in text and "not yet" in text


def test_denied_shows_the_reasons_and_what_to_do(client, settings, org_user):
    org, user = org_user
    application = decided(org, user, outcome=Decision.Outcome.DENY)
    text = panel_text(client, settings, user, application)
    assert "Not granted" in text
    assert "The activity does not fit the status." in text
    assert "preparation for departure" in text
    assert "31 days" in text


def test_a_denial_is_said_once_by_the_panel(client, settings, org_user):
    org, user = org_user
    application = decided(org, user, outcome=Decision.Outcome.DENY)
    login(client, user, settings, fresh=False)
    response = client.get(reverse("applications:case", args=[application.code]))
    html = response.content.decode()
    assert response.context["outcome_stated"] is True
    # The panel (with the reasons) says it; the page's short banner is gone.
    assert html.count("Not granted") == 1
    assert "Permission was not granted" not in html
    assert html.index('id="outcome"') < html.index("Not granted")


def test_issued_shows_the_card_number_and_the_steps(
    client, settings, org_user, the_clerk
):
    org, user = org_user
    application = walk_to(
        decided(org, user, period="3y"), Status.DISPATCHED, actor=the_clerk, user=user
    )
    card = ResidenceCard.objects.get(application=application)
    text = panel_text(client, settings, user, application)
    assert card.number in text
    assert "Tracking number 123456789012" in text
    assert text.count("(done)") == 3  # fee, card, dispatch; not the handover
    assert "Applied for: 3 years" in text and "different period" not in text


def test_official_gets_no_card(client, settings, org_user, the_clerk):
    org, user = org_user
    official = StatusOfResidence.objects.get(code="official")
    fn = ForeignNationalFactory(
        organization=org,
        current_status=official,
        residence_card_number="",
        current_period="1y",
    )
    application = decided(
        org,
        user,
        type_code="extension",
        companions=(),
        foreign_national=fn,
        target_status=official,
        period="1y",
    )
    application = walk_to(application, Status.ISSUED, actor=the_clerk, user=user)
    assert not ResidenceCard.objects.filter(application=application).exists()
    text = panel_text(client, settings, user, application)
    assert "No residence card is issued for this status of residence." in text
    fn.refresh_from_db()
    assert fn.residence_card_number == ""
    assert fn.current_period == "1y"


def test_issuance_updates_the_person_and_keeps_history(
    client, settings, org_user, the_clerk
):
    org, user = org_user
    application = decided(org, user, period="1y")
    fn = application.foreign_national
    old = (fn.current_period, fn.period_expiry, fn.residence_card_number)
    application = walk_to(application, Status.ISSUED, actor=the_clerk, user=user)
    card = ResidenceCard.objects.get(application=application)
    fn.refresh_from_db()
    assert fn.current_period == "1y"
    assert fn.period_expiry == old[1] + relativedelta(years=1)
    assert fn.residence_card_number == card.number
    history = PersonRecordHistory.objects.get(foreign_national=fn)
    assert (
        history.period,
        history.period_expiry,
        history.residence_card_number,
    ) == old
    assert history.application_id == application.pk

    # The people list shows the new expiry, the person page the history.
    login(client, user, settings, fresh=False)
    listing = client.get(reverse("applications:foreign_nationals")).content.decode()
    assert fn.period_expiry.strftime("%Y") in listing
    assert old[2] not in listing
    page = client.get(
        reverse("applications:foreign_national", args=[fn.code])
    ).content.decode()
    assert old[2] in page  # the earlier card number, as history

    # The panel still says what was granted after the record moved on.
    text = panel_text(client, settings, user, application)
    assert "Applied for: 3 years. The office granted a different period." in text
    assert card.number in text


def test_change_expiry_counts_from_the_decision(org_user, the_clerk):
    org, user = org_user
    application = decided(org, user, type_code="change", companions=(), period="1y")
    decided_on = timezone.localdate(application.decided_at)
    application = walk_to(application, Status.ISSUED, actor=the_clerk, user=user)
    application.foreign_national.refresh_from_db()
    assert application.foreign_national.period_expiry == decided_on + relativedelta(
        years=1
    ) - timedelta(days=1)


def test_the_dispatched_case_page_reads_payment_and_dispatch_once(
    client, settings, org_user, the_clerk
):
    """The outcome panel, the fee panel and the timeline share one read of
    each (issue 9: no repeated queries on the case page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    org, user = org_user
    application = walk_to(
        decided(org, user, period="3y"), Status.DISPATCHED, actor=the_clerk, user=user
    )
    from review.processing_times import refresh_summary

    refresh_summary()  # the worker's figures exist, as in production
    login(client, user, settings, fresh=False)
    url = reverse("applications:case", args=[application.code])
    client.get(url)  # the session's first request reads more (two-step state)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    # One query reads the decision, the payment, the card and the dispatch.
    for table in ("review_payment", "review_dispatch", "review_residencecard"):
        assert sum(f'"{table}"' in q["sql"] for q in queries) == 1, table
    assert len(queries) <= 10  # QUALITY.md item 24
