"""Accounts after approval: the set-password link, sign-in by status, the
account transitions, and reception's users pages."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts import services
from accounts.errors import TokenError
from accounts.models import SetPasswordToken, User
from accounts.permissions import can_file
from accounts.workflow import ACCOUNT_TRANSITIONS, AccountAction
from portal.audit.models import AuditEvent
from portal.celery import app as celery_app
from portal.lib.emails import render_email
from portal.lib.errors import IllegalTransition
from portal.notifications.models import Notification
from tests import factories
from tests.factories import (
    PASSWORD,
    OrganizationFactory,
    Role,
    UseRequestFactory,
    UserFactory,
    staff,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and new passphrase 2026"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/no-public-url/"},
        },
    }
    return root


@pytest.fixture
def eager_celery(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def officer() -> User:
    return factories.officer(Role.RECEPTION, office_code="TKY", mfa=True)


@pytest.fixture
def officer_client(client, officer, settings):
    client.force_login(officer)
    # Messages are compared in English, whatever the Japanese catalogue says.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def approved_user(office_code: str = "TKY") -> tuple[User, str]:
    """A freshly approved user and the path of their set-password link."""
    r = UseRequestFactory(submitted=True, office_code=office_code)
    r = services.use_request_approve(
        use_request=r,
        actor=factories.officer(Role.RECEPTION, office_code=office_code, mfa=False),
    )
    notification = Notification.objects.get(
        recipient=r.resulting_user, kind="account_approved"
    )
    link = notification.context["secret_link"]
    return r.resulting_user, link[link.index("/set-password/") :]


def latest_link(user: User) -> str:
    notification = (
        Notification.objects.filter(recipient=user, kind="account_approved")
        .order_by("-pk")
        .first()
    )
    link = notification.context["secret_link"]
    return link[link.index("/set-password/") :]


def reauthenticate(client) -> None:
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- the transition table, walked -------------------------------------------------------------


SERVICES = {
    AccountAction.SUSPEND: services.account_suspend,
    AccountAction.REINSTATE: services.account_reinstate,
    AccountAction.REVOKE: services.account_revoke,
}


@pytest.mark.parametrize(
    ("status", "action"),
    [(s, a) for s in User.Status.values for a in AccountAction.values],
)
def test_every_account_transition_pair(status, action):
    # A user of an organisation of the officer's office (the officer may
    # manage the account; the table alone decides).
    user = staff(OrganizationFactory(), status=status)
    actor = factories.officer(Role.RECEPTION, mfa=False)
    target = ACCOUNT_TRANSITIONS.get((status, action))
    if target is None:
        with pytest.raises(IllegalTransition):
            SERVICES[action](user=user, actor=actor, reason="Because.")
        user.refresh_from_db()
        assert user.status == status
        assert not Notification.objects.filter(recipient=user).exists()
    else:
        SERVICES[action](user=user, actor=actor, reason="Because.")
        user.refresh_from_db()
        assert user.status == target
        notification = Notification.objects.get(
            recipient=user, kind=f"account_{action}"
        )
        assert notification.context == {"reason": "Because."}


def test_an_account_action_needs_a_reason():
    user = staff(OrganizationFactory())
    with pytest.raises(ValueError):
        services.account_suspend(
            user=user, actor=factories.officer(Role.RECEPTION, mfa=False), reason="  "
        )


# --- who can sign in, who can file ------------------------------------------------------------


def _password_step(client, user: User):
    return client.post(
        reverse("account_login"), {"login": user.username, "password": PASSWORD}
    )


def test_revoked_user_cannot_sign_in(client):
    user = staff(OrganizationFactory())
    services.account_revoke(
        user=user,
        actor=factories.officer(Role.RECEPTION, mfa=False),
        reason="Shared ID.",
    )
    user.refresh_from_db()
    assert user.is_active is False
    response = _password_step(client, user)
    assert response.get("Location") != "/accounts/2fa/authenticate/"
    assert client.get(reverse("dashboard")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_revoked_account_is_refused_by_its_status_whatever_is_active_says(client):
    user = staff(OrganizationFactory())
    services.account_revoke(
        user=user,
        actor=factories.officer(Role.RECEPTION, mfa=False),
        reason="Shared ID.",
    )
    # Someone sets the flag back (the admin, a script): still no sign-in.
    User.objects.filter(pk=user.pk).update(is_active=True)
    user.refresh_from_db()
    response = _password_step(client, user)
    assert response.get("Location") != "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.login_failed", actor=user).exists()


def test_a_session_ends_when_its_account_is_revoked(client):
    user = staff(OrganizationFactory())
    client.force_login(user)
    assert client.get(reverse("dashboard")).status_code == 200
    User.objects.filter(pk=user.pk).update(status=User.Status.REVOKED)
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.parametrize("state", ["suspended", "expired"])
def test_suspended_and_expired_users_can_sign_in_but_not_file(client, state):
    user = staff(OrganizationFactory(), valid_days=0)
    if state == "suspended":
        services.account_suspend(
            user=user,
            actor=factories.officer(Role.RECEPTION, mfa=False),
            reason="Check.",
        )
    else:
        User.objects.filter(pk=user.pk).update(
            valid_until=timezone.localdate() - timedelta(days=1)
        )
    user.refresh_from_db()
    response = _password_step(client, user)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert can_file(user) is False


def test_can_file_predicate():
    today = timezone.localdate()
    active = UserFactory.build(user_category=1, valid_until=today)
    assert can_file(active, today) is True
    assert can_file(active, today + timedelta(days=1)) is False  # expired tomorrow
    assert can_file(UserFactory.build(user_category=1, valid_until=None)) is True
    assert can_file(UserFactory.build(user_category=1, status="suspended")) is False
    assert can_file(UserFactory.build(user_category=1, status="revoked")) is False
    assert can_file(UserFactory.build(user_category=None)) is False  # an officer


# --- the set-password link --------------------------------------------------------------------


def test_set_password_link_sets_the_password_signs_in_and_leads_to_mfa(client):
    user, path = approved_user()
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert user.username in html
    assert html.count('autocomplete="new-password"') == 2
    response = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    # Until TOTP is enrolled every other page leads back to its setup.
    assert client.get(reverse("dashboard"))["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_a_second_use_of_the_link_is_refused(client):
    user, path = approved_user()
    client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert (
        "already been used" in again.content.decode()
        or again.context["reason"] == "used"
    )
    response = client.post(
        path,
        {"password1": "another passphrase 99", "password2": "another passphrase 99"},
    )
    assert response.status_code == 410
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_expired_link_is_refused_and_says_reception_can_send_another(client):
    user, path = approved_user()
    with time_machine.travel(timezone.now() + timedelta(hours=72, minutes=1)):
        response = client.get(path)
        assert response.status_code == 410
        assert response.context["reason"] == "expired"
        posted = client.post(
            path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        )
        assert posted.status_code == 410
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_link_still_works_just_before_it_expires(client):
    _user, path = approved_user()
    with time_machine.travel(timezone.now() + timedelta(hours=71, minutes=59)):
        assert client.get(path).status_code == 200


def test_issuing_a_new_link_revokes_the_older_ones(client, officer):
    """Review H1: two live links; the second overwrote the password set with
    the first and signed its holder in."""
    user, first = approved_user()
    services.set_password_link_reissue(user=user, actor=officer)
    second = latest_link(user)
    assert SetPasswordToken.objects.filter(user=user, used_at=None).count() == 1
    response = client.get(first)
    assert response.status_code == 410
    assert response.context["reason"] == "replaced"
    posted = client.post(first, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert posted.status_code == 410
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert "_auth_user_id" not in client.session
    assert client.get(second).status_code == 200


def test_using_a_link_consumes_every_link_of_the_account(client, officer):
    user, first = approved_user()
    # Two live links, as before the fix (written directly: issuing revokes).
    from accounts.selectors import token_hash

    SetPasswordToken.objects.create(
        user=user,
        token_hash=token_hash("second-live-link-token"),
        expires_at=timezone.now() + timedelta(hours=72),
    )
    client.post(first, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert not SetPasswordToken.objects.filter(user=user, used_at=None).exists()
    client.logout()
    second = reverse("accounts:set_password", args=["second-live-link-token"])
    assert client.get(second).status_code == 410
    response = client.post(
        second,
        {"password1": "another passphrase 99", "password2": "another passphrase 99"},
    )
    assert response.status_code == 410
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert "_auth_user_id" not in client.session


def test_a_link_is_refused_once_the_account_has_a_usable_password(client):
    user, path = approved_user()
    # The password was set some other way (reset, admin): the link is dead.
    user.set_password(NEW_PASSWORD)
    user.save(update_fields=["password"])
    assert client.get(path).status_code == 410
    response = client.post(
        path,
        {"password1": "another passphrase 99", "password2": "another passphrase 99"},
    )
    assert response.status_code == 410
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert "_auth_user_id" not in client.session
    with pytest.raises(TokenError):
        services.set_password_complete(
            token=path.rstrip("/").rsplit("/", 1)[1], password="another passphrase 99"
        )
    refused = AuditEvent.objects.filter(
        action="account.password_link_refused", object_code=str(user.code)
    )
    assert refused.count() == 2
    assert all(event.data == {"reason": "used"} for event in refused)


def test_an_unknown_link_says_so(client):
    response = client.get(reverse("accounts:set_password", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert response.context["reason"] == "unknown"


@pytest.mark.parametrize(
    ("password1", "password2", "field"),
    [
        ("short pass", "short pass", "password1"),  # under 12 characters
        ("password1234", "password1234", "password1"),  # a common password
        (NEW_PASSWORD, NEW_PASSWORD + "x", "password2"),
        ("", "", "password1"),
    ],
)
def test_bad_passwords_are_refused_and_the_link_stays_valid(
    client, password1, password2, field
):
    user, path = approved_user()
    response = client.post(path, {"password1": password1, "password2": password2})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert "error-summary" in response.content.decode()
    assert SetPasswordToken.objects.get(user=user).used_at is None
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_64_character_password_is_accepted(client):
    user, path = approved_user()
    long_password = "correct horse battery staple " * 2 + "abcdef"
    assert len(long_password) >= 64
    response = client.post(
        path, {"password1": long_password, "password2": long_password}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(long_password)


def test_the_email_carries_the_link_and_the_inbox_copy_does_not(
    client, eager_celery, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        user, path = approved_user()
    notification = Notification.objects.get(recipient=user, kind="account_approved")
    sent = [
        m
        for m in mail.outbox
        if m.extra_headers.get("X-Zairyu-Notification") == str(notification.code)
    ]
    assert len(sent) == 1 and sent[0].to == [user.email]
    assert path in sent[0].body and user.username in sent[0].body
    html = sent[0].alternatives[0].content
    assert path in html
    notification.refresh_from_db()
    assert "secret_link" not in notification.context
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    page = client.get(reverse("notifications:detail", args=[notification.code]))
    assert page.status_code == 200
    text = page.content.decode()
    assert user.username in text
    assert "/set-password/" not in text


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize(
    ("kind", "context"),
    [
        (
            "account_approved",
            {
                "user_id": "ABCDEFGHJK",
                "reference_number": "RTKY-2026-000001",
                "valid_until": "2029-04-01",
                "secret_link": "https://x/set-password/t/",
            },
        ),
        ("account_approved", {"user_id": "ABCDEFGHJK", "valid_until": ""}),
        (
            "use_request_received",
            {
                "reference_number": "RTKY-2026-000001",
                "kind": "new",
                "office_ja": "東京出入国在留管理局",
                "office_en": "Tokyo",
            },
        ),
        (
            "use_request_received",
            {
                "reference_number": "PTKY-2026-000001",
                "kind": "periodic",
                "office_ja": "東京出入国在留管理局",
                "office_en": "Tokyo",
            },
        ),
        ("account_suspend", {"reason": "Shared <ID>."}),
        ("account_reinstate", {"reason": "Resolved."}),
        ("account_revoke", {"reason": "Misuse."}),
        (
            "periodic_report_approved",
            {
                "reference_number": "PTKY-2026-000001",
                "valid_until": "2029-04-01",
                "organization": "株式会社さくら",
            },
        ),
    ],
)
def test_emails_render_in_both_languages(kind, context, language):
    recipient = UserFactory.build(full_name="山田 花子", username="ABCDEFGHJK")
    rendered = render_email(
        kind, {**context, "recipient": recipient, "link": "/x/"}, language
    )
    assert rendered.subject and "\n" not in rendered.subject
    assert "{%" not in rendered.text and "{{" not in rendered.text
    if "reason" in context:
        assert context["reason"] in rendered.text  # plain text: not escaped
        assert "Shared <ID>" not in rendered.html  # HTML: escaped
    if context.get("valid_until"):
        assert "2029" in rendered.text


# --- reception's users pages -------------------------------------------------------------------


def test_users_list_shows_only_the_offices_users(officer_client):
    mine, _ = approved_user("TKY")
    theirs, _ = approved_user("NGY")
    response = officer_client.get(reverse("accounts:reception_users"))
    assert response.status_code == 200
    listed = [row["user"] for row in response.context["rows"]]
    assert mine in listed and theirs not in listed
    suspended = officer_client.get(
        reverse("accounts:reception_users"), {"status": "suspended"}
    )
    assert suspended.context["rows"] == []


def test_another_offices_officer_gets_404_on_the_user_and_every_action(client):
    user, _ = approved_user("TKY")
    client.force_login(factories.officer(Role.RECEPTION, office_code="NGY", mfa=True))
    reauthenticate(client)
    urls = [
        ("get", reverse("accounts:reception_user_detail", args=[user.code])),
        ("get", reverse("accounts:reception_user_decide", args=[user.code, "suspend"])),
    ] + [
        ("post", reverse(f"accounts:reception_user_{name}", args=[user.code]))
        for name in ("suspend", "reinstate", "revoke", "send_link")
    ]
    for method, url in urls:
        response = getattr(client, method)(url, {"reason": "x"})
        assert response.status_code == 404, url
    user.refresh_from_db()
    assert user.status == User.Status.ACTIVE


def test_suspend_needs_reauthentication_a_reason_and_tells_the_user(
    officer_client, eager_celery, django_capture_on_commit_callbacks
):
    user, _ = approved_user()
    url = reverse("accounts:reception_user_suspend", args=[user.code])
    response = officer_client.post(url, {"reason": "Shared ID."})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate(officer_client)
    assert officer_client.post(url, {"reason": ""}).context["form"].errors["reason"]
    page = officer_client.get(
        reverse("accounts:reception_user_decide", args=[user.code, "suspend"])
    )
    assert page.status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            url, {"reason": "The ID was shared by two people."}
        )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.status == User.Status.SUSPENDED
    told = [m for m in mail.outbox if m.to == [user.email]]
    assert len(told) == 1 and "The ID was shared by two people." in told[0].body


def test_reinstate_and_revoke_through_the_pages(officer_client):
    user, _ = approved_user()
    reauthenticate(officer_client)
    officer_client.post(
        reverse("accounts:reception_user_suspend", args=[user.code]),
        {"reason": "Check."},
    )
    officer_client.post(
        reverse("accounts:reception_user_reinstate", args=[user.code]),
        {"reason": "Fine."},
    )
    user.refresh_from_db()
    assert user.status == User.Status.ACTIVE
    officer_client.post(
        reverse("accounts:reception_user_revoke", args=[user.code]),
        {"reason": "Misuse."},
    )
    user.refresh_from_db()
    assert user.status == User.Status.REVOKED and not user.is_active


def test_an_impossible_account_action_shows_a_message_not_an_error(officer_client):
    user, _ = approved_user()
    reauthenticate(officer_client)
    response = officer_client.post(
        reverse("accounts:reception_user_reinstate", args=[user.code]),
        {"reason": "Nothing to reinstate."},
        follow=True,
    )
    assert response.status_code == 200
    assert any("not possible" in m for m in messages_of(response))
    decide = officer_client.get(
        reverse("accounts:reception_user_decide", args=[user.code, "reinstate"])
    )
    assert decide.status_code == 302


def test_a_new_link_for_a_user_who_never_set_a_password(officer_client, officer):
    user, old_path = approved_user()
    response = officer_client.post(
        reverse("accounts:reception_user_send_link", args=[user.code])
    )
    assert response.status_code == 302
    assert SetPasswordToken.objects.filter(user=user).count() == 2
    assert (
        Notification.objects.filter(recipient=user, kind="account_approved").count()
        == 2
    )
    # Once the password is set (with the newest link: the first was revoked
    # when the second was issued) there is nothing to resend.
    new_path = latest_link(user)
    assert new_path != old_path
    officer_client.logout()
    officer_client.post(
        new_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    officer_client.logout()  # also drops the language cookie
    officer_client.force_login(officer)
    officer_client.cookies["django_language"] = "en"
    response = officer_client.post(
        reverse("accounts:reception_user_send_link", args=[user.code]), follow=True
    )
    assert any("already set a password" in m for m in messages_of(response))
    assert SetPasswordToken.objects.filter(user=user).count() == 2


def test_user_page_shows_status_validity_and_organisations(officer_client):
    user, _ = approved_user()
    response = officer_client.get(
        reverse("accounts:reception_user_detail", args=[user.code])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert user.username in html
    assert list(response.context["organizations"])
    assert response.context["needs_password"] is True
    assert response.context["actions"] == ["suspend", "revoke"]
