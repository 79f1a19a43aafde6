"""Who may fetch a stored file: decided in one place per purpose.

A domain app registers one checker for each purpose it stores files under, in
its ``AppConfig.ready``::

    register_file_access("application_document", application_document_access)

``checker(user, stored_file)`` returns ``"none"``, ``"view"`` (download as an
attachment) or ``"view_inline"`` (may also be shown inline — for the officer
viewer; PDF and images only).  Only registered checkers grant access; a file
whose purpose has no checker is reachable by nobody.  The portal itself
registers one purpose, ``"draft"``: a file uploaded but not yet attached to
anything, which only its uploader may download.  The portal never imports a
domain app; the registry is how domain rules reach the download view.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, get_args

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from portal.files.models import StoredFile

Access = Literal["none", "view", "view_inline"]
Checker = Callable[[Any, "StoredFile"], Access]

DRAFT = "draft"
PURPOSE_RE = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
_ACCESS_VALUES: frozenset[str] = frozenset(get_args(Access))

_registry: dict[str, Checker] = {}


def register_file_access(purpose: str, checker: Checker) -> None:
    """Make ``checker`` the one decider for files stored under ``purpose``.

    Raises ``ImproperlyConfigured`` for a malformed purpose or when another
    checker already holds it (registering the same checker again is a no-op).
    """
    if not PURPOSE_RE.match(purpose):
        raise ImproperlyConfigured(f"Invalid file purpose {purpose!r}.")
    existing = _registry.get(purpose)
    if existing is not None and existing is not checker:
        raise ImproperlyConfigured(
            f"File purpose {purpose!r} already has an access checker."
        )
    _registry[purpose] = checker


def is_registered(purpose: str) -> bool:
    return purpose in _registry


def file_access(user: Any, stored_file: StoredFile) -> Access:
    """What ``user`` may do with ``stored_file``; fails closed.

    Anonymous and inactive users, unknown purposes and unexpected checker
    answers all mean ``"none"``.  Exceptions from a checker propagate (a bug
    must be loud, never a grant).
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return "none"
    checker = _registry.get(stored_file.purpose)
    if checker is None:
        return "none"
    answer = checker(user, stored_file)
    return answer if answer in _ACCESS_VALUES else "none"


def _draft_access(user: Any, stored_file: StoredFile) -> Access:
    return "view" if stored_file.uploaded_by_id == user.pk else "none"


def register_builtin_checkers() -> None:
    register_file_access(DRAFT, _draft_access)
