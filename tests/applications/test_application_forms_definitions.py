"""Every form definition is checked: labels in both languages, unique keys,
conditions on real items, code lists that resolve, pre-fill sources that
exist, an edition for every online type and status."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import FieldDoesNotExist

import pytest

from accounts.models import User
from applications.application_forms import codes, editions, prefill
from applications.application_forms.editions import (
    EditionRegistry,
    NoEdition,
    all_editions,
    edition_by_key,
    edition_for,
)
from applications.application_forms.schema import (
    FormEdition,
    Item,
    Kind,
    Part,
    Section,
    When,
)
from applications.models import ForeignNational, StatusOfResidence
from applications.reference_data import STATUSES

EDITIONS = all_editions()
IDS = [e.key for e in EDITIONS]


def _all_items(edition: FormEdition):
    for item in edition.items():
        yield item, None
        for sub in item.items:
            yield sub, item


def _kind_of_target(edition: FormEdition, condition: When, group: Item | None) -> Item:
    if group is not None:
        for sub in group.items:
            if sub.key == condition.item:
                return sub
    return edition.item(condition.item)


def test_there_are_editions_for_every_type():
    types = {t for e in EDITIONS for t in e.application_types}
    assert types == {
        "coe", "change", "extension", "acquisition",
        "authorized_employment", "reentry", "other_activity",
    }  # fmt: skip
    assert len(EDITIONS) == len(set(IDS))


@pytest.mark.parametrize("edition", EDITIONS, ids=IDS)
def test_edition_labels_and_keys(edition):
    assert edition.title_ja and edition.title_en
    section_keys = [s.key for s in edition.sections]
    assert len(section_keys) == len(set(section_keys))
    for section in edition.sections:
        assert section.title_ja.strip() and section.title_en.strip()
        assert section.items, section.key
    top_keys = [item.key for item in edition.items()]
    assert len(top_keys) == len(set(top_keys)), sorted(
        k for k in top_keys if top_keys.count(k) > 1
    )
    for item, _group in _all_items(edition):
        assert item.label_ja.strip() and item.label_en.strip(), item.key
        assert item.key.isidentifier() and item.key == item.key.lower()
        assert bool(item.help_ja) == bool(item.help_en), item.key
        if item.is_group:
            sub_keys = [sub.key for sub in item.items]
            assert sub_keys and len(sub_keys) == len(set(sub_keys))
            assert all(not sub.is_group for sub in item.items)
            assert item.max_items is None or item.max_items >= item.min_items


@pytest.mark.parametrize("edition", EDITIONS, ids=IDS)
def test_conditions_refer_to_real_items_with_possible_values(edition):
    static = codes.static_code_lists()
    for item, group in _all_items(edition):
        for condition in (item.when, item.required):
            if not isinstance(condition, When):
                continue
            target = _kind_of_target(edition, condition, group)  # KeyError fails
            assert target.key != item.key
            expected = (
                [] if condition.answered else list(condition.in_) or [condition.equals]
            )
            for value in expected:
                if target.kind is Kind.YES_NO:
                    assert isinstance(value, bool), (item.key, value)
                elif target.kind is Kind.CHOICE and target.choices in static:
                    assert value in static[target.choices], (item.key, value)
                else:
                    pytest.fail(f"{item.key}: condition on a {target.kind} item")


@pytest.mark.parametrize("edition", EDITIONS, ids=IDS)
def test_code_lists_resolve_and_only_choices_have_them(edition):
    for item, _group in _all_items(edition):
        if item.kind is Kind.CHOICE:
            assert item.choices in codes.ALL_CODE_LIST_NAMES, item.key
        else:
            assert not item.choices, item.key


def _model_path_exists(model, path: str) -> bool:
    head, _dot, rest = path.partition(".")
    try:
        field = model._meta.get_field(head)
    except FieldDoesNotExist:
        return False
    if rest:
        return field.related_model is not None and _model_path_exists(
            field.related_model, rest
        )
    return True


@pytest.mark.parametrize("edition", EDITIONS, ids=IDS)
def test_prefill_sources_exist(edition):
    for item, group in _all_items(edition):
        if not item.prefill:
            continue
        assert group is None, "rows are not pre-filled from a record"
        source, _dot, path = item.prefill.partition(".")
        if source == "person":
            assert _model_path_exists(ForeignNational, path), item.prefill
        elif source == "organisation":
            assert path in prefill.ORGANISATION_PROFILE_FIELDS, item.prefill
        elif source == "filer":
            assert path in prefill.FILER_FIELDS, item.prefill
            assert _model_path_exists(User, path)
        else:
            pytest.fail(f"unknown pre-fill source {item.prefill}")


def test_code_lists_have_unique_codes_and_both_labels():
    for code_list in codes.STATIC_CODE_LISTS.values():
        values = [c.code for c in code_list.codes]
        assert values and len(values) == len(set(values)), code_list.name
        assert all(c.label_ja and c.label_en for c in code_list.codes)


def test_status_groups_cover_every_online_status_once():
    online = {s["code"] for s in STATUSES if s["online_eligible"]}
    grouped = [
        status for spec in codes.STATUS_GROUPS.values() for status in spec["statuses"]
    ]
    assert len(grouped) == len(set(grouped))
    assert online <= set(grouped)
    assert set(grouped) <= {s["code"] for s in STATUSES}
    assert set(editions.GROUP_PARTS) == set(codes.STATUS_GROUPS)


def test_work_groups_have_the_organisation_part():
    for group, spec in codes.STATUS_GROUPS.items():
        edition = edition_for("extension", spec["statuses"][0], on=date(2027, 6, 1))
        has_part = Part.ORGANISATION in edition.parts()
        assert has_part == spec["has_organisation_part"], group


@pytest.mark.parametrize("application_type", ["coe", "change", "extension"])
@pytest.mark.parametrize(
    "status",
    [
        s["code"]
        for s in STATUSES
        if s["online_eligible"] and s["code"] != "permanent_resident"
    ],
)
def test_every_online_status_has_an_edition(application_type, status):
    day = (
        date(2027, 6, 1)
        if status == "employment_for_skill_development"
        else date(2026, 6, 1)
    )
    edition = edition_for(application_type, status, on=day)
    assert edition.status_group == codes.status_group(status)
    assert application_type in edition.application_types


@pytest.mark.parametrize(
    "application_type",
    ["acquisition", "authorized_employment", "reentry", "other_activity"],
)
def test_single_forms_serve_every_status(application_type):
    edition = edition_for(application_type, "student", on=date(2026, 6, 1))
    assert edition.status_group == ""
    assert edition_for(application_type, None, on=date(2026, 6, 1)) is edition


def test_extension_work_form_follows_the_published_items():
    edition = edition_for(
        "extension", "engineer_humanities_international", on=date(2026, 6, 1)
    )
    assert edition.key == "extension.work_general.20260105"
    assert edition.form_number == "別記第三十号の二様式"
    numbered = {
        item.key: item.number for item in edition.sections_of(Part.APPLICANT)[0].items
    }
    assert numbered["nationality"] == "1" and numbered["home_town"] == "7"
    assert edition.item("criminal_record").number == "15"
    assert edition.item("family_members").number == "16"
    organisation = [s.key for s in edition.sections_of(Part.ORGANISATION)]
    assert organisation == ["contract", "organisation", "employment", "dispatch"]
    # The same shared section carries the COE's numbering there.
    coe = edition_for("coe", "engineer_humanities_international", on=date(2026, 6, 1))
    assert coe.item("criminal_record").number == "19"
    assert coe.item("family_members").number == "21"
    assert coe.item("family_members").items[4].label_ja == "同居予定の有無"


def test_change_form_follows_the_published_items():
    edition = edition_for(
        "change", "engineer_humanities_international", on=date(2026, 6, 1)
    )
    numbers = {item.key: item.number for item in edition.items()}
    assert numbers["place_of_birth"] == "5" and numbers["marital_status"] == "6"
    assert numbers["home_town"] == "8" and numbers["address_in_japan"] == "9"
    assert numbers["desired_status"] == numbers["desired_period"] == "13"
    assert numbers["reason_for_change"] == "14"
    assert numbers["criminal_record"] == "15" and numbers["family_members"] == "16"
    # The shared section keeps the extension form's numbering there.
    extension = edition_for("extension", "student", on=date(2026, 6, 1))
    assert extension.item("marital_status").number == "5"
    assert "place_of_birth" not in {item.key for item in extension.items()}


def test_technical_intern_coe_closes_when_skill_development_starts():
    before = edition_for("coe", "technical_intern_training", on=date(2027, 3, 31))
    assert before.status_group == "technical_intern_training"
    with pytest.raises(NoEdition):
        edition_for("coe", "technical_intern_training", on=date(2027, 4, 1))
    # Those already training continue: extension forms stay.
    edition_for("extension", "technical_intern_training", on=date(2027, 4, 1))
    with pytest.raises(NoEdition):
        edition_for("coe", "employment_for_skill_development", on=date(2027, 3, 31))
    assert edition_for(
        "coe", "employment_for_skill_development", on=date(2027, 4, 1)
    ).valid_from == date(2027, 4, 1)


def _edition(
    key: str, start: date, until: date | None, group: str = "student"
) -> FormEdition:
    section = Section("s", "節", "Section", (Item("a", "項目", "Item"),))
    return FormEdition(
        key=key, title_ja="様式", title_en="Form", application_types=("extension",),
        status_group=group, valid_from=start, valid_until=until, sections=(section,),
    )  # fmt: skip


def test_registry_picks_the_edition_in_force_and_keeps_old_ones():
    old = _edition("extension.student.2020", date(2020, 1, 1), date(2025, 12, 31))
    new = _edition("extension.student.2026", date(2026, 1, 1), None)
    generic = _edition("extension.all.2020", date(2020, 1, 1), None, group="")
    registry = EditionRegistry([old, new, generic])
    assert registry.edition_for("extension", "student", on=date(2025, 6, 1)) is old
    assert registry.edition_for("extension", "student", on=date(2026, 1, 1)) is new
    assert (
        registry.edition_for("extension", "dependent", on=date(2026, 1, 1)) is generic
    )
    assert registry.by_key("extension.student.2020") is old
    with pytest.raises(NoEdition):
        registry.edition_for("coe", "student", on=date(2026, 1, 1))
    with pytest.raises(ValueError, match="defined twice"):
        EditionRegistry([old, old])


def test_edition_by_key_reads_stored_answers_edition():
    assert (
        edition_by_key("extension.work_general.20260105").status_group == "work_general"
    )
    with pytest.raises(KeyError):
        edition_by_key("extension.work_general.19990101")


@pytest.mark.django_db
def test_reference_code_lists_resolve_from_the_database(reference_data):
    lists = codes.resolve_code_lists()
    assert set(lists) == codes.ALL_CODE_LIST_NAMES
    assert "engineer_humanities_international" in lists["status_of_residence"]
    assert {"CN", "VN", "JP"} <= set(lists["country"])
    assert StatusOfResidence.objects.count() == len(lists["status_of_residence"])
