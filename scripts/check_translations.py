#!/usr/bin/env python3
"""Check the message catalogues (QUALITY.md item 33).

Exits 1 and lists every entry of ``locale/ja/LC_MESSAGES/*.po`` (the
project's Japanese) and of the apps' own catalogues
(``<app>/locale/<language>/LC_MESSAGES/*.po``: the status check's Chinese,
Vietnamese and Korean) that is

* untranslated (an empty ``msgstr``, or an empty plural form),
* marked ``#, fuzzy`` (the header included: makemessages leaves a new
  catalogue's header fuzzy),
* translated with placeholders that differ from the msgid's
  (``%(name)s``, ``%s``, ``{name}``), which would raise or drop a value at
  run time,

and checks that the header declares ``Plural-Forms: nplurals=1; plural=0;``
(Japanese, Chinese, Vietnamese and Korean have one plural form).  Obsolete entries (``#~``) are ignored: they
are not compiled.

Usage: ``python scripts/check_translations.py [LOCALE_DIR_OR_PO_FILE ...]``
(default: ``locale/ja/LC_MESSAGES`` and every ``<app>/locale/*/LC_MESSAGES``
of this script's project).
Standard library only.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_TARGETS = [
    PROJECT / "locale" / "ja" / "LC_MESSAGES",
    *sorted(PROJECT.glob("*/locale/*/LC_MESSAGES")),
]
JA_PLURAL_FORMS = "nplurals=1; plural=0;"

# %(name)s, %s, %d, %.1f … but not a literal %%.
PERCENT_RE = re.compile(
    r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]"
)
BRACE_RE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        text = self.msgid if len(self.msgid) <= 70 else self.msgid[:67] + "..."
        ctxt = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"{ctxt}{text!r}"


def _unquote(chunk: str, path: Path, lineno: int) -> str:
    chunk = chunk.strip()
    if not (len(chunk) >= 2 and chunk[0] == chunk[-1] == '"'):
        raise ValueError(f"{path}:{lineno}: expected a quoted string, got {chunk!r}")
    # PO strings use C escapes, which Python's string literal syntax covers.
    return str(ast.literal_eval(chunk))


def parse_po(path: Path) -> list[Entry]:
    """Parse a PO file into entries (obsolete ``#~`` entries are skipped)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None  # which field continuation lines extend

    def finish() -> None:
        nonlocal current, target
        if current is not None and (current.msgid or current.msgstr or current.msgctxt):
            entries.append(current)
        current, target = None, None

    def append(value: str) -> None:
        if current is None or target is None:
            raise ValueError(f"{path}: a string outside an entry")
        name, index = target
        if name == "msgstr":
            current.msgstr[index] = current.msgstr.get(index, "") + value
        else:
            setattr(current, name, (getattr(current, name) or "") + value)

    for lineno, raw in enumerate(
        path.read_text(encoding="utf-8").splitlines(), start=1
    ):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and target is not None and target[0] == "msgstr":
                finish()  # a comment after msgstr starts the next entry
            if current is None:
                current = Entry(line=lineno)
            if line.startswith("#,"):
                current.flags.update(
                    f.strip() for f in line[2:].split(",") if f.strip()
                )
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{path}:{lineno}: string outside an entry")
            append(_unquote(line, path, lineno))
            continue
        if (
            keyword in ("msgctxt", "msgid")
            and current is not None
            and target is not None
            and target[0] == "msgstr"
        ):
            finish()
        if current is None:
            current = Entry(line=lineno)
        if keyword == "msgctxt":
            current.msgctxt, target = "", ("msgctxt", 0)
        elif keyword == "msgid":
            target = ("msgid", 0)
        elif keyword == "msgid_plural":
            current.msgid_plural, target = "", ("msgid_plural", 0)
        elif keyword == "msgstr":
            current.msgstr[0], target = "", ("msgstr", 0)
        elif (match := re.fullmatch(r"msgstr\[(\d+)\]", keyword)) is not None:
            index = int(match.group(1))
            current.msgstr[index], target = "", ("msgstr", index)
        else:
            raise ValueError(f"{path}:{lineno}: cannot parse {raw!r}")
        append(_unquote(rest, path, lineno))
    finish()
    return entries


def _placeholders(text: str, flags: set[str]) -> list[str]:
    found: list[str] = []
    if "python-format" in flags:
        found += [m for m in PERCENT_RE.findall(text) if m != "%%"]
    if "python-brace-format" in flags:
        found += [
            "{" + m.group(1) + "}"
            for m in BRACE_RE.finditer(text)
            if m.group(1) is not None
        ]
    return sorted(found)


def _header_fields(header: str) -> dict[str, str]:
    fields = {}
    for line in header.split("\n"):
        name, sep, value = line.partition(":")
        if sep:
            fields[name.strip().lower()] = value.strip()
    return fields


def check_file(path: Path) -> list[str]:
    problems: list[str] = []
    entries = parse_po(path)
    nplurals = 1
    for entry in entries:
        where = f"{path}:{entry.line}"
        if entry.msgid == "" and entry.msgctxt is None:  # the header
            if "fuzzy" in entry.flags:
                problems.append(f"{where}: header is marked fuzzy")
            plural_forms = _header_fields(entry.msgstr.get(0, "")).get(
                "plural-forms", ""
            )
            if " ".join(plural_forms.split()) != JA_PLURAL_FORMS:
                problems.append(
                    f"{where}: header should say Plural-Forms: {JA_PLURAL_FORMS} (has {plural_forms!r})"
                )
            match = re.search(r"nplurals\s*=\s*(\d+)", plural_forms)
            nplurals = int(match.group(1)) if match else 1
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"{where}: fuzzy: {entry.label}")
        expected = range(nplurals) if entry.msgid_plural is not None else range(1)
        translations = [entry.msgstr.get(i, "") for i in expected]
        if any(not t for t in translations):
            problems.append(f"{where}: untranslated: {entry.label}")
            continue
        wanted = _placeholders(entry.msgid_plural or entry.msgid, entry.flags)
        for text in translations:
            got = _placeholders(text, entry.flags)
            if got != wanted:
                problems.append(
                    f"{where}: placeholders differ ({', '.join(got) or 'none'} instead of "
                    f"{', '.join(wanted) or 'none'}): {entry.label}"
                )
    return problems


def po_files(targets: list[Path]) -> list[Path]:
    files: list[Path] = []
    for target in targets:
        files += sorted(target.glob("*.po")) if target.is_dir() else [target]
    return files


def main(argv: list[str]) -> int:
    targets = [Path(a) for a in argv] or DEFAULT_TARGETS
    files = po_files(targets)
    if not files:
        print(f"No .po files found in {', '.join(map(str, targets))}", file=sys.stderr)
        return 1
    problems = [p for f in files for p in check_file(f)]
    for problem in problems:
        print(problem)
    if problems:
        print(
            f"{len(problems)} problem(s) in {len(files)} catalogue(s).", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
