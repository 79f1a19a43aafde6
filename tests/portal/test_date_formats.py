"""Dates read one way on every page (issue 12, item 3): 2027年2月10日 in
Japanese, 10 February 2027 in English (``portal/formats``)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

import pytest

from tests.factories import ForeignNationalFactory

DAY = date(2027, 2, 10)
MOMENT = datetime(2027, 2, 10, 9, 5, tzinfo=ZoneInfo("Asia/Tokyo"))


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("ja", "2027年2月10日", "2027年2月10日 9:05"),
        ("en", "10 February 2027", "10 February 2027, 09:05"),
    ],
)
def test_dates_and_times_in_each_language(language, day, moment):
    template = Template(
        '{{ d|date:"DATE_FORMAT" }}|{{ d }}|{{ d|date:"SHORT_DATE_FORMAT" }}|'
        '{{ m|date:"DATETIME_FORMAT" }}'
    )
    with translation.override(language):
        rendered = template.render(Context({"d": DAY, "m": MOMENT}))
    assert rendered == f"{day}|{day}|{day}|{moment}"


@pytest.mark.django_db
def test_the_people_list_writes_dates_the_same_way(client, settings, org, org_staff):
    ForeignNationalFactory(organization=org, date_of_birth=date(1996, 4, 12))
    client.force_login(org_staff)
    for language, expected in (("ja", "1996年4月12日"), ("en", "12 April 1996")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        body = client.get(reverse("applications:foreign_nationals")).content.decode()
        assert expected in body
        assert "1996-04-12" not in body
