"""The organisation's roster of foreign employees and planned hires: import,
add, change, delete and export.  Writers must be allowed to change the
organisation (``permissions.may_change_organization``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import IntegrityError, transaction

from accounts import permissions
from accounts.errors import RosterConflict
from accounts.models import Organization, RosterEntry, User
from portal.audit.events import AuditAction
from portal.audit.services import audit_record

ROSTER_FIELDS = (
    "family_name",
    "given_name",
    "name_kanji",
    "sex",
    "date_of_birth",
    "nationality",
    "status_of_residence",
    "residence_card_number",
    "period_expiry",
    "planned_hire",
)
_KEY_FIELDS = ("nationality", "family_name", "given_name", "date_of_birth")


def import_roster(organization: Organization, rows: list[dict[str, Any]]) -> int:
    """Add the validated rows to the organisation's roster (matching people
    already on it by nationality, names and date of birth: those are updated).

    One INSERT … ON CONFLICT DO UPDATE per batch, so 10,000 rows cost a few
    queries, not 10,000.  A person twice in ``rows`` is written once (the last
    row wins) — PostgreSQL refuses to update one row twice in a statement."""
    by_person: dict[tuple[Any, ...], RosterEntry] = {}
    for row in rows:
        values = {k: row.get(k) for k in ROSTER_FIELDS}
        values = {
            k: ("" if v is None and k not in ("date_of_birth", "period_expiry") else v)
            for k, v in values.items()
        }
        values["planned_hire"] = bool(values["planned_hire"])
        entry = RosterEntry(organization=organization, **values)
        by_person[tuple(str(values[k]) for k in _KEY_FIELDS)] = entry
    entries = list(by_person.values())
    RosterEntry.objects.bulk_create(
        entries,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["organization", *_KEY_FIELDS],
        update_fields=[f for f in ROSTER_FIELDS if f not in _KEY_FIELDS]
        + ["updated_at"],
    )
    return len(entries)


def roster_import(
    *, organization: Organization, rows: list[dict[str, Any]], actor: User
) -> int:
    """Upsert rows validated by ``accounts.roster_csv.parse_roster_csv`` into
    the roster (people already on it are updated, matched by nationality,
    names and date of birth) and audit ``roster.import`` with the count.  One
    transaction: all rows or none.  Returns how many rows were written.
    PermissionDenied unless ``actor`` may change the organisation."""
    permissions.ensure(permissions.may_change_organization(actor, organization))
    with transaction.atomic():
        count = import_roster(organization, rows)
        audit_record(
            actor=actor,
            action=AuditAction.ROSTER_IMPORT,
            obj=organization,
            organization_code=organization.code,
            data={"count": count},
        )
    return count


def roster_entry_save(
    *,
    organization: Organization,
    values: dict[str, Any],
    actor: User,
    entry: RosterEntry | None = None,
) -> RosterEntry:
    """Add a person to the roster (``entry`` None) or change one.  ``values``
    are cleaned form values (the RosterEntry fields).  Raises RosterConflict
    when the person is already on the roster as another entry, and
    PermissionDenied unless ``actor`` may change the organisation."""
    unknown = set(values) - set(ROSTER_FIELDS)
    if unknown:
        raise ValueError(f"not roster fields: {sorted(unknown)}")
    permissions.ensure(permissions.may_change_organization(actor, organization))
    with transaction.atomic():
        if entry is None:
            target = RosterEntry(organization=organization)
        else:
            target = RosterEntry.objects.select_for_update().get(
                pk=entry.pk, organization=organization
            )
        for name, value in values.items():
            setattr(target, name, value)
        clash = RosterEntry.objects.filter(
            organization=organization,
            nationality=target.nationality,
            family_name=target.family_name,
            given_name=target.given_name,
            date_of_birth=target.date_of_birth,
        ).exclude(pk=target.pk)
        if clash.exists():
            raise RosterConflict
        try:
            with transaction.atomic():
                target.save()
        except IntegrityError:  # a concurrent add of the same person
            raise RosterConflict from None
        audit_record(
            actor=actor,
            action=AuditAction.ROSTER_ADD
            if entry is None
            else AuditAction.ROSTER_UPDATE,
            obj=target,
            organization_code=organization.code,
        )
    return target


def roster_entry_delete(*, entry: RosterEntry, actor: User) -> None:
    """Remove a person from the roster (they left, or the hire fell through).
    PermissionDenied unless ``actor`` may change the organisation."""
    permissions.ensure(permissions.may_change_organization(actor, entry.organization))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.ROSTER_DELETE,
            obj=entry,
            organization_code=entry.organization.code,
        )
        RosterEntry.objects.filter(pk=entry.pk).delete()


def roster_export(*, organization: Organization, actor: User) -> bytes:
    """The roster as a CSV file (the import format); every export is audited."""
    from accounts.roster_csv import roster_to_csv

    entries = RosterEntry.objects.filter(organization=organization).order_by(
        "family_name", "given_name", "date_of_birth", "id"
    )
    count = 0

    def counted() -> Iterator[RosterEntry]:
        nonlocal count
        for entry in entries.iterator(chunk_size=2000):
            count += 1
            yield entry

    with transaction.atomic():
        data = roster_to_csv(counted())
        audit_record(
            actor=actor,
            action=AuditAction.ROSTER_EXPORT,
            obj=organization,
            organization_code=organization.code,
            data={"count": count},
        )
    return data
