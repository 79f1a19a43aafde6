from __future__ import annotations

import time

import pytest
import time_machine

from portal.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory, password_login, totp_code

pytestmark = pytest.mark.django_db


def sign_in(client, user, *, login=None):
    response = client.post(
        "/accounts/login/", {"login": login or user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content[:300]
    assert response["Location"] == "/accounts/2fa/authenticate/"
    return client.post("/accounts/2fa/authenticate/", {"code": totp_code(user)})


def test_sign_in_by_user_id_then_totp_reaches_dashboard(client):
    user = UserFactory(mfa=True)
    response = sign_in(client, user)
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200
    assert AuditEvent.objects.filter(actor=user, action="auth.login").count() == 1


def test_sign_in_by_email_address(client):
    user = UserFactory(mfa=True)
    response = sign_in(client, user, login=user.email.upper())
    assert response["Location"] == "/dashboard/"


def test_password_alone_does_not_sign_in(client):
    user = UserFactory(mfa=True)
    client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_wrong_code_is_refused_and_a_code_cannot_be_replayed(client):
    user = UserFactory(mfa=True)
    client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    response = client.post(
        "/accounts/2fa/authenticate/",
        {"code": "000000" if totp_code(user) != "000000" else "111111"},
    )
    assert response.status_code == 200  # form redisplayed with an error
    code = totp_code(user)
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200


def test_there_is_no_public_sign_up(client):
    response = client.get("/accounts/signup/")
    assert response.status_code in (200, 403)
    assert b'name="password1"' not in response.content


@pytest.mark.parametrize("path", ["/dashboard/", "/inbox/", "/admin/"])
def test_user_without_authenticator_reaches_only_mfa_setup(client, path):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_mfa_setup_and_sign_out_stay_reachable_without_authenticator(client):
    password_login(client, UserFactory())
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_enrolling_totp_unlocks_the_portal_and_notifies(
    client, django_capture_on_commit_callbacks
):
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import (
        SECRET_SESSION_KEY,
        format_hotp_value,
        hotp_value,
    )

    user = UserFactory()
    password_login(client, user)
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(
        hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200
    assert user.notifications.filter(kind="mfa_enabled").exists()
    assert AuditEvent.objects.filter(actor=user, action="mfa.added").exists()


def test_totp_cannot_be_switched_off(client):
    user = UserFactory(mfa=True)
    client.force_login(user)
    client.post("/accounts/2fa/totp/deactivate/")
    from allauth.mfa.models import Authenticator

    assert Authenticator.objects.filter(user=user, type="totp").exists()


def test_idle_session_expires_after_30_minutes(client):
    user = UserFactory(mfa=True)
    with time_machine.travel("2026-11-26 09:00 +0900", tick=False) as traveller:
        sign_in(client, user)
        traveller.shift(29 * 60)
        assert client.get("/dashboard/").status_code == 200
        traveller.shift(29 * 60)  # activity at 29 min kept it alive
        assert client.get("/dashboard/").status_code == 200
        traveller.shift(31 * 60)
        response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_activity_writes_the_session_back_at_most_once_a_minute(client, monkeypatch):
    """Moving "last seen" is the only write an ordinary page makes to the
    session; it happens at most once a minute (the idle limit is exact to
    within that minute, as the test above shows)."""
    from django.contrib.sessions.backends.cached_db import SessionStore

    from portal.lib.middleware import SESSION_LAST_SEEN

    saves = []
    save = SessionStore.save

    def counting_save(self, *args, **kwargs):
        saves.append(self.session_key)
        return save(self, *args, **kwargs)

    user = UserFactory(mfa=True)
    with time_machine.travel("2026-11-26 09:00 +0900", tick=False) as traveller:
        sign_in(client, user)
        assert client.get("/dashboard/").status_code == 200
        seen = client.session[SESSION_LAST_SEEN]
        monkeypatch.setattr(SessionStore, "save", counting_save)
        for _ in range(3):
            traveller.shift(15)
            assert client.get("/dashboard/").status_code == 200
        assert saves == []
        assert client.session[SESSION_LAST_SEEN] == seen
        traveller.shift(20)  # 65 s since last seen
        assert client.get("/dashboard/").status_code == 200
        assert len(saves) == 1
        assert client.session[SESSION_LAST_SEEN] == seen + 65


def test_a_deactivated_user_is_signed_out_on_the_next_request(client):
    from accounts.models import User

    user = UserFactory(mfa=True)
    client.force_login(user)
    assert client.get("/dashboard/").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_session_ends_12_hours_after_sign_in_even_when_active(client):
    user = UserFactory(mfa=True)
    with time_machine.travel("2026-11-26 08:00 +0900", tick=False) as traveller:
        sign_in(client, user)
        for _ in range(24):  # active every 25 minutes for 10 hours
            traveller.shift(25 * 60)
            assert client.get("/dashboard/").status_code == 200
        traveller.shift(2 * 3600 + 60)
        response = client.get("/dashboard/")
    assert response.status_code == 302


def test_session_status_does_not_count_as_activity_but_extend_does(client):
    user = UserFactory(mfa=True)
    with time_machine.travel("2026-11-26 09:00 +0900", tick=False) as traveller:
        sign_in(client, user)
        traveller.shift(20 * 60)
        left = client.get("/session/status/").json()["seconds_left"]
        assert 9 * 60 <= left <= 10 * 60
        traveller.shift(5 * 60)
        assert client.get("/session/status/").json()["seconds_left"] <= 5 * 60
        extended = client.post("/session/extend/").json()["seconds_left"]
        assert extended >= 29 * 60
        traveller.shift(20 * 60)
        assert client.get("/dashboard/").status_code == 200


def test_failed_logins_lock_the_account_through_the_shared_cache(client):
    from django.core.cache import cache

    user = UserFactory(mfa=True)
    for i in range(5):
        response = client.post(
            "/accounts/login/",
            {"login": user.username, "password": f"wrong-{i}-password"},
        )
        assert response.status_code == 200
    # The sixth attempt is refused even with the right password.
    response = client.post(
        "/accounts/login/", {"login": user.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"/accounts/2fa/authenticate/" not in response.content
    # The counters live in Redis, shared by every web node.
    assert cache._cache.get_client().keys("*")


def test_too_many_sign_in_attempts_from_one_address_get_429(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    statuses = [
        client.post(
            "/accounts/login/", {"login": f"nobody{i}", "password": "whatever-password"}
        ).status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_password_rules_follow_nist():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("short-pass1")  # 11 characters
    with pytest.raises(ValidationError):
        validate_password("password1234")  # on the common-password list
    validate_password("もりのなかのくまさん-2026")  # no composition rules, unicode fine
    validate_password("x" * 40 + "-long-passphrases-are-fine-" + "y" * 40)


def test_recovery_codes_right_after_enrolment_need_no_second_password(client):
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import (
        SECRET_SESSION_KEY,
        format_hotp_value,
        hotp_value,
    )

    user = UserFactory()
    password_login(client, user)
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(
        hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD)
    )
    client.post("/accounts/2fa/totp/activate/", {"code": code})
    response = client.get("/accounts/2fa/recovery-codes/generate/")
    assert response.status_code == 200  # not a redirect to re-authenticate


def test_mfa_changes_later_in_the_session_ask_for_the_password_again(client):
    user = UserFactory(mfa=True)
    with time_machine.travel("2026-11-26 09:00 +0900", tick=False) as traveller:
        sign_in(client, user)
        traveller.shift(10 * 60)
        response = client.get("/accounts/2fa/recovery-codes/generate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_sign_in_works_while_redis_is_down_and_replay_is_still_refused(
    client, settings
):
    """The TOTP replay guard lives in the database (the authenticator's last
    used time step), not in Redis: with the cache on a dead Redis a code signs
    in once, and the same code is refused the second time."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.lib.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }
    user = UserFactory(mfa=True)
    code = totp_code(user)
    response = sign_in(client, user)
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200


def test_a_used_code_stays_used_when_the_cache_is_emptied(client):
    """Replay protection does not depend on what Redis remembers (a restarted
    Redis, another web node's cache): the record is in the database."""
    from django.core.cache import cache

    user = UserFactory(mfa=True)
    code = totp_code(user)
    assert sign_in(client, user)["Location"] == "/dashboard/"
    client.post("/accounts/logout/")
    cache.clear()
    client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
    assert client.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 200
    assert "_auth_user_id" not in client.session


def test_failed_logins_still_lock_the_account_while_redis_is_down(client, settings):
    """With Redis unreachable the throttles count per process instead of
    letting every attempt through."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.lib.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    }
    user = UserFactory(mfa=True)
    for i in range(5):
        client.post(
            "/accounts/login/", {"login": user.username, "password": f"wrong-{i}-pass"}
        )
    response = client.post(
        "/accounts/login/", {"login": user.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert b"/accounts/2fa/authenticate/" not in response.content
