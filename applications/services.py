"""Writes for applications.  ``application_transition`` is the one place a
status changes; submission and withdrawal are built on it, and ``review``
calls it for every examination step."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, OfficerRole, Organization, RosterEntry, User
from accounts.permissions import can_file
from accounts.selectors import officers_of_office
from applications import eligibility
from applications.models import (
    Application,
    ApplicationDocument,
    ApplicationType,
    DocumentSlot,
    ForeignNational,
    StatusEvent,
    StatusOfResidence,
)
from applications.permissions import may_file_for
from applications.selectors import (
    application_document_get,
    document_slots_for,
    foreign_national_duplicate,
    user_organization_ids,
)
from applications.workflow import Action, IllegalTransition, Status, next_status
from portal.audit.services import audit_record
from portal.files.models import StoredFile
from portal.files.services import store_upload, stored_file_delete
from portal.lib.files import CleanedUpload, check_total_size
from portal.lib.tasks import enqueue_on_commit
from portal.notifications.services import notify


class StaleEdit(Exception):
    """The application changed since the page was loaded."""


class NotEligible(Exception):
    """Submission refused: ``failures`` lists the broken rules."""

    def __init__(self, failures: list[eligibility.Failure]) -> None:
        super().__init__("not eligible")
        self.failures = failures


def application_transition(
    *,
    application: Application,
    action: str,
    actor: Any | None,
    note: str = "",
    expected_status: str | None = None,
    fields: dict[str, Any] | None = None,
    notify_kind: str | None = None,
    notify_context: dict[str, Any] | None = None,
) -> Application:
    """Apply ``action`` to the application (and its companions) in one
    transaction: lock, check the table (IllegalTransition), optionally check
    that nobody changed it meanwhile (``expected_status``, StaleEdit), write
    ``fields`` with the new status, record the history event and the audit
    record, and queue notifications to the organisation's users.

    Repeating an action whose target state the application is already in is
    a no-op (a double click)."""
    fields = fields or {}
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update()
            .select_related("organization", "application_type")
            .get(pk=application.pk)
        )
        if expected_status is not None and locked.status != expected_status:
            target = _target_or_none(expected_status, action)
            if target is not None and locked.status == target:
                return locked
            raise StaleEdit
        old = locked.status
        new = next_status(old, action)
        now = timezone.now()
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.status = new
        locked.version += 1
        update = ["status", "version", "updated_at", *fields]
        if new in (Status.GRANTED, Status.DENIED) and locked.decided_at is None:
            locked.decided_at = now
            update.append("decided_at")
        if new in (Status.COMPLETED, Status.DENIED, Status.WITHDRAWN):
            locked.closed_at = now
            update.append("closed_at")
        locked.save(update_fields=list(dict.fromkeys(update)))
        # Companions share the main application's lifecycle.
        locked.companions.exclude(status=new).update(status=new, version=locked.version)
        StatusEvent.objects.create(
            application=locked,
            action=action,
            from_status=old,
            to_status=new,
            actor=actor if getattr(actor, "pk", None) else None,
            note=note,
        )
        audit_record(
            actor=actor,
            action=f"application.{action}",
            obj=locked,
            organization_code=locked.organization.code,
            data={"from": old, "to": new},
        )
        if notify_kind:
            notify_organization(locked, notify_kind, notify_context)
    return locked


def _target_or_none(status: str, action: str) -> str | None:
    try:
        return next_status(status, action)
    except IllegalTransition:
        return None


def organization_users(application: Application) -> list[User]:
    """Who hears about a case: the user who submitted it and every active
    member of the organisation."""
    users = {
        m.user
        for m in Membership.objects.filter(
            organization=application.organization, user__is_active=True
        ).select_related("user")
    }
    if application.submitted_by is not None:
        users.add(application.submitted_by)
    return sorted(users, key=lambda u: u.pk)


def case_context(application: Application) -> dict[str, Any]:
    """What every notification about a case names (no personal values)."""
    return {
        "receipt_number": application.receipt_number,
        "application_type_ja": application.application_type.name_ja,
        "application_type_en": application.application_type.name_en,
    }


def notify_organization(
    application: Application,
    kind: str,
    context: dict[str, Any] | None = None,
    *,
    link: str | None = None,
) -> None:
    """Queue ``kind`` for the organisation's users (inbox + email), in the
    caller's transaction; the link defaults to the user's case page."""
    ctx = {**case_context(application), **(context or {})}
    link = link or reverse("applications:case", args=[application.code])
    for user in organization_users(application):
        notify(recipient=user, kind=kind, context=ctx, link=link)


# --- Submission ------------------------------------------------------------------


def filing_facts(application: Application, *, user: Any) -> eligibility.Filing:
    """Gather what the eligibility rules need from the database."""
    fn = application.foreign_national
    current = fn.current_status

    def facts(status: Any, sub: Any) -> eligibility.StatusFacts | None:
        if status is None:
            return None
        periods = sub.effective_periods if sub is not None else list(status.periods)
        return eligibility.StatusFacts(
            code=status.code,
            table=status.table,
            online_eligible=status.online_eligible,
            activity_restricted=status.activity_restricted,
            periods=tuple(periods),
            subcategory_online_eligible=sub.online_eligible
            if sub is not None
            else True,
        )

    companions = list(application.companions.select_related("application_type"))
    reentry = next(
        (c for c in companions if c.application_type.code == eligibility.REENTRY), None
    )
    slots = document_slots_for(
        application_type=application.application_type,
        status=application.target_status or current,
        org_category=application.organization.category,
    )
    present = set(application.documents.values_list("slot__code", flat=True))
    missing = tuple(s.name_ja for s in slots if s.required and s.code not in present)
    return eligibility.Filing(
        application_type=application.application_type.code,
        today=timezone.localdate(),
        user_in_scope=application.organization_id in user_organization_ids(user=user),
        user_can_file=can_file(user),
        companions=tuple(c.application_type.code for c in companions),
        current_status=facts(current, fn.current_subcategory),
        target_status=facts(application.target_status, application.target_subcategory)
        if application.target_status
        else None,
        current_period=fn.current_period or None,
        expiry=fn.period_expiry,
        requested_period=application.requested_period or None,
        event_date=application.event_date,
        has_residence_card=bool(fn.residence_card_number),
        reentry_until=reentry.reentry_until if reentry else None,
        missing_documents=missing,
    )


def lock_case(
    application: Application,
    *,
    related: tuple[str, ...] = (
        "application_type",
        "foreign_national",
        "organization",
        "office",
    ),
) -> Application:
    """Lock the case's application row for the rest of the transaction and
    return it fresh.

    The lock order rule: a service that locks several rows of one case locks
    the application row first, through this function, and only then the rows
    that hang off it (requests for documents, decisions, payments, companions).
    Two services acting on one case then queue on the same row instead of
    each holding what the other waits for (a deadlock)."""
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related(*related)
        .get(pk=application.pk)
    )


def _receipt_number(office_code: str) -> str:
    year = timezone.localdate().year
    for _attempt in range(20):
        candidate = f"{office_code}-{year}-{secrets.randbelow(10**7):07d}"
        if not Application.objects.filter(receipt_number=candidate).exists():
            return candidate
    raise RuntimeError("could not allocate a receipt number")


def application_submit(
    *, application: Application, actor: User, expected_version: int | None = None
) -> Application:
    """Submit a draft with its companions, atomically.

    Checks every eligibility rule (NotEligible), assigns a receipt number to
    the main application and each companion at once, records who submitted,
    queues the receipt PDFs and tells the organisation.  A second submit (double
    click, re-posted form) returns the submitted application unchanged."""
    with transaction.atomic():
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer
        # joins (office, statuses); only the application row needs the lock.
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related(
                "organization",
                "foreign_national",
                "application_type",
                "office",
                "foreign_national__current_status",
                "foreign_national__current_subcategory",
                "target_status",
                "target_subcategory",
            )
            .get(pk=application.pk)
        )
        if locked.status != Status.DRAFT:
            return locked
        if expected_version is not None and locked.version != expected_version:
            raise StaleEdit
        failures = eligibility.check(filing_facts(locked, user=actor))
        if failures:
            raise NotEligible(failures)
        office = locked.office or locked.organization.office
        now = timezone.now()
        # The person's details are frozen as sent: later edits of the person
        # (for the next application) must not rewrite this one's record.
        answers = {**locked.answers, "person": locked.foreign_national.snapshot()}
        fields = {
            "office": office,
            "submitted_at": now,
            "received_on": timezone.localdate(),
            "submitted_by": actor,
            "receipt_number": _receipt_number(office.code),
            "answers": answers,
        }
        for companion in locked.companions.select_for_update():
            companion.office = office
            companion.submitted_at = now
            companion.received_on = timezone.localdate()
            companion.submitted_by = actor
            companion.receipt_number = _receipt_number(office.code)
            companion.status = Status.SUBMITTED
            companion.save(
                update_fields=[
                    "office",
                    "submitted_at",
                    "received_on",
                    "submitted_by",
                    "receipt_number",
                    "status",
                ]
            )
        locked = application_transition(
            application=locked,
            action=Action.SUBMIT,
            actor=actor,
            fields=fields,
            notify_kind="application_submitted",
        )
        enqueue_on_commit("applications.tasks.render_receipt", locked.pk)
    return locked


def application_withdraw(
    *, application: Application, actor: User, reason: str
) -> Application:
    """Withdraw before a decision, with a reason; the office is told."""
    if not reason.strip():
        raise ValueError("a reason is required")
    with transaction.atomic():
        withdrawn = application_transition(
            application=application,
            action=Action.WITHDRAW,
            actor=actor,
            fields={"withdrawal_reason": reason.strip()},
            notify_kind="application_withdrawn",
        )
        officers = officers_of_office(
            office_id=withdrawn.office_id,
            roles=[OfficerRole.Role.EXAMINER, OfficerRole.Role.SUPERVISOR],
        )
        for officer in officers:
            notify(
                recipient=officer,
                kind="application_withdrawn",
                context={
                    "receipt_number": withdrawn.receipt_number,
                    "application_type_ja": withdrawn.application_type.name_ja,
                    "application_type_en": withdrawn.application_type.name_en,
                    "reason": withdrawn.withdrawal_reason,
                },
            )
    return withdrawn


# --- Foreign nationals ------------------------------------------------------------

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


class DuplicatePerson(Exception):
    """The organisation already has a person with this nationality and
    passport number; ``existing`` is that person."""

    def __init__(self, existing: ForeignNational) -> None:
        super().__init__("duplicate person")
        self.existing = existing


class NotDraft(Exception):
    """The application is no longer a draft (submitted meanwhile)."""


def _require_filer(actor: Any, organization_id: int) -> None:
    if not may_file_for(actor, user_organization_ids(user=actor), organization_id):
        raise PermissionDenied


def _save_person(target: ForeignNational, values: dict[str, Any]) -> None:
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
    Raises PermissionDenied unless the actor may file for the organisation,
    DuplicatePerson when the nationality and passport number are taken,
    StaleEdit when the record changed since ``expected_updated_at`` (the
    ISO time the page was loaded with) — never overwritten silently."""
    _require_filer(actor, organization.pk)
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
                raise StaleEdit
        _save_person(target, values)
        audit_record(
            actor=actor,
            action="foreign_national.add"
            if foreign_national is None
            else "foreign_national.update",
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
    PermissionDenied unless the actor may file for the organisation."""
    _require_filer(actor, entry.organization_id)
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
            action="foreign_national.from_roster",
            obj=person,
            organization_code=entry.organization.code,
        )
    return person


# --- Drafts -----------------------------------------------------------------------


def application_create(
    *,
    foreign_national: ForeignNational,
    application_type: ApplicationType,
    companions: list[ApplicationType],
    actor: User,
) -> Application:
    """Start a draft for ``foreign_national`` (of the organisation the
    person belongs to) with its companion drafts (re-entry, other activity),
    which are rows of their own with ``main`` set.

    Raises PermissionDenied unless the actor may file for the organisation;
    ValueError for a companion type as the main type or companions with a
    type that takes none (the forms prevent both)."""
    organization = foreign_national.organization
    _require_filer(actor, organization.pk)
    if application_type.is_companion:
        raise ValueError("a companion type cannot be filed alone")
    if companions and not application_type.takes_companions:
        raise ValueError(f"{application_type.code} takes no companions")
    if any(not c.is_companion for c in companions):
        raise ValueError("only companion types can be companions")
    with transaction.atomic():
        main = Application.objects.create(
            application_type=application_type,
            organization=organization,
            foreign_national=foreign_national,
            created_by=actor,
        )
        for companion_type in companions:
            Application.objects.create(
                application_type=companion_type,
                main=main,
                organization=organization,
                foreign_national=foreign_national,
                created_by=actor,
            )
        audit_record(
            actor=actor,
            action="application.create",
            obj=main,
            organization_code=organization.code,
            data={"type": application_type.code, "companions": len(companions)},
        )
    return main


def _lock_draft(
    application: Application, expected_version: int | None, *, with_person: bool = False
) -> Application:
    """Lock the draft's row (and, ``with_person``, its foreign national's, in
    the same query); NotDraft once it was submitted, StaleEdit when its
    version is not the one the page was loaded with."""
    rows = Application.objects.select_for_update()
    if with_person:
        rows = rows.select_related("foreign_national")
    locked = rows.get(pk=application.pk)
    if locked.status != Status.DRAFT:
        raise NotDraft
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit
    return locked


def _bump(
    locked: Application, fields: dict[str, Any], section: str | None
) -> Application:
    for name, value in fields.items():
        setattr(locked, name, value)
    update = ["version", "updated_at", *fields]
    if section:
        saved = list(locked.answers.get("saved", []))
        if section not in saved:
            locked.answers = {**locked.answers, "saved": [*saved, section]}
            update.append("answers")
    locked.version += 1
    locked.save(update_fields=list(dict.fromkeys(update)))
    return locked


DRAFT_FIELDS = frozenset(
    {
        "target_status",
        "target_subcategory",
        "requested_period",
        "event_date",
        "answers",
    }
)


def application_update(
    *,
    application: Application,
    expected_version: int,
    actor: User,
    fields: dict[str, Any] | None = None,
    person: dict[str, Any] | None = None,
    person_loaded_at: str | None = None,
    section: str | None = None,
) -> Application:
    """Save one page of a draft: ``fields`` of the application (DRAFT_FIELDS)
    and/or ``person``, the foreign national's details (FOREIGN_NATIONAL_FIELDS,
    written to the organisation's record of the person).  ``section`` is
    remembered as answered (the task list).

    The save is refused — nothing written — with StaleEdit when the draft
    changed since ``expected_version`` was read (another tab, a colleague),
    NotDraft when it was submitted meanwhile, DuplicatePerson when the
    person's nationality and passport number belong to another person,
    PermissionDenied unless the actor may file for the organisation.  The
    person's record is shared by the organisation's drafts and its own page:
    ``person_loaded_at`` (its ``updated_at`` when the page was loaded) guards
    it the same way."""
    fields = dict(fields or {})
    unknown = set(fields) - DRAFT_FIELDS
    if unknown:
        raise ValueError(f"not draft fields: {sorted(unknown)}")
    _require_filer(actor, application.organization_id)
    with transaction.atomic():
        locked = _lock_draft(application, expected_version, with_person=bool(person))
        if person:
            target = locked.foreign_national
            if (
                person_loaded_at is not None
                and target.updated_at.isoformat() != person_loaded_at
            ):
                raise StaleEdit
            _save_person(target, person)
        if "answers" in fields:
            fields["answers"] = {**locked.answers, **fields["answers"]}
        return _bump(locked, fields, section)


COMPANION_FIELDS = {
    eligibility.REENTRY: ("reentry_variant", "reentry_until"),
    eligibility.OTHER_ACTIVITY: ("other_activity_kind", "other_activity_details"),
}


def application_companions_set(
    *,
    application: Application,
    wanted: dict[str, dict[str, Any]],
    expected_version: int,
    actor: User,
) -> Application:
    """Make the draft's companions exactly ``wanted`` ({type code: its
    fields}): add, change, and remove (a companion's draft goes with it).
    Refused like ``application_update``; ValueError for a type that takes no
    companions or an unknown companion."""
    unknown = set(wanted) - set(COMPANION_FIELDS)
    if unknown:
        raise ValueError(f"not companion types: {sorted(unknown)}")
    _require_filer(actor, application.organization_id)
    with transaction.atomic():
        locked = _lock_draft(application, expected_version)
        main_type = ApplicationType.objects.get(pk=locked.application_type_id)
        if wanted and not main_type.takes_companions:
            raise ValueError(f"{main_type.code} takes no companions")
        existing = {
            c.application_type.code: c
            for c in locked.companions.select_related("application_type")
        }
        for code, companion in existing.items():
            if code not in wanted:
                companion.delete()
        types = {t.code: t for t in ApplicationType.objects.filter(code__in=wanted)}
        for code, values in wanted.items():
            allowed = set(COMPANION_FIELDS[code])
            values = {k: v for k, v in values.items() if k in allowed}
            current = existing.get(code)
            if current is None:
                Application.objects.create(
                    application_type=types[code],
                    main=locked,
                    organization_id=locked.organization_id,
                    foreign_national_id=locked.foreign_national_id,
                    created_by=actor,
                    **values,
                )
            else:
                changed = [k for k, v in values.items() if getattr(current, k) != v]
                for k in changed:
                    setattr(current, k, values[k])
                if changed:
                    current.save(update_fields=[*changed, "updated_at"])
        return _bump(locked, {}, "companions")


def application_documents_add(
    *,
    application: Application,
    slot: DocumentSlot,
    uploads: list[CleanedUpload],
    expected_version: int,
    actor: User,
) -> list[ApplicationDocument]:
    """Store validated files for one slot of a draft (purpose
    "application_document").  The application's total size is checked under
    the row lock, so two tabs cannot together pass the cap: ValidationError
    (``too_large_total``) and nothing is stored.  Refused like
    ``application_update``."""
    _require_filer(actor, application.organization_id)
    with transaction.atomic():
        locked = _lock_draft(application, expected_version)
        used = (
            StoredFile.objects.filter(
                pk__in=ApplicationDocument.objects.filter(application=locked).values(
                    "file_id"
                )
            ).aggregate(total=Sum("size"))["total"]
            or 0
        )
        check_total_size(current_bytes=used, adding_bytes=sum(u.size for u in uploads))
        added = []
        for upload in uploads:
            stored = store_upload(
                cleaned=upload, uploaded_by=actor, purpose="application_document"
            )
            added.append(
                ApplicationDocument.objects.create(
                    application=locked, slot=slot, file=stored
                )
            )
        audit_record(
            actor=actor,
            action="application.documents_add",
            obj=locked,
            organization_code=application.organization.code,
            data={"slot": slot.code, "files": len(added)},
        )
        _bump(locked, {}, None)
    return added


def application_document_remove(
    *, application: Application, file_code: Any, expected_version: int, actor: User
) -> None:
    """Remove one file from a draft (the stored bytes go once the
    transaction commits).  Refused like ``application_update``; Http404 when
    the file is not one of the draft's."""
    _require_filer(actor, application.organization_id)
    with transaction.atomic():
        locked = _lock_draft(application, expected_version)
        document = application_document_get(application=locked, file_code=file_code)
        stored = document.file
        document.delete()
        stored_file_delete(stored_file=stored, actor=actor)
        _bump(locked, {}, None)


def application_draft_delete(
    *, application: Application, expected_version: int, actor: User
) -> None:
    """Delete a draft on the user's explicit request, with its companions
    and files.  Drafts are never deleted any other way.  Refused like
    ``application_update``."""
    _require_filer(actor, application.organization_id)
    with transaction.atomic():
        locked = _lock_draft(application, expected_version)
        files = list(
            StoredFile.objects.filter(
                pk__in=ApplicationDocument.objects.filter(
                    application__in=[locked, *locked.companions.all()]
                ).values("file_id")
            )
        )
        audit_record(
            actor=actor,
            action="application.delete_draft",
            obj=locked,
            organization_code=application.organization.code,
        )
        ApplicationDocument.objects.filter(application__main=locked).delete()
        ApplicationDocument.objects.filter(application=locked).delete()
        locked.companions.all().delete()
        locked.delete()
        for stored in files:
            stored_file_delete(stored_file=stored, actor=actor)
