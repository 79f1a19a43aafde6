"""The benchmark driver (``manage.py bench_run``, started by ``make bench``).

``scripts/bench.sh`` serves the portal with gunicorn (production settings,
DEBUG off, 4 workers) on loopback; this driver, in a process with the same
settings, database and Redis:

1. refreshes the summaries that Celery beat keeps fresh in production
   (queue counts, processing times: ``refresh_summaries``), in-process,
   since the benchmark runs no worker; signs in the benchmark's users
   (server-side sessions, see ``portal.bench.sessions``) and picks the
   pages' targets from the data (a Tokyo case awaiting documents, a keyset
   cursor 2,450 rows deep, …);
2. checks every page answers 200 as that user, and counts its queries with
   Django's test client;
3. drives ``wrk`` (bounded: ``--duration`` seconds a run, ``--timeout``)
   against the bare view and every page, interleaved (bare, page A, bare,
   page B, …) for ``--rounds`` rounds, and takes medians;
4. times full submissions over HTTP (complete drafts prepared through the
   services, then the check page's form posted one after another: the
   whole path a user waits on — eligibility, receipt number, locks, the
   outbox, the redirect), a PDF render and a 1,000-row roster import
   in-process;
5. prints the PostgreSQL settings, one table, and exits 1 when a bar is
   missed.

Only loopback targets are accepted.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.bench.generate import BENCH_EXAMINER, BENCH_ORG_NAME, BENCH_STAFF
from portal.bench.sessions import session_for

LUA = r"""
local cookie = os.getenv("BENCH_COOKIE") or ""
wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["Host"] = "127.0.0.1"
if cookie ~= "" then wrk.headers["Cookie"] = cookie end
done = function(summary, latency, requests)
  io.write(string.format(
    "BENCHJSON {\"requests\": %d, \"seconds\": %f, \"p50\": %f, \"p95\": %f, "
    .. "\"status_errors\": %d, \"socket_errors\": %d}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""

# The filing step POST: ``wrk -t8 -c8`` gives each thread one connection, and
# each thread saves its own draft with the version it last saw (a save makes
# version + 1; any other answer carries the draft's version in the page), so
# every request is a real save that validates, locks, writes and redirects
# (a 409 would count as an error).
POST_LUA = r"""
local cookie = os.getenv("BENCH_COOKIE") or ""
local paths, versions, bodies = {}, {}, {}
for item in string.gmatch(os.getenv("BENCH_POST_DRAFTS") or "", "%S+") do
  local path, version, body = string.match(item, "([^|]+)|(%d+)|([^|]*)")
  table.insert(paths, path)
  table.insert(versions, tonumber(version))
  table.insert(bodies, body)
end
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("slot", counter)
end
init = function(args)
  local i = ((slot - 1) % #paths) + 1
  path, version, body_template = paths[i], versions[i], bodies[i]
end
request = function()
  local body = string.gsub(body_template, "__VERSION__", tostring(version))
  local headers = {
    ["X-Forwarded-Proto"] = "https",
    ["Host"] = "127.0.0.1",
    ["Cookie"] = cookie,
    ["Origin"] = "https://127.0.0.1",
    ["Referer"] = "https://127.0.0.1" .. path,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", path, headers, body)
end
response = function(status, headers, body)
  if status == 302 then
    version = version + 1
  else
    local seen = string.match(body or "", 'name="version" value="(%d+)"')
    if seen then version = tonumber(seen) end
  end
end
""" + LUA[LUA.index("done = function") :]

PG_SETTINGS = (
    "server_version",
    "shared_buffers",
    "effective_cache_size",
    "work_mem",
    "maintenance_work_mem",
    "random_page_cost",
    "jit",
    "max_connections",
    "max_parallel_workers_per_gather",
)


@dataclass
class Page:
    name: str
    path: str
    role: str  # "officer", "staff" or "" (no session)
    bar: int  # throughput at least 1/bar of the bare view; 0 = report only
    query_budget: int
    what: str
    runs: list[dict[str, float]] = field(default_factory=list)
    queries: int | None = None
    # A POST page: the drafts it saves ("path|code|form body" each, the body
    # with ``__VERSION__`` for the version; filled in by ``prepare_post``).
    post_drafts: list[str] = field(default_factory=list)
    cookie_extra: str = ""


# The entries of CELERY_BEAT_SCHEDULE whose summaries the pages read.
BEAT_SUMMARIES = ("queue-counts", "processing-times")


def refresh_summaries() -> list[tuple[str, float]]:
    """Run the beat's summary tasks once, in this process (the tasks named in
    ``CELERY_BEAT_SCHEDULE``, called as the worker would): without a worker
    the pages would find no summary and measure the fallback query instead.
    Returns (entry, seconds) for each."""
    from django.utils.module_loading import import_string

    timings = []
    for entry in BEAT_SUMMARIES:
        task = import_string(settings.CELERY_BEAT_SCHEDULE[entry]["task"])
        started = time.monotonic()
        task()
        timings.append((entry, time.monotonic() - started))
    return timings


def _loopback(base: str) -> str:
    host = urlsplit(base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"the benchmark only targets loopback, not {host!r}")
    return base.rstrip("/")


def pages() -> list[Page]:
    """The pages of issue 9's table, with the data picked from the database."""
    from applications.models import Application
    from portal.lib import keyset
    from review.selectors import OPEN_STATUSES

    tokyo_open = Application.objects.filter(
        office__code="TKY", main__isnull=True, status__in=OPEN_STATUSES
    )
    deep = (
        tokyo_open.order_by("submitted_at", "id")
        .values_list("submitted_at", "id")[2449:2450]
        .first()
    )
    case = (
        tokyo_open.filter(status="awaiting_documents", companions__isnull=False)
        .order_by("id")
        .only("code", "receipt_number")
        .first()
        or tokyo_open.order_by("id").first()
    )
    receipt = tokyo_open.order_by("-id").values_list("receipt_number", flat=True)[0]
    org_cases = Application.objects.filter(
        organization__name_en=BENCH_ORG_NAME,
        main__isnull=True,
        submitted_at__isnull=False,
    )
    # Row 1,000 of the list (row 100 in the smaller presets).
    org_deep = next(
        (
            row
            for depth in (999, 99)
            for row in org_cases.order_by("-submitted_at", "-id").values_list(
                "submitted_at", "id"
            )[depth : depth + 1]
        ),
        None,
    )
    user_case = (
        org_cases.filter(companions__isnull=False).order_by("-id").first()
        or org_cases.order_by("-id").first()
    )
    draft = (
        Application.objects.filter(
            organization__name_en=BENCH_ORG_NAME, status="draft", main__isnull=True
        )
        .order_by("id")
        .first()
    )
    if not (case and user_case and deep and org_deep):
        raise SystemExit("no benchmark data: run manage.py bench_generate first")
    result = [
        Page("hello", "/bench/hello/", "", 0, 0, "bare view (no session, no DB)"),
        Page(
            "signed_in_floor",
            "/session/status/",
            "officer",
            0,
            2,
            "signed-in JSON, no template",
        ),
        Page("queue_default", "/office/cases/", "officer", 10, 6, "Tokyo, all open"),
        Page(
            "queue_status",
            "/office/cases/?status=awaiting_documents",
            "officer",
            10,
            6,
            "status filter",
        ),
        Page(
            "queue_page50",
            "/office/cases/?after=" + keyset.encode(cast(datetime, deep[0]), deep[1]),
            "officer",
            10,
            6,
            "keyset page 50",
        ),
        Page("search_name", "/office/cases/?q=NGUYEN", "officer", 30, 6, "family name"),
        Page(
            "search_rare_name",
            "/office/cases/?q=KARKI",
            "officer",
            30,
            6,
            "rare family name",
        ),
        Page(
            "search_receipt",
            f"/office/cases/?q={receipt}",
            "officer",
            30,
            6,
            "receipt number",
        ),
        Page(
            "officer_case",
            f"/office/cases/{case.code}/",
            "officer",
            10,
            10,
            "case awaiting documents",
        ),
        Page("org_list_first", "/applications/", "staff", 10, 6, "5,000 cases"),
        Page(
            "org_list_later",
            "/applications/?cursor="
            + keyset.encode(cast(datetime, org_deep[0]), org_deep[1]),
            "staff",
            10,
            6,
            "cursor at row 1,000",
        ),
        Page(
            "org_search_name",
            "/applications/?q=NGUYEN",
            "staff",
            30,
            6,
            "name search",
        ),
        Page(
            "user_case",
            f"/applications/{user_case.code}/",
            "staff",
            10,
            10,
            "the user's case page",
        ),
    ]
    if draft is not None:
        result.append(
            Page(
                "form_get",
                f"/applications/drafts/{draft.code}/application/",
                "staff",
                20,
                15,
                "filing step GET",
            )
        )
        result.append(
            Page(
                "form_post",
                f"/applications/drafts/{draft.code}/application/",
                "staff",
                20,
                15,
                "filing step POST (validate + save)",
            )
        )
    return result


POST_DRAFTS = 8  # one per wrk connection


class _FormReader(HTMLParser):
    """The values a browser would send for the page's form that carries
    ``version`` (inputs, checked boxes, selected options, text areas)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = []
            self.forms.append(self._form)
        elif self._form is None or ("name" not in a and tag != "option"):
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self._form.append((a["name"], a.get("value", "on")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self._form.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.append((a["name"], ""))

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form:
            self._form[-1] = (self._textarea, self._form[-1][1] + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _form_data(html: str) -> list[tuple[str, str]]:
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        if any(name == "version" for name, _ in form):
            return [
                (name, "__VERSION__" if name == "version" else value)
                for name, value in form
            ]
    raise SystemExit("form_post: no form with a version on the step page")


def prepare_post(page: Page, session_key: str) -> None:
    """Eight drafts of the organisation, each with the form body of its
    application step as its page shows it (drafts whose step is complete, so
    a POST validates and saves), and the CSRF cookie of the session."""
    from urllib.parse import urlencode

    from applications.models import Application

    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    drafts = Application.objects.filter(
        organization__name_en=BENCH_ORG_NAME, status="draft", main__isnull=True
    ).order_by("id")[: POST_DRAFTS * 5]
    for draft in drafts:
        path = f"/applications/drafts/{draft.code}/application/"
        response = client.get(path, secure=True)
        body = urlencode(_form_data(response.content.decode()))
        # Only drafts whose step, as shown, is complete: their save is a 302.
        saved = client.post(
            path,
            body.replace("__VERSION__", str(draft.version)),
            content_type="application/x-www-form-urlencoded",
            secure=True,
        )
        if saved.status_code == 302:
            page.post_drafts.append(f"{path}|{draft.code}|{body}")
        if len(page.post_drafts) == POST_DRAFTS:
            break
    if not page.post_drafts:
        raise SystemExit("form_post: no draft whose application step saves")
    csrf_cookie = client.cookies[settings.CSRF_COOKIE_NAME].value
    page.cookie_extra = f"; {settings.CSRF_COOKIE_NAME}={csrf_cookie}"


def _cookie(session_key: str) -> str:
    return f"{settings.SESSION_COOKIE_NAME}={session_key}"


def check_and_count(page: Page, session_key: str | None) -> None:
    """200 as the page's user, and the steady-state query count."""
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    if session_key:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    counts = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            response: Any = (
                _post_once(client, page)
                if page.post_drafts
                else client.get(page.path, secure=True)
            )
        if response.status_code != (302 if page.post_drafts else 200):
            raise SystemExit(
                f"{page.name}: {page.path} answered {response.status_code}"
            )
        counts.append(len(queries))
    page.queries = counts[-1]


def _post_once(client: Client, page: Page) -> HttpResponse:
    from applications.models import Application

    path, code, body = page.post_drafts[0].split("|")
    version = Application.objects.values_list("version", flat=True).get(code=code)
    return cast(
        HttpResponse,
        client.post(
            path,
            body.replace("__VERSION__", str(version)),
            content_type="application/x-www-form-urlencoded",
            secure=True,
        ),
    )


def cpu_ticks() -> dict[str, int]:
    """CPU time used so far (clock ticks, user + system) by the portal's web
    workers (gunicorn serving ``portal.wsgi``) and by the PostgreSQL backends
    serving the benchmark's database on this machine, read from ``/proc``: the difference over a ``wrk`` run,
    divided by its requests, says which of the two a page spends its time
    in.  Zeros where there is no ``/proc``."""
    totals = {"web": 0, "db": 0}
    database = f" {connection.settings_dict['NAME']} ".encode()
    try:
        entries = list(os.scandir("/proc"))
    except OSError:
        return totals
    for entry in entries:
        if not entry.name.isdigit():
            continue
        try:
            cmdline = Path(entry.path, "cmdline").read_bytes()
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        if b"gunicorn" in cmdline and b"portal.wsgi" in cmdline:
            group = "web"
        elif cmdline.startswith(b"postgres:") and database in cmdline:
            group = "db"  # a backend serving the benchmark's database
        else:
            continue
        # Fields after the command name: state is 3rd, utime 14th, stime 15th.
        fields = stat.rsplit(")", 1)[1].split()
        totals[group] += int(fields[11]) + int(fields[12])
    return totals


def wrk(
    base: str, page: Page, cookie: str, duration: int, lua: str
) -> dict[str, float]:
    env = {**os.environ, "BENCH_COOKIE": cookie if page.role else ""}
    if page.post_drafts:
        from applications.models import Application

        # Fresh versions: the previous round's saves moved them on.
        drafts = [item.split("|") for item in page.post_drafts]
        versions = dict(
            Application.objects.filter(code__in=[d[1] for d in drafts]).values_list(
                "code", "version"
            )
        )
        env["BENCH_COOKIE"] = cookie + page.cookie_extra
        env["BENCH_POST_DRAFTS"] = " ".join(
            f"{path}|{versions[uuid.UUID(code)]}|{body}" for path, code, body in drafts
        )
        lua = lua.replace(".lua", ".post.lua")
    threads = "-t8" if page.post_drafts else "-t2"
    ticks_before = cpu_ticks()
    completed = subprocess.run(
        [
            "wrk",
            threads,
            "-c8",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            lua,
            base + page.path,
        ],
        capture_output=True,
        text=True,
        timeout=duration + 30,
        env=env,
        check=False,
    )
    ticks_after = cpu_ticks()
    for line in completed.stdout.splitlines():
        if line.startswith("BENCHJSON "):
            data = json.loads(line[len("BENCHJSON ") :])
            data["rps"] = data["requests"] / data["seconds"] if data["seconds"] else 0
            # CPU per request in the web workers and in PostgreSQL (ms).
            per_tick = 1000 / os.sysconf("SC_CLK_TCK") / max(1, data["requests"])
            for group in ("web", "db"):
                used = ticks_after[group] - ticks_before[group]
                data[f"{group}_ms"] = used * per_tick
            if page.post_drafts:
                # Every answer must have been a save (302, version + 1): a
                # form error would answer 200 and save nothing.
                after = dict(
                    Application.objects.filter(code__in=versions).values_list(
                        "code", "version"
                    )
                )
                saves = sum(after[code] - versions[code] for code in versions)
                data["status_errors"] += max(0, data["requests"] - saves)
            return data
    raise SystemExit(f"wrk failed for {page.name}: {completed.stderr[-500:]}")


def wait_quiet(base: str, seconds: float = 30) -> None:
    """Until a single bare request answers fast (slow in-flight requests of
    the previous run have drained)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        t0 = time.monotonic()
        request = urllib.request.Request(
            base + "/bench/hello/",
            headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
        if time.monotonic() - t0 < 0.03:
            return
        time.sleep(0.2)


def pg_settings() -> dict[str, str]:
    with connection.cursor() as cur:
        values = {}
        for name in PG_SETTINGS:
            cur.execute(f"SHOW {name}")
            values[name] = cur.fetchone()[0]
    return values


def background_jobs() -> list[tuple[str, float]]:
    """A receipt PDF (rendered as the worker does) and a 1,000-row roster
    import, timed in-process; the import is rolled back."""
    from django.db import transaction

    from accounts.models import Organization, User
    from accounts.roster_csv import parse_roster_csv
    from accounts.services import roster_import
    from applications.models import Application
    from portal.lib.pdf import render_pdf

    results = []
    application = (
        Application.objects.filter(organization__name_en=BENCH_ORG_NAME)
        .exclude(receipt_number=None)
        .select_related(
            "application_type", "foreign_national", "office", "organization"
        )
        .first()
    )
    if application is not None:
        from applications import documents

        context = documents.receipt_context(application)
        t0 = time.monotonic()
        render_pdf(documents.RECEIPT_TEMPLATE, context, language="ja")
        cold = time.monotonic() - t0
        print(f"receipt PDF, first in this process (fonts load): {cold:.2f} s")
        for language in ("ja", "en"):
            t0 = time.monotonic()
            render_pdf(documents.RECEIPT_TEMPLATE, context, language=language)
            results.append((f"receipt PDF ({language})", time.monotonic() - t0))
    organization = Organization.objects.get(name_en=BENCH_ORG_NAME)
    actor = User.objects.get(username=BENCH_STAFF)
    from datetime import date, timedelta

    header = (
        "family_name,given_name,sex,date_of_birth,nationality,residence_card_number\n"
    )
    body = "".join(
        f"ROSTER,PERSON,M,{date(1970, 1, 1) + timedelta(days=i)},VN,RS{i:08d}XY\n"
        for i in range(1000)
    )
    t0 = time.monotonic()
    parsed = parse_roster_csv((header + body).encode())
    rows = getattr(parsed, "rows", None)
    if rows:
        with transaction.atomic():
            roster_import(organization=organization, rows=rows, actor=actor)
            transaction.set_rollback(True)
        results.append(("roster import, 1,000 rows", time.monotonic() - t0))
    else:
        results.append(("roster import: CSV not accepted", -1.0))
    return results


SUBMISSIONS = 20


class _NotEligible(Exception):
    pass


SUBMISSION_BAR_SECONDS = 2.0


def prepare_submissions(count: int) -> list[Any]:
    """``count`` complete extension drafts of the benchmark organisation,
    made the way the demo data makes them (documents uploaded and the
    申請書 answered through the services).  People whose draft would not be
    eligible (a period of stay that cannot be extended yet, …) are skipped
    and their draft rolled back."""
    from django.db import transaction

    from accounts.models import User
    from applications import draft_form, eligibility, selectors
    from applications.demo import file_demo_case
    from applications.models import ForeignNational
    from portal.lib.errors import DomainError

    actor = User.objects.get(username=BENCH_STAFF)
    ready: list[Any] = []
    people = ForeignNational.objects.filter(
        organization__name_en=BENCH_ORG_NAME
    ).order_by("?")[: count * 10]
    for person in people:
        try:
            with transaction.atomic():
                draft = file_demo_case(
                    person=person,
                    actor=actor,
                    type_code="extension",
                    requested_period="1y",
                    reentry=False,
                    submit=False,
                )
                draft = draft_form.fill_with_samples(draft, actor=actor)
                if eligibility.check(selectors.filing_facts(draft, user=actor)):
                    raise _NotEligible
        except (_NotEligible, DomainError):  # an unsuitable person: rolled back
            continue
        ready.append(draft)
        if len(ready) == count:
            break
    return ready


def time_submissions(base: str, session_key: str, count: int) -> list[float]:
    """Seconds per submission POST, one after another, against the server."""
    import http.client
    from urllib.parse import urlencode

    drafts = prepare_submissions(count)
    if not drafts:
        raise SystemExit("submission: no eligible draft could be prepared")
    host, port = urlsplit(base).hostname, urlsplit(base).port
    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    seconds = []
    for draft in drafts:
        path = f"/applications/drafts/{draft.code}/check/"
        page = client.get(path, secure=True)
        if page.status_code != 200:
            raise SystemExit(f"submission: {path} answered {page.status_code}")
        # The user ticks the declaration, as a browser would send it.
        fields = [*_form_data(page.content.decode()), ("declaration", "on")]
        body = urlencode(fields).replace("__VERSION__", str(draft.version))
        csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
        connection_ = http.client.HTTPConnection(host or "127.0.0.1", port, timeout=60)
        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            "Cookie": f"{_cookie(session_key)}; {settings.CSRF_COOKIE_NAME}={csrf}",
            "Origin": "https://127.0.0.1",
            "Referer": f"https://127.0.0.1{path}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        t0 = time.monotonic()
        connection_.request("POST", path, body, headers)
        response = connection_.getresponse()
        response.read()
        seconds.append(time.monotonic() - t0)
        connection_.close()
        location = response.getheader("Location") or ""
        if response.status != 302 or "submitted" not in location:
            raise SystemExit(
                f"submission: {path} answered {response.status} ({location or 'no redirect'})"
            )
    return seconds


def run(*, base: str, rounds: int, duration: int, only: list[str] | None) -> int:
    base = _loopback(base)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    refreshed = refresh_summaries()
    print(
        "summaries refreshed in-process, as Celery beat would: "
        + ", ".join(f"{entry} ({seconds:.1f} s)" for entry, seconds in refreshed)
    )
    all_pages = pages()
    hello = all_pages[0]
    targets = [p for p in all_pages[1:] if not only or p.name in only]
    sessions = {
        "officer": session_for(BENCH_EXAMINER),
        "staff": session_for(BENCH_STAFF),
    }
    for page in [hello, *targets]:
        if page.name == "form_post":
            prepare_post(page, sessions["staff"])
        check_and_count(page, sessions.get(page.role))
    pg = pg_settings()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(LUA)
        lua = handle.name
    Path(lua.replace(".lua", ".post.lua")).write_text(POST_LUA)
    loads: list[float] = []
    started = time.monotonic()
    for round_no in range(rounds):
        for page in targets:
            wait_quiet(base)
            hello.runs.append(wrk(base, hello, "", duration, lua))
            wait_quiet(base)
            cookie = _cookie(sessions[page.role]) if page.role else ""
            page.runs.append(wrk(base, page, cookie, duration, lua))
            loads.append(os.getloadavg()[0])
        print(
            f"round {round_no + 1}/{rounds} done ({time.monotonic() - started:.0f} s)"
        )
    submissions = (
        time_submissions(base, sessions["staff"], SUBMISSIONS)
        if not only or "submission" in only
        else []
    )
    jobs = background_jobs()

    if not hello.runs:  # only the submission was asked for
        hello.runs.append(wrk(base, hello, "", duration, lua))
        loads.append(os.getloadavg()[0])
    hello_rps = statistics.median(r["rps"] for r in hello.runs)
    print()
    print("PostgreSQL: " + ", ".join(f"{k}={v}" for k, v in pg.items()))
    print(
        f"Machine: {os.cpu_count()} CPUs, load 1-min during runs "
        f"{min(loads):.1f}–{max(loads):.1f}; {rounds} rounds × {duration} s, wrk -t2 -c8"
    )
    print(
        f"hello: median {hello_rps:.0f} req/s (n={len(hello.runs)}), p50 "
        f"{statistics.median(r['p50'] for r in hello.runs):.1f} ms, CPU per request "
        f"{statistics.median(r['web_ms'] for r in hello.runs):.2f} ms in the web workers"
    )
    print()
    print(
        "| Page | req/s | vs bare | bar | p50 ms | p95 ms | web / db CPU ms | "
        "queries | budget | result |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    failed = False
    summary = []
    for page in targets:
        rps = statistics.median(r["rps"] for r in page.runs)
        p50 = statistics.median(r["p50"] for r in page.runs)
        p95 = statistics.median(r["p95"] for r in page.runs)
        errors = sum(r["status_errors"] + r["socket_errors"] for r in page.runs)
        ratio = hello_rps / rps if rps else float("inf")
        ok_rate = page.bar == 0 or ratio <= page.bar
        ok_queries = page.queries is not None and page.queries <= page.query_budget
        ok = ok_rate and ok_queries and errors == 0
        failed |= not ok
        verdict = "PASS" if ok else "FAIL"
        if errors:
            verdict += f" ({errors} errors)"
        web_ms = statistics.median(r["web_ms"] for r in page.runs)
        db_ms = statistics.median(r["db_ms"] for r in page.runs)
        print(
            f"| {page.name} ({page.what}) | {rps:.1f} | 1/{ratio:.0f} | "
            f"{'1/' + str(page.bar) if page.bar else '—'} | {p50:.0f} | {p95:.0f} | "
            f"{web_ms:.1f} / {db_ms:.1f} | "
            f"{page.queries} | ≤{page.query_budget} | {verdict} |"
        )
        summary.append(
            {
                **asdict(page),
                "rps": rps,
                "ratio": ratio,
                "web_ms": web_ms,
                "db_ms": db_ms,
                "ok": ok,
            }
        )
    if submissions:
        ordered = sorted(submissions)
        median = statistics.median(ordered)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        verdict = "PASS" if median < SUBMISSION_BAR_SECONDS else "FAIL"
        failed |= verdict == "FAIL"
        print(
            f"| submission (complete draft, check page POST, n={len(ordered)}) "
            f"| — | — | median < {SUBMISSION_BAR_SECONDS:.0f} s | {median * 1000:.0f} "
            f"| {p95 * 1000:.0f} | — | — | — | {verdict} |"
        )
        summary.append({"name": "submission", "median": median, "p95": p95})
    print()
    for label, seconds in jobs:
        bar = 10.0 if "roster" in label else 1.5
        verdict = "PASS" if 0 <= seconds <= bar else "FAIL"
        failed |= verdict == "FAIL"
        print(f"{label}: {seconds:.2f} s (bar ≤ {bar} s) {verdict}")
    out = Path(settings.VAR_DIR) / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "last.json").write_text(
        json.dumps(
            {"hello_rps": hello_rps, "pg": pg, "pages": summary, "jobs": jobs},
            default=str,
            indent=1,
        )
    )
    Path(lua).unlink(missing_ok=True)
    Path(lua.replace(".lua", ".post.lua")).unlink(missing_ok=True)
    return 1 if failed else 0
