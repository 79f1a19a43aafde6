"""Writes for applications.  Every status change goes through
``application_transition`` (``transitions``): submission, withdrawal and every
examination step of ``review`` are built on it, and companions move with their
main application through it.  Drafts and people are written by ``drafts`` and
``people``; each write asks ``applications.rules`` whether the actor may.

This package's names below are its public surface (``review`` imports from
here).  ``filing_facts``, ``organization_users`` and ``case_context`` are reads
(``applications.selectors``), re-exported for callers of the services.
"""

from __future__ import annotations

from applications.errors import DuplicatePerson, NotDraft, NotEligible
from applications.selectors import case_context, filing_facts, organization_users
from applications.services.appointments import (
    appointment_appoint,
    appointment_rescope,
)
from applications.services.drafts import (
    COMPANION_FIELDS,
    DRAFT_FIELDS,
    application_companions_set,
    application_create,
    application_document_remove,
    application_documents_add,
    application_draft_delete,
    application_form_save,
    application_update,
    organisation_profile_save,
)
from applications.services.people import (
    FOREIGN_NATIONAL_FIELDS,
    foreign_national_from_roster,
    foreign_national_save,
)
from applications.services.submission import (
    allocate_receipt_number,
    application_submit,
    application_withdraw,
)
from applications.services.transitions import (
    AUDIT_ACTIONS,
    Submission,
    application_transition,
    lock_case,
    notify_organization,
)
from portal.lib.errors import IllegalTransition, StaleEdit

__all__ = [
    "AUDIT_ACTIONS",
    "COMPANION_FIELDS",
    "DRAFT_FIELDS",
    "FOREIGN_NATIONAL_FIELDS",
    "DuplicatePerson",
    "IllegalTransition",
    "NotDraft",
    "NotEligible",
    "StaleEdit",
    "Submission",
    "allocate_receipt_number",
    "application_companions_set",
    "application_create",
    "application_document_remove",
    "application_documents_add",
    "application_draft_delete",
    "application_form_save",
    "application_submit",
    "application_transition",
    "application_update",
    "application_withdraw",
    "appointment_appoint",
    "appointment_rescope",
    "case_context",
    "filing_facts",
    "foreign_national_from_roster",
    "foreign_national_save",
    "lock_case",
    "notify_organization",
    "organisation_profile_save",
    "organization_users",
]
