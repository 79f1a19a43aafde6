"""The batch templates come from the form definitions (``tabular``): every
edition filed alone has one, its columns unique, the person asked once."""

from __future__ import annotations

from django.urls import reverse

import pytest

from applications.application_forms import tabular
from applications.application_forms.editions import all_editions
from batches.columns import PERSON_COLUMNS, template_by_key
from tests.batches import batch_data


def test_tabular_leaves_out_the_items_prefilled_from_the_person():
    edition = batch_data.template().edition
    from_person = tabular.prefilled_from(edition, "person")
    assert from_person["current_period_expiry"] == "period_expiry"
    assert from_person["current_status"] == "current_status.code"
    columns = tabular.columns(edition, exclude=from_person)
    assert "family_name" not in columns and "occupation" in columns
    assert set(tabular.column_labels(edition, "ja", exclude=from_person)) == set(
        columns
    )
    # Without ``exclude`` nothing changes for the existing callers.
    assert tabular.columns(edition)[:3] == [
        "nationality",
        "date_of_birth",
        "family_name",
    ]


@pytest.mark.parametrize(
    "edition",
    [
        e
        for e in all_editions()
        if e.application_types[0] not in ("reentry", "other_activity")
    ],
    ids=lambda e: e.key,
)
def test_every_edition_filed_alone_has_a_template_with_unique_labelled_columns(edition):
    template = template_by_key(edition.key)
    assert template is not None
    assert template.columns[: len(PERSON_COLUMNS)] == PERSON_COLUMNS
    assert len(set(template.columns)) == len(template.columns)
    for language in ("ja", "en"):
        labels = template.labels(language)
        assert set(labels) == set(template.columns)
        assert all(labels.values())
    # Every label can be written in Shift_JIS (the template's CSV variant).
    from batches.spreadsheet import template_csv

    for language in ("ja", "en"):
        template_csv(template, language, shift_jis=True)
    # A problem at a pre-filled item names the person's column.
    assert template.column_for_problem("current_period_expiry") in (
        "period_expiry",
        "current_period_expiry",
    )


def test_companion_forms_have_no_template():
    assert template_by_key("reentry.all.20260105") is None


@pytest.mark.usefixtures("reference_data")
def test_upload_page_lists_templates_and_shows_the_cap(client, org_staff):
    client.force_login(org_staff)
    response = client.get(reverse("batches:new"))
    assert response.status_code == 200
    assert batch_data.template().key.encode() in response.content
    assert b"2,000" in response.content


@pytest.mark.usefixtures("reference_data")
def test_unknown_template_is_404(client, org_staff):
    client.force_login(org_staff)
    response = client.get(
        reverse("batches:template"), {"form": "nope", "format": "csv"}
    )
    assert response.status_code == 404


def test_xlsx_template_columns_are_text_except_dates():
    import io

    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    from batches.spreadsheet import template_xlsx

    template = batch_data.template()
    sheet = load_workbook(io.BytesIO(template_xlsx(template, "ja"))).worksheets[0]
    formats = {
        name: sheet.column_dimensions[get_column_letter(i)].number_format
        for i, name in enumerate(template.columns, start=1)
    }
    assert formats["passport_number"] == "@" and formats["phone"] == "@"
    assert formats["date_of_birth"] == "General"
    assert "date_of_birth" in template.date_columns()
    assert [sheet.cell(1, 1).value, sheet.cell(2, 1).value] == [
        "family_name",
        template.labels("ja")["family_name"],
    ]
