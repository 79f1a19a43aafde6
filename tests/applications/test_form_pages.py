"""The 申請書 pages built from the form editions: every edition's pages
rendered blank and with errors in Japanese and English; one validator for a
page's POST (nothing half-saved, the user's values kept, each message naming
its field and linked from the error summary); conditional items and repeated
groups without JavaScript; answers kept with their edition; the organisation
profile and the previous application as the starting answers."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

import pytest

from applications import draft_form, services
from applications.application_forms import editions, engine, storage
from applications.application_forms.codes import STATUS_GROUPS
from applications.models import Application, ApplicationType, StatusOfResidence
from tests import factories
from tests.applications import filing_data as fd

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_language_left_active():
    yield
    from django.utils import translation

    translation.deactivate_all()


@pytest.fixture
def org(reference_data):
    return factories.OrganizationFactory(category=3)


@pytest.fixture
def alice(org):
    return factories.staff(org, full_name="山田 花子")


@pytest.fixture
def fn(org):
    return fd.person(org)


def page(application: Application, section: str) -> str:
    return reverse("applications:draft_form", args=[application.code, section])


def _in_force_today() -> list[editions.FormEdition]:
    today = timezone.localdate()
    return [e for e in editions.all_editions() if e.in_force_on(today)]


def _draft_for(edition: editions.FormEdition, org, user) -> Application:
    """A draft whose form is ``edition``."""
    type_code = edition.application_types[0]
    statuses = (
        STATUS_GROUPS[edition.status_group]["statuses"]
        if edition.status_group
        else (fd.EHI,)
    )
    status = StatusOfResidence.objects.filter(code__in=statuses).first()
    assert status is not None, edition.key
    by_target = type_code in draft_form.BY_TARGET_STATUS
    person = fd.person(
        org,
        passport_number=f"P{edition.key.__hash__() % 10**7:07d}",
        current_status=None if by_target else status,
        residence_card_number="" if type_code == "coe" else "AB12345678CD",
    )
    application = Application.objects.create(
        application_type=ApplicationType.objects.get(code=type_code),
        organization=org,
        foreign_national=person,
        created_by=user,
        target_status=status if by_target else None,
    )
    assert draft_form.draft_edition(application) == edition
    return application


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


# Editions share most sections (a frozen dataclass each): one check per
# distinct section and language keeps the test fast.
_RENDERED: set[tuple[object, str]] = set()


@pytest.mark.parametrize("edition", _in_force_today(), ids=lambda e: e.key)
def test_every_edition_renders_blank_and_with_errors_in_both_languages(
    client, settings, org, alice, edition
):
    application = _draft_for(edition, org, alice)
    client.force_login(alice)
    accepted: set[str] = set()
    for language in ("ja", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for section in edition.sections:
            if (section, language) in _RENDERED:
                continue  # the same section of another edition was checked
            _RENDERED.add((section, language))
            url = page(application, section.key)
            blank = client.get(url)
            assert blank.status_code == 200, (section.key, language)
            html = blank.content.decode()
            assert section.title(language) in html
            # Every question of the page is there, with its label.
            for item in section.items:
                if item.when is None or item.when.item in {
                    i.key for i in section.items
                }:
                    assert escape(item.label(language))[:20] in html
            # Everything cleared: the required items are named, and each
            # link of the error summary goes to an input on the page.
            data = {"version": str(application.version)}
            for item in section.items:
                if item.is_group:
                    data[f"{item.key}-rows"] = "1"
                else:
                    data[item.key] = ""
            response = client.post(url, data)
            errors_html = response.content.decode()
            application.refresh_from_db()
            if response.status_code == 302:
                accepted |= {item.key for item in section.items}
                continue  # nothing required on this page
            assert response.status_code == 200
            assert 'class="error-summary"' in errors_html
            assert ("エラー:" if language == "ja" else "Error:") in errors_html
            ids = _ids(errors_html)
            for href in re.findall(r'<a href="#([^"]+)"', errors_html):
                assert href in ids, (section.key, href)
    # Nothing was saved by the refused posts.
    application.refresh_from_db()
    assert set(draft_form.saved_raw(application)) <= accepted


def test_a_page_saves_valid_answers_with_the_edition_and_moves_on(
    client, org, alice, fn
):
    application = fd.draft(alice, fn, "extension")
    client.force_login(alice)
    response = client.post(
        page(application, "criminal_record"),
        {"version": str(application.version), "criminal_record": "no"},
    )
    assert response.status_code == 302
    assert response.url == page(application, "family_in_japan")
    application.refresh_from_db()
    stored = application.answers["form"]
    assert stored["edition"] == draft_form.draft_edition(application).key
    assert stored["raw"]["criminal_record"] is False


def test_bad_input_is_shown_back_named_and_nothing_is_saved(client, org, alice, fn):
    application = fd.draft(alice, fn, "extension")
    client.force_login(alice)
    response = client.post(
        page(application, "education"),
        {
            "version": str(application.version),
            "education_place": "home",
            "education_level": "bachelor",
            "school_name": "Hanoi University",
            "graduation_date": "令和99年2月30日",
            "major": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_graduation_date"' in html
    assert "令和99年2月30日" in html  # what was typed is kept
    assert 'value="Hanoi University"' in html
    application.refresh_from_db()
    assert "form" not in application.answers


def test_a_conditional_item_works_without_javascript(client, org, alice, fn):
    """The dependent item is on the page under its controller (hidden by the
    script until "yes"); with "yes" and no detail it is required, with "no"
    it is ignored."""
    application = fd.draft(alice, fn, "extension")
    client.force_login(alice)
    url = page(application, "criminal_record")
    html = client.get(url).content.decode()
    assert 'data-reveal="criminal_record=yes"' in html
    refused = client.post(
        url, {"version": str(application.version), "criminal_record": "yes"}
    )
    assert refused.status_code == 200
    assert 'href="#id_criminal_record_detail"' in refused.content.decode()
    saved = client.post(
        url,
        {
            "version": str(application.version),
            "criminal_record": "no",
            "criminal_record_detail": "typed before changing the answer",
        },
    )
    assert saved.status_code == 302


def test_a_repeated_group_adds_and_removes_rows_without_javascript(
    client, org, alice, fn
):
    application = fd.draft(alice, fn, "extension")
    client.force_login(alice)
    url = page(application, "family_in_japan")
    data = {
        "version": str(application.version),
        "has_family_in_japan": "yes",
        "family_members-rows": "1",
        "family_members-0-relationship": "spouse",
        "family_members-0-name": "NGUYEN THI BINH",
        "add_row": "family_members",
    }
    more = client.post(url, data)
    assert more.status_code == 200
    html = more.content.decode()
    assert 'name="family_members-1-name"' in html
    assert 'value="NGUYEN THI BINH"' in html  # the first row kept
    application.refresh_from_db()
    assert "form" not in application.answers  # nothing saved by "add"
    data.pop("add_row")
    data["remove_row"] = "family_members-0"
    data["family_members-rows"] = "2"
    fewer = client.post(url, data)
    assert 'name="family_members-1-name"' not in fewer.content.decode()


def test_an_edition_change_keeps_the_drafts_answers(org, alice, fn):
    application = fd.draft(alice, fn, "extension")
    old = draft_form.draft_edition(application)
    application.answers = {
        **application.answers,
        "form": storage.envelope(
            old, raw={"criminal_record": False, "gone_item": "kept"}
        ),
    }
    application.save(update_fields=["answers"])
    services.application_form_save(
        application=application,
        expected_version=application.version,
        actor=alice,
        edition=old,
        section="family_in_japan",
        answers={"has_family_in_japan": False},
    )
    application.refresh_from_db()
    raw = application.answers["form"]["raw"]
    assert raw["gone_item"] == "kept"
    assert raw["criminal_record"] is False


def test_the_organisation_part_starts_from_the_profile(client, org, alice, fn):
    services.organisation_profile_save(
        organization=org,
        values={"employees": 120, "capital_yen": 50_000_000},
        actor=alice,
    )
    application = fd.draft(alice, fn, "extension")
    client.force_login(alice)
    html = client.get(page(application, "organisation")).content.decode()
    assert 'value="120"' in html
    assert 'value="50,000,000"' in html
    assert org.name_ja in html


def test_a_new_application_starts_from_the_previous_one(org, alice, fn, settings):
    first = fd.ready_extension(alice, fn)
    raw = dict(first.answers["form"]["raw"])
    raw["occupation"] = "システムエンジニア"
    first.answers = {**first.answers, "form": {**first.answers["form"], "raw": raw}}
    first.save(update_fields=["answers"])
    services.application_submit(application=first, actor=alice)
    fn.refresh_from_db()
    second = fd.draft(alice, fn, "extension")
    second.refresh_from_db()  # the person as a request loads it
    edition = draft_form.draft_edition(second)
    assert (
        draft_form.draft_answers(second, edition)["occupation"] == "システムエンジニア"
    )


def test_the_task_list_lists_the_form_pages(client, org, alice, fn):
    application = fd.draft(alice, fn, "extension")
    client.force_login(alice)
    html = client.get(reverse("applications:draft", args=[application.code])).content
    assert page(application, "identity").encode() in html
    assert page(application, "organisation").encode() in html


def test_another_organisation_gets_404(client, org, alice, fn, reference_data):
    application = fd.draft(alice, fn, "extension")
    mallory = factories.staff(factories.OrganizationFactory())
    client.force_login(mallory)
    assert client.get(page(application, "identity")).status_code == 404
    profile_url = reverse("applications:organisation_profile", args=[org.code])
    assert client.get(profile_url).status_code == 404


def test_a_submitted_application_keeps_its_edition_and_the_profile_copy(org, alice, fn):
    services.organisation_profile_save(
        organization=org, values={"employees": 7}, actor=alice
    )
    application = fd.ready_extension(alice, fn)
    case = services.application_submit(application=application, actor=alice)
    case.refresh_from_db()
    assert case.answers["organisation_profile"]["employees"] == 7
    assert case.answers["form"]["cleaned"]["org_employees"] == 7
    # A later profile change does not rewrite what was sent.
    services.organisation_profile_save(
        organization=org, values={"employees": 99}, actor=alice
    )
    case.refresh_from_db()
    assert case.answers["organisation_profile"]["employees"] == 7
    edition, _answers = storage.read(case.answers["form"])
    assert edition.key == case.answers["form"]["edition"]
    assert draft_form.draft_edition(case) == edition


@pytest.fixture
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


def test_the_form_pdf_is_rendered_by_the_worker_and_downloadable(
    client, settings, org, alice, fn, media, django_capture_on_commit_callbacks
):
    from applications.models import GeneratedDocument
    from applications.tasks import render_application_form

    application = fd.ready_extension(alice, fn)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = services.application_submit(application=application, actor=alice)
    forms = GeneratedDocument.objects.filter(
        application=case, kind=GeneratedDocument.Kind.APPLICATION_FORM
    )
    # Queued on commit, not rendered in the request.
    assert callbacks and not forms.exists()
    assert render_application_form.run(case.pk) is True
    assert sorted(forms.values_list("language", flat=True)) == ["en", "ja"]
    assert render_application_form.run(case.pk) is False  # work already done
    client.force_login(alice)
    for language in ("ja", "en"):
        response = client.get(
            reverse("applications:application_form_pdf", args=[case.code, language])
        )
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    page_html = client.get(reverse("applications:case", args=[case.code])).content
    assert b'id="form-title"' in page_html  # the sectioned summary
    assert "申請人の身分事項".encode() in page_html


def test_a_stranger_cannot_download_the_form_pdf(client, org, alice, fn, media):
    from applications.tasks import render_application_form

    case = services.application_submit(
        application=fd.ready_extension(alice, fn), actor=alice
    )
    render_application_form.run(case.pk)
    client.force_login(factories.staff(factories.OrganizationFactory()))
    url = reverse("applications:application_form_pdf", args=[case.code, "ja"])
    assert client.get(url).status_code == 404


def test_a_form_page_save_stays_within_the_query_budget(
    client, org, alice, fn, django_assert_max_num_queries
):
    """QUALITY.md item 26: a step (validate + save) in at most 15 queries."""
    application = fd.draft(alice, fn, "extension")
    client.force_login(alice)
    url = page(application, "criminal_record")
    client.get(url)
    with django_assert_max_num_queries(15):
        response = client.post(
            url, {"version": str(application.version), "criminal_record": "no"}
        )
    assert response.status_code == 302


# --- Entered once: the person page's answers are not asked again ---------------------


def test_the_identity_page_shows_the_person_page_answers_without_asking_again(
    client, settings, org, alice, fn
):
    application = fd.draft(alice, fn, "extension")
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    url = page(application, "identity")
    html = client.get(url).content.decode()
    # Name, nationality, date of birth and sex come from the person page:
    # summary rows with a link back there, no inputs.
    for name in ("family_name", "given_name", "date_of_birth", "nationality", "sex"):
        assert f'name="{name}"' not in html, name
        assert f'id="id_{name}"' in html, name
    assert "NGUYEN" in html and "1995年4月1日" in html
    person_url = reverse("applications:draft_person", args=[application.code])
    assert f'href="{person_url}?from=form-identity"' in html
    # What the person page does not ask is asked here.
    for name in ("marital_status", "occupation", "home_town"):
        assert f'name="{name}"' in html, name
    # Posting the page with a different name changes nothing of the record's.
    response = client.post(
        url,
        {
            "version": str(application.version),
            "family_name": "SOMEONE ELSE",
            "marital_status": "single",
            "occupation": "会社員",
            "home_town": "HANOI",
        },
    )
    assert response.status_code == 302
    assert response.url == page(application, "contact")
    application.refresh_from_db()
    raw = draft_form.saved_raw(application)
    assert raw["occupation"] == "会社員"
    assert "family_name" not in raw  # the record keeps it
    edition = draft_form.draft_edition(application)
    assert draft_form.draft_answers(application, edition)["family_name"] == "NGUYEN"


def test_a_change_on_the_person_page_reaches_the_form_and_returns_there(
    client, org, alice, fn
):
    application = fd.draft(alice, fn, "extension")
    client.force_login(alice)
    person_url = reverse("applications:draft_person", args=[application.code])
    data = fd.person_post(application, address_in_japan="愛知県名古屋市中区三の丸1-1")
    response = client.post(f"{person_url}?from=form-contact", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == page(application, "contact")
    html = client.get(page(application, "contact")).content.decode()
    assert "愛知県名古屋市中区三の丸1-1" in html
    assert 'name="address_in_japan"' not in html


def test_a_required_item_the_record_lacks_is_asked_on_the_form(client, org, alice):
    person = fd.person(org, passport_expiry=None)
    application = fd.draft(alice, person, "extension")
    client.force_login(alice)
    html = client.get(page(application, "passport")).content.decode()
    assert 'name="passport_number"' not in html  # on the record
    assert 'name="passport_expiry"' in html  # not on it, and required
    response = client.post(
        page(application, "passport"),
        {"version": str(application.version), "passport_expiry": "2031/3/31"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert draft_form.saved_raw(application)["passport_expiry"] == "2031-03-31"


def test_prefilled_pages_say_check_until_saved_once(client, org, alice, fn):
    application = fd.draft(alice, fn, "extension")
    states = draft_form.page_states(application)
    # Complete from the person's record alone, but nobody has looked yet.
    assert states["form-passport"] == "to_check"
    assert states["form-current_stay"] == "to_check"
    assert states["form-criminal_record"] == "not_started"
    client.force_login(alice)
    hub = reverse("applications:draft", args=[application.code])
    html = client.get(hub).content.decode()
    status = html[html.index('id="section-form-passport-status"') :]
    assert "Check" in status[: status.index("</div>")]
    assert "Completed" not in status[: status.index("</div>")]
    response = client.post(
        page(application, "passport"), {"version": str(application.version)}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert draft_form.page_states(application)["form-passport"] == "completed"
    html = client.get(hub).content.decode()
    status = html[html.index('id="section-form-passport-status"') :]
    assert "Completed" in status[: status.index("</div>")]


def test_a_new_draft_takes_the_updated_record_and_the_previous_answers(org, alice, fn):
    """The record changed after the previous application (a new passport, a
    move): the new draft takes the record's values; the items the record
    does not hold start from the previous application."""
    first = fd.ready_extension(alice, fn)
    raw = dict(first.answers["form"]["raw"])
    raw["occupation"] = "システムエンジニア"
    raw["home_town"] = "DA NANG"
    first.answers = {**first.answers, "form": {**first.answers["form"], "raw": raw}}
    first.save(update_fields=["answers"])
    case = services.application_submit(application=first, actor=alice)
    sent = case.answers["form"]["cleaned"]
    assert sent["passport_number"] == "C1234567"
    assert sent["address_in_japan"] == "東京都千代田区千代田1-1"

    new_expiry = fn.passport_expiry + timedelta(days=3650)
    services.foreign_national_save(
        organization=org,
        foreign_national=fn,
        actor=alice,
        values={
            "passport_number": "N7654321",
            "passport_expiry": new_expiry,
            "address_in_japan": "大阪府大阪市北区梅田1-1-1",
        },
    )
    fn.refresh_from_db()
    second = fd.draft(alice, fn, "extension")
    second.refresh_from_db()  # the person as a request loads it
    edition = draft_form.draft_edition(second)
    answers = draft_form.draft_answers(second, edition)
    assert answers["passport_number"] == "N7654321"
    assert answers["passport_expiry"] == new_expiry.isoformat()
    assert answers["address_in_japan"] == "大阪府大阪市北区梅田1-1-1"
    assert answers["occupation"] == "システムエンジニア"
    assert answers["home_town"] == "DA NANG"
    # Nothing differs from the record, so the examiner sees no flag.
    assert engine.diff_against_record(edition, answers, fn) == []


def test_a_record_value_the_form_refuses_is_named_with_a_link_to_the_person_page(
    client, org, alice
):
    person = fd.person(org, family_name="NGUYEN2")  # digits: not a passport name
    application = fd.draft(alice, person, "extension")
    client.force_login(alice)
    response = client.post(
        page(application, "identity"),
        {
            "version": str(application.version),
            "marital_status": "single",
            "occupation": "会社員",
            "home_town": "HANOI",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_family_name"' in html  # the error summary
    row = html[html.index('id="id_family_name"') :]
    row = row[: row.index("</div>")]
    assert 'class="error-message' in row and "NGUYEN2" in row
    person_url = reverse("applications:draft_person", args=[application.code])
    assert f'href="{person_url}?from=form-identity"' in row
    application.refresh_from_db()
    assert "form" not in application.answers  # nothing half-saved


def test_check_answers_sends_record_items_to_the_person_page(client, org, alice, fn):
    application = fd.draft(alice, fn, "extension")
    client.force_login(alice)
    response = client.get(reverse("applications:draft_check", args=[application.code]))
    html = response.content.decode()
    person_url = reverse("applications:draft_person", args=[application.code])
    form_url = page(application, "identity")
    # 氏名（姓） is changed on the person page; the rest of the section,
    # not answered yet, on the form page.
    family = html[html.index("Name (family name)") :]
    assert family.index(f'href="{person_url}?from=check"') < family.index("</div>")
    section = html[html.index('id="check-form-identity"') :]
    section = section[: section.index("<h2", 10)]
    assert f'href="{form_url}?from=check"' in section
    assert "Answer “About the applicant”" in section


def test_an_email_address_is_one_line_and_long_free_text_a_box():
    """The tester saw メールアドレス as a multi-line box: its 254 characters
    (RFC 5321) passed the 200-character rule for free text."""
    from applications.application_forms.schema import Item
    from applications.application_forms.sections import EMAIL

    email = draft_form._field(EMAIL, "email", "", "ja", {}, {})
    assert (email.widget, email.input_mode, email.autocomplete) == (
        "text",
        "email",
        "email",
    )
    long_text = Item("notes", "備考", "Notes", max_length=1000)
    assert draft_form._field(long_text, "notes", "", "ja", {}, {}).widget == "textarea"
