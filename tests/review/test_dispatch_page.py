"""Issue 12 item 6: on the clerk's dispatch page the applicant's chosen
return method is pre-selected, handing over at the counter is not listed
as a way of sending, and a case whose applicant collects at the counter
shows a handover step instead."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.urls import reverse

import pytest

from applications.models import Application
from applications.workflow import Status
from portal.lib.emails import render_email
from portal.notifications.models import Notification
from review import issuance_rules
from review.models import Dispatch
from review.services import issuance, payments
from tests.review.issuance_helpers import (
    clerk,
    decided,
    login,
    media,
    org_and_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    return media(settings, tmp_path)


@pytest.fixture
def the_clerk():
    return clerk()


def issued(return_method: str, the_clerk: Any) -> tuple[Application, Any]:
    """A granted extension, declared with ``return_method``, paid, the card
    received and issued."""
    org, user = org_and_user()
    application = decided(org, user)
    payments.payment_declare(
        application=application,
        actor=user,
        return_method=return_method,
        current_card_sent=issuance_rules.needs_current_card(application),
    )
    payments.payment_record_stamps(
        application=application,
        actor=the_clerk,
        amount=application.payment.amount_due,
    )
    issuance.card_receipt_record(application=application, actor=the_clerk)
    issuance.application_issue(application=application, actor=the_clerk)
    application.refresh_from_db()
    assert application.status == Status.ISSUED
    return application, user


def method_inputs(html: str) -> dict[str, bool]:
    """The radio buttons of the method field: value → checked."""
    found = {}
    for tag in re.findall(r'<input[^>]*name="method"[^>]*>', html):
        value = re.search(r'value="([^"]*)"', tag)
        assert value is not None
        found[value.group(1)] = " checked" in tag
    return found


def test_counter_is_never_a_way_of_sending():
    org, user = org_and_user()
    application = decided(org, user)
    assert Dispatch.Method.COUNTER in issuance_rules.return_methods(application)
    assert Dispatch.Method.COUNTER not in issuance_rules.sending_methods(application)


@pytest.mark.parametrize("chosen", ["letter_pack", "registered_mail"])
def test_the_applicants_choice_is_preselected_and_counter_is_not_listed(
    client, settings, the_clerk, chosen
):
    application, _user = issued(chosen, the_clerk)
    login(client, the_clerk, settings)
    url = reverse("review:issuance_dispatch", args=[application.code])
    html = client.get(url).content.decode()
    radios = method_inputs(html)
    assert "counter" not in radios
    assert set(radios) == {"registered_mail", "letter_pack"}
    assert radios[chosen] is True
    assert [m for m, checked in radios.items() if checked] == [chosen]
    # Sending "counter" anyway is refused with the form's message.
    response = client.post(url, {"by": "post", "method": "counter"})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == Status.ISSUED


def test_counter_collection_is_a_handover_step(client, settings, the_clerk):
    application, user = issued("counter", the_clerk)
    login(client, the_clerk, settings)
    page = client.get(reverse("review:issuance", args=[application.code]))
    checklist = page.content.decode()
    checklist = checklist[checklist.index('<ol class="checklist">') :]
    assert "Hand over at the counter" in checklist
    assert ">Dispatch<" not in checklist
    url = reverse("review:issuance_dispatch", args=[application.code])
    html = client.get(url).content.decode()
    assert "<h1>Hand over at the counter</h1>" in html
    assert "The applicant chose to collect it at the counter." in html
    assert method_inputs(html) == {}  # no list of ways of sending
    assert "Record the handover at the counter" in html
    before = Notification.objects.filter(recipient=user).count()
    response = client.post(url, {"by": "counter"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.DISPATCHED
    dispatch = Dispatch.objects.get(application=application)
    assert (dispatch.method, dispatch.tracking_number) == ("counter", "")
    told = Notification.objects.filter(recipient=user).order_by("id")[before:]
    assert [n.kind for n in told] == ["card_dispatched"]
    subject = render_email(told[0].kind, told[0].context, "en").subject
    assert subject.endswith("handed over at the counter — record the handover")


def test_the_clerk_may_send_by_post_a_case_chosen_for_the_counter(
    client, settings, the_clerk
):
    application, _user = issued("counter", the_clerk)
    login(client, the_clerk, settings)
    url = reverse("review:issuance_dispatch", args=[application.code])
    html = client.get(url + "?by=post").content.decode()
    radios = method_inputs(html)
    assert set(radios) == {"registered_mail", "letter_pack"}
    assert not any(radios.values())  # the counter choice cannot be pre-selected
    response = client.post(
        url,
        {"by": "post", "method": "letter_pack", "tracking_number": "1234-5678-9012"},
    )
    assert response.status_code == 302
    assert Dispatch.objects.get(application=application).method == "letter_pack"


def test_a_case_for_the_post_may_be_handed_over_at_the_counter(
    client, settings, the_clerk
):
    application, _user = issued("letter_pack", the_clerk)
    login(client, the_clerk, settings)
    url = reverse("review:issuance_dispatch", args=[application.code])
    html = client.get(url + "?by=counter").content.decode()
    assert "<h1>Hand over at the counter</h1>" in html
    assert "The applicant chose to collect it at the counter." not in html
    assert client.post(url, {"by": "counter"}).status_code == 302
    assert Dispatch.objects.get(application=application).method == "counter"
