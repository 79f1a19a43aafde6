"""The residence card's 国籍・地域 list (``portal/lib/data/nationalities.csv``):
what it holds and leaves out, its order, every picker showing names in the
page's language (never codes), check your answers naming the nationality,
codes stored before the list keep working, and the importers' spellings."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import translation

import pycountry
import pytest

from accounts.forms.organization import RosterEntryForm
from accounts.roster_csv import RosterValueError, clean_nationality
from applications import draft_form
from applications.forms import ForeignNationalForm, PersonStepForm
from applications.models import ForeignNational
from portal.lib import countries
from review.forms.examination import QueueFilterForm
from tests.applications import filing_data as fd
from tests.factories import OrganizationFactory, staff

# ISO 3166 codes of places that are not nationalities (dependent or
# uninhabited territories): none may be offered.
TERRITORIES = {
    "AQ", "BV", "HM", "UM", "TF", "GS", "IO", "PN", "CX", "CC", "NF", "SJ",
    "WF", "NC", "PF", "PM", "RE", "YT", "GF", "GP", "MQ", "BL", "MF", "AW",
    "CW", "SX", "BQ", "AI", "BM", "VG", "KY", "MS", "TC", "FK", "SH", "GI",
    "GG", "JE", "IM", "FO", "GL", "AX", "AS", "GU", "MP", "PR", "VI", "TK",
    "HK", "MO", "EH",
}  # fmt: skip


@pytest.fixture
def org(reference_data):
    return OrganizationFactory(category=3)


@pytest.fixture
def alice(org):
    return staff(org, full_name="山田 花子")


def names(language: str) -> list[str]:
    return [name for _code, name in countries.country_choices(language)]


# --- The list -----------------------------------------------------------------------


def test_the_list_has_the_residence_card_names():
    ja = dict(countries.country_choices("ja"))
    assert ja["KP"] == "朝鮮"
    assert ja["KG"] == "キルギス"
    assert ja["TW"] == "台湾"
    assert ja["PS"] == "パレスチナ"
    assert ja["XX"] == "無国籍"
    assert ja["MN"] == "モンゴル"
    assert ja["AU"] == "オーストラリア"
    assert ja["ER"] == "エリトリア"
    for wrong in ("北朝鮮", "キルギスタン", "モンゴル国", "エリトリア国", "南極大陸"):
        assert wrong not in ja.values()
    en = dict(countries.country_choices("en"))
    assert en["KG"] == "Kyrgyzstan"
    assert en["XX"] == "Stateless"


def test_territories_that_are_not_nationalities_are_left_out():
    codes = {code for code, _name in countries.country_choices(include_japan=True)}
    assert not codes & TERRITORIES
    # Everything else is an ISO 3166 code or one of the documented
    # user-assigned ones (Kosovo, stateless).
    iso = {c.alpha_2 for c in pycountry.countries}
    assert codes - iso == {"XK", "XX"}
    # Every ISO code left out is a territory listed above.
    assert iso - codes == TERRITORIES


def test_japan_only_when_asked_for():
    assert "JP" not in dict(countries.country_choices("ja"))
    assert dict(countries.country_choices("ja", include_japan=True))["JP"] == "日本"


def test_japanese_names_are_in_the_order_of_their_reading():
    order = names("ja")
    assert order[0] == "アイスランド"

    def before(a: str, b: str) -> bool:
        return order.index(a) < order.index(b)

    # 英国 (エイコク) among the エ, 中国 (チュウゴク) before チュニジア, voiced
    # kana with their plain ones (ガーナ before カナダ), 朝鮮 after チャド.
    assert before("ウルグアイ", "英国") and before("英国", "エクアドル")
    assert before("チャド", "中国") and before("中国", "チュニジア")
    assert before("ガーナ", "カナダ") and before("カナダ", "ガボン")
    assert before("チャド", "朝鮮") and before("朝鮮", "チリ")
    assert before("米国", "ベトナム")


def test_english_names_are_alphabetical_ignoring_accents():
    order = names("en")
    plain = str.maketrans("ôüō", "ouo")
    assert order == sorted(order, key=lambda n: n.translate(plain).casefold())
    assert order.index("Côte d'Ivoire") < order.index("Croatia")


def test_a_code_stored_before_the_list_keeps_its_name():
    assert countries.country_name("HK", "en") == "Hong Kong"
    assert countries.country_name("HK", "ja") == "香港"
    assert countries.country_name("KP", "en") == "Chōsen (Korea)"
    assert countries.country_name("kp", "ja") == "朝鮮"


def test_importers_accept_the_usual_spellings_and_refuse_territories():
    assert clean_nationality("キルギスタン") == "KG"
    assert clean_nationality("北朝鮮") == "KP"
    assert clean_nationality("朝鮮") == "KP"
    assert clean_nationality("VNM") == "VN"
    assert clean_nationality("Stateless") == "XX"
    with pytest.raises(RosterValueError):
        clean_nationality("Hong Kong")
    with pytest.raises(RosterValueError):
        clean_nationality("Antarctica")


# --- Pickers ------------------------------------------------------------------------


def _options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
    assert select, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[0])


def _assert_names(options: list[tuple[str, str]], language: str) -> None:
    real = [(value, label) for value, label in options if value]
    assert len(real) >= 190
    for value, label in real:
        assert label != value, f"{value} shown as its code"
    labels = dict(real)
    assert labels["KG"] == ("Kyrgyzstan" if language == "en" else "キルギス")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_nationality_picker_shows_names(language, org, alice):
    person = fd.person(org)
    application = fd.draft(alice, person)
    with translation.override(language):
        forms = [
            ForeignNationalForm(organization=org),
            PersonStepForm(application=application),
            RosterEntryForm(),
            QueueFilterForm(
                application_types=[],
                statuses=[],
                examiners=list,
                language=language,
            ),
        ]
        for form in forms:
            _assert_names(_options(str(form["nationality"]), "nationality"), language)
        page_choices = draft_form.reference_choices(language)["country"]
        assert dict(page_choices)["KG"] == (
            "Kyrgyzstan" if language == "en" else "キルギス"
        )
        assert dict(page_choices)["JP"] == ("Japan" if language == "en" else "日本")


def test_the_add_page_shows_names_in_the_page_language(client, alice, org, settings):
    client.force_login(alice)
    url = reverse("applications:foreign_national_add", args=[org.code])
    _assert_names(_options(client.get(url).content.decode(), "nationality"), "en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    _assert_names(_options(client.get(url).content.decode(), "nationality"), "ja")


def test_the_person_picker_names_the_nationality(client, alice, org):
    fd.person(org, nationality="KP")
    client.force_login(alice)
    html = client.get(
        reverse("applications:start_person", args=[org.code])
    ).content.decode()
    assert "Chōsen (Korea)" in html
    assert ", KP<" not in html and ", KP," not in html


def test_the_people_list_names_the_nationality(client, alice, org):
    fd.person(org, nationality="KG")
    client.force_login(alice)
    html = client.get(reverse("applications:foreign_nationals")).content.decode()
    assert "<td>Kyrgyzstan</td>" in html


@pytest.mark.japanese
def test_check_answers_names_the_nationality(client, alice, org):
    person = fd.person(org, nationality="KP")
    application = fd.draft(alice, person)
    client.force_login(alice)
    html = client.get(
        reverse("applications:draft_check", args=[application.code])
    ).content.decode()
    assert "朝鮮" in html
    assert ">KP<" not in html


def test_a_person_with_a_territory_code_can_still_be_saved(client, alice, org):
    from tests.applications.test_foreign_nationals import form_data

    person = fd.person(org, nationality="HK")
    client.force_login(alice)
    url = reverse("applications:foreign_national", args=[person.code])
    html = client.get(url).content.decode()
    assert '<option value="HK" selected>Hong Kong</option>' in html
    response = client.post(
        url,
        form_data(
            nationality="HK",
            passport_number=person.passport_number,
            loaded_at=person.updated_at.isoformat(),
        ),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.nationality == "HK"
    # A new person cannot be given a territory.
    form = ForeignNationalForm(form_data(nationality="HK"), organization=org)
    assert not form.is_valid()
    assert "nationality" in form.errors
    assert ForeignNational.objects.count() == 1
