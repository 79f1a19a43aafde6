"""The recommendation page: each outcome's questions sit under its radio
(GOV.UK conditional reveal), all present without JavaScript."""

from __future__ import annotations

from django.urls import reverse

import pytest

from tests.review.exam_helpers import claimed, login, new_case

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("private_media", "english"),
]


def test_outcome_questions_sit_under_their_radio(
    client, settings, org, org_staff, examiner
):
    application = claimed(new_case(org, org_staff), examiner)
    login(client, examiner, settings)
    html = client.get(
        reverse("review:case_recommend", args=[application.code])
    ).content.decode()
    grant = html.index('name="outcome" value="grant"')
    grant_block = html.index('data-reveal="outcome=grant"')
    deny = html.index('name="outcome" value="deny"')
    deny_block = html.index('data-reveal="outcome=deny"')
    assert grant < grant_block < html.index('name="period"') < deny < deny_block
    assert deny_block < html.index('name="denial_reasons"')
    assert 'name="reentry_until"' in html[grant_block:deny]
