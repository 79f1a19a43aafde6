"""The organisation's records of foreign nationals: add, change, and take
over from the roster.  Every write checks ``rules.ensure_can_file_for``."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.models import Organization, RosterEntry, User
from applications import rules
from applications.errors import PERSON_CHANGED, DuplicatePerson
from applications.models import ForeignNational, StatusOfResidence
from applications.selectors import foreign_national_duplicate
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.errors import StaleEdit

FOREIGN_NATIONAL_FIELDS = (
    "family_name",
    "given_name",
    "name_kanji",
    "sex",
    "date_of_birth",
    "nationality",
    "passport_number",
    "passport_expiry",
    "residence_card_number",
    "current_status",
    "current_subcategory",
    "current_period",
    "period_expiry",
    "address_in_japan",
)


def save_person(target: ForeignNational, values: dict[str, Any]) -> None:
    """Write ``values`` onto ``target`` and save, refusing a duplicate
    (nationality + passport number) with DuplicatePerson — also when a
    concurrent save wins the race to the unique constraint."""
    unknown = set(values) - set(FOREIGN_NATIONAL_FIELDS)
    if unknown:
        raise ValueError(f"not foreign-national fields: {sorted(unknown)}")
    key_before = (target.nationality, target.passport_number) if target.pk else None
    for name, value in values.items():
        setattr(target, name, value)
    # A person whose nationality and passport number stay as they were cannot
    # become a duplicate by this save; the unique constraint backs the rest.
    if (target.nationality, target.passport_number) != key_before:
        existing = foreign_national_duplicate(
            organization_id=target.organization_id,
            nationality=target.nationality,
            passport_number=target.passport_number,
            exclude_pk=target.pk,
        )
        if existing is not None:
            raise DuplicatePerson(existing)
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        existing = foreign_national_duplicate(
            organization_id=target.organization_id,
            nationality=target.nationality,
            passport_number=target.passport_number,
            exclude_pk=target.pk,
        )
        if existing is None:
            raise
        raise DuplicatePerson(existing) from None


def foreign_national_save(
    *,
    organization: Organization,
    values: dict[str, Any],
    actor: User,
    foreign_national: ForeignNational | None = None,
    expected_updated_at: str | None = None,
) -> ForeignNational:
    """Add a person to the organisation (``foreign_national`` None) or change
    one.  ``values`` are cleaned form values (FOREIGN_NATIONAL_FIELDS).
    Raises PermissionDenied unless the actor may file for the organisation
    (and, to add a person, ``rules.may_add_people``), DuplicatePerson when the nationality and passport number are taken,
    StaleEdit when the record changed since ``expected_updated_at`` (the
    ISO time the page was loaded with) — never overwritten silently."""
    if foreign_national is None:
        rules.ensure_can_add_people(actor, organization.pk)
    else:
        rules.ensure_can_file_for(actor, organization.pk)
    with transaction.atomic():
        if foreign_national is None:
            target = ForeignNational(organization=organization)
        else:
            target = ForeignNational.objects.select_for_update().get(
                pk=foreign_national.pk, organization=organization
            )
            if (
                expected_updated_at is not None
                and target.updated_at.isoformat() != expected_updated_at
            ):
                raise StaleEdit(PERSON_CHANGED)
        save_person(target, values)
        audit_record(
            actor=actor,
            action=AuditAction.FOREIGN_NATIONAL_ADD
            if foreign_national is None
            else AuditAction.FOREIGN_NATIONAL_UPDATE,
            obj=target,
            organization_code=organization.code,
        )
    return target


def _status_from_text(text: str) -> StatusOfResidence | None:
    """The status a roster's free-text "status of residence" names (Japanese
    or English name, or code); None when it names none."""
    text = " ".join(text.split())
    if not text:
        return None
    return (
        StatusOfResidence.objects.filter(
            Q(name_ja=text) | Q(name_en__iexact=text) | Q(code=text)
        )
        .order_by("sort_order")
        .first()
    )


def foreign_national_from_roster(*, entry: RosterEntry, actor: User) -> ForeignNational:
    """The organisation's record of the person on roster ``entry``: the one
    already linked to it, or the one with the same residence card number
    (then linked), or a new one copied from the roster.  Raises
    PermissionDenied unless ``rules.may_add_people``."""
    rules.ensure_can_add_people(actor, entry.organization_id)
    with transaction.atomic():
        linked = ForeignNational.objects.filter(roster_entry=entry).first()
        if linked is not None:
            return linked
        if entry.residence_card_number:
            same_card = (
                ForeignNational.objects.select_for_update()
                .filter(
                    organization_id=entry.organization_id,
                    residence_card_number=entry.residence_card_number,
                )
                .first()
            )
            if same_card is not None:
                same_card.roster_entry = entry
                same_card.save(update_fields=["roster_entry", "updated_at"])
                return same_card
        person = ForeignNational.objects.create(
            organization_id=entry.organization_id,
            roster_entry=entry,
            family_name=entry.family_name,
            given_name=entry.given_name,
            name_kanji=entry.name_kanji,
            sex=entry.sex,
            date_of_birth=entry.date_of_birth,
            nationality=entry.nationality,
            residence_card_number=entry.residence_card_number,
            current_status=_status_from_text(entry.status_of_residence),
            period_expiry=entry.period_expiry,
        )
        audit_record(
            actor=actor,
            action=AuditAction.FOREIGN_NATIONAL_FROM_ROSTER,
            obj=person,
            organization_code=entry.organization.code,
        )
    return person


def person_record_grant(
    *,
    person: ForeignNational,
    application: Any,
    status: StatusOfResidence | None,
    subcategory: Any = None,
    period: str,
    period_expiry: Any,
    card_number: str | None,
) -> ForeignNational:
    """On issuance the person's record takes what was granted: the status,
    period and its expiry, and the new card number (None: no card, the
    number on record stays).  The values replaced are kept as a
    ``PersonRecordHistory`` row.  The caller holds the case lock; the person
    row is locked here (after the case, as ``lock_case`` asks)."""
    from applications.models import PersonRecordHistory

    locked = ForeignNational.objects.select_for_update().get(pk=person.pk)
    PersonRecordHistory.objects.create(
        foreign_national=locked,
        application=application,
        status_id=locked.current_status_id,
        period=locked.current_period,
        period_expiry=locked.period_expiry,
        residence_card_number=locked.residence_card_number,
    )
    if status is not None:
        if subcategory is not None or locked.current_status_id != status.pk:
            locked.current_subcategory = subcategory
        locked.current_status = status
    locked.current_period = period
    locked.period_expiry = period_expiry
    if card_number is not None:
        locked.residence_card_number = card_number
    locked.save(
        update_fields=[
            "current_status",
            "current_subcategory",
            "current_period",
            "period_expiry",
            "residence_card_number",
            "updated_at",
        ]
    )
    return locked
