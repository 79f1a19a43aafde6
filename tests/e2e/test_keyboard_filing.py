"""Filing an application by keyboard alone (issue 12), in Chromium: from the
dashboard, the person and the type, every step of the task list, the
申請書 pages, the re-entry permit, the documents, check your answers and the
declaration, to the receipt number.  Only Tab, Shift+Tab, Enter and Space,
text typed into the focused field, and the arrow keys inside a radio group
(the only way a browser moves to a radio other than the checked or first
one); after every key the focus is visible
and not under a sticky element.  The one exception is choosing a file: the
operating system's file dialog is outside the page, so the file is set on
the focused slot's input (``set_input_files``) and the upload button is then
reached and pressed by keyboard."""

from __future__ import annotations

from django.apps import apps
from django.utils import timezone

import pytest

from applications import draft_form
from applications.application_forms.samples import sample_value
from applications.models import Application
from applications.reference_data import load_document_slots
from applications.workflow import Status
from tests.applications import filing_data as fd
from tests.e2e import keyboard
from tests.e2e.keyboard import choose_radio, focus_state, press, tab_to, type_text
from tests.factories import PASSWORD, OrganizationFactory, fresh_totp_code, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVE = "main form.form button.button[type=submit]"
# The form's main button is its last one (a section may also have "Add another").
IS_SAVE = (
    "() => { const all = document.querySelectorAll("
    "'main form.form button.button[type=submit]');"
    " return all.length > 0 && document.activeElement === all[all.length - 1]; }"
)


def at_save(page) -> bool:
    return bool(page.evaluate(IS_SAVE))


TEXT_TYPES = {"", "text", "date", "number", "tel", "email", "url", "search"}


@pytest.fixture
def document_slots(reference_data):
    load_document_slots(apps)


def href(fragment: str):
    return lambda state: state["tag"] == "a" and fragment in state["href"]


def save_and_continue(page) -> None:
    tab_to(page, lambda state: at_save(page))
    press(page, "Enter", navigates=True)


def _answers(application: Application, key: str) -> dict[str, str]:
    """Sample answers by field name for one section of the 申請書."""
    edition = draft_form.draft_edition(application)
    today = timezone.localdate()
    answers: dict[str, str] = {}

    def add(name: str, value: object) -> None:
        answers[name] = (
            "yes" if value is True else "no" if value is False else str(value)
        )

    for item in edition.section(key).items:
        if item.is_group:
            if item.required is True or item.min_items:
                for sub in item.items:
                    add(f"{item.key}-0-{sub.key}", sample_value(sub, today))
            continue
        add(item.key, sample_value(item, today))
    return answers


def choose_radio_here(page, state: dict, wanted: str) -> None:
    """The focused radio group: the wanted radio by the arrow keys (see
    ``keyboard.choose_radio``), checked."""
    for _ in range(20):
        if state["value"] == wanted:
            break
        page.keyboard.press("ArrowDown")
        state = keyboard.assert_focus_visible(page, after="ArrowDown")
    if not state["checked"]:
        press(page, "Space")


def fill_section_by_keyboard(page, answers: dict[str, str]) -> None:
    """Tab through the page's form once: type a sample into each empty text
    field, answer each unanswered radio group (its first or last radio),
    leave what is pre-filled; stop at Save and continue."""
    for _ in range(300):
        state = press(page, "Tab")
        if at_save(page):
            return
        name = state["name"]
        if name not in answers or not page.evaluate(
            "() => !!document.activeElement.closest('main form.form')"
        ):
            continue
        wanted = answers[name]
        if state["tag"] == "textarea" or (
            state["tag"] == "input" and state["type"] in TEXT_TYPES
        ):
            if not state["value"] and wanted:
                type_text(page, wanted)
        elif state["type"] == "radio":
            if page.locator(f"input[name='{name}']:checked").count():
                continue
            choose_radio_here(page, state, wanted)
        elif state["tag"] == "select" and not state["value"] and wanted:
            label = page.evaluate(
                "(v) => [...document.activeElement.options]"
                ".find((o) => o.value === v)?.text || ''",
                wanted,
            )
            type_text(page, label[:3])
    raise AssertionError(f"Save and continue not reached on {page.url}")


def test_filing_an_extension_by_keyboard_alone(
    page, live_server, document_slots, media_root, tmp_path, shot
):
    org = OrganizationFactory(category=3, name_ja="株式会社さくら技研")
    user = staff(org, full_name="佐藤 花子")
    person = fd.person(org)
    photo = tmp_path / "photo.png"
    photo.write_bytes(fd.image_bytes(300, 400))
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(fd.pdf_bytes())

    keyboard.sign_in(page, live_server.url, user, PASSWORD, fresh_totp_code(user))
    # English, by the header's language switch.
    tab_to(page, "button.lang-switch__button[value=en]")
    press(page, "Enter", navigates=True)

    # --- From the dashboard: who and what ---------------------------------------------
    tab_to(page, href("/applications/new/"))
    press(page, "Enter", navigates=True)
    choose_radio(page, "person", f"fn:{person.code}")
    save_and_continue(page)
    assert f"/applications/new/person/{person.code}/" in page.url, page.url
    choose_radio(page, "application_type", "extension")
    tab_to(page, "input[name=companions][value=reentry]")
    press(page, "Space")
    shot(page, "type")
    save_and_continue(page)
    application = Application.objects.get(main__isnull=True)
    draft = f"/applications/drafts/{application.code}"
    assert page.url.endswith(f"{draft}/"), page.url

    # --- The task list: the person ------------------------------------------------------
    tab_to(page, href(f"{draft}/person/"))
    press(page, "Enter", navigates=True)
    save_and_continue(page)

    # --- What is applied for ---------------------------------------------------------------
    assert page.url.endswith(f"{draft}/application/"), page.url
    state = tab_to(page, "[name=requested_period]")
    if state["tag"] == "select":
        type_text(page, "1")  # the select's type-ahead: "1 year"
        assert page.locator("select[name=requested_period]").input_value() == "1y"
    else:
        choose_radio(page, "requested_period", "1y")
    save_and_continue(page)

    # --- The 申請書, one page per section ---------------------------------------------------
    application.refresh_from_db()
    while "/form/" in page.url:
        key = page.url.split("/form/")[1].split("/")[0]
        fill_section_by_keyboard(page, _answers(application, key))
        before = page.url
        press(page, "Enter", navigates=True)
        assert page.url != before and page.locator(".error-summary").count() == 0, (
            f"{key}: {page.locator('.error-summary').all_inner_texts()}"
        )

    # --- The re-entry permit -----------------------------------------------------------------
    assert page.url.endswith(f"{draft}/companions/"), page.url
    choose_radio(page, "reentry_variant", "multiple")
    tab_to(page, "input[name=reentry_until]")
    type_text(page, person.period_expiry.isoformat())
    save_and_continue(page)

    # --- Documents: each slot's input reached by keyboard, its file set -----------------------
    assert page.url.endswith(f"{draft}/documents/"), page.url
    for slot in (
        "photo",
        "passport",
        "residence_card",
        "category_proof",
        "tax_certificates",
    ):
        tab_to(page, f"section#slot-{slot} input[type=file]")
        page.locator(f"section#slot-{slot} input[type=file]").set_input_files(
            str(photo if slot == "photo" else pdf)
        )
        tab_to(page, f"section#slot-{slot} button[type=submit]")
        press(page, "Enter", navigates=True)
        assert page.locator(f"section#slot-{slot} li").count() == 1, slot
    shot(page, "documents")
    tab_to(page, href(f"{draft}/check/"))
    press(page, "Enter", navigates=True)

    # --- Check your answers, the declaration, send ---------------------------------------------
    assert page.url.endswith(f"{draft}/check/"), page.url
    tab_to(page, "input[name=declaration]", limit=300)
    press(page, "Space")
    assert focus_state(page)["checked"]
    shot(page, "check")
    tab_to(page, lambda state: at_save(page))
    press(page, "Enter", navigates=True)
    assert f"/applications/submitted/{application.code}/" in page.url, page.url
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.documents.count() == 5
    shot(page, "sent")
