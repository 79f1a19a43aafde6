"""One timeline and one vocabulary (issue 10, item 8).

The timeline property is checked over every path through the workflow's
transition table: at every state, no completed step comes after the
current one, every done or current step has a date, and the dates run in
time order.  The glossary is the one source of a state's words for the
applicant's pages, the office's pages and the emails."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.utils import translation

import pytest

from applications import glossary
from applications.models import Application, StatusEvent
from applications.presenters import STEPS, case_state, timeline
from applications.workflow import TRANSITIONS, Action, Status

START = datetime(2027, 2, 1, 1, 0, tzinfo=UTC)


def paths() -> list[list[str]]:
    """Every sequence of actions from SUBMITTED (documents requested at most
    twice, a recommendation sent back at most once)."""
    found: list[list[str]] = []

    def walk(status: str, actions: list[str]) -> None:
        found.append(actions)
        for (frm, action), _to in TRANSITIONS.items():
            if frm != status:
                continue
            if action == Action.REQUEST_DOCUMENTS and actions.count(action) >= 2:
                continue
            if action == Action.SEND_BACK and action in actions:
                continue
            walk(TRANSITIONS[(frm, action)], [*actions, action])

    walk(Status.SUBMITTED, [])
    return found


def replay(actions: list[str]) -> tuple[Application, list[StatusEvent], dict]:
    status = Status.SUBMITTED
    application = Application(
        status=status, submitted_at=START, withdrawal_reason="Moved"
    )
    events = []
    requests: list[tuple] = []
    for n, action in enumerate(actions, start=1):
        at = START + timedelta(days=n)
        new = TRANSITIONS[(status, action)]
        events.append(
            StatusEvent(action=action, from_status=status, to_status=new, at=at)
        )
        if action == Action.REQUEST_DOCUMENTS:
            requests.append((at, date(2027, 3, 1), None))
        if action == Action.RESPOND_DOCUMENTS:
            requests[-1] = (*requests[-1][:2], at)
        status = new
        if new in (Status.DENIED, Status.WITHDRAWN, Status.COMPLETED):
            application.closed_at = at
        if new in (Status.GRANTED, Status.DENIED):
            application.decided_at = at
    application.status = status
    details = {
        "open_due_date": (
            date(2027, 3, 1) if status == Status.AWAITING_DOCUMENTS else None
        ),
        "tracking_number": "1234",
    }
    return application, events, details


ALL_PATHS = paths()


def test_every_state_is_reached_by_some_path():
    reached = {replay(p)[0].status for p in ALL_PATHS}
    assert reached == set(Status.values) - {Status.DRAFT}


@pytest.mark.parametrize("actions", ALL_PATHS, ids=lambda p: ">".join(p) or "submitted")
def test_timeline_property(actions):
    application, events, details = replay(actions)
    items = timeline(application, events, details)
    states = [i["state"] for i in items]
    assert set(states) <= {"done", "current", "future"}
    assert states.count("current") <= 1
    if "current" in states:
        after = states[states.index("current") + 1 :]
        assert "done" not in after, (actions, states)
    else:
        assert application.status == Status.COMPLETED
        assert states == ["done"] * len(states)
    dated = [i["date"] for i in items if i["state"] in ("done", "current")]
    assert all(dated), (actions, items)
    assert dated == sorted(dated), (actions, items)
    assert all(i["date"] is None for i in items if i["state"] == "future")
    # Requests for documents are nested in examination, with their dates.
    examination = next((i for i in items if i["stage"] == "examination"), None)
    if examination is None:  # withdrawn before examination began
        assert actions == [Action.WITHDRAW]
        return
    assert len(examination["requests"]) == actions.count(Action.REQUEST_DOCUMENTS)
    for request in examination["requests"]:
        assert request["requested_at"]
    if application.status == Status.AWAITING_DOCUMENTS:
        assert "2027" in examination["requests"][-1]["text"]  # its due date


def test_applicant_office_and_email_share_the_glossary():
    for status in Status.values:
        assert Status(status).label is glossary.STATUS_TERMS[status]
    assert case_state(Status.DECISION_PROPOSED).label == str(glossary.EXAMINING)
    assert case_state(Status.GRANTED).label == str(glossary.GRANTED)


def test_received_is_not_called_application_completed():
    with translation.override("ja"):
        assert str(glossary.RECEIVED) == "受付済み"
        assert case_state(Status.SUBMITTED).label == "受付済み"
        for _key, title in STEPS:
            assert "申請完了" not in str(title)
        assert "申請完了" not in translation.gettext(
            "Application completed (%(receipt_number)s)"
        )


@pytest.mark.django_db
def test_case_email_names_the_state_in_glossary_words():
    from portal.lib.emails import render_email

    rendered = render_email(
        "document_request",
        {
            "receipt_number": "R-1",
            "status": Status.AWAITING_DOCUMENTS,
            "application_type_ja": "在留期間更新許可申請",
            "application_type_en": "Extension",
            "due_date": "2027-03-01",
            "item_count": 1,
            "items": ["Tax certificate"],
        },
        "ja",
    )
    assert "申請の状況： 資料提出待ち" in rendered.text
    assert "資料提出待ち" in rendered.html
