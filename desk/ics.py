"""The calendar items as an iCalendar feed (RFC 5545, the ``icalendar``
library).

What an external calendar holds: the feed is copied into Outlook or Google
Calendar, outside the portal's access checks and audit trail, for as long as
the subscription lasts.  So each event carries only what the dashboard shows
in its list — the kind of deadline, the person's name as on the dashboard,
the organisation, the receipt number of a case, the dates — and a link back
to the portal.  Never passport or residence card numbers, dates of birth,
nationalities or addresses.  Events are all-day (deadlines are days), each
with a stable UID so a refreshed feed updates instead of duplicating.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from icalendar import Calendar, Event

from desk import presenters
from desk.selectors import CalendarItem

PRODID = "-//Zairyu//Compliance calendar//EN"


def _uid(item: CalendarItem, suffix: str) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "zairyu"
    return f"{item.key}-{suffix}@{domain}"


def _event(
    item: CalendarItem,
    *,
    day: date,
    summary: str,
    suffix: str,
    now: datetime,
    organization: str,
) -> Event:
    event = Event()
    event.add("uid", _uid(item, suffix))
    event.add("dtstamp", now)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    lines = [organization]
    lines += presenters.details(item)
    event.add("description", "\n".join(lines))
    event.add("transp", "TRANSPARENT")
    return event


def feed(
    items: list[CalendarItem], *, base_url: str, name: str, language: str
) -> bytes:
    """The VCALENDAR for ``items``: one event on each due date, and for an
    extension a second on the day its window opens."""
    now = timezone.now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    link = base_url + reverse("desk:calendar")
    for item in items:
        organization = presenters.organization_label(item.organization, language)
        summary = f"{presenters.title(item)} — {organization}"
        event = _event(
            item,
            day=item.due,
            summary=summary,
            suffix="due",
            now=now,
            organization=organization,
        )
        event.add("url", link)
        cal.add_component(event)
        dates = item.extension
        if dates is not None and dates.window_opens and dates.window_opens > now.date():
            opens = _event(
                item,
                day=dates.window_opens,
                summary=presenters.window_summary(item, organization),
                suffix="window",
                now=now,
                organization=organization,
            )
            opens.add("url", link)
            cal.add_component(opens)
    return cal.to_ical()
