from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404

from portal.files.access import Access, file_access
from portal.files.models import StoredFile


def stored_file_get_for_user(
    *, user: Any, code: uuid.UUID | str
) -> tuple[StoredFile, Access]:
    """The file with ``code`` and what ``user`` may do with it.

    Raises ``Http404`` when there is no such file **or** the user may not see
    it — the two are indistinguishable, so existence is never revealed.
    Never returns an access of ``"none"``.
    """
    try:
        stored_file = StoredFile.objects.get(code=code)
    except (StoredFile.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc
    access = file_access(user, stored_file)
    if access == "none":
        raise Http404
    return stored_file, access
