"""Writing and deleting stored files.  Nothing else touches private storage."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from portal.audit.services import audit_record
from portal.files.access import PURPOSE_RE
from portal.files.models import StoredFile
from portal.lib.files import CleanedUpload

logger = logging.getLogger(__name__)

STORAGE_PREFIX = "private"
# An orphan (bytes without a row) younger than this may belong to a transaction
# that has not committed yet; the sweep leaves it alone.
ORPHAN_GRACE = timedelta(hours=1)


def _check_purpose(purpose: str) -> None:
    if not PURPOSE_RE.match(purpose):
        raise ImproperlyConfigured(f"Invalid file purpose {purpose!r}.")


def generate_storage_name(extension: str) -> str:
    """``private/<yyyy>/<mm>/<random>.<ext>`` — nothing of the user's in it."""
    now = timezone.now()
    return f"{STORAGE_PREFIX}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{extension}"


def _delete_quietly(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception:
        logger.exception("could not delete stored bytes %s", name)


def store_upload(
    *, cleaned: CleanedUpload, uploaded_by: Any | None, purpose: str
) -> StoredFile:
    """Store validated bytes under a server-generated name and record them.

    Guarantees: the storage name is generated here (``generate_storage_name``);
    the row and a ``file.upload`` audit record are written in one savepoint;
    if that write fails the bytes are deleted again before the error
    propagates, so nothing is left half stored.  If the *caller's* transaction
    rolls back later, the row vanishes with it and the bytes become an orphan
    that ``stored_files_sweep_orphans`` deletes (databases have no on-rollback
    hook).  Raises ``ImproperlyConfigured`` for a malformed ``purpose``.
    """
    _check_purpose(purpose)
    saved_name = default_storage.save(
        generate_storage_name(cleaned.extension), ContentFile(cleaned.content)
    )
    try:
        with transaction.atomic():
            stored_file = StoredFile.objects.create(
                name=saved_name,
                original_name=cleaned.original_name,
                content_type=cleaned.content_type,
                kind=cleaned.kind,
                size=cleaned.size,
                sha256=cleaned.sha256,
                purpose=purpose,
                uploaded_by=uploaded_by if getattr(uploaded_by, "pk", None) else None,
            )
            audit_record(
                actor=uploaded_by,
                action="file.upload",
                obj=stored_file,
                data={
                    "kind": cleaned.kind.value,
                    "purpose": purpose,
                    "size": cleaned.size,
                },
            )
    except BaseException:
        _delete_quietly(saved_name)
        raise
    return stored_file


def stored_file_set_purpose(*, stored_file: StoredFile, purpose: str) -> StoredFile:
    """Hand a file to another owner (e.g. a ``draft`` attached to an application).

    From then on only the new purpose's checker decides who may fetch it.
    """
    _check_purpose(purpose)
    if stored_file.purpose != purpose:
        stored_file.purpose = purpose
        stored_file.save(update_fields=["purpose"])
    return stored_file


def stored_file_delete(*, stored_file: StoredFile, actor: Any | None) -> None:
    """Delete the row now (with a ``file.delete`` audit record) and the bytes
    once the transaction commits.  A rollback keeps both."""
    name = stored_file.name
    with transaction.atomic():
        StoredFile.objects.filter(pk=stored_file.pk).delete()
        audit_record(actor=actor, action="file.delete", obj=stored_file)
        transaction.on_commit(lambda: _delete_quietly(name))


def stored_files_sweep_orphans(
    *, months: int = 2, grace: timedelta = ORPHAN_GRACE
) -> int:
    """Delete stored bytes that have no row (left by rolled-back transactions).

    Looks at the ``private/<yyyy>/<mm>`` folders of the last ``months``
    months and spares anything younger than ``grace``.  Returns how many
    files it deleted.  Safe to run at any time and concurrently.
    """
    now = timezone.now()
    deleted = 0
    year, month = now.year, now.month
    for _ in range(months):
        folder = f"{STORAGE_PREFIX}/{year:04d}/{month:02d}"
        try:
            _, files = default_storage.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            files = []
        names = [f"{folder}/{file_name}" for file_name in files]
        known = set(
            StoredFile.objects.filter(name__in=names).values_list("name", flat=True)
        )
        for name in names:
            if name in known:
                continue
            try:
                modified = default_storage.get_modified_time(name)
            except (FileNotFoundError, NotImplementedError):
                continue
            if now - modified < grace:
                continue
            # Re-check: the row may have committed since the first query.
            if not StoredFile.objects.filter(name=name).exists():
                _delete_quietly(name)
                deleted += 1
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    if deleted:
        logger.info("deleted %d orphaned stored files", deleted)
    return deleted
