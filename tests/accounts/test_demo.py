from __future__ import annotations

import time
from datetime import date

from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from stdnum.jp import cn

from accounts.demo import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DEMO_USERNAMES,
    load_demo_data,
)
from accounts.models import Appointment, Membership, OfficerRole, Organization, User

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # Eight accounts per run: the production hasher would make this module slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _counts() -> dict[str, int]:
    models = [Organization, User, Membership, Appointment, OfficerRole, Authenticator]
    return {model.__name__: model.objects.count() for model in models}


def test_loads_organisations_and_one_account_per_role(reference_data):
    load_demo_data(today=TODAY)

    assert set(User.objects.values_list("username", flat=True)) >= DEMO_USERNAMES
    sakura = Organization.objects.get(name_en="Sakura Tech Co., Ltd.")
    minato = Organization.objects.get(name_en="Minato Foods Co., Ltd.")
    assert (sakura.category, sakura.prefecture_id, sakura.office.code) == (2, 13, "TKY")
    assert (minato.category, minato.prefecture_id, minato.office.code) == (3, 14, "YKH")
    assert cn.is_valid(sakura.corporate_number)
    assert cn.is_valid(minato.corporate_number)

    staff = User.objects.get(username="demo-staff")
    assert staff.user_category == User.Category.ORG_STAFF
    assert staff.valid_until == date(2029, 11, 26)
    assert list(staff.memberships.values_list("organization", flat=True)) == [sakura.pk]
    attorney = User.objects.get(username="demo-attorney")
    assert attorney.user_category == User.Category.ATTORNEY
    assert set(attorney.appointments.values_list("organization", flat=True)) == {
        sakura.pk,
        minato.pk,
    }
    support = User.objects.get(username="demo-support")
    assert support.user_category == User.Category.SUPPORT_ORG
    assert list(support.appointments.values_list("organization", flat=True)) == [
        minato.pk
    ]
    roles = OfficerRole.objects.filter(office__code="TKY")
    assert {(r.user.username, r.role) for r in roles} == {
        ("demo-reception", "reception"),
        ("demo-examiner", "examiner"),
        ("demo-supervisor", "supervisor"),
        ("demo-clerk", "clerk"),
        ("demo-bureau-admin", "bureau_admin"),
    }
    for officer in User.objects.filter(username__in=[r.user.username for r in roles]):
        assert officer.user_category is None
        assert officer.valid_until is None


def test_running_twice_creates_nothing_new(reference_data):
    first = load_demo_data(today=TODAY)
    before = _counts()

    second = load_demo_data(today=TODAY)

    assert first.created
    assert not second
    assert _counts() == before


def test_second_run_is_fast(reference_data, django_assert_max_num_queries):
    load_demo_data(today=TODAY)
    with django_assert_max_num_queries(40):
        load_demo_data(today=TODAY)


@pytest.mark.parametrize("username", sorted(DEMO_USERNAMES))
def test_demo_account_signs_in_with_password_and_totp(reference_data, username):
    load_demo_data(today=TODAY)

    user = authenticate(username=username, password=DEMO_PASSWORD)
    assert user is not None
    assert user.username == username
    assert user.email == f"{username}@example.jp"
    assert user.full_name

    totp = TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    assert totp.validate_code(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)))
    stale = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter - 10))
    assert not totp.validate_code(stale)
    recovery = Authenticator.objects.get(
        user=user, type=Authenticator.Type.RECOVERY_CODES
    )
    assert len(RecoveryCodes(recovery).get_unused_codes()) == 10


def test_command_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo_data")
    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()


def test_command_loads_everything_when_debug_is_on(settings, reference_data, capsys):
    settings.DEBUG = True
    call_command("load_demo_data")
    assert "accounts: 35 objects created" in capsys.readouterr().out

    call_command("load_demo_data")
    out = capsys.readouterr().out
    assert "accounts: demo data already loaded" in out
    assert "applications: demo data already loaded" in out
    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == 8


@pytest.mark.django_db
def test_demo_has_people_and_cases_in_each_state_for_the_roles(settings):
    from accounts.demo import load_demo_data as load_accounts
    from applications.demo import load_demo_data as load_applications
    from applications.models import Application, ForeignNational

    settings.CELERY_TASK_ALWAYS_EAGER = True
    load_accounts()
    load_applications()
    assert ForeignNational.objects.count() == 4
    statuses = sorted(
        Application.objects.filter(main__isnull=True).values_list("status", flat=True)
    )
    assert statuses == ["draft", "submitted", "submitted"]
    # A second run adds nothing.
    assert not load_applications().created
    assert Application.objects.count() == 4  # the re-entry companion included
