from __future__ import annotations

import socket
import subprocess
import threading
import time
from datetime import timedelta

from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from portal.notifications import services
from portal.notifications.models import EmailState, Notification
from tests.conftest import redis_available
from tests.factories import UserFactory, password_login

pytestmark = pytest.mark.django_db


def test_rollback_leaves_no_row_and_sends_nothing(django_capture_on_commit_callbacks):
    user = UserFactory()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify(recipient=user, kind="mfa_enabled")
        raise RuntimeError("business step failed")
    assert Notification.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_committed_notification_is_emailed_once_in_the_recipients_language(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    user = UserFactory(language="en")
    notification = services.notify(recipient=user, kind="mfa_enabled")
    assert services.notification_deliver(notification_id=notification.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "Two-step verification" in message.subject
    assert message.alternatives and message.alternatives[0].mimetype == "text/html"
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT and notification.sent_at


def test_relaying_the_same_row_twice_sends_one_email():
    notification = services.notify(recipient=UserFactory(), kind="mfa_enabled")
    assert services.notification_deliver(notification_id=notification.pk) is True
    assert services.notification_deliver(notification_id=notification.pk) is False
    assert services.outbox_sweep() == 0
    assert len(mail.outbox) == 1


def test_failures_back_off_exponentially_then_die(settings, monkeypatch):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    settings.NOTIFICATION_BACKOFF_SECONDS = 10
    notification = services.notify(recipient=UserFactory(), kind="mfa_enabled")

    def broken_send(self, fail_silently=False):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken_send)
    delays = []
    for _attempt in range(3):
        Notification.objects.filter(pk=notification.pk).update(
            next_attempt_at=timezone.now()
        )
        before = timezone.now()
        services.notification_deliver(notification_id=notification.pk)
        notification.refresh_from_db()
        delays.append(round((notification.next_attempt_at - before).total_seconds()))
    assert delays[:2] == [10, 20]
    assert notification.email_state == EmailState.DEAD
    assert notification.attempts == 3
    assert "smtp down" in notification.last_error
    # A dead row is never picked up again.
    assert services.outbox_sweep() == 0


def test_sweep_reclaims_a_row_whose_relay_died_mid_send():
    notification = services.notify(recipient=UserFactory(), kind="mfa_enabled")
    Notification.objects.filter(pk=notification.pk).update(
        email_state=EmailState.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert services.outbox_sweep() == 1
    assert len(mail.outbox) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_row_once():
    users = [UserFactory() for _ in range(6)]
    for user in users:
        services.notify(recipient=user, kind="mfa_enabled")
    barrier = threading.Barrier(2)
    results: list[int] = []

    def sweep():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(services.outbox_sweep())
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 6
    assert len(mail.outbox) == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)


def test_inbox_query_count_is_constant(client):
    user = UserFactory(mfa=True)
    client.force_login(user)
    services.notify(recipient=user, kind="mfa_enabled")
    client.get("/inbox/")  # the session's first request does one-off work
    with CaptureQueriesContext(connection) as one:
        assert client.get("/inbox/").status_code == 200
    for _ in range(15):
        services.notify(recipient=user, kind="mfa_enabled")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/inbox/").status_code == 200
    assert len(many) == len(one)


# --- Real Celery worker on real Redis ---------------------------------------------


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_real_worker_delivers_an_outbox_email(celery_worker_proc, settings, tmp_path):
    """The web process commits a row; a separate Celery worker process picks the
    kick up from Redis and sends the email (captured by the dev mailbox backend
    the worker is told to use)."""
    user = UserFactory(language="ja")
    with transaction.atomic():
        notification = services.notify(recipient=user, kind="mfa_enabled")
    deadline = time.time() + 30
    while time.time() < deadline:
        notification.refresh_from_db()
        if notification.email_state == EmailState.SENT:
            break
        time.sleep(0.2)
    assert notification.email_state == EmailState.SENT, notification.last_error
    assert notification.attempts == 1
    sent = list((settings.VAR_DIR / "mailbox").glob("*.eml"))
    assert any(str(notification.code) in path.read_text() for path in sent)


# --- Broker down or hanging --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _point_celery_at(url: str) -> None:
    from portal.celery import app

    app.conf.broker_url = url
    app.conf.broker_write_url = url
    # Drop the cached pools so the next publish connects to the new URL (kombu's
    # global registry keeps one pool per URL, so the old one stays usable).
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_url_restored(settings):
    from portal.celery import app

    original = app.conf.broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    yield
    _point_celery_at(original)


@pytest.fixture
def private_redis(tmp_path):
    """A real redis-server of our own on a free loopback port, so stopping it
    disturbs nobody else."""
    if not redis_available():
        pytest.skip("Redis is not available")
    port = _free_port()
    cmd = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(tmp_path),
    ]

    class Server:
        url = f"redis://127.0.0.1:{port}/0"
        proc: subprocess.Popen[bytes] | None = None

        def start(self) -> None:
            self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    return
                except OSError:
                    time.sleep(0.05)
            raise RuntimeError("redis-server did not start")

        def stop(self) -> None:
            if self.proc is not None:
                self.proc.terminate()
                self.proc.wait(timeout=10)
                self.proc = None

    server = Server()
    server.start()
    yield server
    server.stop()


def _enrol_totp_request(client):
    """A real request that writes an outbox row: finishing MFA setup."""
    user = UserFactory()
    password_login(client, user)
    client.get("/accounts/2fa/totp/activate/")
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import (
        SECRET_SESSION_KEY,
        format_hotp_value,
        hotp_value,
    )

    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(
        hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD)
    )
    started = time.monotonic()
    response = client.post("/accounts/2fa/totp/activate/", {"code": code})
    return user, response, time.monotonic() - started


def test_request_succeeds_when_redis_is_stopped_and_mail_goes_out_after_restart(
    client,
    settings,
    private_redis,
    broker_url_restored,
    django_capture_on_commit_callbacks,
):
    _point_celery_at(private_redis.url)
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.lib.cache.ResilientRedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    }
    private_redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        user, response, elapsed = _enrol_totp_request(client)
    assert response.status_code == 302, response.content[:500]
    assert elapsed < 10  # a hang detector, not a timing benchmark
    notification = Notification.objects.get(recipient=user, kind="mfa_enabled")
    assert notification.email_state == EmailState.PENDING
    assert mail.outbox == []

    private_redis.start()
    assert services.outbox_sweep() == 1
    assert len(mail.outbox) == 1


def test_request_succeeds_when_the_broker_accepts_but_never_answers(
    client, settings, broker_url_restored, django_capture_on_commit_callbacks
):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_hang():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
                accepted.append(conn)  # never read, never answer
            except OSError:
                continue

    thread = threading.Thread(target=accept_and_hang, daemon=True)
    thread.start()
    try:
        _point_celery_at(f"redis://127.0.0.1:{port}/0")
        with django_capture_on_commit_callbacks(execute=True):
            user, response, elapsed = _enrol_totp_request(client)
        assert response.status_code == 302
        assert elapsed < 15  # without socket timeouts this would hang forever
        assert (
            Notification.objects.get(recipient=user).email_state == EmailState.PENDING
        )
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in accepted:
            conn.close()
        listener.close()


def test_cache_outage_fails_open_for_throttling_and_closed_for_totp_replay(settings):
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "portal.lib.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_free_port()}/0",  # nothing listens
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    }
    cache = caches["default"]
    assert cache.get("anything", "fallback") == "fallback"
    assert cache.add("allauth:rl:login:lock", True) is True
    assert cache.add("allauth.mfa.totp.used?user=1&code=123456", "y") is False
