"""Re-authentication that respects the work (issue 12, item 4): the form is
validated before the password is asked for; the prompt names the action; the
confirmed action completes with what was entered and lands back on the case;
one confirmation covers a short sitting (ACCOUNT_REAUTHENTICATION_TIMEOUT)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from applications.workflow import Status
from review.models import Decision
from tests.factories import PASSWORD
from tests.review.exam_helpers import claimed, new_case
from tests.review.issuance_helpers import (
    clerk,
    decided,
    login,
    media,
    org_and_user,
    reauthenticate,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

AFTER_2025 = date(2025, 6, 2)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> Path:
    return media(settings, tmp_path)


def _recommend_url(application) -> str:
    return reverse("review:case_recommend", args=[application.code])


def _grant(until: str) -> dict[str, str]:
    return {
        "outcome": "grant",
        "period": "3y",
        "reentry_until": until,
        "expected_status": Status.EXAMINING,
    }


def test_a_mistake_in_the_form_is_shown_before_the_password_is_asked(
    client, settings, org, org_staff, examiner
):
    application = claimed(new_case(org, org_staff), examiner)
    login(client, examiner, settings, fresh=False)
    response = client.post(
        _recommend_url(application),
        {"outcome": "grant", "expected_status": Status.EXAMINING},
    )
    assert response.status_code == 200
    assert "Choose the period" in response.content.decode()
    assert not Decision.objects.exists()


def test_the_prompt_names_the_action_and_the_action_completes_after_it(
    client, settings, org, org_staff, examiner
):
    application = claimed(new_case(org, org_staff), examiner)
    login(client, examiner, settings, fresh=False)
    until = (timezone.localdate() + timedelta(days=400)).isoformat()
    url = _recommend_url(application)
    response = client.post(url, _grant(until))
    assert response.status_code == 302
    prompt_url = response["Location"]
    assert prompt_url.startswith(reverse("account_reauthenticate"))
    assert not Decision.objects.exists()  # nothing done before the confirmation

    prompt = client.get(prompt_url).content.decode()
    assert "To send your recommendation, confirm it is you." in prompt
    # Another prompt (for something else) does not borrow the label.
    other = client.get(reverse("account_reauthenticate") + "?next=/dashboard/")
    assert "To send your recommendation" not in other.content.decode()

    response = client.post(prompt_url, {"password": PASSWORD})
    # Back to the action's own address, where the kept POST is completed with
    # what was entered; the browser then goes on to the case.
    assert response.status_code == 302
    resume_at = response["Location"]
    assert resume_at.startswith(url + "?resume=")
    assert not Decision.objects.exists()
    response = client.get(resume_at)
    assert response.status_code == 302
    assert response["Location"] == reverse("review:case", args=[application.code])
    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.granted_period) == ("grant", "3y")
    assert decision.reentry_until.isoformat() == until

    # The token is spent: opening the same address again shows the page and
    # repeats nothing.
    again = client.get(resume_at)
    assert Decision.objects.filter(application=application).count() == 1
    assert again.status_code in (200, 302)


def test_an_action_that_fails_after_the_confirmation_shows_its_error_at_its_own_address(
    client, settings
):
    """The stamps form is valid, but the amount is not the fee due (the
    service refuses it): the error page is the stamps page, at the stamps
    address, with the amount as typed — not the prompt's address."""
    org, user = org_and_user()
    case = decided(org, user, received_on=AFTER_2025)
    login(client, clerk(), settings, fresh=False)
    stamps = reverse("review:issuance_stamps", args=[case.code])
    prompt = client.post(stamps, {"amount": "4000"})
    assert prompt["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(prompt["Location"], {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith(stamps + "?resume=")
    assert response.request["PATH_INFO"] == stamps
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert 'value="4000"' in page
    case.refresh_from_db()
    assert case.status == Status.GRANTED


def test_a_kept_action_is_completed_only_by_its_own_token(client, settings):
    """An abandoned prompt leaves the POST kept; opening the page later, or
    with a wrong token, completes nothing, even within a fresh window."""
    org, user = org_and_user()
    case = decided(org, user, received_on=AFTER_2025)
    login(client, clerk(), settings, fresh=False)
    stamps = reverse("review:issuance_stamps", args=[case.code])
    client.post(stamps, {"amount": "12000"})  # the prompt, abandoned
    reauthenticate(client)  # confirmed later, for something else
    assert client.get(stamps).status_code == 200
    assert client.get(stamps + "?resume=not-the-token").status_code == 200
    case.refresh_from_db()
    assert case.status == Status.GRANTED


def test_one_confirmation_covers_a_short_sitting_of_issuance_work(client, settings):
    """Stamps, the old card and issuing in one sitting: one confirmation.
    After the window (five minutes), the next step asks again.  The clock is
    moved, not waited for."""
    assert django_settings.ACCOUNT_REAUTHENTICATION_TIMEOUT == 300
    org, user = org_and_user()
    first = decided(org, user, received_on=AFTER_2025)
    second = decided(org, user, received_on=AFTER_2025)
    the_clerk = clerk()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        login(client, the_clerk, settings, fresh=False)
        stamps = reverse("review:issuance_stamps", args=[first.code])
        prompt = client.post(stamps, {"amount": "12000"})
        assert prompt["Location"].startswith(reverse("account_reauthenticate"))
        done = client.post(prompt["Location"], {"password": PASSWORD}, follow=True)
        assert done.redirect_chain[-1][0] == reverse(
            "review:issuance", args=[first.code]
        )
        first.refresh_from_db()
        assert first.status == Status.FEE_PAID

        clock.shift(120)  # two minutes later: no prompt
        card = client.post(reverse("review:issuance_card_received", args=[first.code]))
        assert card["Location"] == reverse("review:issuance", args=[first.code])
        clock.shift(179)  # 299 s after the confirmation: still covered
        issued = client.post(reverse("review:issuance_issue", args=[first.code]))
        assert issued["Location"] == reverse("review:issuance", args=[first.code])
        first.refresh_from_db()
        assert first.status == Status.ISSUED

        clock.shift(1)  # five minutes: the window is over, ask again
        stamps = reverse("review:issuance_stamps", args=[second.code])
        response = client.post(stamps, {"amount": "12000"})
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        second.refresh_from_db()
        assert second.status == Status.GRANTED

        # A new confirmation opens a new window.
        done = client.post(response["Location"], {"password": PASSWORD}, follow=True)
        assert done.redirect_chain[-1][0] == reverse(
            "review:issuance", args=[second.code]
        )
        second.refresh_from_db()
        assert second.status == Status.FEE_PAID
