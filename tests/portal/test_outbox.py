from __future__ import annotations

import re
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
def test_two_concurrent_sweeps_send_each_row_once(monkeypatch):
    # Only the sweeps send here: no task is queued for a Celery worker that
    # an earlier test of the session may have left running.
    monkeypatch.setattr(services, "enqueue_on_commit", lambda *args: None)
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


def _badge(response) -> int:
    assert response.status_code == 200
    found = re.search(
        r'class="count-badge" aria-hidden="true">(\d+)<', response.content.decode()
    )
    return int(found.group(1)) if found else 0


def test_the_unread_badge_is_right_on_the_page_that_reads_a_notification(client):
    """The badge is counted with the user at the start of the request; the
    page that opens a notification still shows the count after reading it."""
    user = UserFactory(mfa=True)
    first = services.notify(recipient=user, kind="mfa_enabled")
    services.notify(recipient=user, kind="mfa_enabled")
    client.force_login(user)
    assert _badge(client.get("/inbox/")) == 2
    assert _badge(client.get(f"/inbox/{first.code}/")) == 1
    assert _badge(client.get("/inbox/")) == 1
    client.post("/inbox/read-all/")
    assert _badge(client.get("/inbox/")) == 0


def test_a_notification_written_after_the_user_was_loaded_is_counted():
    from accounts.backends import AuthenticationBackend
    from portal.notifications.selectors import unread_count

    user = UserFactory()
    services.notify(recipient=user, kind="mfa_enabled")
    signed_in = AuthenticationBackend().get_user(user.pk)
    with CaptureQueriesContext(connection) as queries:
        assert unread_count(user=signed_in) == 1
    assert len(queries) == 0  # counted with the user
    services.notify(recipient=user, kind="mfa_enabled")
    assert unread_count(user=signed_in) == 2
    services.notifications_mark_all_read(user=signed_in)
    assert unread_count(user=signed_in) == 0
    # A user not loaded by the backend is counted by a query.
    assert unread_count(user=user) == 0


def test_the_cache_keeps_one_redis_client_per_server():
    from django.core.cache import caches

    cache = caches["default"]
    assert cache._cache.get_client() is cache._cache.get_client()
    cache.set("client-reuse-test", 41)
    assert cache.incr("client-reuse-test") == 42


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
    from tests import factories
    from tests.applications import filing_data as fd

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    org = factories.OrganizationFactory(category=3)
    members = [factories.staff(org) for _ in range(15)]
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


# --- Exactly one email across a crash or a database blip ------------------------------


def test_every_attempt_carries_the_same_message_id():
    notification = services.notify(recipient=UserFactory(), kind="mfa_enabled")
    assert services.notification_deliver(notification_id=notification.pk)
    Notification.objects.filter(pk=notification.pk).update(
        email_state=EmailState.PENDING
    )
    assert services.notification_deliver(notification_id=notification.pk)
    ids = {m.extra_headers["Message-ID"] for m in mail.outbox}
    assert ids == {f"<notification-{notification.code}@zairyu.example.jp>"}
    assert mail.outbox[0].message()["Message-ID"] == ids.pop()


def test_a_claim_lasts_a_little_longer_than_the_smtp_timeout(settings):
    assert (
        settings.SMTP_TIMEOUT
        < services.claim_timeout().total_seconds()
        <= settings.SMTP_TIMEOUT + 60
    )


def test_workers_keep_reconnecting_through_a_long_broker_outage():
    from portal.celery import app

    assert app.conf.broker_connection_max_retries is None  # Celery's default: 100


def _terminate(pid: int) -> None:
    from django.db import connections

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def _expire_claims() -> None:
    Notification.objects.filter(email_state=EmailState.SENDING).update(
        claimed_at=timezone.now() - services.claim_timeout() - timedelta(seconds=1)
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_terminate_backend")
@pytest.mark.django_db(transaction=True)
def test_a_connection_killed_before_the_sent_mark_gives_one_email(monkeypatch):
    """The SMTP server accepted the message, then the worker's database
    connection was killed: the mark is retried on a new connection instead of
    leaving a SENDING row that the sweep would send again."""
    from django.core.mail import EmailMultiAlternatives

    monkeypatch.setattr(services, "enqueue_on_commit", lambda *args: None)
    notification = services.notify(recipient=UserFactory(), kind="mfa_enabled")
    real_send = EmailMultiAlternatives.send

    def send_then_lose_the_connection(self, fail_silently=False):
        sent = real_send(self, fail_silently)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        _terminate(pid)
        return sent

    monkeypatch.setattr(EmailMultiAlternatives, "send", send_then_lose_the_connection)
    try:
        services.notification_deliver(notification_id=notification.pk)
    except Exception:
        connection.close()
    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    _expire_claims()
    services.outbox_sweep()  # what the sweep does once a lost claim expires
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT
    assert len(mail.outbox) == 1


class SmtpSink:
    """A minimal SMTP server that stores each message when DATA ends and can
    hold back its "250 accepted" (a slow relay), like the review's sink."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.received = threading.Event()
        self.release = threading.Event()
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self._stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        f = conn.makefile("rb")
        try:
            conn.sendall(b"220 sink\r\n")
            while line := f.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    conn.sendall(b"250 sink\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 go\r\n")
                    body = b""
                    while (chunk := f.readline()) not in (b".\r\n", b""):
                        body += chunk
                    self.messages.append(body)
                    self.received.set()
                    self.release.wait(30)
                    conn.sendall(b"250 accepted\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"250 ok\r\n")
        except OSError:
            return
        finally:
            conn.close()

    def message_ids(self) -> list[str]:
        import email

        return [
            "".join(str(email.message_from_bytes(m)["Message-ID"]).split())
            for m in self.messages
        ]

    def close(self) -> None:
        self._stop = True
        self.release.set()
        self.listener.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process")
@pytest.mark.django_db(transaction=True)
def test_a_relay_killed_mid_send_gives_one_email(settings, tmp_path, monkeypatch):
    """A relay process is SIGKILLed after the SMTP server stored the message
    but before it answered (the classic duplicate window).  The row is
    reclaimed after the short claim timeout and sent again with the same
    Message-ID, so the mail system delivers one email; the reclaim happens
    within seconds of the claim's end, not ten minutes."""
    import os
    import signal
    import sys

    from tests.conftest import ROOT, _test_database_url

    # No kick: a session-wide test worker must not take the row first.
    monkeypatch.setattr(services, "enqueue_on_commit", lambda *args: None)
    user = UserFactory()
    notification = services.notify(recipient=user, kind="mfa_enabled")
    sink = SmtpSink()
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(settings),
        "EMAIL_MODE": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(sink.port),
        "SMTP_STARTTLS": "0",
    }
    code = (
        "import django; django.setup();"
        "from portal.notifications.services import notification_deliver;"
        f"notification_deliver(notification_id={notification.pk})"
    )
    log = open(tmp_path / "relay.log", "w+")  # noqa: SIM115
    relay = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        while not sink.received.wait(0.2):
            assert relay.poll() is None, (tmp_path / "relay.log").read_text()
        os.killpg(relay.pid, signal.SIGKILL)
        relay.wait(timeout=10)
        notification.refresh_from_db()
        assert notification.email_state == EmailState.SENDING  # the crash window
        # Not reclaimed while the claim may still be live ...
        assert services.outbox_sweep() == 0
        # ... and reclaimed as soon as it has expired (seconds, not 10 minutes).
        _expire_claims()
        assert services.outbox_sweep() == 1
    finally:
        sink.close()
        log.close()
        if relay.poll() is None:
            relay.kill()
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT
    copies = sink.message_ids() + [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(copies) == 2  # the relay could not know the first was stored
    assert (
        len(set(copies)) == 1
    )  # one email: the same Message-ID, dropped as a duplicate
