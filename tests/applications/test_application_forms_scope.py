"""The online-scope rules, table-tested."""

from __future__ import annotations

from datetime import date

import pytest

from applications.application_forms.online_scope import (
    ScopeFacts,
    check,
    issues_residence_card,
)

TODAY = date(2026, 12, 4)


def _codes(**kw) -> list[str]:
    kw.setdefault("today", TODAY)
    kw.setdefault("organisation_category", 2)
    return [refusal.code for refusal in check(ScopeFacts(**kw))]


@pytest.mark.parametrize(
    ("status", "category", "refused"),
    [
        ("engineer_humanities_international", 1, False),
        ("engineer_humanities_international", 3, False),
        ("engineer_humanities_international", 4, True),
        ("engineer_humanities_international", None, True),
        ("researcher", 4, True),
        ("intra_company_transferee", 4, True),
        ("skilled_labor", 4, True),
        ("student", 4, False),
        ("spouse_of_japanese", None, False),
    ],
)
def test_category_limited_statuses(status, category, refused):
    codes = _codes(
        application_type="extension", status=status, organisation_category=category
    )
    assert codes == (["scope_organisation_category"] if refused else [])


@pytest.mark.parametrize(
    ("subcategory", "supervising", "refused"),
    [
        ("i_b", False, True),
        ("ii_b", False, True),
        ("iii_b", True, False),
        ("i_a", False, False),
        ("ii_a", False, False),
    ],
)
def test_supervised_technical_intern_training_only_by_the_supervising_organisation(
    subcategory, supervising, refused
):
    codes = _codes(
        application_type="extension",
        status="technical_intern_training",
        subcategory=subcategory,
        filer_is_supervising_organisation=supervising,
    )
    assert codes == (["scope_supervising_organisation"] if refused else [])


@pytest.mark.parametrize(
    ("supporter_status", "online", "supporter_category", "refused"),
    [
        ("engineer_humanities_international", True, 2, False),
        ("engineer_humanities_international", True, 4, True),
        ("professor", True, None, False),
        ("temporary_visitor", False, None, True),
        (None, False, None, True),
    ],
)
def test_dependent_only_when_the_supporter_is_in_scope(
    supporter_status, online, supporter_category, refused
):
    codes = _codes(
        application_type="change",
        status="dependent",
        supporter_status=supporter_status,
        supporter_status_online=online,
        supporter_organisation_category=supporter_category,
    )
    assert codes == (["scope_dependent_supporter"] if refused else [])


@pytest.mark.parametrize(
    ("subcategory", "application_type", "refused"),
    [
        ("notice_15", "extension", True),
        ("notice_15", "change", False),
        ("epa", "coe", True),
        ("epa", "extension", False),
        ("notice_46", "coe", False),
    ],
)
def test_designated_activities_notices_that_exclude_a_procedure(
    subcategory, application_type, refused
):
    codes = _codes(
        application_type=application_type,
        status="designated_activities",
        subcategory=subcategory,
    )
    assert codes == (["scope_designated_notice"] if refused else [])


@pytest.mark.parametrize(
    ("status", "application_type", "today", "expected"),
    [
        ("employment_for_skill_development", "coe", date(2027, 3, 31),
         ["scope_skill_development_not_yet"]),
        ("employment_for_skill_development", "coe", date(2027, 4, 1), []),
        ("technical_intern_training", "coe", date(2027, 3, 31), []),
        ("technical_intern_training", "coe", date(2027, 4, 1), ["scope_titp_coe_closed"]),
        ("technical_intern_training", "extension", date(2027, 4, 1), []),
    ],
)  # fmt: skip
def test_skill_development_replaces_technical_intern_training(
    status, application_type, today, expected
):
    codes = _codes(
        application_type=application_type, status=status, subcategory="i_a", today=today
    )
    assert codes == expected


def test_refusals_have_messages_with_their_dates():
    (refusal,) = check(
        ScopeFacts(
            application_type="coe",
            status="technical_intern_training",
            today=date(2027, 5, 1),
        )
    )
    assert "2027-04-01" in refusal.message


@pytest.mark.parametrize(
    ("status", "card"),
    [
        ("official", False),
        ("diplomat", False),
        ("temporary_visitor", False),
        ("engineer_humanities_international", True),
        ("permanent_resident", True),
    ],
)
def test_official_holders_get_no_residence_card(status, card):
    assert issues_residence_card(status) is card


def test_the_card_rule_does_not_apply_to_official_holders():
    from applications.eligibility import Filing, StatusFacts, rule_residence_card

    official = StatusFacts("official", "I", True, True, ("5y", "3y", "1y"))
    engineer = StatusFacts("engineer_humanities_international", "I", True, True)
    for application_type in ("change", "extension", "authorized_employment"):
        without_card = Filing(application_type, TODAY, current_status=official)
        assert rule_residence_card(without_card) is None
        failure = rule_residence_card(
            Filing(application_type, TODAY, current_status=engineer)
        )
        assert failure is not None and failure.rule == "card_required"


@pytest.mark.django_db
def test_the_supervising_organisation_is_known_by_its_permit_number(org):
    """An organisation whose profile holds a 監理団体 permit number files the
    団体監理型 applications; others are refused (the rule above, fed from
    the records by ``applications.selectors.scope_facts``)."""
    from types import SimpleNamespace

    from applications.models import OrganisationProfile, StatusOfResidence
    from applications.selectors import scope_facts

    titp = StatusOfResidence.objects.get(code="technical_intern_training")

    def refusals() -> list[str]:
        facts = scope_facts(
            application_type="extension",
            status=titp,
            subcategory=SimpleNamespace(code="ii_b"),
            organization=org,
        )
        return [refusal.code for refusal in check(facts)]

    assert "scope_supervising_organisation" in refusals()
    OrganisationProfile.objects.create(
        organization=org, supervising_permit_number="許1301000001"
    )
    assert "scope_supervising_organisation" not in refusals()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("許1301000001", "許1301000001"),
        ("１３０１０００００１", "許1301000001"),
        (" 許 1301000001 ", "許1301000001"),
        ("", ""),
        ("許130100000", None),
        ("ABC1301000001", None),
    ],
)
def test_the_permit_number_is_read_or_refused(typed, stored):
    from applications.forms.organisation import OrganisationProfileForm

    form = OrganisationProfileForm({"supervising_permit_number": typed})
    if stored is None:
        assert not form.is_valid()
        assert "supervising_permit_number" in form.errors
    else:
        assert form.is_valid(), form.errors
        assert form.cleaned_data["supervising_permit_number"] == stored
