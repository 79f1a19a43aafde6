"""Issue 12 item 10: hints say what ISA says (domain-facts §2), in both
languages.

- みなし再入国: leave with a valid passport and residence card, tick the box
  on the ED card, come back within 1 year of leaving or by the end of the
  period of stay if earlier; no extension abroad; not for everyone. A re-entry
  permit is for what that does not cover (not for “a period extended abroad”).
- The re-entry permit's validity: within the period of stay — for a change or
  an extension, the one asked for.
- Extension: from about 3 months before the end (stays of 6 months or more),
  online by the day before.
- Acquisition: within 30 days, when staying beyond 60 days.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

import pytest

from applications.forms.filing import TYPE_HINTS, CompanionsForm
from tests.applications import filing_data as fd
from tests.factories import OrganizationFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_language_left_active():
    yield
    translation.deactivate_all()


@pytest.fixture
def companions_page(client, reference_data, settings):
    org = OrganizationFactory(category=3)
    user = staff(org)
    application = fd.draft(user, fd.person(org), companions=("reentry",))
    client.force_login(user)
    url = reverse("applications:draft_companions", args=[application.code])

    def page(language: str) -> str:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    return page


def test_reentry_hint_explains_special_reentry_in_japanese(companions_page):
    html = companions_page("ja")
    assert "みなし再入国許可で出国できない場合に必要です" in html
    assert "再入国出国記録（EDカード）" in html
    assert "出国の日から1年以内（在留期限が先に到来する場合は在留期限まで）" in html
    assert "国外で延長できません" in html
    # The old hint: a period of stay cannot be extended while abroad.
    assert "延長された後に戻る" not in html


def test_reentry_hint_explains_special_reentry_in_english(companions_page):
    html = companions_page("en")
    assert "special re-entry permit" in html
    assert "within 1 year of leaving, or by the end of the period of stay" in html
    assert "extended abroad" not in html


def test_reentry_validity_hint_names_the_period_asked_for():
    with translation.override("en"):
        hint = str(CompanionsForm.base_fields["reentry_until"].help_text)
    assert "the period of stay asked for in this application" in hint
    with translation.override("ja"):
        hint = str(CompanionsForm.base_fields["reentry_until"].help_text)
    assert "この申請で希望する在留期間の範囲内" in hint


def test_type_hints_follow_the_filing_windows():
    with translation.override("ja"):
        extension = str(TYPE_HINTS["extension"])
        acquisition = str(TYPE_HINTS["acquisition"])
    assert "おおむね3か月前" in extension
    assert "前日までに" in extension
    assert "60日を超えて在留する" in acquisition and "30日以内" in acquisition
