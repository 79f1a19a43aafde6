"""Check answers and submission with the 申請書: the same validator over
every section (sending refused while one is not complete), "what is applied
for" required for every type, the duplicate residence card warning, the
special-period paragraph only while the application can be filed, the
receiving office by the law (person's address; the organisation's for a
COE) shown on check answers, the confirmation, the case page and the email,
and the online-scope rules."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.models import Prefecture
from applications import services
from applications.errors import NotEligible
from applications.models import Application, ApplicationType, StatusOfResidence
from applications.selectors import receiving_office_for
from applications.workflow import Status
from portal.lib.emails import render_email
from tests import factories
from tests.applications import filing_data as fd

pytestmark = pytest.mark.django_db

AICHI_ADDRESS = "愛知県名古屋市中区三の丸2-2-1"


@pytest.fixture(autouse=True)
def _no_language_left_active():
    yield
    from django.utils import translation

    translation.deactivate_all()


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


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


@pytest.fixture
def org(reference_data):
    return factories.OrganizationFactory(category=3)


@pytest.fixture
def osaka_org(reference_data):
    """A category-3 company in Osaka whose approving office is Osaka."""
    return factories.OrganizationFactory(
        category=3,
        prefecture=Prefecture.objects.get(code=27),
        address="大阪市北区梅田1-1",
        office=factories.office("OSK"),
    )


@pytest.fixture
def alice(org):
    return factories.staff(org, full_name="山田 花子")


def check_url(application: Application) -> str:
    return reverse("applications:draft_check", args=[application.code])


def submit(client, application):
    application.refresh_from_db()
    return client.post(
        check_url(application),
        {"version": str(application.version), "declaration": "on"},
    )


# --- The same validator over every section ----------------------------------------------


def test_sending_is_refused_while_a_form_section_is_not_complete(
    client, org, alice, media
):
    application = fd.ready_extension(alice, fd.person(org))
    raw = dict(application.answers["form"]["raw"])
    raw["criminal_record"] = ""  # the page was cleared
    application.answers = {
        **application.answers,
        "form": {**application.answers["form"], "raw": raw},
    }
    application.save(update_fields=["answers"])
    client.force_login(alice)
    html = client.get(check_url(application)).content.decode()
    form_page = reverse(
        "applications:draft_form", args=[application.code, "criminal_record"]
    )
    assert f'href="{form_page}?from=check&amp;rules=1#main"' in html
    assert "Complete the section" in html
    response = submit(client, application)
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_check_answers_shows_the_form_answers_with_change_links(
    client, org, alice, media
):
    application = fd.ready_extension(alice, fd.person(org))
    client.force_login(alice)
    html = client.get(check_url(application)).content.decode()
    assert "About the applicant" in html
    identity = reverse("applications:draft_form", args=[application.code, "identity"])
    assert f'href="{identity}?from=check"' in html
    assert "NGUYEN" in html


def test_every_type_needs_what_is_applied_for(org, alice, media):
    """A certificate of authorised employment asked nothing another rule
    checks on that page: it could be sent with the page never answered."""
    fn = fd.person(org)
    application = fd.draft(alice, fn, "authorized_employment")
    fd.upload_required_documents(application, alice)
    fd.complete_form(application, alice)
    with pytest.raises(NotEligible) as refused:
        services.application_submit(application=application, actor=alice)
    assert "application_not_answered" in {f.rule for f in refused.value.failures}
    application.refresh_from_db()
    services.application_update(
        application=application,
        expected_version=application.version,
        actor=alice,
        fields={"answers": {"activity": "Software development"}},
        section="application",
    )
    case = services.application_submit(application=application, actor=alice)
    assert case.status == Status.SUBMITTED


def test_the_same_residence_card_number_is_warned_with_a_link(
    client, org, alice, media
):
    fn = fd.person(org)
    other = fd.person(org, passport_number="Z7654321", family_name="TRAN")
    application = fd.ready_extension(alice, fn)
    client.force_login(alice)
    html = client.get(check_url(application)).content.decode()
    assert "Same residence card number" in html
    other_url = reverse("applications:foreign_national", args=[other.code])
    assert f'href="{other_url}"' in html
    person_page = client.get(
        reverse("applications:foreign_national", args=[fn.code])
    ).content.decode()
    assert f'href="{other_url}"' in person_page


def test_no_warning_without_another_record_with_the_card(client, org, alice, media):
    application = fd.ready_extension(alice, fd.person(org))
    client.force_login(alice)
    assert (
        "Same residence card number"
        not in client.get(check_url(application)).content.decode()
    )


def test_the_special_period_is_shown_only_while_it_can_be_filed(
    client, org, alice, media
):
    today = timezone.localdate()
    fn = fd.person(org)
    application = fd.ready_extension(alice, fn)
    client.force_login(alice)
    assert 'id="special-period"' in client.get(check_url(application)).content.decode()
    for expiry in (today, today - timedelta(days=1)):
        fn.period_expiry = expiry
        fn.save(update_fields=["period_expiry"])
        html = client.get(check_url(application)).content.decode()
        assert 'id="special-period"' not in html, expiry


# --- Filed where the law says -------------------------------------------------------------


def test_an_extension_goes_to_the_office_over_the_persons_address(
    client, osaka_org, media, django_capture_on_commit_callbacks
):
    """A person living in 愛知県 employed by an Osaka company: the extension
    lands at the Nagoya bureau, and check answers, the confirmation and
    the case page name it with its contact (the email: see below)."""
    user = factories.staff(osaka_org)
    fn = fd.person(osaka_org, address_in_japan=AICHI_ADDRESS)
    application = fd.ready_extension(user, fn)
    client.force_login(user)
    check_html = client.get(check_url(application)).content.decode()
    assert "Nagoya" in check_html
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, application)
    assert response.status_code == 302, response.content.decode()[:3000]
    application.refresh_from_db()
    assert application.office.code == "NGY"
    assert application.receipt_number.startswith("NGY-")
    confirmation = client.get(response.url).content.decode()
    assert "Nagoya" in confirmation
    assert application.office.phone in confirmation
    case_html = client.get(
        reverse("applications:case", args=[application.code])
    ).content.decode()
    assert application.office.phone in case_html


def test_a_coe_goes_to_the_office_over_the_organisation(osaka_org, media):
    user = factories.staff(osaka_org)
    fn = fd.person(
        osaka_org,
        address_in_japan=AICHI_ADDRESS,
        residence_card_number="",
        current_status=None,
        period_expiry=None,
        current_period="",
    )
    application = Application.objects.create(
        application_type=ApplicationType.objects.get(code="coe"),
        organization=osaka_org,
        foreign_national=fn,
        created_by=user,
        target_status=StatusOfResidence.objects.get(code=fd.EHI),
    )
    office, problem = receiving_office_for(application)
    assert (office.code, problem) == ("OSK", "")


def test_an_address_without_a_prefecture_is_asked_for(org, alice, media):
    fn = fd.person(org, address_in_japan="中区三の丸2-2-1")
    application = fd.ready_extension(alice, fn)
    with pytest.raises(NotEligible) as refused:
        services.application_submit(application=application, actor=alice)
    assert "address_no_prefecture" in {f.rule for f in refused.value.failures}


def test_an_office_that_takes_no_applications_is_passed_over(org, alice, media):
    from accounts.models import Office

    Office.objects.filter(code="NGY").update(accepts_applications=False)
    fn = fd.person(org, address_in_japan=AICHI_ADDRESS)
    application = fd.ready_extension(alice, fn)
    office, problem = receiving_office_for(application)
    assert office is None or office.code != "NGY"
    if office is None:
        assert problem == "office_none"


def test_the_submission_email_names_the_office_in_both_languages(org, alice, media):
    from applications.selectors import case_context

    fn = fd.person(org, address_in_japan=AICHI_ADDRESS)
    case = services.application_submit(
        application=fd.ready_extension(alice, fn), actor=alice
    )
    context = {**case_context(case), "recipient": alice, "link": "/x/"}
    for language, name in (("ja", case.office.name_ja), ("en", case.office.name_en)):
        email = render_email("application_submitted", context, language=language)
        assert name in email.text and name in email.html
        assert case.office.phone in email.text


# --- Online scope ------------------------------------------------------------------------


def test_an_organisation_of_category_4_cannot_send_engineer_online(
    client, reference_data, media
):
    category_4 = factories.OrganizationFactory(category=4)
    user = factories.staff(category_4)
    application = fd.ready_extension(user, fd.person(category_4))
    with pytest.raises(NotEligible) as refused:
        services.application_submit(application=application, actor=user)
    assert "scope_organisation_category" in {f.rule for f in refused.value.failures}
    client.force_login(user)
    html = client.get(check_url(application)).content.decode()
    assert "categories 1 to 3" in html


def test_an_out_of_scope_application_cannot_be_started(client, reference_data):
    category_4 = factories.OrganizationFactory(category=4)
    user = factories.staff(category_4)
    fn = fd.person(category_4)
    client.force_login(user)
    response = client.post(
        reverse("applications:start_type", args=[fn.code]),
        {"application_type": "extension"},
    )
    assert response.status_code == 200
    assert "categories 1 to 3" in response.content.decode()
    assert not Application.objects.filter(foreign_national=fn).exists()
