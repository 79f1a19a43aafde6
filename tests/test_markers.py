"""``make test-quick`` leaves out ``-m browser`` and ``-m celery``: every
test that drives Chromium must carry the marker, or the quick loop would
start a browser (and a missing marker elsewhere would hide a test from the
browser job)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.conftest import UNMARKED_BROWSER_TESTS, pytest_collection_modifyitems


def test_every_test_using_the_browser_is_marked_browser(
    pytestconfig: pytest.Config,
) -> None:
    unmarked = pytestconfig.stash.get(UNMARKED_BROWSER_TESTS, [])
    assert unmarked == [], (
        "these tests use Chromium without @pytest.mark.browser "
        "(or move them to tests/e2e/): " + ", ".join(unmarked)
    )


class _Item:
    """Just what the hook reads and writes of a collected test."""

    def __init__(self, path: Path, fixtures: set[str], marks: set[str]) -> None:
        self.path, self.fixturenames, self.marks = path, fixtures, marks
        self.nodeid = path.name

    def get_closest_marker(self, name: str) -> str | None:
        return name if name in self.marks else None

    def add_marker(self, mark: pytest.MarkDecorator) -> None:
        self.marks.add(mark.name)


def test_the_hook_marks_e2e_and_worker_tests_and_reports_the_rest() -> None:
    here = Path(__file__).resolve().parent
    e2e = _Item(here / "e2e" / "test_x.py", {"page"}, set())
    worker = _Item(here / "portal" / "test_w.py", {"celery_worker_proc"}, set())
    unmarked = _Item(here / "portal" / "test_u.py", {"page"}, set())
    marked = _Item(here / "portal" / "test_m.py", {"browser"}, {"browser"})
    config = SimpleNamespace(stash=pytest.Stash())
    pytest_collection_modifyitems(config, [e2e, worker, unmarked, marked])  # type: ignore[arg-type]
    assert "browser" in e2e.marks
    assert "celery" in worker.marks
    assert config.stash[UNMARKED_BROWSER_TESTS] == ["test_u.py"]
