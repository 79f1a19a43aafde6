"""Issue 12 item 12: the recommendation for a certificate of eligibility
asks only what a certificate needs — no period of stay (it is decided when
the person lands) — and the grant reads without one."""

from __future__ import annotations

from django.urls import reverse

import pytest

from applications.workflow import Status
from review.models import Decision
from review.services import examination as services
from tests.review.exam_helpers import claimed, login, new_case, reauthenticate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


def _coe(org, org_staff, examiner):
    return claimed(new_case(org, org_staff, type_code="coe", companions=()), examiner)


def test_the_page_does_not_ask_for_a_period(client, settings, org, org_staff, examiner):
    application = _coe(org, org_staff, examiner)
    login(client, examiner, settings)
    html = client.get(
        reverse("review:case_recommend", args=[application.code])
    ).content.decode()
    assert 'name="outcome"' in html
    assert 'name="period"' not in html
    assert "Period of stay" not in html


def test_a_certificate_is_granted_without_a_period(
    client, settings, org, org_staff, examiner, supervisor
):
    application = _coe(org, org_staff, examiner)
    login(client, examiner, settings)
    reauthenticate(client)
    response = client.post(
        reverse("review:case_recommend", args=[application.code]),
        {"outcome": "grant", "expected_status": Status.EXAMINING},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.granted_period) == ("grant", "")
    assert decision.granted_status is not None
    login(client, supervisor, settings)
    html = client.get(
        reverse("review:case_approve", args=[application.code])
    ).content.decode()
    assert "Period of stay" not in html


def test_an_extension_still_needs_a_period(org, org_staff, examiner):
    application = claimed(new_case(org, org_staff), examiner)
    with pytest.raises(services.ExaminationError):
        services.decision_propose(
            application=application,
            actor=examiner,
            recommendation=services.Recommendation(outcome="grant"),
        )


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_grant_email_reads_without_a_period(language):
    from portal.lib.emails import render_email

    context = {
        "receipt_number": "TKY-2026-0000001",
        "status_en": "Engineer/Specialist in Humanities/International Services",
        "status_ja": "技術・人文知識・国際業務",
        "period": "",
    }
    email = render_email("decision_granted", context, language)
    assert "TKY-2026-0000001" in email.text
    assert "period of stay" not in email.text
    assert "在留期間" not in email.text
    with_period = render_email("decision_granted", {**context, "period": "3y"}, "en")
    assert "period of stay 3 years" in with_period.text
