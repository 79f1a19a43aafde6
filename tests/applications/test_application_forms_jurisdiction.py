"""Filed where the law says: routing by prefecture, application type and
office flags, on the seeded office data and on hand-made offices."""

from __future__ import annotations

from dataclasses import replace

import pytest

from accounts.models import Office
from accounts.reference_data import OFFICES
from applications.application_forms.jurisdiction import (
    NoReceivingOffice,
    OfficeFacts,
    office_facts,
    prefecture_from_address,
    receiving_office,
)

AICHI, OSAKA, KANAGAWA, HYOGO, OKINAWA, TOKYO, CHIBA = 23, 27, 14, 28, 47, 13, 12
BY_ADDRESS = [
    "change", "extension", "acquisition", "authorized_employment", "reentry",
    "other_activity",
]  # fmt: skip


def _seeded() -> list[OfficeFacts]:
    """The offices as seeded (accounts.reference_data), without a database."""
    return [
        OfficeFacts(
            code=row["code"],
            kind=row["kind"],
            parent=row["parent"],
            prefectures=frozenset(row["jurisdiction"]),
            accepts_applications=row["accepts_applications"],
            accepts_coe=row["accepts_coe"],
            is_port=row["is_port"],
        )
        for row in OFFICES
    ]


def _route(application_type, person, organisation, offices=None):
    return receiving_office(
        application_type,
        person_prefecture=person,
        organisation_prefecture=organisation,
        offices=offices if offices is not None else _seeded(),
    ).code


@pytest.mark.parametrize("application_type", BY_ADDRESS)
def test_in_japan_applications_go_to_the_office_over_the_persons_address(
    application_type,
):
    # A person living in Aichi employed by an Osaka company: Nagoya.
    assert _route(application_type, AICHI, OSAKA) == "NGY"
    assert _route(application_type, KANAGAWA, TOKYO) == "YKH"
    assert _route(application_type, HYOGO, OSAKA) == "KOB"
    assert _route(application_type, OKINAWA, TOKYO) == "NAH"


def test_a_coe_goes_to_the_office_over_the_receiving_organisation():
    assert _route("coe", AICHI, OSAKA) == "OSK"
    assert _route("coe", None, CHIBA) == "TKY"  # no address in Japan yet
    assert _route("coe", OSAKA, HYOGO) == "KOB"


@pytest.mark.parametrize("prefecture", range(1, 48))
@pytest.mark.parametrize("application_type", ["coe", "extension"])
def test_every_prefecture_routes_to_a_receiving_non_port_office(
    prefecture, application_type
):
    facts = {o.code: o for o in _seeded()}
    office = facts[_route(application_type, prefecture, prefecture)]
    assert office.kind in ("bureau", "district")
    assert office.receives(application_type) and not office.is_port


def test_an_office_that_does_not_take_applications_sends_them_to_its_bureau():
    offices = [
        replace(o, accepts_applications=False) if o.code == "YKH" else o
        for o in _seeded()
    ]
    assert _route("extension", KANAGAWA, KANAGAWA, offices) == "TKY"


def test_a_coe_skips_an_office_that_takes_no_coe():
    offices = [
        replace(o, accepts_coe=False) if o.code == "KOB" else o for o in _seeded()
    ]
    assert _route("coe", OSAKA, HYOGO, offices) == "OSK"
    assert _route("extension", HYOGO, OSAKA, offices) == "KOB"


def test_port_offices_never_receive_even_with_a_jurisdiction():
    offices = [
        replace(o, prefectures=frozenset({CHIBA})) if o.code == "NRT" else o
        for o in _seeded()
    ]
    assert _route("extension", CHIBA, CHIBA, offices) == "TKY"
    port = OfficeFacts("PRT", "branch", "TKY", frozenset({CHIBA}), is_port=True)
    assert _route("extension", CHIBA, CHIBA, [*offices, port]) == "TKY"


def test_the_most_local_receiving_office_wins():
    branch = OfficeFacts("TCH", "branch", "TKY", frozenset({TOKYO}))
    assert _route("extension", TOKYO, TOKYO, [*_seeded(), branch]) == "TCH"


def test_no_receiving_office():
    with pytest.raises(NoReceivingOffice):
        _route("extension", None, OSAKA)
    closed = [replace(o, accepts_applications=False) for o in _seeded()]
    with pytest.raises(NoReceivingOffice) as info:
        _route("extension", OSAKA, OSAKA, closed)
    assert info.value.code == "office_none"
    with pytest.raises(ValueError, match="unknown application type"):
        _route("permanent_residence", OSAKA, OSAKA)


@pytest.mark.django_db
def test_office_facts_read_the_database(reference_data, django_assert_num_queries):
    with django_assert_num_queries(2):
        facts = office_facts()
    assert len(facts) == Office.objects.count()
    assert _route("extension", AICHI, OSAKA, facts) == "NGY"
    assert _route("coe", AICHI, OSAKA, facts) == "OSK"
    Office.objects.filter(code="NGY").update(accepts_applications=False)
    with pytest.raises(NoReceivingOffice):
        _route("extension", AICHI, OSAKA, office_facts())


@pytest.mark.parametrize(
    ("address", "prefecture"),
    [
        ("愛知県名古屋市中区栄1-2-3", AICHI),
        ("  大阪府大阪市北区梅田１－１－１", OSAKA),
        ("東京都港区港南5-5-30", TOKYO),
        ("京都府京都市左京区", 26),
        ("北海道札幌市", 1),
        ("1-2-3 Sakae, Naka-ku, Nagoya, Aichi 460-0008", AICHI),
        ("Umeda 1-1-1, Kita-ku, Osaka-fu", OSAKA),
        ("名古屋市中区栄1-2-3", AICHI),  # a designated city names its prefecture
        ("横浜市中区山下町1", KANAGAWA),
        ("堺市堺区", OSAKA),
        ("豊田市元城町1", None),  # no prefecture named: ask
        ("", None),
        (None, None),
    ],
)
def test_prefecture_from_address(address, prefecture):
    assert prefecture_from_address(address) == prefecture


def test_office_data_is_complete_enough_to_show():
    codes = [o["code"] for o in OFFICES]
    assert len(codes) == len(set(codes))
    by_code = {o["code"]: o for o in OFFICES}
    for office in OFFICES:
        parent = office["parent"]
        while parent:  # every chain ends at a bureau
            parent = by_code[parent]["parent"]
        if office["kind"] != "branch":
            assert office["address_ja"] and office["phone"] and office["postal_code"]
        if office["contact_verified"]:
            assert office["address_ja"] and office["phone"]
            assert office.get("sources"), office["code"]  # checked against what
        for source in office.get("sources", ()):
            assert source.startswith(("https://", "http://")), office["code"]
        if office["is_port"]:
            assert not office["accepts_applications"] and not office["accepts_coe"]
    branches = [o for o in OFFICES if o["kind"] == "branch"]
    assert {o["parent"] for o in branches} >= {
        "SPR", "SND", "TKY", "NGY", "OSK", "HRS", "TKM", "FKO"
    }  # fmt: skip
