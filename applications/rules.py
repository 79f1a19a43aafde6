"""What a user may do to a person, a draft or a case now: one predicate per
rule.  The pages ask them to show a button or a panel; the services ask them
(through the ``ensure_*`` guards) to refuse the action.  A rule changes here,
for both.

Object access (404 for strangers) lives in ``applications.selectors``; these
rules answer for an object the user can already see.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from accounts.permissions import can_file, case_office_ids
from applications.application_forms import online_scope
from applications.errors import NotDraft
from applications.models import Application
from applications.selectors import (
    application_file_facts,
    application_in_scope,
    in_scope,
    may_see_every_person,
    scope_facts,
    user_organization_ids,
)
from applications.workflow import BEFORE_DECISION, Action, Status
from portal.files.access import Access
from portal.lib.errors import IllegalTransition


def start_scope_refusals(
    *, application_type: str, foreign_national: Any
) -> list[online_scope.Refusal]:
    """The online-scope rules a new application of ``application_type`` for
    the person breaks already (types about the status held: extension, work
    certificate, re-entry, other activity).  A type about the status applied
    for is checked once it is chosen (eligibility, at check answers and at
    sending) — the same ``online_scope.check``."""
    if application_type in ("coe", "change", "acquisition"):
        return []
    facts = scope_facts(
        application_type=application_type,
        status=foreign_national.current_status,
        subcategory=foreign_national.current_subcategory,
        organization=foreign_national.organization,
    )
    return online_scope.check(facts)


def may_file_for(user: Any, organization_id: int) -> bool:
    """The user may add or change the organisation's people and start, edit
    or delete its drafts: a member (or appointee) with an active account."""
    return organization_id in user_organization_ids(user=user) and can_file(user)


def ensure_can_file_for(user: Any, organization_id: int) -> None:
    """The filer guard of every service (applications and review):
    PermissionDenied unless ``user`` may file for the organisation."""
    if not may_file_for(user, organization_id):
        raise PermissionDenied


def may_start_draft(
    user: Any, organization_id: int, application_type_id: int, person_id: int
) -> bool:
    """May start a draft of this type for this person: may file for the
    organisation, and an appointee's scope covers the type and the person."""
    return may_file_for(user, organization_id) and in_scope(
        user=user,
        organization_id=organization_id,
        application_type_id=application_type_id,
        person_id=person_id,
    )


def ensure_can_start_draft(
    user: Any, organization_id: int, application_type_id: int, person_id: int
) -> None:
    """PermissionDenied unless ``may_start_draft``."""
    if not may_start_draft(user, organization_id, application_type_id, person_id):
        raise PermissionDenied


def may_add_people(user: Any, organization_id: int) -> bool:
    """May add people to the organisation (or bring them in from its
    roster): may file for it, and an appointee's scope is not limited to
    some people (a person added would fall outside it)."""
    return may_file_for(user, organization_id) and may_see_every_person(
        user=user, organization_id=organization_id
    )


def ensure_can_add_people(user: Any, organization_id: int) -> None:
    if not may_add_people(user, organization_id):
        raise PermissionDenied


def may_edit_draft(user: Any, application: Application) -> bool:
    """The application is a draft and the user may file for its organisation
    (change its pages, its companions and its documents)."""
    return application.status == Status.DRAFT and may_file_for(
        user, application.organization_id
    )


def ensure_can_edit_draft(user: Any, application: Application) -> None:
    """PermissionDenied unless the user may file for the organisation;
    NotDraft once the application was submitted.  Call it on the locked row."""
    if not may_edit_draft(user, application):
        ensure_can_file_for(user, application.organization_id)
        raise NotDraft


def may_delete_draft(user: Any, application: Application) -> bool:
    """Deleting a draft is allowed to whoever may edit it."""
    return may_edit_draft(user, application)


def ensure_can_delete_draft(user: Any, application: Application) -> None:
    if not may_delete_draft(user, application):
        ensure_can_file_for(user, application.organization_id)
        raise NotDraft


def may_withdraw(user: Any, application: Application) -> bool:
    """Before a decision, a user who may file for the organisation may
    withdraw the application."""
    return application.status in BEFORE_DECISION and may_file_for(
        user, application.organization_id
    )


def ensure_can_withdraw(user: Any, application: Application) -> None:
    """PermissionDenied for a user who may not act for the organisation;
    IllegalTransition once a decision was made (or it was withdrawn).  Call it
    on the locked row."""
    if not may_withdraw(user, application):
        ensure_can_file_for(user, application.organization_id)
        raise IllegalTransition(application.status, Action.WITHDRAW)


def may_download(user: Any, organization_id: int) -> bool:
    """The users of the application's organisation may download its files
    and receipts (suspended and expired users too: they keep read access)."""
    return organization_id in user_organization_ids(user=user)


def application_file_access(user: Any, stored_file: Any) -> Access:
    """File-access checker for the purposes "application_document" (files
    attached to an application) and "application_receipt" (the receipt PDFs),
    registered in ApplicationsConfig.ready.

    ``may_download`` users get the file; examiners, supervisors and clerks of
    the application's office may also view it inline once it is submitted
    (the clerk checks the photo and the documents at issuance).  Everybody
    else: "none" (the download view answers 404)."""
    facts = application_file_facts(stored_file_id=stored_file.pk)
    if facts is None:
        return "none"
    if may_download(user, facts["organization_id"]) and application_in_scope(
        user=user, application_id=facts["application_id"]
    ):
        return "view"
    if facts["status"] != Status.DRAFT and facts["office_id"] in case_office_ids(user):
        return "view_inline"
    return "none"
