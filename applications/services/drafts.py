"""A draft's life before it is sent: start it (with its companions), save
its pages, its companions and its documents, delete it.  Every write locks
the draft and asks ``rules`` (the pages ask the same rules for their
buttons); a page loaded before someone else's save is refused (StaleEdit)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Sum

from accounts.models import User
from applications import eligibility, rules
from applications.application_forms import storage
from applications.application_forms.schema import FormEdition
from applications.errors import DRAFT_CHANGED, PERSON_CHANGED
from applications.models import (
    Application,
    ApplicationDocument,
    ApplicationType,
    DocumentSlot,
    ForeignNational,
    OrganisationProfile,
)
from applications.selectors import application_document_get
from applications.services.people import save_person
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.files.models import StoredFile
from portal.files.services import store_upload, stored_file_delete
from portal.lib.errors import StaleEdit
from portal.lib.files import CleanedUpload, check_total_size
from portal.lib.once import create_once


def application_create(
    *,
    foreign_national: ForeignNational,
    application_type: ApplicationType,
    companions: list[ApplicationType],
    actor: User,
    start_token: uuid.UUID | None = None,
    person_checked: bool = False,
) -> Application:
    """Start a draft for ``foreign_national`` (of the organisation the
    person belongs to) with its companion drafts (re-entry, other activity),
    which are rows of their own with ``main`` set.

    ``person_checked``: the actor has just saved the person's record and it
    answers the person's page; that page then starts as done.

    With the start form's ``start_token``, the same form sent again (a double
    click, concurrent POSTs) returns the draft the first one created.

    Raises PermissionDenied unless the actor may file for the organisation
    and an appointee's scope covers the type and the person; ValueError for
    a companion type as the main type or companions with a
    type that takes none (the forms prevent both)."""
    organization = foreign_national.organization
    # Within an appointee's scope only (the type and the person).
    rules.ensure_can_start_draft(
        actor, organization.pk, application_type.pk, foreign_national.pk
    )
    if application_type.is_companion:
        raise ValueError("a companion type cannot be filed alone")
    if companions and not application_type.takes_companions:
        raise ValueError(f"{application_type.code} takes no companions")
    if any(not c.is_companion for c in companions):
        raise ValueError("only companion types can be companions")

    def create() -> Application:
        return _create_draft(
            foreign_national=foreign_national,
            application_type=application_type,
            companions=companions,
            actor=actor,
            start_token=start_token,
            person_checked=person_checked,
        )

    main, _created = create_once(
        Application,
        token=start_token,
        create=create,
        owned=lambda existing: (
            existing.created_by_id == actor.pk
            and existing.foreign_national_id == foreign_national.pk
        ),
    )
    return main


def _create_draft(
    *,
    foreign_national: ForeignNational,
    application_type: ApplicationType,
    companions: list[ApplicationType],
    actor: User,
    start_token: uuid.UUID | None,
    person_checked: bool = False,
) -> Application:
    organization = foreign_national.organization
    with transaction.atomic():
        main = Application.objects.create(
            application_type=application_type,
            organization=organization,
            foreign_national=foreign_national,
            created_by=actor,
            start_token=start_token,
            answers={"saved": ["person"]} if person_checked else {},
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
            action=AuditAction.APPLICATION_CREATE,
            obj=main,
            organization_code=organization.code,
            data={"type": application_type.code, "companions": len(companions)},
        )
    return main


def _lock_draft(
    application: Application,
    expected_version: int | None,
    actor: User,
    *,
    with_person: bool = False,
    guard: Callable[[User, Application], None] = rules.ensure_can_edit_draft,
) -> Application:
    """Lock the draft's row (and, ``with_person``, its foreign national's, in
    the same query) and apply ``guard`` to it: PermissionDenied unless the
    actor may file for the organisation, NotDraft once it was submitted.
    StaleEdit when its version is not the one the page was loaded with."""
    rows = Application.objects.select_for_update()
    if with_person:
        rows = rows.select_related("foreign_national")
    locked = rows.get(pk=application.pk)
    guard(actor, locked)
    if expected_version is not None and locked.version != expected_version:
        raise StaleEdit(DRAFT_CHANGED)
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
    with transaction.atomic():
        locked = _lock_draft(
            application, expected_version, actor, with_person=bool(person)
        )
        if person:
            target = locked.foreign_national
            if (
                person_loaded_at is not None
                and target.updated_at.isoformat() != person_loaded_at
            ):
                raise StaleEdit(PERSON_CHANGED)
            save_person(target, person)
        if "answers" in fields:
            fields["answers"] = {**locked.answers, **fields["answers"]}
        return _bump(locked, fields, section)


def application_form_save(
    *,
    application: Application,
    expected_version: int,
    actor: User,
    edition: FormEdition,
    section: str,
    answers: dict[str, Any],
) -> Application:
    """Save one page of the draft's 申請書: ``answers`` (the page's items,
    already checked by ``engine.clean``) replace that page's stored answers;
    every other stored answer is kept, also those the edition does not know
    (a draft whose edition changed loses nothing).  Refused like
    ``application_update``."""
    with transaction.atomic():
        locked = _lock_draft(application, expected_version, actor)
        stored = (locked.answers or {}).get("form") or {}
        raw = {**(stored.get("raw") or {}), **answers}
        form = storage.envelope(edition, raw=raw)
        locked.answers = {**locked.answers, "form": form}
        return _bump(locked, {"answers": locked.answers}, f"form-{section}")


def organisation_profile_save(
    *, organization: Any, values: dict[str, Any], actor: User
) -> OrganisationProfile:
    """Create or change the organisation's profile (the answers every
    application's 所属機関等作成用 part starts from).  PermissionDenied
    unless the actor may file for the organisation."""
    rules.ensure_can_file_for(actor, organization.pk)
    unknown = set(values) - set(OrganisationProfile.PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    with transaction.atomic():
        profile, _created = (
            OrganisationProfile.objects.select_for_update().get_or_create(
                organization=organization
            )
        )
        for name, value in values.items():
            setattr(profile, name, value)
        profile.updated_by = actor
        profile.save()
        audit_record(
            actor=actor,
            action=AuditAction.ORGANISATION_PROFILE_SAVE,
            obj=profile,
            organization_code=organization.code,
        )
    return profile


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
    with transaction.atomic():
        locked = _lock_draft(application, expected_version, actor)
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
    with transaction.atomic():
        locked = _lock_draft(application, expected_version, actor)
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
            action=AuditAction.APPLICATION_DOCUMENTS_ADD,
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
    with transaction.atomic():
        locked = _lock_draft(application, expected_version, actor)
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
    with transaction.atomic():
        locked = _lock_draft(
            application, expected_version, actor, guard=rules.ensure_can_delete_draft
        )
        files = list(
            StoredFile.objects.filter(
                pk__in=ApplicationDocument.objects.filter(
                    application__in=[locked, *locked.companions.all()]
                ).values("file_id")
            )
        )
        audit_record(
            actor=actor,
            action=AuditAction.APPLICATION_DELETE_DRAFT,
            obj=locked,
            organization_code=application.organization.code,
        )
        ApplicationDocument.objects.filter(application__main=locked).delete()
        ApplicationDocument.objects.filter(application=locked).delete()
        locked.companions.all().delete()
        locked.delete()
        for stored in files:
            stored_file_delete(stored_file=stored, actor=actor)
