"""Foreign nationals: normalisation of what people type (table), the form's
rules, duplicates (organisation + nationality + passport number), and the
pages (add, change, list) with their access rules."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.models import User
from applications import services, validators
from applications.forms import ForeignNationalForm
from applications.models import ForeignNational, StatusOfResidence, StatusSubCategory
from applications.services import people as people_services
from tests.applications import filing_data as fd
from tests.factories import OrganizationFactory, staff


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages are compared with the English msgids."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """A request through the test client leaves its language active in the
    thread; put back the neutral state migrate left, for the tests after."""
    yield
    from django.utils import translation

    translation.deactivate_all()


# --- Normalisation table (pure) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("nguyen", "NGUYEN"),
        ("ＮＧＵＹＥＮ", "NGUYEN"),  # full-width letters
        ("  van   an ", "VAN AN"),
        ("van\u3000an", "VAN AN"),  # ideographic space
        ("o'brien", "O'BRIEN"),
        ("smith-jones", "SMITH-JONES"),
        ("", ""),
    ],
)
def test_roman_names_are_upper_case_half_width(typed, stored):
    assert validators.clean_roman_name(typed, required=False) == stored


@pytest.mark.parametrize(
    "typed", ["NGUYỄN", "山田", "NGUYEN2", "ヤマダ", "A" * 61, "-SMITH"]
)
def test_names_not_in_roman_letters_are_refused(typed):
    with pytest.raises(ValidationError):
        validators.clean_roman_name(typed, required=True)


def test_the_family_name_is_required():
    with pytest.raises(ValidationError) as exc:
        validators.clean_roman_name("  ", required=True)
    assert exc.value.code == "required"


HIDDEN = ["NGUYEN\u202eNAV", "\u2066LI\u2069", "TRAN\u200bMAI", "LI\x07WEI"]


@pytest.mark.parametrize("typed", HIDDEN)
def test_names_with_control_or_bidi_characters_are_refused(typed):
    """The roster's rule (accounts.validators), shared: a U+202E override or
    a zero-width space in a person's name is refused with its own message."""
    for clean in (
        lambda value: validators.clean_roman_name(value, required=True),
        validators.clean_name_kanji,
        validators.clean_address,
    ):
        with pytest.raises(ValidationError) as exc:
            clean(typed)
        assert exc.value.code == "hidden_characters"


def test_kanji_names_and_addresses_without_hidden_characters_pass():
    assert validators.clean_name_kanji("山田\u3000太郎") == "山田 太郎"
    assert validators.clean_address(" 東京都  千代田区 ") == "東京都 千代田区"


def test_the_person_form_and_the_roster_share_one_rule():
    from accounts import roster_csv
    from accounts import validators as account_validators

    assert validators.has_hidden_characters is account_validators.has_hidden_characters
    assert roster_csv.has_hidden_characters is account_validators.has_hidden_characters


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("tz1234567", "TZ1234567"),
        ("ＴＺ１２３４５６７", "TZ1234567"),  # full-width letters and digits
        ("TZ 123 4567", "TZ1234567"),  # spaces
        ("TZ-123-4567", "TZ1234567"),  # hyphens
        ("TZ－123ー4567", "TZ1234567"),  # full-width hyphen, prolonged sound mark
        ("TZ\u2010123\u22124567", "TZ1234567"),  # Unicode hyphen, minus sign
        ("", ""),
    ],
)
def test_passport_numbers_are_normalised(typed, stored):
    assert validators.clean_passport_number(typed) == stored


@pytest.mark.parametrize("typed", ["TZ#1234567", "TZ_1234567", "Ä1234567", "A" * 21])
def test_passport_numbers_with_other_characters_are_refused(typed):
    with pytest.raises(ValidationError) as exc:
        validators.clean_passport_number(typed)
    assert exc.value.code == "format"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("AB12345678CD", "AB12345678CD"),
        ("ab12345678cd", "AB12345678CD"),
        ("ＡＢ１２３４５６７８ＣＤ", "AB12345678CD"),  # full width
        ("AB 1234 5678 CD", "AB12345678CD"),  # spaces
        ("AB\u30001234\u30005678\u3000CD", "AB12345678CD"),  # ideographic spaces
        ("AB-12345678-CD", "AB12345678CD"),  # hyphens
        ("ＡＢ－１２３４５６７８－ＣＤ", "AB12345678CD"),  # full-width hyphens
        ("AB‐12345678‐CD", "AB12345678CD"),  # U+2010
        ("", ""),
    ],
)
def test_residence_card_numbers_are_normalised(typed, stored):
    assert validators.clean_residence_card_number(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "AB1234567CD",
        "AB123456789CD",
        "1212345678CD",
        "AB12345678C1",
        "ABC2345678CD",
        "AB1234567OCD",
    ],
)
def test_a_card_number_in_the_wrong_shape_names_the_shape(typed):
    with pytest.raises(ValidationError) as exc:
        validators.clean_residence_card_number(typed)
    assert exc.value.code == "format"
    assert "2 letters, 8 digits and 2 letters, for example AB12345678CD" in str(
        exc.value.messages[0]
    )


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("2027-03-31", date(2027, 3, 31)),
        ("2027/3/31", date(2027, 3, 31)),
        ("2027.03.31", date(2027, 3, 31)),
        ("２０２７－０３－３１", date(2027, 3, 31)),
        ("2027年3月31日", date(2027, 3, 31)),
        (" 2024-02-29 ", date(2024, 2, 29)),
        ("", None),
    ],
)
def test_dates_are_read_in_the_usual_forms(typed, parsed):
    assert validators.parse_date_input(typed) == parsed


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2027-02-30", "impossible"),
        ("2023-02-29", "impossible"),
        ("2027-13-01", "impossible"),
        ("2027-00-10", "impossible"),
        ("31/03/2027", "format"),
        ("tomorrow", "format"),
        ("2027-3", "format"),
    ],
)
def test_impossible_or_unreadable_dates_are_refused(typed, code):
    with pytest.raises(ValidationError) as exc:
        validators.parse_date_input(typed)
    assert exc.value.code == code


def test_a_date_of_birth_is_not_in_the_future_nor_before_1900():
    today = date(2026, 11, 26)
    assert validators.check_date_of_birth(date(2026, 11, 26), today=today)
    for born, code in ((date(2026, 11, 27), "future"), (date(1899, 12, 31), "too_old")):
        with pytest.raises(ValidationError) as exc:
            validators.check_date_of_birth(born, today=today)
        assert exc.value.code == code


@pytest.mark.parametrize(
    ("period", "label"),
    [
        ("5y", "5 years"),
        ("1y", "1 year"),
        ("1y3m", "1 year 3 months"),
        ("6m", "6 months"),
        ("30d", "30 days"),
        ("designated-5y", "Designated period (at most 5 years)"),
        ("indefinite", "Indefinite"),
        ("activity", "For as long as the activity lasts"),
    ],
)
def test_periods_in_words(period, label, settings):
    from django.utils import translation

    with translation.override("en"):
        assert validators.period_label(period) == label


@pytest.mark.parametrize(
    ("width", "height", "ok"),
    [
        (300, 400, True),
        (600, 800, True),
        (310, 400, True),
        (400, 400, False),
        (400, 300, False),
    ],
)
def test_the_photo_is_4_high_by_3_wide(width, height, ok):
    if ok:
        validators.check_photo_ratio(width, height, name="p.png")
    else:
        with pytest.raises(ValidationError):
            validators.check_photo_ratio(width, height, name="p.png")


# --- The form ---------------------------------------------------------------------------------


@pytest.fixture
def org(reference_data):
    return OrganizationFactory(category=3)


@pytest.fixture
def alice(org):
    return staff(org)


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "family_name": "ｎｇｕｙｅｎ",
        "given_name": "van  an",
        "name_kanji": "",
        "sex": "M",
        "date_of_birth": "１９９５年４月１日",
        "nationality": "VN",
        "passport_number": "ｃ１２３－４５６７",
        "passport_expiry": "2031/4/1",
        "residence_card_number": "ab 1234 5678 cd",
        "current_status": str(StatusOfResidence.objects.get(code=fd.EHI).pk),
        "current_subcategory": "",
        "current_period": "1y",
        "period_expiry": "2027-03-31",
        "address_in_japan": "東京都千代田区千代田1-1",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_form_normalises_what_people_type(org):
    form = ForeignNationalForm(form_data(), organization=org)
    assert form.is_valid(), form.errors
    values = form.values()
    assert values["family_name"] == "NGUYEN"
    assert values["given_name"] == "VAN AN"
    assert values["date_of_birth"] == date(1995, 4, 1)
    assert values["passport_number"] == "C1234567"
    assert values["residence_card_number"] == "AB12345678CD"
    assert values["current_status"].code == fd.EHI
    assert values["current_subcategory"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"date_of_birth": "1995-02-30"}, "date_of_birth", "is not a real date"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "cannot be in the future"),
        ({"period_expiry": "2027-04-31"}, "period_expiry", "is not a real date"),
        ({"period_expiry": "1990-01-01"}, "period_expiry", "before the date of birth"),
        (
            {"residence_card_number": "AB-1234-CD"},
            "residence_card_number",
            "2 letters, 8 digits",
        ),
        (
            {"passport_number": "C123/4567"},
            "passport_number",
            "letters A–Z and digits 0–9",
        ),
        ({"family_name": ""}, "family_name", "Enter the family name"),
        ({"family_name": "山田"}, "family_name", "Roman letters"),
        ({"name_kanji": "山田\u202e郎"}, "name_kanji", "text-direction characters"),
        (
            {"address_in_japan": "東京都\u200b千代田区"},
            "address_in_japan",
            "text-direction characters",
        ),
        ({"nationality": "JP"}, "nationality", "Select a valid choice"),
        ({"nationality": ""}, "nationality", "Choose the person"),
        ({"sex": ""}, "sex", "Choose the person"),
    ],
)
def test_the_form_refuses_bad_input_with_a_message(org, overrides, field, text):
    from django.utils import translation

    with translation.override("en"):
        form = ForeignNationalForm(form_data(**overrides), organization=org)
        assert not form.is_valid()
        assert text in " ".join(form.errors[field])


@pytest.mark.django_db
def test_a_status_with_categories_needs_a_category_of_that_status(org):
    ssw = StatusOfResidence.objects.get(code="specified_skilled_worker")
    ssw_i = StatusSubCategory.objects.get(status=ssw, code="i")
    hsp = StatusSubCategory.objects.get(
        status__code="highly_skilled_professional", code="i_a"
    )
    form = ForeignNationalForm(form_data(current_status=str(ssw.pk)), organization=org)
    assert not form.is_valid() and "current_subcategory" in form.errors
    form = ForeignNationalForm(
        form_data(current_status=str(ssw.pk), current_subcategory=str(hsp.pk)),
        organization=org,
    )
    assert not form.is_valid() and "current_subcategory" in form.errors
    form = ForeignNationalForm(
        form_data(
            current_status=str(ssw.pk),
            current_subcategory=str(ssw_i.pk),
            current_period="designated-3y",
        ),
        organization=org,
    )
    assert form.is_valid(), form.errors
    assert form.values()["current_subcategory"] == ssw_i


@pytest.mark.django_db
def test_a_person_not_in_japan_needs_no_card_or_status(org):
    form = ForeignNationalForm(
        form_data(
            residence_card_number="",
            current_status="",
            current_period="",
            period_expiry="",
        ),
        organization=org,
    )
    assert form.is_valid(), form.errors
    in_japan = ForeignNationalForm(
        form_data(
            residence_card_number="",
            current_status="",
            current_period="",
            period_expiry="",
        ),
        organization=org,
        in_japan=True,
    )
    assert not in_japan.is_valid()
    assert set(in_japan.errors) == {
        "residence_card_number", "current_status", "current_period", "period_expiry",
    }  # fmt: skip


# --- Duplicates -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_same_nationality_and_passport_in_the_organisation_is_a_duplicate(org, alice):
    from django.utils import translation

    existing = fd.person(org, passport_number="C1234567")
    form = ForeignNationalForm(form_data(), organization=org)
    with translation.override("en"):
        assert not form.is_valid()
    assert form.duplicate == existing
    assert "already registered for this organisation" in str(
        form.errors["passport_number"]
    )
    with pytest.raises(services.DuplicatePerson) as exc:
        services.foreign_national_save(
            organization=org,
            values={**ForeignNationalForm.initial_from(existing), "current_status": None,
                    "current_subcategory": None, "family_name": "OTHER"},
            actor=alice,
        )  # fmt: skip
    assert exc.value.existing == existing


@pytest.mark.django_db
def test_not_a_duplicate_in_another_organisation_or_another_nationality(org):
    fd.person(org, passport_number="C1234567")
    other_org = OrganizationFactory()
    assert ForeignNationalForm(form_data(), organization=other_org).is_valid()
    assert ForeignNationalForm(form_data(nationality="PH"), organization=org).is_valid()
    # A person's own record is not a duplicate of itself.
    me = ForeignNational.objects.get()
    assert ForeignNationalForm(form_data(), organization=org, instance=me).is_valid()


@pytest.mark.django_db
def test_a_concurrent_duplicate_is_caught_by_the_constraint(org, alice, monkeypatch):
    existing = fd.person(org, passport_number="C1234567")
    calls = []

    def missed_it(**kwargs):  # the other save committed after our check
        calls.append(kwargs)
        return None if len(calls) == 1 else existing

    monkeypatch.setattr(people_services, "foreign_national_duplicate", missed_it)
    values = {
        **ForeignNationalForm.initial_from(existing),
        "current_status": None,
        "current_subcategory": None,
        "family_name": "OTHER",
    }
    with pytest.raises(services.DuplicatePerson) as exc:
        services.foreign_national_save(organization=org, values=values, actor=alice)
    assert exc.value.existing == existing
    assert ForeignNational.objects.count() == 1


@pytest.mark.django_db
def test_saving_needs_an_active_filer_of_the_organisation(org, alice):
    stranger = staff(OrganizationFactory())
    values = {
        **ForeignNationalForm.initial_from(fd.person(org)),
        "passport_number": "X1",
    }
    values["current_status"] = values["current_subcategory"] = None
    with pytest.raises(PermissionDenied):
        services.foreign_national_save(organization=org, values=values, actor=stranger)
    User.objects.filter(pk=alice.pk).update(status=User.Status.SUSPENDED)
    alice.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.foreign_national_save(organization=org, values=values, actor=alice)


# --- Pages ------------------------------------------------------------------------------------


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.mark.django_db
def test_add_a_person(client, english, org, alice):
    client.force_login(alice)
    assert client.get(
        reverse("applications:foreign_national_add_choose")
    ).url == reverse("applications:foreign_national_add", args=[org.code])
    response = client.post(
        reverse("applications:foreign_national_add", args=[org.code]), form_data()
    )
    assert response.url == reverse("applications:foreign_nationals")
    person = ForeignNational.objects.get()
    assert (person.organization, str(person), person.residence_card_number) == (
        org, "NGUYEN VAN AN", "AB12345678CD",
    )  # fmt: skip
    listing = client.get(reverse("applications:foreign_nationals")).content.decode()
    assert "NGUYEN VAN AN" in listing and "Vietnam" in listing


@pytest.mark.django_db
def test_adding_from_the_start_of_an_application_returns_there(
    client, english, org, alice
):
    client.force_login(alice)
    response = client.post(
        reverse("applications:foreign_national_add", args=[org.code]) + "?next=start",
        form_data(),
    )
    person = ForeignNational.objects.get()
    assert response.url == reverse("applications:start_type", args=[person.code])


@pytest.mark.django_db
def test_adding_a_duplicate_links_to_the_person_on_record(client, english, org, alice):
    existing = fd.person(org, passport_number="C1234567")
    client.force_login(alice)
    response = client.post(
        reverse("applications:foreign_national_add", args=[org.code]), form_data()
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "NGUYEN VAN AN, with the same nationality and passport number" in html
    assert reverse("applications:foreign_national", args=[existing.code]) in html
    assert ForeignNational.objects.count() == 1


@pytest.mark.django_db
def test_a_colleague_changes_a_person_and_strangers_get_404(
    client, english, org, alice
):
    person = fd.person(org)
    bob = staff(org)
    client.force_login(bob)
    response = client.post(
        reverse("applications:foreign_national", args=[person.code]),
        form_data(
            passport_number="C1234567",
            address_in_japan="大阪府大阪市北区1-1",
            loaded_at=person.updated_at.isoformat(),
        ),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.address_in_japan == "大阪府大阪市北区1-1"
    stranger = staff(OrganizationFactory())
    client.force_login(stranger)
    assert (
        client.get(
            reverse("applications:foreign_national", args=[person.code])
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("applications:foreign_national", args=[person.code]), form_data()
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("applications:foreign_national_add", args=[org.code])
        ).status_code
        == 404
    )
    assert (
        "NGUYEN"
        not in client.get(reverse("applications:foreign_nationals")).content.decode()
    )


@pytest.mark.django_db
def test_read_only_users_see_but_cannot_change(client, english, org, alice):
    person = fd.person(org)
    User.objects.filter(pk=alice.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(alice)
    page = client.get(reverse("applications:foreign_national", args=[person.code]))
    assert page.status_code == 200 and "Read only" in page.content.decode()
    assert (
        client.post(
            reverse("applications:foreign_national", args=[person.code]), form_data()
        ).status_code
        == 403
    )
    assert (
        client.get(
            reverse("applications:foreign_national_add", args=[org.code])
        ).status_code
        == 403
    )
    assert client.get(reverse("applications:start")).status_code == 403


@pytest.mark.django_db
def test_a_change_on_a_stale_page_is_refused_and_shows_the_newer_details(
    client, english, org, alice
):
    person = fd.person(org)
    loaded_at = person.updated_at.isoformat()
    bob = staff(org)
    services.foreign_national_save(
        organization=org,
        values={"address_in_japan": "大阪府大阪市北区1-1"},
        actor=bob,
        foreign_national=person,
        expected_updated_at=loaded_at,
    )
    client.force_login(alice)
    response = client.post(
        reverse("applications:foreign_national", args=[person.code]),
        form_data(passport_number="C1234567", loaded_at=loaded_at),
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed by someone else after you opened this page" in html
    assert "大阪府大阪市北区1-1" in html
    person.refresh_from_db()
    assert person.address_in_japan == "大阪府大阪市北区1-1"
    assert person.residence_card_number == "AB12345678CD"
