from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Playwright's sync API runs an asyncio loop in the main thread; Django would
# then refuse every ORM call (even test-database creation) without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


# --- Markers ---------------------------------------------------------------------------
# ``make test-quick`` runs ``-m "not browser and not celery"``; that is only
# honest if every test that drives Chromium or needs a real worker says so.
# Tests in tests/e2e/ are browser tests and tests using the worker fixture are
# celery tests, whatever their decorators say; a test elsewhere that asks for
# Chromium without the marker is recorded here and fails
# tests/test_markers.py.
BROWSER_FIXTURES = frozenset({"browser", "page", "new_page"})
UNMARKED_BROWSER_TESTS = pytest.StashKey[list[str]]()
E2E = Path(__file__).resolve().parent / "e2e"


@pytest.hookimpl(tryfirst=True)  # before -m deselects anything
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    unmarked = []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.path.is_relative_to(E2E):
            item.add_marker(pytest.mark.browser)
        if "celery_worker_proc" in fixtures:
            item.add_marker(pytest.mark.celery)
        if fixtures & BROWSER_FIXTURES and not item.get_closest_marker("browser"):
            unmarked.append(item.nodeid)
    config.stash[UNMARKED_BROWSER_TESTS] = unmarked


def _missing(what: str) -> None:
    """In CI a missing tool is a failure, never a silent skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not available")


@pytest.fixture(autouse=True)
def _english_unless_marked_japanese(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tests assert the English copy (the msgids) unless marked
    ``@pytest.mark.japanese``, which tests the Japanese default as a visitor
    without a language preference sees it.  The portal's default stays ja."""
    from django.utils import translation

    if request.node.get_closest_marker("japanese"):
        yield
        return
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def client(request: pytest.FixtureRequest) -> Any:
    """The test client, asking for English pages unless the test is marked
    ``japanese`` (then it sends no language preference: the default, ja)."""
    from django.test import Client

    if request.node.get_closest_marker("japanese"):
        return Client()
    return Client(headers={"Accept-Language": "en"})


def _allow_audit_truncate(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Transactional tests empty every table with TRUNCATE between tests; the
    audit table refuses that unless the session says so (audit migration 0004)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET zairyu.audit_truncate = 'allowed'")


def pytest_configure(config: pytest.Config) -> None:
    from django.db.backends.signals import connection_created

    connection_created.connect(_allow_audit_truncate, weak=False)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    from django.core.cache import cache, caches

    from applications.selectors import forget_reference
    from portal.lib import breaker
    from portal.lib.cache import local_throttles
    from portal.pages.templatetags.fragments import forget_remembered
    from portal.summaries import store as summaries

    breaker.reset_all()
    local_throttles().clear()
    cache.clear()
    caches["template_fragments"].clear()
    summaries.forget_local()
    forget_reference()
    forget_remembered()
    yield
    breaker.reset_all()


@pytest.fixture(autouse=True)
def _plain_static_files(request: pytest.FixtureRequest) -> None:
    """live_server answers /static/ with Django's finders, which know only the
    unhashed names; the manifest storage (DEBUG off) would link hashed names
    and every page would be unstyled.  Link the plain names in browser tests."""
    if "live_server" in request.fixturenames:
        settings = request.getfixturevalue("settings")
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        }


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 1280, "height": 900}
    )
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture
def screenshot_dir() -> Path:
    path = ROOT / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def redis_available() -> bool:
    from django.conf import settings

    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="session")
def celery_worker_proc(
    tmp_path_factory: pytest.TempPathFactory,
    django_db_setup: None,  # the worker must see the test database
) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker process on the real Redis broker."""
    if not redis_available():
        _missing("Redis (REDIS_URL)")
    from django.conf import settings

    log = tmp_path_factory.mktemp("celery") / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(settings),
        "EMAIL_MODE": "mailbox",
    }
    with open(log, "w") as logf:  # a file, not a PIPE: a full pipe blocks the worker
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                settings.CELERY_TASK_DEFAULT_QUEUE,
                "-l",
                "info",
            ],
            stdout=logf,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=env,
        )
        try:
            from portal.celery import app

            deadline = time.time() + 60
            while not app.control.ping(timeout=1.0):
                if proc.poll() is not None:
                    raise RuntimeError("worker died:\n" + log.read_text())
                if time.time() > deadline:
                    raise RuntimeError("worker did not answer ping in 60 s")
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _test_database_url(settings: Any) -> str:
    """The URL of the test database pytest-django created (the worker must use it)."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def pdftools_available() -> bool:
    return shutil.which("pdffonts") is not None


# --- Reference data ----------------------------------------------------------
# Migrations load the offices, statuses and fees, but a transactional test
# (django_db(transaction=True)) flushes every table, migration data included.
# Tests that need reference data ask for this fixture; the loaders are
# idempotent and read-only when the data is already there.


@pytest.fixture
def reference_data(db: None) -> None:
    from django.apps import apps

    from accounts.reference_data import load_offices
    from applications.reference_data import load_document_slots, load_reference_data

    load_offices(apps)
    load_reference_data(apps)
    load_document_slots(apps)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[Any]:
    """A real redis-server of our own on a free loopback port, so stopping it
    disturbs nobody else."""
    if not redis_available():
        pytest.skip("Redis is not available")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
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


# --- Personas --------------------------------------------------------------------------
# One cast for every test: an organisation (category 2, Tokyo), its staff, a
# read-only member, an appointed attorney, another organisation's staff, and
# officers of the Tokyo office by role plus one of another office (Nagoya).
# Everyone has enrolled TOTP, so they pass the mandatory-MFA gate.


@pytest.fixture
def org(db: None) -> Any:
    from tests.factories import OrganizationFactory

    return OrganizationFactory()


@pytest.fixture
def org_staff(org: Any) -> Any:
    """The organisation's filer (reads English)."""
    from tests.factories import staff

    return staff(org, full_name="申請 花子", language="en")


@pytest.fixture
def colleague(org: Any) -> Any:
    """A second member of the organisation (hears about every step too)."""
    from tests.factories import staff

    return staff(org)


@pytest.fixture
def read_only_staff(org: Any) -> Any:
    """A member whose validity ended: may read, may not change anything."""
    from tests.factories import staff

    return staff(org, valid_days=-5)


@pytest.fixture
def attorney(org: Any) -> Any:
    """An administrative scrivener appointed by the organisation."""
    from tests.factories import appointee

    return appointee(org)


@pytest.fixture
def other_org(db: None) -> Any:
    from tests.factories import OrganizationFactory

    return OrganizationFactory()


@pytest.fixture
def other_org_staff(other_org: Any) -> Any:
    """Staff of another organisation: a stranger to ``org``'s cases."""
    from tests.factories import staff

    return staff(other_org)


def _officer(*roles: str, **fields: Any) -> Any:
    from tests.factories import officer

    return officer(*roles, **fields)


@pytest.fixture
def reception(db: None) -> Any:
    return _officer("reception", full_name="受付 六郎")


@pytest.fixture
def examiner(db: None) -> Any:
    return _officer("examiner", full_name="審査 一郎")


@pytest.fixture
def other_examiner(db: None) -> Any:
    return _officer("examiner", full_name="審査 二郎")


@pytest.fixture
def supervisor(db: None) -> Any:
    return _officer("supervisor", full_name="統括 三郎")


@pytest.fixture
def second_supervisor(db: None) -> Any:
    return _officer("supervisor", full_name="統括 四郎")


@pytest.fixture
def clerk(db: None) -> Any:
    return _officer("clerk", full_name="交付 五郎")


@pytest.fixture
def bureau_admin(db: None) -> Any:
    return _officer("bureau_admin", full_name="管理 七郎")


@pytest.fixture
def stranger_officer(db: None) -> Any:
    """An examiner and supervisor of another office (Nagoya)."""
    return _officer("examiner", "supervisor", office_code="NGY")
