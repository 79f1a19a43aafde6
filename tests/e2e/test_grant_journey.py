"""One case from filing to the person's record, in Chromium: an Osaka
company's user files an extension for 技術・人文知識・国際業務 (3 years
requested) for a person living in 愛知県 — the 申請書 pages included, the
person's details shown from the record and not asked again; the case lands
at the Nagoya bureau, whose examiner recommends 1 year and whose supervisor
approves it (four eyes, re-authenticating); the user declares the fee, the
clerk records the stamps and issues the new card; the user's case page leads
with the outcome (1 year granted against 3 requested, the new card number),
and the person's record and the people list carry the new expiry and card."""

from __future__ import annotations

import re

import pytest
from dateutil.relativedelta import relativedelta

from accounts.models import OfficerRole, Prefecture
from applications import services
from applications.models import Application, PersonRecordHistory
from applications.workflow import Status
from review.models import Payment, ResidenceCard
from tests import factories
from tests.applications import filing_data as fd
from tests.e2e.dates import shown
from tests.e2e.test_filing_journey import (  # noqa: F401 - a fixture
    document_slots,
    fill_form_pages,
    save,
)
from tests.e2e.test_review_journey import reauthenticate_if_asked, status_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("document_slots", "media_root", "eager_celery")
def test_filed_examined_granted_issued_and_back_on_the_record(
    live_server, screenshot_dir, shot, sign_in, submit, new_page
):
    base = live_server.url
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
    old_card, old_expiry = person.residence_card_number, person.period_expiry
    examiner = factories.officer(
        OfficerRole.Role.EXAMINER, office_code="NGY", full_name="審査 一郎"
    )
    supervisor = factories.officer(
        OfficerRole.Role.SUPERVISOR, office_code="NGY", full_name="統括 次郎"
    )
    clerk = factories.officer(
        OfficerRole.Role.CLERK, office_code="NGY", full_name="交付 三郎"
    )

    user_context, home = new_page()
    try:
        # --- Filing: the person, the type, what is applied for -----------------------------
        sign_in(home, user)
        home.goto(f"{base}/applications/new/")
        home.wait_for_url("**/applications/new/*/")
        home.check(f"input[name=person][value='fn:{person.code}']")
        save(home)
        home.check("input[name=application_type][value=extension]")
        save(home)
        home.wait_for_url(re.compile(r".*/applications/drafts/[0-9a-f-]{36}/$"))
        application = Application.objects.get(main__isnull=True)
        code = application.code
        draft_url = f"{base}/applications/drafts/{code}"
        home.goto(f"{draft_url}/application/")
        home.check("input[name=requested_period][value='3y']")
        save(home)

        # --- The 申請書 pages: the person's details are not asked again ------------------
        home.wait_for_url(f"{draft_url}/form/identity/")
        assert home.locator("input[name=family_name]").count() == 0
        assert "NGUYEN" in home.locator("#id_family_name").inner_text()
        shot(home, "01-identity-from-record")
        home.set_viewport_size({"width": 390, "height": 900})  # a phone
        assert home.evaluate("document.documentElement.scrollWidth") <= 390
        shot(home, "01-identity-from-record-390")
        home.set_viewport_size({"width": 1280, "height": 900})
        fill_form_pages(home, application)
        fd.upload_required_documents(application, user)

        # --- Check answers and send: it goes to Nagoya --------------------------------------
        home.goto(f"{draft_url}/check/")
        assert home.locator(".error-summary").count() == 0, home.locator(
            ".error-summary"
        ).inner_text()
        shot(home, "02-check-answers")
        home.check("input[name=declaration]")
        save(home)
        home.wait_for_url(f"**/applications/submitted/{code}/")
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED
        assert application.office.code == "NGY"
        sent = application.answers["form"]["cleaned"]
        assert sent["family_name"] == "NGUYEN"
        assert sent["org_employees"] == 240

        # --- The Nagoya examiner claims the case and recommends 1 year ----------------------
        examiner_context, desk = new_page()
        try:
            sign_in(desk, examiner)
            desk.goto(f"{base}/office/cases/{code}/")
            assert "NGUYEN" in desk.locator("main").inner_text()
            with desk.expect_navigation():
                desk.locator(
                    f"form[action$='/office/cases/{code}/claim/'] button"
                ).click()
            assert status_of(application) == Status.EXAMINING
            desk.goto(f"{base}/office/cases/{code}/recommend/")
            desk.check("input[name=outcome][value=grant]")
            desk.check("input[name=period][value='1y']")
            shot(desk, "03-recommend-1-year")
            submit(desk)
            reauthenticate_if_asked(desk)
            assert status_of(application) == Status.DECISION_PROPOSED
        finally:
            examiner_context.close()

        # --- A supervisor approves: the second pair of eyes ---------------------------------
        supervisor_context, boss = new_page()
        try:
            sign_in(boss, supervisor)
            boss.goto(f"{base}/office/cases/{code}/approve/")
            boss.check("input[name=confirm]")
            with boss.expect_navigation():
                boss.locator(
                    "section[aria-labelledby=approve-title] button[type=submit]"
                ).click()
            reauthenticate_if_asked(boss)
            shot(boss, "04-approved")
        finally:
            supervisor_context.close()
        assert status_of(application) == Status.GRANTED

        # --- The user declares the fee; the clerk records it and issues the card --------
        due = Payment.objects.get(application=application).amount_due
        assert due == 5500
        home.goto(f"{base}/issuance/{code}/")
        home.check("input[name=return_method][value=letter_pack]")
        home.check("input[name=current_card_sent]")
        submit(home)
        clerk_context, counter = new_page()
        try:
            sign_in(counter, clerk)
            counter.goto(f"{base}/office/cases/{code}/issuance/stamps/")
            counter.fill("input[name=amount]", f"{due:,}")
            submit(counter)
            reauthenticate_if_asked(counter)
            if status_of(application) != Status.FEE_PAID:
                # Re-authentication sent the clerk back to an empty form.
                counter.fill("input[name=amount]", f"{due:,}")
                submit(counter)
            assert status_of(application) == Status.FEE_PAID
            counter.goto(f"{base}/office/cases/{code}/issuance/")
            with counter.expect_navigation():
                counter.locator(
                    f".checklist form[action$='/office/cases/{code}/issuance/card-received/'] "
                    "button"
                ).click()
            counter.goto(f"{base}/office/cases/{code}/issuance/issue/")
            submit(counter)
            shot(counter, "05-issued")
        finally:
            clerk_context.close()
        assert status_of(application) == Status.ISSUED
        card = ResidenceCard.objects.get(application=application)

        # --- The outcome on the user's case page -------------------------------------------
        with home.expect_navigation():
            home.locator("button.lang-switch__button[value=en]").click()
        home.goto(f"{base}/applications/{code}/")
        panel = home.locator("#outcome")
        text = panel.inner_text()
        assert "Permission granted" in text
        assert "1 year" in text
        assert "Applied for: 3 years. The office granted a different period." in text
        assert card.number in text
        new_expiry = old_expiry + relativedelta(years=1)
        assert new_expiry.isoformat() in text or str(new_expiry.year) in text
        assert (
            panel.bounding_box()["y"]
            < home.locator("#timeline-title").bounding_box()["y"]
        )
        shot(home, "06-outcome-panel")

        # --- The person's record took the new values, keeping the old ones ---------------
        person.refresh_from_db()
        assert person.current_period == "1y"
        assert person.period_expiry == new_expiry
        assert person.residence_card_number == card.number
        history = PersonRecordHistory.objects.get(foreign_national=person)
        assert (history.residence_card_number, history.period_expiry) == (
            old_card,
            old_expiry,
        )
        home.goto(f"{base}/applications/people/{person.code}/")
        card_input = home.locator("input[name=residence_card_number]")
        assert card_input.input_value() == card.number
        assert old_card in home.locator("main").inner_text()  # as history
        shot(home, "07-person-record")
        home.goto(f"{base}/applications/people/")
        listing = home.locator("main").inner_text()
        assert any(text in listing for text in shown(new_expiry))
        assert not any(text in listing for text in shown(old_expiry))
    finally:
        user_context.close()
