"""Every page state the browser journeys reach, at 390 px, in Japanese and
English: nothing wider than the screen (a wide table scrolls inside its
.table-wrap with its key column whole), no table cell squeezed to one
character per line, and no axe-core violation (WCAG 2.2 AA) in the same
walk.  The layout checks are in tests/e2e/phone.py.

The data is built with the factories and the services, so each state
exists as the real flow leaves it: a request for use (draft and submitted)
and reception's pages; the filing steps of a draft, its check-answers page
and a submitted case; cases in every stage of examination and issuance for
the officer queue, the officer's case, the recommendation, the supervisor's
decision, the fee and the clerk's checklist; the user's dashboard, inbox and
case pages; the organisation's pages; an attorney's desk and calendar; batch
filing; the public status check.  One browser, one context per language;
each role's session is made on the server and swapped in by cookie."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.utils import timezone

import pytest

from accounts import services as account_services
from accounts.models import OfficerRole, RosterEntry, User, UseRequest
from accounts.views.request_access import SESSION_EMAIL
from applications import draft_form
from applications.models import StatusOfResidence
from applications.reference_data import load_document_slots
from applications.workflow import Status
from batches import services as batch_services
from portal.notifications.models import Notification
from review.services.issuance import card_receipt_record
from tests import factories
from tests.accounts.roster_files import CSV_HEADER, csv_row
from tests.applications import filing_data as fd
from tests.batches import batch_data
from tests.e2e.conftest import axe_violations
from tests.e2e.phone import PHONE, layout_problems, session_key, use_session
from tests.review.exam_helpers import open_request
from tests.review.issuance_helpers import decided, walk_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Role = OfficerRole.Role


def _cases(org: Any, user: Any, officers: dict[str, Any]) -> dict[str, Any]:
    """A case in each stage, with long names and types, walked through the
    services by the given officers."""
    walk = {k: officers[k] for k in ("examiner", "supervisor", "clerk")}

    def case(status: str, **fields: Any) -> Any:
        return factories.ApplicationFactory(
            organization=org, created_by=user, status=status, **walk, **fields
        )

    cases = {
        "submitted": case(
            Status.SUBMITTED,
            foreign_national=factories.ForeignNationalFactory(
                organization=org,
                family_name="SCHWARZENEGGER-WOLFESCHLEGEL",
                given_name="MARIA ALEXANDRA CHRISTINA",
            ),
        ),
        "examining": case(Status.EXAMINING),
        "proposed": case(Status.DECISION_PROPOSED),
        "granted": case(Status.GRANTED),
        "issued": case(Status.ISSUED),
        "dispatched": case(Status.DISPATCHED),
        "completed": case(Status.COMPLETED),
        "denied": case(Status.DENIED),
    }
    # A change of status (the longest type name), straight into the queue.
    cases["change"] = factories.ApplicationFactory(
        organization=org,
        created_by=user,
        type_code="change",
        companions=(),
        shortcut=True,
        status=Status.SUBMITTED,
        target_status=StatusOfResidence.objects.get(code="business_manager"),
    )
    waiting = case(Status.EXAMINING)
    open_request(waiting, officers["examiner"], items=2)
    cases["waiting"] = waiting
    ready = walk_to(
        decided(org, user), Status.FEE_PAID, actor=officers["clerk"], user=user
    )
    card_receipt_record(application=ready, actor=officers["clerk"])
    cases["ready"] = ready
    return cases


@pytest.fixture
def world(reference_data: None, media_root: Any) -> dict[str, Any]:
    load_document_slots(apps)
    officers = {
        "examiner": factories.officer(Role.EXAMINER, full_name="審査 一郎"),
        "supervisor": factories.officer(Role.SUPERVISOR, full_name="統括 三郎"),
        "clerk": factories.officer(Role.CLERK, full_name="交付 五郎"),
        "reception": factories.officer(Role.RECEPTION, full_name="受付 六郎"),
        "admin": factories.officer(Role.BUREAU_ADMIN, full_name="管理 七郎"),
    }
    org = factories.OrganizationFactory(
        name_ja="株式会社グローバル人材ソリューションズ・ジャパン",
        name_en="Global Talent Solutions Japan Kabushiki Kaisha",
    )
    user = factories.staff(org, full_name="申請 花子")
    lawyer = factories.appointee(org, full_name="行政 書士")
    RosterEntry.objects.create(
        organization=org,
        family_name="NGUYEN",
        given_name="VAN AN",
        sex="M",
        date_of_birth="1995-04-01",
        nationality="VN",
        residence_card_number="AB12345678CD",
    )
    report = account_services.periodic_report_start(organization=org, actor=user)
    Notification.objects.create(
        recipient=user, kind="mfa_enabled", link="/applications/"
    )
    cases = _cases(org, user, officers)
    # The filing steps: a fresh draft, and one complete enough to check.
    person = fd.person(org, family_name="TRAN", passport_number="C7654321")
    draft = fd.draft(user, person, companions=("reentry",))
    ready_person = fd.person(
        org,
        family_name="LE",
        passport_number="C1112223",
        residence_card_number="AB99999999CD",
    )
    complete = fd.ready_extension(
        user,
        ready_person,
        reentry_until=ready_person.period_expiry - timedelta(days=1),
    )
    # The attorney's calendar: a person whose period ends soon.
    factories.ForeignNationalFactory(
        organization=org,
        family_name="ALPHA",
        period_expiry=timezone.localdate() + timedelta(days=30),
    )
    # Batch filing: a checked preview with a problem, and a confirmed batch.
    preview, _ = batch_services.batch_upload(
        organization=org,
        template=batch_data.template(),
        file_name="people.csv",
        data=batch_data.csv_bytes(
            [batch_data.row(1), batch_data.row(2, residence_card_number="XX1")]
        ),
        actor=user,
        language="ja",
    )
    confirmed, _ = batch_services.batch_upload(
        organization=org,
        template=batch_data.template(),
        file_name="people2.csv",
        data=batch_data.csv_bytes([batch_data.row(3), batch_data.row(4)]),
        actor=user,
        language="ja",
    )
    confirmed = batch_services.batch_confirm(batch=confirmed, actor=user)
    # Requests for use: a draft the requester fills in, one sent to reception.
    requested = factories.UseRequestFactory(
        email="requester@example.jp",
        category=User.Category.ATTORNEY,
        appointers=[("株式会社依頼者", factories.request_corporate_number())],
    )
    sent = factories.UseRequestFactory(
        email="requester@example.jp", status=UseRequest.Status.SUBMITTED
    )
    return {
        **officers,
        "org": org,
        "user": user,
        "lawyer": lawyer,
        "report": report,
        "cases": cases,
        "draft": draft,
        "complete": complete,
        "person": person,
        "preview": preview,
        "confirmed": confirmed,
        "requested": requested,
        "sent": sent,
    }


def _pages(w: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(session, name, path) for every page state, grouped by session."""
    c = w["cases"]
    org, draft, report = w["org"].code, w["draft"], w["report"].code
    sections = [s.key for s in draft_form.draft_edition(draft).sections]

    yield "visitor", "home", "/"
    yield "visitor", "sign-in", "/accounts/login/"
    yield "visitor", "status-check", "/application-status/"
    yield "visitor", "verify", "/verify/"
    yield "visitor", "processing-times", "/processing-times/"
    yield "visitor", "request-start", "/request/"

    requested, sent = w["requested"].code, w["sent"].code
    yield "requester", "request-mine", "/request/mine/"
    yield "requester", "request-hub", f"/request/{requested}/"
    for step in (
        "category",
        "organisation",
        "person",
        "appointers",
        "declarations",
        "documents",
        "roster",
        "office",
        "check",
    ):
        yield "requester", f"request-{step}", f"/request/{requested}/{step}/"
    yield "requester", "request-done", f"/request/{sent}/done/"

    yield "reception", "reception-dashboard", "/dashboard/"
    yield "reception", "reception-queue", "/reception/"
    yield "reception", "reception-queue-errors", "/reception/?age=abc"
    yield "reception", "reception-request", f"/reception/requests/{sent}/"
    for action in ("approve", "return", "reject"):
        yield (
            "reception",
            f"reception-{action}",
            f"/reception/requests/{sent}/decide/{action}/",
        )
    yield "reception", "reception-paper", "/reception/paper/"
    yield "reception", "reception-users", "/reception/users/"
    yield "reception", "reception-user", f"/reception/users/{w['user'].code}/"
    yield "admin", "officer-roles", "/bureau/officer-roles/"

    yield "user", "dashboard", "/dashboard/"
    yield "user", "inbox", "/inbox/"
    note = Notification.objects.filter(recipient=w["user"]).first()
    if note is not None:
        yield "user", "inbox-message", f"/inbox/{note.code}/"
    yield "user", "people", "/applications/people/"
    yield "user", "person-add", f"/applications/people/add/{org}/"
    yield "user", "person", f"/applications/people/{w['person'].code}/"
    yield "user", "start", f"/applications/new/{org}/"
    yield "user", "start-type", f"/applications/new/person/{w['person'].code}/"
    yield "user", "drafts", "/applications/drafts/"
    base = f"/applications/drafts/{draft.code}"
    yield "user", "draft-tasks", f"{base}/"
    for step in ("person", "application", "companions", "documents"):
        yield "user", f"draft-{step}", f"{base}/{step}/"
    for key in sections:
        yield "user", f"draft-form-{key}", f"{base}/form/{key}/"
    yield "user", "draft-check-incomplete", f"{base}/check/"
    yield "user", "draft-check", f"/applications/drafts/{w['complete'].code}/check/"
    yield "user", "submitted", f"/applications/submitted/{c['submitted'].code}/"
    yield "user", "cases", "/applications/"
    yield "user", "cases-errors", "/applications/?q=ab"
    for name in ("submitted", "waiting", "granted", "dispatched", "denied"):
        yield "user", f"case-{name}", f"/applications/{c[name].code}/"
    yield "user", "withdraw", f"/applications/{c['submitted'].code}/withdraw/"
    waiting = c["waiting"].code
    yield "user", "documents-request", f"/applications/{waiting}/documents-request/"
    yield (
        "user",
        "documents-send",
        f"/applications/{waiting}/documents-request/send/",
    )
    yield "user", "fee", f"/issuance/{c['granted'].code}/"
    yield "user", "sandbox-pay", f"/payments/sandbox/{c['granted'].code}/"
    yield "user", "fee-dispatched", f"/issuance/{c['dispatched'].code}/"
    yield "user", "handover", f"/issuance/{c['dispatched'].code}/handover/"
    yield "user", "organisations", "/organizations/"
    yield "user", "organisation", f"/organizations/{org}/"
    yield "user", "roster", f"/organizations/{org}/roster/"
    yield "user", "roster-add", f"/organizations/{org}/roster/add/"
    yield "user", "roster-import", f"/organizations/{org}/roster/import/"
    yield "user", "org-profile", f"/applications/organisations/{org}/profile/"
    yield "user", "appointments", f"/applications/organisations/{org}/appointments/"
    periodic = f"/organizations/{org}/periodic-report"
    yield "user", "periodic", f"{periodic}/"
    for step in ("users", "roster", "declarations", "documents", "check"):
        yield "user", f"periodic-{step}", f"{periodic}/{report}/{step}/"
    yield "user", "batch-new", "/batches/"
    yield "user", "batch-preview", f"/batches/{w['preview'].code}/"
    yield "user", "batch-confirmed", f"/batches/{w['confirmed'].code}/"

    yield "lawyer", "attorney-dashboard", "/dashboard/"
    yield "lawyer", "calendar", "/desk/calendar/"
    yield "lawyer", "calendar-settings", "/desk/calendar/settings/"

    yield "examiner", "examiner-dashboard", "/dashboard/"
    yield "examiner", "queue", "/office/cases/"
    yield "examiner", "queue-mine", "/office/cases/?assignee=me"
    yield "examiner", "queue-errors", "/office/cases/?q=ab"
    for name in ("submitted", "examining", "waiting", "proposed", "granted", "change"):
        yield "examiner", f"office-case-{name}", f"/office/cases/{c[name].code}/"
    examining = c["examining"].code
    yield "examiner", "recommend", f"/office/cases/{examining}/recommend/"
    yield (
        "examiner",
        "request-documents",
        f"/office/cases/{examining}/request-documents/",
    )
    yield (
        "examiner",
        "extend",
        f"/office/cases/{waiting}/request-documents/extend/",
    )

    yield "supervisor", "supervisor-dashboard", "/dashboard/"
    yield "supervisor", "approve", f"/office/cases/{c['proposed'].code}/approve/"

    yield "clerk", "clerk-dashboard", "/dashboard/"
    granted, ready = c["granted"].code, c["ready"].code
    yield "clerk", "issuance-granted", f"/office/cases/{granted}/issuance/"
    yield "clerk", "issuance-stamps", f"/office/cases/{granted}/issuance/stamps/"
    yield "clerk", "issuance-ready", f"/office/cases/{ready}/issuance/"
    yield "clerk", "issuance-issue", f"/office/cases/{ready}/issuance/issue/"
    issued = c["issued"].code
    yield "clerk", "issuance-dispatch", f"/office/cases/{issued}/issuance/dispatch/"
    yield (
        "clerk",
        "issuance-dispatched",
        f"/office/cases/{c['dispatched'].code}/issuance/",
    )
    yield "clerk", "office-processing-times", "/office/processing-times/"


def _sessions(w: dict[str, Any]) -> dict[str, str | None]:
    people = ("user", "lawyer", "examiner", "supervisor", "clerk", "reception")
    sessions: dict[str, str | None] = {
        name: session_key(w[name], reauthenticated=True) for name in people
    }
    sessions["admin"] = session_key(w["admin"], reauthenticated=True)
    sessions["visitor"] = None
    sessions["requester"] = session_key(**{SESSION_EMAIL: "requester@example.jp"})
    return sessions


# The markup of a page without its words: each element's tag and
# attributes, those that carry copy (and the per-response nonce and CSRF
# token) reduced to "empty or not", a ?lang= in a link left blank; the
# language switcher, the same on every page, is left out.  Two languages of a state with the same skeleton differ
# only by translated text.
SKELETON_JS = r"""
() => {
  const copy = new Set(["aria-label", "alt", "title", "placeholder", "value",
                        "label", "content", "lang", "nonce", "aria-current"]);
  const isCopy = (name) => copy.has(name) || name.startsWith("data-text");
  const lines = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest(".lang-switch")) continue;
    const attrs = [...el.attributes].map((a) => isCopy(a.name)
      ? `${a.name}=${a.value ? 1 : 0}`
      : `${a.name}=${a.value.replace(/lang=(ja|en)\b/, "lang=")}`);
    lines.push(`${el.tagName} ${attrs.sort().join(" ")}`);
  }
  return lines.join("\n");
}
"""


class Axe:
    """axe-core (WCAG 2.2 AA) on the states of the walk, its violations
    collected as readable lines: page, rule, impact, elements.

    Japanese, the default language, is checked on every state.  axe on both
    languages added about 190 s to the walk (240 states, 0.8 s each, on the
    shared 2-core machine), more than the walk itself; so English is
    checked on the home page (the page chrome in English: html lang, the
    language switcher) and on every state whose markup differs from the
    Japanese one beyond its words (SKELETON_JS): branches on the language,
    a field or a link only one language has.  A state whose two languages
    differ only by translated text gives axe the same elements, roles,
    names present or absent, and the same colours; the rules that read the
    words themselves (an empty name, a missing lang) are covered by the
    states that are checked.  This way axe checks about 127 states (119
    Japanese, 8 English) and adds about 75 s.  PHONE_AXE_ALL=1 checks every
    state in both languages."""

    ALWAYS = frozenset({"visitor /"})

    def __init__(self) -> None:
        self.found: list[str] = []
        self.seconds = 0.0
        self.pages = 0
        self.skipped = 0
        self.every_state = bool(os.environ.get("PHONE_AXE_ALL"))
        self.skeletons: dict[str, str] = {}

    def check(self, page: Any, state: str, language: str, label: str) -> None:
        if not self.every_state:
            skeleton = page.evaluate(SKELETON_JS)
            if language == "ja":
                self.skeletons[state] = skeleton
            elif state not in self.ALWAYS and self.skeletons.get(state) == skeleton:
                self.skipped += 1
                return
        started = time.perf_counter()
        violations = axe_violations(page)
        self.seconds += time.perf_counter() - started
        self.pages += 1
        for violation in violations:
            targets = [" ".join(n["target"]) for n in violation["nodes"]]
            self.found.append(
                f"{label}: {violation['id']} ({violation['impact']}): "
                f"{violation['help']} — {len(targets)} element(s): "
                + "; ".join(targets[:5])
            )


def _posted_states(
    page: Any,
    context: Any,
    base: str,
    sessions: dict[str, str | None],
    w: dict[str, Any],
    language: str,
    axe: Axe,
) -> list[str]:
    """The states only a sent form reaches: the status check's answer and
    the roster import's table of errors."""
    found = []
    use_session(context, base, None, language)
    application = w["cases"]["waiting"]
    page.goto(base + "/application-status/")
    page.fill("input[name=receipt_number]", application.receipt_number)
    born = application.foreign_national.date_of_birth
    page.fill("input[name=date_of_birth]", f"{born:%Y/%m/%d}")
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").click()
    assert page.locator("#result-title").count() == 1
    found += [f"status-check-result-{language}: {p}" for p in layout_problems(page)]
    axe.check(page, "status-check-result", language, f"status-check-result-{language}")

    use_session(context, base, sessions["user"], language)
    page.goto(f"{base}/organizations/{w['org'].code}/roster/import/")
    bad = "\n".join(
        [
            CSV_HEADER,
            csv_row(1, date_of_birth="2026-02-30"),
            csv_row(2, residence_card_number="XX1"),
        ]
    )
    page.set_input_files(
        "#id_csv_file",
        files=[{"name": "r.csv", "mimeType": "text/csv", "buffer": bad.encode()}],
    )
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("#csv-errors").count() == 1
    found += [f"roster-import-errors-{language}: {p}" for p in layout_problems(page)]
    axe.check(
        page, "roster-import-errors", language, f"roster-import-errors-{language}"
    )
    return found


def test_every_journey_state_fits_a_phone_in_both_languages(
    browser: Any, live_server: Any, world: dict[str, Any], screenshot_dir: Any
) -> None:
    base = live_server.url
    pages = list(_pages(world))
    sessions = _sessions(world)
    failures: list[str] = []
    axe = Axe()
    for language in ("ja", "en"):
        context = browser.new_context(locale=f"{language}-JP", viewport=PHONE)
        try:
            page = context.new_page()
            page.set_default_timeout(20_000)
            current = ""
            for who, name, path in pages:
                if who != current:
                    use_session(context, base, sessions[who], language)
                    current = who
                response = page.goto(base + path)
                label = f"{name}-{language} ({path})"
                if response is None or response.status >= 400:
                    failures.append(f"{label}: HTTP {response and response.status}")
                    continue
                if not page.url.startswith(base + path.split("?")[0]):
                    failures.append(f"{label}: redirected to {page.url}")
                problems = layout_problems(page)
                if problems or os.environ.get("PHONE_SHOTS"):
                    page.screenshot(
                        path=str(screenshot_dir / f"phone-{name}-{language}.png"),
                        full_page=True,
                    )
                    failures += [f"{label}: {p}" for p in problems[:8]]
                axe.check(page, f"{who} {path}", language, label)
            failures += _posted_states(
                page, context, base, sessions, world, language, axe
            )
        finally:
            context.close()
    # The time axe adds, for whoever tunes the walk (never asserted).
    print(
        f"axe-core: {axe.pages} states in {axe.seconds:.1f} s,"
        f" {axe.skipped} English states the same as the Japanese"
    )
    report = failures
    if axe.found:
        report = [*failures, "axe-core (WCAG 2.2 AA):", *axe.found]
    assert not report, "\n".join(report)


FITS = """
<main>
  <p style="max-width: 100%">A paragraph that wraps normally on a phone screen, word by word.</p>
  <div class="table-wrap" style="overflow-x: auto">
    <table style="width: 900px"><tbody>
      <tr><th scope="row" style="white-space: nowrap">TKY-2026-0000001</th>
          <td>在留期間更新許可申請</td><td>A long sentence in a wide table that scrolls.</td></tr>
    </tbody></table>
  </div>
  <table><tbody><tr><td style="width: 8em">Extension of Period of Stay and more words</td></tr></tbody></table>
</main>
"""

BROKEN = """
<main>
  <div id="wide" style="width: 500px">wider than the screen</div>
  <p id="narrow" style="width: 6em; overflow-wrap: anywhere">Recommendations waiting</p>
  <table><tbody><tr>
    <td id="squeezed" style="width: 1px; word-break: break-all">TKY-2026</td>
    <td style="width: 1px; word-break: break-all">在留期間</td>
  </tr></tbody></table>
  <div class="table-wrap" style="overflow-x: auto">
    <table><tbody><tr><th scope="row" style="width: 4em">NGUYEN VAN AN</th></tr></tbody></table>
  </div>
</main>
"""


def test_the_checks_find_what_they_are_for(browser: Any) -> None:
    """The layout checks pass a page that fits (a wide table scrolling in its
    region, text wrapped by words) and name each kind of problem."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.set_content(f"<!doctype html><html><body>{FITS}</body></html>")
        assert layout_problems(page) == []
        page.set_content(f"<!doctype html><html><body>{BROKEN}</body></html>")
        problems = "\n".join(layout_problems(page))
        assert "the page scrolls sideways" in problems
        assert 'past the right edge (508 px): div#wide "wider than' in problems
        assert (
            'one character per line (8 in 8 lines): td#squeezed "TKY-2026"' in problems
        )
        assert 'one character per line (4 in 4 lines): td "在留期間"' in problems
        assert '"Recommendations" broken across lines: p#narrow' in problems
        assert 'the key column wraps (2 lines): th "NGUYEN VAN AN"' in problems
    finally:
        context.close()


def test_axe_reports_violations_and_skips_only_the_same_markup(browser: Any) -> None:
    """The walk's axe check names the page, rule and element of a violation;
    an English state is left out only when its markup is the Japanese one's
    with other words."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        axe = Axe()
        axe.every_state = False
        page.set_content(
            '<!doctype html><html lang="ja"><head><title>t</title></head><body>'
            '<main><h1>見出し</h1><img src="data:," id="bare"></main></body></html>'
        )
        axe.check(page, "state", "ja", "state-ja")
        assert len(axe.found) == 1
        assert axe.found[0].startswith("state-ja: image-alt (critical): ")
        assert axe.found[0].endswith("1 element(s): #bare")
        page.set_content(
            '<!doctype html><html lang="en"><head><title>t</title></head><body>'
            '<main><h1>Heading</h1><img src="data:," id="bare"></main></body></html>'
        )
        axe.check(page, "state", "en", "state-en")
        assert (axe.pages, axe.skipped, len(axe.found)) == (1, 1, 1)
        page.set_content(
            '<!doctype html><html lang="en"><head><title>t</title></head><body>'
            '<main><h1>Heading</h1><img src="data:," id="bare" alt="">'
            "</main></body></html>"
        )
        axe.check(page, "state", "en", "state-en")
        assert (axe.pages, axe.skipped, len(axe.found)) == (2, 1, 1)
    finally:
        context.close()
