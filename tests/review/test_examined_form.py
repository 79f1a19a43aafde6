"""Examined as a form (issue 10, item 4, office side): the office's case
page shows the 申請書 answers as a sectioned summary; an answer that
contradicts the person's record as sent (another card number) is flagged for
the examiner, not refused; a case filed without the form still renders."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

import pytest

from accounts.models import OfficerRole
from applications.application_forms import storage
from applications.application_forms.editions import edition_for
from tests.factories import OrganizationFactory, officer, staff
from tests.review.exam_helpers import new_case
from tests.review.issuance_helpers import login

pytestmark = pytest.mark.django_db


def filed_with_form(card_number: str):
    org = OrganizationFactory()
    user = staff(org)
    application = new_case(org, user)
    person = application.foreign_national
    edition = edition_for(
        "extension", "engineer_humanities_international", on=date(2027, 2, 1)
    )
    application.answers = {
        **(application.answers or {}),
        "person": person.snapshot(),
        "form": storage.envelope(
            edition,
            cleaned={
                "family_name": person.family_name,
                "residence_card_number": card_number,
            },
        ),
    }
    application.save(update_fields=["answers"])
    return application, person


def test_summary_with_a_difference_flagged(client, settings):
    application, person = filed_with_form("ZZ99999999ZZ")
    examiner = officer(OfficerRole.Role.EXAMINER)
    login(client, examiner, settings)
    response = client.get(reverse("review:case", args=[application.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="application-form"' in html
    assert "About the applicant" in html
    assert "1 answer differs from the person's record" in html
    assert f"Differs from the person's record: {person.residence_card_number}" in (html)
    differences = response.context["form"]["differences"]
    assert [d["row"].path for d in differences] == ["residence_card_number"]


def test_matching_answers_are_not_flagged(client, settings):
    application, person = filed_with_form("")
    application.answers["form"]["cleaned"]["residence_card_number"] = (
        person.residence_card_number
    )
    application.save(update_fields=["answers"])
    login(client, officer(OfficerRole.Role.EXAMINER), settings)
    response = client.get(reverse("review:case", args=[application.code]))
    assert response.context["form"]["differences"] == []
    assert "differs from the person" not in response.content.decode()


def test_case_without_the_form_still_renders(client, settings):
    org = OrganizationFactory()
    application = new_case(org, staff(org))
    answers = dict(application.answers or {})
    answers.pop("form", None)  # filed before the 申請書 was collected
    application.answers = answers
    application.save(update_fields=["answers"])
    login(client, officer(OfficerRole.Role.EXAMINER), settings)
    response = client.get(reverse("review:case", args=[application.code]))
    assert response.status_code == 200
    assert 'id="application-form"' not in response.content.decode()
