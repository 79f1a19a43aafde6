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


@pytest.fixture
def black_hole():
    """A TCP listener that accepts connections and never answers: a hung Redis
    (SIGSTOPped, or behind a dead network path).  Yields its redis:// URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
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
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in accepted:
            conn.close()
        listener.close()


def _point_cache_at(settings, url: str) -> None:
    """The cache exactly as production configures it, on ``url``."""
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "portal.lib.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "socket_timeout": settings.REDIS_WEB_TIMEOUT,
                "socket_connect_timeout": settings.REDIS_WEB_TIMEOUT,
            },
        }
    }


@pytest.fixture(params=["stopped", "hung"])
def sick_redis(request, settings, broker_url_restored):
    """Cache AND broker on a Redis that is stopped (nothing listens: refused)
    or hung (a listener that never answers)."""
    if request.param == "hung":
        url = request.getfixturevalue("black_hole")
    else:
        url = f"redis://127.0.0.1:{_free_port()}/0"
    _point_celery_at(url)
    _point_cache_at(settings, url)
    return url


# The bar of QUALITY.md item 16 for a whole request with Redis sick.
REQUEST_BAR_SECONDS = 2.0


def _enrol_totp_request(client, user=None):
    """A real request that writes an outbox row: finishing MFA setup."""
    user = user or UserFactory()
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
    _point_cache_at(settings, private_redis.url)
    private_redis.stop()
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        user, response, _ = _enrol_totp_request(client, user)
    elapsed = time.monotonic() - started  # sign-in + setup, on-commit hooks included
    assert response.status_code == 302, response.content[:500]
    assert elapsed < REQUEST_BAR_SECONDS
    notification = Notification.objects.get(recipient=user, kind="mfa_enabled")
    assert notification.email_state == EmailState.PENDING
    assert mail.outbox == []

    private_redis.start()
    assert services.outbox_sweep() == 1
    assert len(mail.outbox) == 1


def test_request_succeeds_when_cache_and_broker_accept_but_never_answer(
    client,
    settings,
    broker_url_restored,
    black_hole,
    django_capture_on_commit_callbacks,
):
    _point_celery_at(black_hole)
    _point_cache_at(settings, black_hole)
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        user, response, _ = _enrol_totp_request(client, user)
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < REQUEST_BAR_SECONDS
    assert Notification.objects.get(recipient=user).email_state == EmailState.PENDING


def test_submission_by_an_organisation_of_fifteen_stays_under_the_bar(
    client,
    settings,
    sick_redis,
    tmp_path,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """Fifteen members are notified of a submission and its receipt is queued:
    with Redis stopped or hung, the whole request (on-commit hooks included)
    stays under 2 s and every email waits in the outbox for the sweep."""
    from applications.workflow import Status
    from tests.accounts import org_helpers
    from tests.applications import filing_data as fd

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    org = org_helpers.organization(category=3)
    members = [org_helpers.staff(org) for _ in range(15)]
    application = fd.ready_extension(members[0], fd.person(org))
    client.force_login(members[0])
    client.get("/")  # the session exists; the submission pays the first timeout
    from django.urls import reverse

    from portal.lib import breaker, tasks

    breaker.reset_all()
    published: list[str] = []
    real_publish = tasks._publish

    def counting_publish(task, args):
        published.append(task.name)
        return real_publish(task, args)

    monkeypatch.setattr(tasks, "_publish", counting_publish)
    with django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        response = client.post(
            reverse("applications:draft_check", args=[application.code]),
            {"version": str(application.version), "declaration": "on"},
        )
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content[:300]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    print(f"submission with Redis {sick_redis}: {elapsed:.3f} s")
    assert elapsed < REQUEST_BAR_SECONDS, f"{elapsed:.2f} s"
    rows = Notification.objects.filter(kind="application_submitted")
    assert rows.count() == 15
    assert set(rows.values_list("email_state", flat=True)) == {EmailState.PENDING}
    assert len(published) <= 1  # one publish for the transaction, or none


def test_a_sick_cache_degrades_at_once_after_the_first_timeout(settings, black_hole):
    from django.core.cache import caches

    _point_cache_at(settings, black_hole)
    cache = caches["default"]
    started = time.monotonic()
    assert cache.get("anything", "fallback") == "fallback"
    first = time.monotonic() - started
    started = time.monotonic()
    for _ in range(20):
        assert cache.get("anything", "fallback") == "fallback"
        cache.set("k", "v")
    rest = time.monotonic() - started
    assert first < 1.0  # REDIS_WEB_TIMEOUT, not REDIS_SOCKET_TIMEOUT
    assert rest < 0.05  # the breaker is open: no network at all


def test_cache_outage_keeps_throttling_per_process(settings):
    from django.core.cache import caches

    from portal.lib.ratelimit import hit

    _point_cache_at(settings, f"redis://127.0.0.1:{_free_port()}/0")  # nothing listens
    cache = caches["default"]
    assert cache.get("anything", "fallback") == "fallback"
    results = [hit("outage-test", limit=3, window=60) for _ in range(5)]
    assert results == [True, True, True, False, False]


def test_one_publish_per_transaction(settings, broker_url_restored, monkeypatch):
    """Fifteen notifications and a receipt in one transaction: one message to
    the broker, which the worker fans out into the sixteen tasks."""
    from portal.lib import tasks

    published: list[tuple[str, list]] = []
    monkeypatch.setattr(
        tasks, "_publish", lambda task, args: published.append((task.name, args))
    )
    users = [UserFactory() for _ in range(15)]
    with transaction.atomic():
        for user in users:
            services.notify(recipient=user, kind="mfa_enabled")
        with transaction.atomic():  # a savepoint that survives
            tasks.enqueue_on_commit("applications.tasks.render_receipt", 7)
        try:
            with transaction.atomic():  # a savepoint that rolls back
                tasks.enqueue_on_commit("applications.tasks.render_receipt", 8)
                raise RuntimeError
        except RuntimeError:
            pass
        connection = transaction.get_connection()
        hooks = list(connection.run_on_commit)
    # (pytest's transaction never commits: run the hooks as a commit would.)
    for _sids, hook, _robust in hooks:
        hook()
    assert len(published) == 1
    name, (items,) = published[0]
    assert name == tasks.FAN_OUT
    assert len(items) == 16
    assert ["applications.tasks.render_receipt", [7]] in items
    assert ["applications.tasks.render_receipt", [8]] not in items
