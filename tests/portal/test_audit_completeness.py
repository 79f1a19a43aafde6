"""Audit completeness (issue 11 item 6, review L1): failed second-factor
attempts, throttled sign-ins, password resets and changes, and views of pages
that show passport or residence card numbers — each recorded without personal
values."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from django.core import mail
from django.urls import reverse

import pytest

from portal.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory, totp_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _no_personal_values(event: AuditEvent, *values: str) -> None:
    blob = repr(event.data) + event.object_code + event.object_type
    for value in values:
        assert value not in blob


def test_a_wrong_second_factor_code_is_audited(client):
    user = UserFactory(mfa=True)
    client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    wrong = f"{(int(totp_code(user)) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/2fa/authenticate/", {"code": wrong})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="mfa.failed", actor=user)
    assert event.data == {"type": "totp", "reauthentication": False}
    _no_personal_values(event, wrong)


def test_a_failed_login_by_email_names_the_account(client):
    user = UserFactory(mfa=True, email="by.email@example.jp")
    client.post(
        "/accounts/login/", {"login": "BY.EMAIL@example.jp", "password": "nope nope"}
    )
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor == user
    _no_personal_values(event, "by.email")


def test_sign_ins_refused_by_the_throttle_are_audited(client):
    user = UserFactory(mfa=True)
    # The per-account limit is 5 failures in 5 minutes; then even the right
    # password is refused, and each refusal is recorded.
    for _ in range(5):
        client.post("/accounts/login/", {"login": user.username, "password": "x" * 12})
    assert (
        AuditEvent.objects.filter(action="auth.login_failed", actor=user).count() == 5
    )
    for _ in range(3):
        response = client.post(
            "/accounts/login/", {"login": user.username, "password": PASSWORD}
        )
        assert response.status_code == 200  # the form says "too many attempts"
    throttled = AuditEvent.objects.filter(action="auth.login_throttled", actor=user)
    assert throttled.count() == 3
    assert throttled.first().data == {"url_name": "account_login"}


def test_answers_429_are_audited_and_capped_per_client(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    for _ in range(4):
        response = client.post(
            "/accounts/login/", {"login": "nobody", "password": "x" * 12}
        )
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="auth.throttled").count() == 2
    from portal.audit import throttling

    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "0/m/ip"}
    for _ in range(throttling.RECORDS_PER_MINUTE + 5):
        client.post("/accounts/login/", {"login": "nobody", "password": "x" * 12})
    # A flood of refusals does not flood the trail.
    assert (
        AuditEvent.objects.filter(
            action__in=["auth.throttled", "auth.login_throttled"]
        ).count()
        <= throttling.RECORDS_PER_MINUTE
    )


def test_a_password_reset_through_the_emailed_link_is_audited(client):
    user = UserFactory(mfa=True, email="reset.me@example.jp")
    client.post(reverse("account_reset_password"), {"email": "reset.me@example.jp"})
    (message,) = [m for m in mail.outbox if m.to == ["reset.me@example.jp"]]
    link = re.search(r"(/accounts/password/reset/key/\S+/)", message.body).group(1)
    page = client.get(link, follow=True)
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="auth.password_reset", actor=user)
    _no_personal_values(event, "reset.me", NEW_PASSWORD)


def test_a_password_change_is_audited(client):
    user = UserFactory(mfa=True)
    client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(user)})
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="auth.password_changed", actor=user
    ).exists()


# --- Pages that show passport or residence card numbers ---------------------------------


def test_the_roster_page_and_a_roster_entry_are_audited(client):
    from accounts.models import RosterEntry
    from tests.factories import OrganizationFactory, staff

    org = OrganizationFactory()
    user = staff(org)
    entry = RosterEntry.objects.create(
        organization=org,
        family_name="NGUYEN",
        given_name="AN",
        sex="M",
        date_of_birth=date(1995, 4, 1),
        nationality="VN",
        residence_card_number="AB12345678CD",
    )
    client.force_login(user)
    page = client.get(reverse("accounts:organization_roster", args=[org.code]))
    assert page.status_code == 200
    event = AuditEvent.objects.get(action="roster.view", actor=user)
    assert event.organization_code == org.code
    _no_personal_values(event, "AB12345678CD", "NGUYEN")
    edit = client.get(
        reverse("accounts:organization_roster_edit", args=[org.code, entry.code])
    )
    assert edit.status_code == 200
    assert AuditEvent.objects.filter(
        action="roster.view", object_code=str(entry.code)
    ).exists()


def test_a_persons_page_and_a_drafts_person_and_check_pages_are_audited(client):
    from tests.applications.filing_data import draft, person
    from tests.factories import OrganizationFactory, staff

    org = OrganizationFactory()
    user = staff(org)
    someone = person(org)
    application = draft(user, someone)
    client.force_login(user)
    pages = [
        (
            reverse("applications:foreign_national", args=[someone.code]),
            "foreign_national.view",
        ),
        (
            reverse("applications:draft_person", args=[application.code]),
            "application.view_draft",
        ),
        (
            reverse("applications:draft_check", args=[application.code]),
            "application.view_draft",
        ),
    ]
    for url, action in pages:
        before = AuditEvent.objects.filter(action=action, actor=user).count()
        assert client.get(url).status_code == 200
        events = AuditEvent.objects.filter(action=action, actor=user)
        assert events.count() == before + 1, url
        event = events.latest("pk")
        assert event.organization_code == org.code
        _no_personal_values(event, "C1234567", "AB12345678CD", "NGUYEN")
