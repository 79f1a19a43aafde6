"""What the desk's pages and the feed show of a calendar item: labels,
links and the dates in words.  No queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.workflow import Status
from desk.forms import organization_label
from desk.selectors import CalendarItem, Kind

KIND_LABELS = dict(Kind.CHOICES)


def days_text(days_left: int) -> str:
    if days_left < 0:
        return ngettext("%(days)s day overdue", "%(days)s days overdue", -days_left) % {
            "days": -days_left
        }
    if days_left == 0:
        return _("Today")
    return ngettext("%(days)s day left", "%(days)s days left", days_left) % {
        "days": days_left
    }


def _colour(item: CalendarItem) -> str:
    if item.in_progress:
        return "grey"
    if item.days_left < 0:
        return "red"
    if item.days_left <= 14:
        return "orange"
    if item.days_left <= 30:
        return "yellow"
    return "blue"


def title(item: CalendarItem) -> str:
    """One line naming what is due, for whom (the feed's summary too)."""
    if item.kind == Kind.EXTENSION:
        return _("Last day to file the extension online: %(person)s") % {
            "person": item.person_name
        }
    if item.kind == Kind.DOCUMENTS:
        return _("Requested documents due: %(person)s (%(number)s)") % {
            "person": item.person_name,
            "number": item.receipt_number,
        }
    if item.kind == Kind.PERIODIC_REPORT:
        return _("File the periodic report")
    if item.kind == Kind.APPROVAL:
        return _("Approval to use the portal ends: %(user)s") % {"user": item.user_name}
    return _("Appointment ends: %(user)s") % {"user": item.user_name}


def window_summary(item: CalendarItem, organization: str) -> str:
    return _("Extension window opens: %(person)s — %(organization)s") % {
        "person": item.person_name,
        "organization": organization,
    }


def details(item: CalendarItem) -> list[str]:
    """The dates behind the due date, in words."""
    lines = []
    if item.extension is not None:
        dates = item.extension
        lines.append(
            _("Period of stay ends %(date)s.")
            % {"date": date_format(dates.expiry, "DATE_FORMAT")}
        )
        if dates.window_opens is not None:
            text = _("Extension window opens %(date)s.") % {
                "date": date_format(dates.window_opens, "DATE_FORMAT")
            }
            if dates.window_assumed:
                text += " " + _(
                    "(The period of stay is not on record: the usual 3 months assumed.)"
                )
            lines.append(text)
        else:
            lines.append(
                _(
                    "No published extension window for periods under 6 months: "
                    "file before the period ends."
                )
            )
        if dates.counter_deadline != dates.expiry:
            lines.append(
                _(
                    "The expiry day is a day the offices are closed: at the counter "
                    "the deadline moves to %(date)s, online it does not."
                )
                % {"date": date_format(dates.counter_deadline, "DATE_FORMAT")}
            )
    elif item.kind == Kind.PERIODIC_REPORT and item.reference_date:
        lines.append(
            _(
                "The first approval of a user of this organisation ends "
                "%(date)s; file at least one month before."
            )
            % {"date": date_format(item.reference_date, "DATE_FORMAT")}
        )
    return lines


def action(
    item: CalendarItem, *, may_start: Callable[[CalendarItem], bool]
) -> dict[str, Any] | None:
    """The row's link or button: ``{"label", "href"}`` or, for starting an
    extension, ``{"label", "start": person code}`` (a POST form)."""
    org = item.organization
    if item.kind == Kind.EXTENSION:
        if item.extension_in_progress:
            if item.extension_in_progress_status == Status.DRAFT:
                return {
                    "label": _("Continue the extension draft"),
                    "href": reverse(
                        "applications:draft", args=[item.extension_in_progress]
                    ),
                }
            return {
                "label": _("Extension sent: see the case"),
                "href": reverse("applications:case", args=[item.extension_in_progress]),
            }
        # Also before the window opens: the draft can be prepared early (the
        # check before sending refuses it until the window is open).
        if may_start(item):
            return {"label": _("Start the extension"), "start": item.person_code}
        return None
    if item.kind == Kind.DOCUMENTS:
        return {
            "label": _("Send the documents"),
            "href": reverse("review:documents_request", args=[item.application_code]),
        }
    if item.kind == Kind.PERIODIC_REPORT:
        if item.in_progress:
            return None
        return {
            "label": _("Periodic report"),
            "href": reverse("accounts:organization_periodic", args=[org.code]),
        }
    return {
        "label": _("Organisation's users"),
        "href": reverse("accounts:organization_detail", args=[org.code]),
    }


def row(
    item: CalendarItem, *, language: str, may_start: Callable[[CalendarItem], bool]
) -> dict[str, Any]:
    return {
        "item": item,
        "kind_label": KIND_LABELS[item.kind],
        "title": title(item),
        "organization": organization_label(item.organization, language),
        "days": days_text(item.days_left),
        "colour": _colour(item),
        "status": _("Already filed") if item.in_progress else "",
        "details": details(item),
        "action": action(item, may_start=may_start),
    }


def rows(
    items: list[CalendarItem],
    *,
    language: str,
    may_start: Callable[[CalendarItem], bool],
) -> list[dict[str, Any]]:
    """The rows of a list; ``may_start(item)`` says whether an extension
    row offers "Start the extension" (``rules.may_start_draft``)."""
    return [row(item, language=language, may_start=may_start) for item in items]
