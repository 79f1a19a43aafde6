"""What the status check shows: the public stage in the words the filing
user's case list uses (``applications.workflow`` and ``glossary``), the day
the case reached it and the receiving office.  Nothing about the person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import get_language

from applications.forms.cases import state_choices
from applications.models import Application
from applications.presenters import case_state
from applications.workflow import STATE_COLOURS


@dataclass(frozen=True)
class PublicStatus:
    stage: str  # a state of the case list (received, examination, ..., denied)
    label: str
    colour: str
    since: date | None
    office: str  # in the page's language
    office_ja: str  # the Japanese name as well, on pages in other languages


def public_stage(status: str) -> str:
    return case_state(status).value


def stage_since(
    status: str, history: list[tuple[str, datetime]], submitted_at: datetime | None
) -> date | None:
    """The day (Tokyo) the case entered its current public stage: the first
    transition of the last run of transitions that stayed in it (an
    examination that went back and forth with a recommendation counts from
    its start; after documents were sent, from the day they were sent)."""
    current = public_stage(status)
    since: datetime | None = None
    for to_status, at in history:
        # A run in the current stage starts at its first step; leaving the
        # stage ends the run.
        in_stage = public_stage(to_status) == current
        since = (since or at) if in_stage else None
    since = since or submitted_at
    return timezone.localdate(since) if since else None


def public_status(
    application: Application, history: list[tuple[str, datetime]]
) -> PublicStatus:
    stage = public_stage(application.status)
    labels = dict(state_choices())
    office = application.office
    name_ja = office.name_ja if office else ""
    name_en = office.name_en if office else ""
    japanese = (get_language() or "ja").startswith("ja")
    return PublicStatus(
        stage=stage,
        label=str(labels[stage]),
        colour=STATE_COLOURS[stage],
        since=stage_since(application.status, history, application.submitted_at),
        office=name_ja if japanese or not name_en else name_en,
        office_ja="" if japanese or not name_en else name_ja,
    )
