"""Fixtures of the webhooks tests: a real HTTP receiver on loopback and an
endpoint of the organisation pointing at it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from applications.events import CaseEvent

ALL_EVENTS = list(CaseEvent.values)


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """A threaded http.server on 127.0.0.1 that records each POST and
    answers ``status`` (after ``delay`` seconds, bounded by ``release``)."""

    status: int = 204
    delay: float = 0.0
    hits: list[Hit] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    url: str = ""

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Hit]:
        import time

        deadline = time.monotonic() + timeout
        while len(self.hits) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.hits


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            receiver.hits.append(
                Hit(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            if receiver.delay:
                receiver.release.wait(receiver.delay)
            try:
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # the portal gave up waiting (the timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/zairyu?src=test"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _webhook_settings(settings: Any, tmp_path: Path) -> None:
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    settings.WEBHOOK_RETRY_SCHEDULE = [0.0, 0.0, 0.0]
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/x/"},
        },
    }


@pytest.fixture
def endpoint_with_secret(org: Any, org_staff: Any, receiver: Receiver) -> Any:
    """(endpoint, secret) of ``org`` for every event, to the receiver."""
    from webhooks import services

    return services.endpoint_create(
        organization=org, actor=org_staff, url=receiver.url, events=ALL_EVENTS
    )
