"""The organisation pages in Chromium pass axe-core on every page state."""

from __future__ import annotations

from django.urls import reverse

import pytest

from accounts import services
from accounts.models import Appointment, RosterEntry
from tests.accounts.roster_files import CSV_HEADER, csv_row
from tests.accounts.test_organization import url
from tests.factories import OrganizationFactory, appointee, staff


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_organisation_pages_pass_axe(
    page,
    live_server,
    screenshot_dir,
    reference_data,
    axe,
    client,
    settings,
):
    org = OrganizationFactory()
    alice = staff(org, valid_days=30, full_name="山田 アリス")
    scrivener = appointee(org)
    RosterEntry.objects.create(
        organization=org,
        family_name="NGUYEN",
        given_name="VAN AN",
        sex="M",
        date_of_birth="1995-04-01",
        nationality="VN",
        residence_card_number="AB12345678CD",
    )
    report = services.periodic_report_start(organization=org, actor=alice)
    client.force_login(alice)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    appointment = Appointment.objects.get(appointee=scrivener)
    base = live_server.url

    def visit(name: str, address: str) -> None:
        page.goto(base + address)
        axe(page, name)

    visit("list-ja", url("organizations"))
    visit("detail-ja", url("organization_detail", org.code))
    visit(
        "appointment-end-ja",
        url("organization_appointment_end", org.code, appointment.code),
    )
    visit("roster-ja", url("organization_roster", org.code))
    visit("roster-add-ja", url("organization_roster_add", org.code))
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.title().startswith(("Error:", "エラー"))
    axe(page, "roster-add-errors-ja")
    visit("roster-import-ja", url("organization_roster_import", org.code))
    bad = (CSV_HEADER + "\n" + csv_row(1, date_of_birth="2026-02-30") + "\n").encode()
    page.set_input_files(
        "#id_csv_file", files=[{"name": "r.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    page.click("main form button[type=submit]")
    page.wait_for_selector("#csv-errors")
    axe(page, "roster-import-errors-ja")
    visit("periodic-start-ja", url("organization_periodic", org.code))
    visit("periodic-users-ja", url("periodic_users", org.code, report.code))
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    axe(page, "periodic-users-errors-ja")
    visit("periodic-roster-ja", url("periodic_roster", org.code, report.code))
    visit(
        "periodic-declarations-ja", url("periodic_declarations", org.code, report.code)
    )
    visit("periodic-documents-ja", url("periodic_documents", org.code, report.code))
    visit("periodic-check-ja", url("periodic_check", org.code, report.code))
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    axe(page, "periodic-check-errors-ja")
    page.click("button[value=en]")
    page.wait_for_selector("html[lang=en]")
    visit("detail-en", url("organization_detail", org.code))
    visit("dashboard-en", reverse("dashboard"))
