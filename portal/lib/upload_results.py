"""What an upload to a document slot did, shown next to that slot.

An upload page posts one slot's files and redirects back to ``#slot-<key>``
(the page stays where the user was).  The outcome travels as ordinary
``django.contrib.messages`` tagged with the slot: the files added (success),
each file refused with its own message (error) and what looks wrong with a
kept file (warning, ``portal.lib.scan_quality``).  The page's view splits the
pending messages with ``split_slot_messages`` and shows each slot's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

_PREFIX = "slot-"


def slot_anchor(slot: str) -> str:
    """The slot section's id, and the fragment the page comes back to."""
    return f"{_PREFIX}{slot}"


def add_upload_results(
    request: HttpRequest,
    *,
    slot: str,
    added: Iterable[str],
    rejected: Iterable[ValidationError] = (),
    warnings: Iterable[str] = (),
) -> None:
    """Queue the outcome of one upload for the slot ``slot``: the names of
    the files ``added``, each refused file's error, each warning."""
    tag = slot_anchor(slot)
    names = list(added)
    if names:
        messages.success(
            request,
            _("Uploaded: %(names)s") % {"names": ", ".join(names)},
            extra_tags=tag,
        )
    for refused in rejected:
        for text in refused.messages:
            messages.error(request, text, extra_tags=tag)
    for warning in warnings:
        messages.warning(request, warning, extra_tags=tag)


def split_slot_messages(
    request: HttpRequest,
) -> tuple[list[Any], dict[str, list[Any]]]:
    """The pending messages: those for the top of the page, and those of
    each slot by its key (consumed like any shown message)."""
    page: list[Any] = []
    by_slot: dict[str, list[Any]] = {}
    for message in messages.get_messages(request):
        tag = next(
            (t for t in (message.extra_tags or "").split() if t.startswith(_PREFIX)),
            None,
        )
        if tag is None:
            page.append(message)
        else:
            by_slot.setdefault(tag.removeprefix(_PREFIX), []).append(message)
    return page, by_slot
