"""The filing flow's way through: a person saved a moment ago counts as done
and shows as a summary with Change links; the companions' questions are
revealed under their checkbox; every step's back link goes to the step
before it (a real URL); a duplicate person links to the record."""

from __future__ import annotations

import re

from django.urls import reverse

import pytest

from applications.models import Application, ForeignNational, StatusOfResidence
from applications.presenters import draft_sections, section_url
from tests.applications import filing_data as fd
from tests.factories import OrganizationFactory, appoint, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(reference_data):
    return OrganizationFactory(category=3)


@pytest.fixture
def alice(org):
    return staff(org, full_name="山田 花子")


def person_form(**overrides: str) -> dict[str, str]:
    data = {
        "family_name": "TRAN",
        "given_name": "THI BINH",
        "name_kanji": "",
        "sex": "F",
        "date_of_birth": "1996-05-20",
        "nationality": "VN",
        "passport_number": "C7654321",
        "passport_expiry": "2031-04-01",
        "residence_card_number": "AB12345678CD",
        "current_status": str(StatusOfResidence.objects.get(code=fd.EHI).pk),
        "current_subcategory": "",
        "current_period": "1y",
        "period_expiry": "2027-03-31",
        "address_in_japan": "大阪府大阪市北区梅田1-1-1",
    }
    data.update(overrides)
    return data


def add_and_start(client, org, type_code="extension", **overrides) -> Application:
    """Add a person while starting an application, then choose the type."""
    response = client.post(
        reverse("applications:foreign_national_add", args=[org.code]) + "?next=start",
        person_form(**overrides),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = ForeignNational.objects.get(family_name="TRAN")
    assert response.url == reverse("applications:start_type", args=[person.code])
    response = client.post(response.url, {"application_type": type_code})
    assert response.status_code == 302
    return Application.objects.get(main__isnull=True, foreign_national=person)


def person_state(client, application) -> str:
    html = client.get(reverse("applications:draft", args=[application.code])).content
    match = re.search(r'id="section-person-status">(.*?)</div>', html.decode(), re.S)
    assert match
    return match.group(1)


# --- 1. A person saved a moment ago ------------------------------------------------


def test_a_person_added_a_moment_ago_counts_as_done(client, alice, org):
    client.force_login(alice)
    application = add_and_start(client, org)
    assert "Completed" in person_state(client, application)


def test_the_done_person_page_is_a_summary_with_change_links(client, alice, org):
    client.force_login(alice)
    application = add_and_start(client, org)
    url = section_url(application, "person")
    html = client.get(url).content.decode()
    assert 'name="family_name"' not in html  # no form: a summary
    assert "TRAN" in html and "Viet" in html
    assert f'href="{url}?change=1#id_family_name"' in html
    assert f'href="{url}?change=1#id_sex_0"' in html
    assert f'href="{url}?change=1#id_nationality"' in html
    # Continue goes to the next page.
    assert f'href="{section_url(application, "application")}"' in html
    # A Change link opens the form with the saved answers.
    form_html = client.get(url + "?change=1").content.decode()
    assert 'name="family_name"' in form_html and 'value="TRAN"' in form_html


def test_a_person_saved_on_the_person_page_shows_the_summary_next_time(
    client, alice, org
):
    application = fd.draft(alice, fd.person(org))
    client.force_login(alice)
    url = section_url(application, "person")
    assert 'name="family_name"' in client.get(url).content.decode()
    assert "Not started" in person_state(client, application)
    response = client.post(url, fd.person_post(application))
    assert response.status_code == 302
    assert 'name="family_name"' not in client.get(url).content.decode()
    assert "Completed" in person_state(client, application)
    # From check your answers, the form itself.
    assert 'name="family_name"' in client.get(url + "?from=check").content.decode()


def test_a_person_nobody_saved_in_this_session_is_still_to_check(client, alice, org):
    person = fd.person(org)
    client.force_login(alice)
    response = client.post(
        reverse("applications:start_type", args=[person.code]),
        {"application_type": "extension"},
    )
    application = Application.objects.get(main__isnull=True)
    assert response.status_code == 302
    assert "Not started" in person_state(client, application)


def test_a_record_changed_by_someone_else_since_is_not_counted(client, alice, org):
    client.force_login(alice)
    client.post(
        reverse("applications:foreign_national_add", args=[org.code]) + "?next=start",
        person_form(),
    )
    person = ForeignNational.objects.get(family_name="TRAN")
    person.address_in_japan = "東京都新宿区1-1"
    person.save()  # a colleague's change: updated_at moves on
    client.post(
        reverse("applications:start_type", args=[person.code]),
        {"application_type": "extension"},
    )
    application = Application.objects.get(main__isnull=True)
    assert "Not started" in person_state(client, application)


def test_a_record_missing_what_this_application_needs_is_not_counted(
    client, alice, org
):
    client.force_login(alice)
    # Saved without a residence card: fine for the record, not for an extension.
    application = add_and_start(
        client,
        org,
        residence_card_number="",
        current_status="",
        current_period="",
        period_expiry="",
    )
    assert "Not started" in person_state(client, application)
    assert (
        'name="family_name"'
        in client.get(section_url(application, "person")).content.decode()
    )


# --- 2. Companions revealed under their checkbox ----------------------------------


def test_companion_questions_sit_under_their_checkbox(client, alice, org):
    application = fd.draft(alice, fd.person(org))
    client.force_login(alice)
    html = client.get(section_url(application, "companions")).content.decode()
    reentry = html.index('value="reentry"')
    reentry_block = html.index('data-reveal="companions=reentry"')
    other = html.index('value="other_activity"')
    other_block = html.index('data-reveal="companions=other_activity"')
    assert reentry < reentry_block < other < other_block
    # Without JavaScript every question is there (nothing hidden by the server).
    for name in (
        "reentry_variant",
        "reentry_until",
        "other_activity_kind",
        "other_activity_details",
    ):
        assert f'name="{name}"' in html
    assert "hidden" not in html[reentry_block : reentry_block + 200]


def test_answers_of_a_companion_not_ticked_are_ignored(client, alice, org):
    application = fd.draft(alice, fd.person(org))
    client.force_login(alice)
    response = client.post(
        section_url(application, "companions"),
        {
            "version": application.version,
            "companions": ["reentry"],
            "reentry_variant": "single",
            "reentry_until": "2027-01-31",
            "other_activity_kind": "individual",
            "other_activity_details": "Shop, 10 hours",
        },
    )
    assert response.status_code == 302
    kinds = {c.application_type.code for c in application.companions.all()}
    assert kinds == {"reentry"}


# --- 4. Back links go back ------------------------------------------------------------

BACK = re.compile(r'<main[^>]*>\s*<div class="container">\s*<p><a href="([^"]+)">')


def back_of(client, url: str) -> str:
    html = client.get(url).content.decode()
    match = BACK.search(html)
    assert match, f"no back link on {url}"
    return match.group(1).replace("&amp;", "&")


def test_every_step_of_a_draft_links_back_to_the_step_before(client, alice, org):
    application = fd.draft(alice, fd.person(org), companions=("reentry",))
    client.force_login(alice)
    hub = reverse("applications:draft", args=[application.code])
    keys = [*draft_sections(application), "check"]
    assert len(keys) > 4
    previous = hub
    for key in keys:
        url = section_url(application, key)
        assert back_of(client, url) == previous, key
        previous = url
    # Reached from check your answers, a page goes back there.
    check = section_url(application, "check")
    for key in keys[:-1]:
        assert back_of(client, section_url(application, key) + "?from=check") == check


def test_starting_steps_link_back(client, alice, org):
    person = fd.person(org)
    client.force_login(alice)
    # One organisation: the organisation question is skipped, so the person
    # question goes back to the drafts, not round in a loop.
    start_person = reverse("applications:start_person", args=[org.code])
    assert back_of(client, start_person) == reverse("applications:drafts")
    start_type = reverse("applications:start_type", args=[person.code])
    assert back_of(client, start_type) == start_person
    add = reverse("applications:foreign_national_add", args=[org.code])
    assert back_of(client, add + "?next=start") == start_person
    assert back_of(client, add) == reverse("applications:foreign_nationals")
    # Several organisations: back to the organisation question.
    appoint(alice, OrganizationFactory())
    assert back_of(client, start_person) == reverse("applications:start")


# --- 5. A duplicate person links to the record ---------------------------------------


def test_adding_a_duplicate_while_starting_links_to_the_record(client, alice, org):
    existing = fd.person(org, passport_number="C7654321")
    client.force_login(alice)
    response = client.post(
        reverse("applications:foreign_national_add", args=[org.code]) + "?next=start",
        person_form(),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "already registered for this organisation" in html
    link = reverse("applications:foreign_national", args=[existing.code])
    assert f'<a href="{link}">' in html
    assert ForeignNational.objects.count() == 1
