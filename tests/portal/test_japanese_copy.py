"""Issue 12 item 10: the Japanese copy follows 公用文 conventions.

- 又は, never または;
- full-width brackets （） in Japanese text, never ( ) next to Japanese;
- 様 only in letters (the salutation of emails and notices), not in labels.

The catalogue is read entry by entry (msgstr, with continuation lines and
plural forms); templates and Python string literals are read for the Japanese
they carry outside the catalogue.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

JA_PO = ROOT / "locale/ja/LC_MESSAGES/django.po"
JAPANESE = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
HAS_JAPANESE = re.compile(f"[{JAPANESE}]")
# A half-width bracket touching Japanese: 「日本語 (PDF)」, 「(数次)再入国」.
HALF_WIDTH_NEXT_TO_JAPANESE = re.compile(rf"[{JAPANESE}]\s*\(|\)\s*[{JAPANESE}]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|%[sd]|\{[\w.]*\}")
# 様 as an honorific after a name; 様式, 同様, 仕様, 模様 … are other words.
HONORIFIC_SAMA = re.compile(r"(?<![同仕模多一態各異])様(?![式子々相])")
# The letters: the salutation of every email and notice.
LETTER_MSGIDS = {"Dear %(name)s,"}

QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$")


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgstrs: list[str] | None = None


def _unquote(quoted: str) -> str:
    body = QUOTED.fullmatch(quoted.strip())
    assert body, quoted
    return (
        body.group(1)
        .replace('\\"', '"')
        .replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\\\\", "\\")
    )


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file: msgid and every msgstr (plural forms too)."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    key = ""
    start = 0

    def flush() -> None:
        if fields:
            entries.append(
                Entry(
                    line=start,
                    msgid=fields.get("msgid", ""),
                    msgstrs=[v for k, v in fields.items() if k.startswith("msgstr")],
                )
            )
        fields.clear()

    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if stripped.startswith("#"):
            continue
        match = KEYWORD.match(stripped)
        if match:
            key = match.group(1)
            if key == "msgctxt" or (key == "msgid" and "msgctxt" not in fields):
                flush()
                start = number
            fields[key] = _unquote(match.group(2))
        elif stripped.startswith('"'):
            fields[key] += _unquote(stripped)
    flush()
    return entries


def copy_problems(text: str, *, msgid: str = "", catalogue: bool = True) -> list[str]:
    """What in one piece of Japanese text breaks the 公用文 conventions."""
    problems = []
    if "または" in text:
        problems.append("または (write 又は)")
    bare = PLACEHOLDER.sub("〇", text)
    if HALF_WIDTH_NEXT_TO_JAPANESE.search(bare) or (
        # A catalogue entry is Japanese as a whole: a bracket around a
        # placeholder is still inside Japanese text once it is filled in.
        catalogue and HAS_JAPANESE.search(bare) and re.search(r"[()]", bare)
    ):
        problems.append("half-width brackets (write （）)")
    if HONORIFIC_SAMA.search(text) and msgid not in LETTER_MSGIDS:
        problems.append("様 outside a letter")
    return problems


def test_the_checks_catch_what_they_are_meant_to_catch():
    assert copy_problems("入国管理局または代理人") == ["または (write 又は)"]
    assert copy_problems("日本語 (PDF)") == ["half-width brackets (write （）)"]
    assert copy_problems("%(name)s (%(variant)s)") == []  # no Japanese at all
    assert copy_problems("再入国許可 (%(variant)s)") == [
        "half-width brackets (write （）)"
    ]
    assert copy_problems("ようこそ、%(name)s様") == ["様 outside a letter"]
    assert copy_problems("%(name)s様", msgid="Dear %(name)s,") == []
    assert copy_problems("様式を選んでください。同様に、仕様") == []
    assert copy_problems("1回限り又は数次（再入国の回数制限なし）") == []
    assert copy_problems("残り%(days)s日") == []


def test_parser_reads_continuation_lines_and_plural_forms():
    entries = parse_po(
        'msgid ""\nmsgstr ""\n"Language: ja\\n"\n\n'
        '#, python-format\nmsgid "One"\nmsgid_plural "Many"\n'
        'msgstr[0] "一つ"\n\n'
        'msgctxt "x"\nmsgid "A"\nmsgstr ""\n"前半"\n"後半"\n'
    )
    assert [(e.msgid, e.msgstrs) for e in entries] == [
        ("", ["Language: ja\n"]),
        ("One", ["一つ"]),
        ("A", ["前半後半"]),
    ]


def _catalogues() -> list[Path]:
    return [JA_PO, *sorted(ROOT.glob("*/locale/ja/LC_MESSAGES/django.po"))]


@pytest.mark.parametrize("po", _catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_japanese_catalogue_follows_kouyoubun(po):
    entries = parse_po(po.read_text(encoding="utf-8"))
    assert len(entries) > 100 or po != JA_PO
    failures = [
        f"line {entry.line}: {entry.msgid!r} → {msgstr!r}: {', '.join(problems)}"
        for entry in entries
        if entry.msgid
        for msgstr in entry.msgstrs or []
        if (problems := copy_problems(msgstr, msgid=entry.msgid))
    ]
    assert not failures, "\n".join(failures)


def _source_files(*patterns: str) -> list[Path]:
    skip = {".venv", "var", "staticfiles", "node_modules", "tests", ".git"}
    return [
        path
        for pattern in patterns
        for path in sorted(ROOT.rglob(pattern))
        if not skip & set(path.relative_to(ROOT).parts)
    ]


TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S)
HTML_TAG = re.compile(r"<[^>]*>")


def _mostly_japanese(text: str) -> bool:
    """Japanese text, not an English sentence glossing a term (“a 外字 (a
    private character)”): more Japanese characters than Latin letters."""
    return len(HAS_JAPANESE.findall(text)) >= len(re.findall(r"[A-Za-z]", text))


def test_japanese_text_in_templates_follows_kouyoubun():
    """Japanese written straight into a template (PDF headings, the error
    pages, the language switch) follows the same rules as the catalogue."""
    failures = []
    for path in _source_files("*.html", "*.txt"):
        text = TEMPLATE_TAG.sub("〇", path.read_text(encoding="utf-8"))
        for number, line in enumerate(text.splitlines(), 1):
            for segment in HTML_TAG.split(line):
                if _mostly_japanese(segment) and (
                    problems := copy_problems(segment, catalogue=False)
                ):
                    failures.append(f"{path.relative_to(ROOT)}:{number}: {problems}")
    assert not failures, "\n".join(failures)


def test_japanese_strings_in_python_follow_kouyoubun():
    """Japanese kept as data in code (code lists, form labels, fixtures in
    migrations) follows the same rules. Raw strings are regular expressions."""
    failures = []
    for path in _source_files("*.py"):
        source = path.read_text(encoding="utf-8")
        if not HAS_JAPANESE.search(source):
            continue
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type != tokenize.STRING or not _mostly_japanese(token.string):
                continue
            prefix = re.match(r"[A-Za-z]*", token.string).group(0).lower()
            if "r" in prefix or token.string.lstrip(prefix).startswith(('"""', "'''")):
                continue  # a regular expression, or a docstring in English
            if problems := copy_problems(token.string, catalogue=False):
                failures.append(
                    f"{path.relative_to(ROOT)}:{token.start[0]}: {problems}"
                )
    assert not failures, "\n".join(failures)


def test_bracketed_uses_the_pages_brackets():
    from django.utils import translation

    from accounts.templatetags.accounts_format import bracketed

    with translation.override("ja"):
        assert bracketed("EX0001") == "（EX0001）"
        assert bracketed("") == ""
    with translation.override("en"):
        assert bracketed("EX0001") == " (EX0001)"


def test_the_reentry_fee_row_has_full_width_brackets_in_japanese():
    from django.utils import translation

    with translation.override("ja"):
        row = translation.gettext("%(name)s (%(variant)s)") % {
            "name": "再入国許可",
            "variant": "数次",
        }
    assert row == "再入国許可（数次）"
