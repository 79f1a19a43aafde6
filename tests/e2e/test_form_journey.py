"""The 申請書 in Chromium: an extension for 技術・人文知識・国際業務 for a
person living in 愛知県 employed by an Osaka company.  The organisation part
is pre-filled from the organisation's profile, the conditional question is
revealed by the script, a page with errors names its fields, and the
application lands at the Nagoya bureau — check answers and the confirmation
name it.  axe-core checks the form pages on the way (ja and en)."""

from __future__ import annotations

import re

import pytest

from accounts.models import Prefecture
from applications import services
from applications.models import Application
from applications.workflow import Status
from tests import factories
from tests.applications import filing_data as fd
from tests.e2e.test_filing_journey import (  # noqa: F401 - a fixture
    document_slots,
    fill_form_pages,
    save,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("document_slots", "media_root")
def test_an_extension_from_aichi_for_an_osaka_company_lands_at_nagoya(
    page, live_server, screenshot_dir, axe, sign_in
):
    osaka = factories.OrganizationFactory(
        category=3,
        name_ja="株式会社なにわシステム",
        prefecture=Prefecture.objects.get(code=27),
        address="大阪市北区梅田1-1-1",
        office=factories.office("OSK"),
    )
    user = factories.staff(osaka, full_name="大阪 太郎")
    services.organisation_profile_save(
        organization=osaka,
        values={"employees": 240, "capital_yen": 80_000_000},
        actor=user,
    )
    person = fd.person(osaka, address_in_japan="愛知県名古屋市中区栄1-1-1")
    sign_in(page, user)
    base = live_server.url

    page.goto(f"{base}/applications/new/")
    page.wait_for_url("**/applications/new/*/")
    page.check(f"input[name=person][value='fn:{person.code}']")
    save(page)
    page.check("input[name=application_type][value=extension]")
    save(page)
    page.wait_for_url(re.compile(r".*/applications/drafts/[0-9a-f-]{36}/$"))
    application = Application.objects.get(main__isnull=True)
    draft_url = f"{base}/applications/drafts/{application.code}"
    page.goto(f"{draft_url}/application/")
    page.check("input[name=requested_period][value='1y']")
    save(page)

    # The first page shows what the person page holds, without asking again.
    page.wait_for_url(f"{draft_url}/form/identity/")
    assert page.locator("input[name=family_name]").count() == 0
    assert "NGUYEN" in page.locator("#id_family_name").inner_text()
    axe(page, "form-identity-from-record")

    # A page with errors: the summary names the field and links to it.
    page.goto(f"{draft_url}/form/education/")
    page.fill("input[name=graduation_date]", "令和99年2月30日")
    save(page)
    assert page.title().startswith(("エラー", "Error"))
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.locator("a[href='#id_graduation_date']").count() == 1
    axe(page, "form-education-error")

    # The conditional question is revealed by the answer it depends on.
    page.goto(f"{draft_url}/form/criminal_record/")
    detail = page.locator("[data-reveal='criminal_record=yes']")
    assert detail.is_hidden()
    page.check("input[name=criminal_record][value=yes]")
    assert detail.is_visible()
    axe(page, "form-criminal-record-revealed")
    page.check("input[name=criminal_record][value=no]")
    assert detail.is_hidden()

    # The organisation part comes from the profile.
    page.goto(f"{draft_url}/form/organisation/")
    assert page.locator("input[name=org_employees]").input_value() == "240"
    assert page.locator("input[name=org_name]").input_value() == osaka.name_ja
    axe(page, "form-organisation-prefilled")

    # Every page in English too, then answered and saved.
    with page.expect_navigation():
        page.locator("button.lang-switch__button[value=en]").click()
    page.goto(f"{draft_url}/form/identity/")
    fill_form_pages(page, application, axe)

    fd.upload_required_documents(application, user)
    page.goto(f"{draft_url}/check/")
    assert page.locator(".error-summary").count() == 0, page.locator(
        ".error-summary"
    ).inner_text()
    office = page.locator("#office + dl").inner_text()
    assert "Nagoya" in office
    axe(page, "form-check-answers")
    page.check("input[name=declaration]")
    save(page)
    page.wait_for_url(f"**/applications/submitted/{application.code}/")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.office.code == "NGY"
    assert "Nagoya" in page.locator("main").inner_text()
    axe(page, "form-sent")
