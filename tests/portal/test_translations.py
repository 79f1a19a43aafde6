"""QUALITY.md item 33: every user-facing string is translated into Japanese."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

MSGID = re.compile(r'^msgid "(.*)"\n((?:"[^\n]*"\n)*)', re.M)


def _msgids(po_text: str) -> set[str]:
    ids = set()
    for first, rest in MSGID.findall(po_text):
        text = first + "".join(line[1:-1] for line in rest.splitlines())
        if text:
            ids.add(text)
    return ids


def test_japanese_catalogue_has_no_untranslated_or_fuzzy_entry():
    result = subprocess.run(
        [sys.executable, "scripts/check_translations.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_catalogue_is_up_to_date_with_the_source(tmp_path):
    """makemessages on a copy of the source finds no msgid the catalogue lacks."""
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(
        ".venv", "var", "staticfiles", "node_modules", ".git", "__pycache__", "*.mo"
    )
    shutil.copytree(ROOT, copy, ignore=ignore)
    committed = (ROOT / "locale/ja/LC_MESSAGES/django.po").read_text()
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "ja",
            "--no-location",
            "--ignore=.venv",
            "--ignore=var",
            "--ignore=staticfiles",
            "--ignore=node_modules",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "DJANGO_DEBUG": "1"},
    )
    assert result.returncode == 0, result.stderr
    fresh = (copy / "locale/ja/LC_MESSAGES/django.po").read_text()
    missing = _msgids(fresh) - _msgids(committed)
    assert not missing, (
        f"{len(missing)} strings are not in the catalogue, e.g. {sorted(missing)[:10]}"
    )
    # An app with its own locale folder (the status check's Chinese,
    # Vietnamese and Korean) gets its strings collected there: their Japanese
    # must still be in the project catalogue, and every language of the app
    # must have all of them (a missing one would show in Japanese, the
    # fallback) and nothing the source no longer has.
    for app_locale in sorted(ROOT.glob("*/locale")):
        app_fresh = _msgids(
            (
                copy / app_locale.relative_to(ROOT) / "ja/LC_MESSAGES/django.po"
            ).read_text()
        )
        assert app_fresh, app_locale
        missing = app_fresh - _msgids(committed)
        assert not missing, f"not in the Japanese catalogue: {sorted(missing)[:10]}"
        for po in sorted(app_locale.glob("*/LC_MESSAGES/django.po")):
            own = _msgids(po.read_text())
            assert not app_fresh - own, (po, sorted(app_fresh - own)[:10])
            stale = own - app_fresh - _msgids(fresh)
            assert not stale, (po, sorted(stale)[:10])


def test_only_the_status_check_has_more_than_japanese_and_english():
    """Other pages keep ja/en: the extra languages' catalogues live in the
    status check alone, and the portal's languages are still two."""
    from django.conf import settings

    assert [code for code, _name in settings.LANGUAGES] == ["ja", "en"]
    extra = {po.parts[-3] for po in ROOT.glob("*/locale/*/LC_MESSAGES/django.po")}
    assert extra == {"zh_Hans", "vi", "ko"}
    assert {po.parts[-5] for po in ROOT.glob("*/locale/*/LC_MESSAGES/django.po")} == {
        "statuscheck"
    }
