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

from applications.workflow import Status
from review.models import Decision
from tests.factories import PASSWORD
from tests.review.exam_helpers import claimed, new_case
from tests.review.issuance_helpers import clerk, decided, login, media, org_and_user

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
    # The kept POST was completed with what was entered, and the browser goes
    # back to the case — not left on the prompt's address.
    assert response.status_code == 302
    assert response["Location"] == reverse("review:case", args=[application.code])
    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.granted_period) == ("grant", "3y")
    assert decision.reentry_until.isoformat() == until


def _age_the_confirmation(client, seconds: int) -> None:
    session = client.session
    for record in session["account_authentication_methods"]:
        record["at"] -= seconds
    session.save()


def test_one_confirmation_covers_a_short_sitting_of_issuance_work(client, settings):
    """Stamps, the old card and issuing in one sitting: one confirmation.
    After the window (five minutes), the next step asks again."""
    assert django_settings.ACCOUNT_REAUTHENTICATION_TIMEOUT == 300
    org, user = org_and_user()
    first = decided(org, user, received_on=AFTER_2025)
    second = decided(org, user, received_on=AFTER_2025)
    the_clerk = clerk()
    login(client, the_clerk, settings, fresh=False)
    stamps = reverse("review:issuance_stamps", args=[first.code])
    prompt = client.post(stamps, {"amount": "12000"})
    assert prompt["Location"].startswith(reverse("account_reauthenticate"))
    done = client.post(prompt["Location"], {"password": PASSWORD})
    assert done["Location"] == reverse("review:issuance", args=[first.code])
    first.refresh_from_db()
    assert first.status == Status.FEE_PAID

    _age_the_confirmation(client, 240)  # four minutes later: still covered
    for name in ("review:issuance_card_received", "review:issuance_issue"):
        response = client.post(reverse(name, args=[first.code]))
        assert response["Location"] == reverse("review:issuance", args=[first.code])
    first.refresh_from_db()
    assert first.status == Status.ISSUED

    _age_the_confirmation(client, 61)  # past five minutes: ask again
    response = client.post(
        reverse("review:issuance_stamps", args=[second.code]), {"amount": "12000"}
    )
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    second.refresh_from_db()
    assert second.status == Status.GRANTED
