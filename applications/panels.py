"""Panels other apps add to the user's case page (``review`` adds the request
for documents, the fee and card steps and the processing-time figure) —
``case_panels.register(order, func)``, ``func(request, application)``."""

from __future__ import annotations

from typing import Any

from portal.lib.panels import PanelRegistry

case_panels = PanelRegistry()


# What ``review`` adds to the user's timeline: the due date of an open
# request for documents and the tracking number of the dispatch.  ``review`` registers one function in ``ReviewConfig.ready``;
# without it the timeline has no nested requests.
_timeline_details: list[Any] = []


def register_timeline_details(func: Any) -> None:
    if func not in _timeline_details:
        _timeline_details.append(func)


def timeline_details(application: Any) -> dict[str, Any]:
    """``{"open_due_date": date | None, "tracking_number": str}``."""
    details: dict[str, Any] = {"open_due_date": None, "tracking_number": ""}
    for func in _timeline_details:
        details.update(func(application))
    return details


# The compiled reads the registered panels and timeline details will make,
# so that the case page sends them in its one round trip
# (``portal.lib.compiled.fetched_together``): ``func(application)`` returns
# ``[(CompiledQuery, arguments), ...]``.
_case_reads: list[Any] = []


def register_case_reads(func: Any) -> None:
    if func not in _case_reads:
        _case_reads.append(func)


def case_reads(application: Any) -> list[Any]:
    """What the other apps' parts of the case page will read."""
    return [read for func in _case_reads for read in func(application)]
