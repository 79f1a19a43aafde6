"""Five or fewer options are radios: the rule (``portal.lib.choices``), and a
walk through every page of the filing flow, for every type of application,
that fails on a select offering five options or fewer."""

from __future__ import annotations

import re

from django import forms
from django.urls import reverse

import pytest

from applications import services
from applications.models import ApplicationType, StatusOfResidence
from applications.presenters import draft_sections, section_url
from portal.lib.choices import ChoiceWidgetsMixin, option_count
from tests.applications import filing_data as fd
from tests.factories import OrganizationFactory, staff

pytestmark = pytest.mark.django_db


class Sample(ChoiceWidgetsMixin, forms.Form):
    few = forms.ChoiceField(choices=[("", "Choose"), ("a", "A"), ("b", "B")])
    few_optional = forms.ChoiceField(
        choices=[("", "None"), ("a", "A"), ("b", "B")], required=False
    )
    many = forms.ChoiceField(choices=[(str(n), str(n)) for n in range(6)])
    several = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices set after the mixin's __init__ (as the filing forms do).
        self.fields["late"] = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")])


def test_the_rule_turns_short_lists_into_radios():
    form = Sample()
    widgets = {name: form[name].field.widget for name in form.fields}
    assert isinstance(widgets["few"], forms.RadioSelect)
    assert isinstance(widgets["late"], forms.RadioSelect)
    assert isinstance(widgets["several"], forms.CheckboxSelectMultiple)
    assert type(widgets["many"]) is forms.Select
    # A required question's blank entry is not an option; an optional one's is.
    assert [v for v, _label in form.fields["few"].choices] == ["a", "b"]
    assert [v for v, _label in form.fields["few_optional"].choices] == ["", "a", "b"]


def test_groups_count_their_options_and_blanks_do_not():
    assert option_count([("", "Choose"), ("G", [("a", "A"), ("b", "B")])]) == 2


# --- Every page of the filing flow ----------------------------------------------------

SELECT = re.compile(r"<select\b[^>]*\bname=\"([^\"]+)\"[^>]*>(.*?)</select>", re.S)
OPTION = re.compile(r"<option\b[^>]*\bvalue=\"([^\"]*)\"")


def short_selects(html: str) -> list[tuple[str, int]]:
    found = []
    for name, body in SELECT.findall(html):
        count = sum(1 for value in OPTION.findall(body) if value)
        if count <= 5:
            found.append((name, count))
    return found


@pytest.fixture
def org(reference_data):
    return OrganizationFactory(category=3)


@pytest.fixture
def alice(org):
    return staff(org, full_name="山田 花子")


def _draft(alice, person, type_code):
    kind = ApplicationType.objects.get(code=type_code)
    companions = ("reentry", "other_activity") if kind.takes_companions else ()
    application = fd.draft(alice, person, type_code, companions)
    if type_code in ("coe", "change", "acquisition"):
        # The 申請書 pages appear once the status applied for is known.
        services.application_update(
            application=application,
            expected_version=application.version,
            actor=alice,
            fields={"target_status": StatusOfResidence.objects.get(code=fd.EHI)},
            section="application",
        )
        application.refresh_from_db()
    return application


def test_no_page_of_the_filing_flow_has_a_select_of_five_or_fewer(client, alice, org):
    person = fd.person(org)
    client.force_login(alice)
    urls = [
        reverse("applications:start_person", args=[org.code]),
        reverse("applications:start_type", args=[person.code]),
        reverse("applications:foreign_national_add", args=[org.code]),
        reverse("applications:foreign_national", args=[person.code]),
    ]
    for kind in ApplicationType.objects.filter(is_companion=False):
        application = _draft(alice, person, kind.code)
        for key in draft_sections(application):
            urls.append(section_url(application, key))
        urls.append(section_url(application, "check"))
    walked = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not short_selects(html), (url, short_selects(html))
        walked += 1
    assert walked > 20


def test_the_extension_period_is_asked_with_radios(client, alice, org):
    application = fd.draft(alice, fd.person(org))
    client.force_login(alice)
    html = client.get(section_url(application, "application")).content.decode()
    assert 'type="radio" name="requested_period" value="1y"' in html
    assert "<select" not in html
