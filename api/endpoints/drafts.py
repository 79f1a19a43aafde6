"""Drafts: start one with its application items as JSON, change it,
validate it (the pages' validator and wording, each problem at its field
path), upload documents per slot and submit it with an
``Idempotency-Key``.  Everything goes through ``applications.services``."""

# No "from __future__ import annotations": django-ninja reads the
# parameter annotations at import time.
import uuid
from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from ninja import File, Header, Router, Schema, Status
from ninja.files import UploadedFile

from api import idempotency
from api.auth import principal
from api.codes import status_code, to_form_values
from api.endpoints.common import Input, operation
from api.problems import Problem, from_form, upload_problem
from api.scopes import Scope
from applications import draft_form, eligibility, selectors, services
from applications.application_forms.engine import Problem as FormProblem
from applications.application_forms.messages import problem_message
from applications.application_forms.schema import FormEdition
from applications.errors import NotDraft, NotEligible
from applications.forms.filing import (
    ApplicationStepForm,
    CompanionsForm,
    DocumentUploadForm,
    TypeChoiceForm,
)
from applications.models import Application
from applications.presenters import draft_slots
from applications.workflow import Status as CaseStatus

router = Router()


# --- Shapes ---------------------------------------------------------------------------


class Details(Input):
    """What is applied for; which of these a type takes is the same as on
    its page (COE/change/acquisition: status, category, period;
    extension: period; acquisition: date of the event; certificate of
    authorised employment: activity)."""

    target_status: str | None = None
    target_subcategory: str | None = None
    requested_period: str | None = None
    event_date: date | None = None
    activity: str | None = None


class CompanionDetails(Input):
    """The companions' own answers, as on the companions page: a re-entry
    permit's ``reentry_variant`` (single/multiple) and ``reentry_until``;
    permission for other activity's ``other_activity_kind``
    (comprehensive/individual) and ``other_activity_details``."""

    reentry_variant: str | None = None
    reentry_until: date | None = None
    other_activity_kind: str | None = None
    other_activity_details: str | None = None


class DraftCreate(Input):
    foreign_national: uuid.UUID
    application_type: str
    companions: list[str] = []
    companion_details: CompanionDetails | None = None
    details: Details | None = None
    form: dict[str, Any] | None = None


class DraftUpdate(Input):
    version: int | None = None
    companions: list[str] | None = None
    companion_details: CompanionDetails | None = None
    details: Details | None = None
    form: dict[str, Any] | None = None


class SlotOut(Schema):
    code: str
    name_ja: str
    name_en: str
    required: bool
    photo: bool


class DocumentOut(Schema):
    file: uuid.UUID
    slot: str
    name: str
    size: int
    content_type: str


class DraftOut(Schema):
    code: uuid.UUID
    status: str
    version: int
    organization: uuid.UUID
    foreign_national: uuid.UUID
    application_type: str
    companions: list[str]
    companion_details: dict[str, Any]
    details: dict[str, Any]
    form_edition: str | None
    form: dict[str, Any]
    slots: list[SlotOut]
    documents: list[DocumentOut]


class ValidationProblem(Schema):
    path: str
    code: str
    message: str


class ValidationOut(Schema):
    valid: bool
    errors: list[ValidationProblem]


class SubmitIn(Input):
    version: int | None = None


class SubmitOut(Schema):
    code: uuid.UUID
    status: str
    receipt_number: str | None
    submitted_at: str | None
    companions: list[dict[str, Any]]


# --- Helpers --------------------------------------------------------------------------


def _draft(request: HttpRequest, code: uuid.UUID, *, write: bool) -> Application:
    user = principal(request).user
    application = selectors.application_get_for_user(
        user=user, code=code, for_write=write
    )
    if application.status != CaseStatus.DRAFT:
        raise NotDraft
    return application


def _companion_details(application: Application) -> dict[str, Any]:
    initial = CompanionsForm(application=application).initial
    return {
        name: initial.get(name)
        for name in (
            "reentry_variant",
            "reentry_until",
            "other_activity_kind",
            "other_activity_details",
        )
        if initial.get(name) not in (None, "")
    }


def draft_out(application: Application) -> dict[str, Any]:
    edition = draft_form.draft_edition(application)
    slots = draft_slots(application)
    documents = selectors.application_documents(application=application)
    return {
        "code": application.code,
        "status": application.status,
        "version": application.version,
        "organization": application.organization.code,
        "foreign_national": application.foreign_national.code,
        "application_type": application.application_type.code,
        "companions": [
            c.application_type.code
            for c in application.companions.select_related("application_type")
        ],
        "companion_details": _companion_details(application),
        "details": {
            "target_status": status_code(application.target_status),
            "target_subcategory": status_code(application.target_subcategory),
            "requested_period": application.requested_period,
            "event_date": application.event_date,
            "activity": (application.answers or {}).get("activity", ""),
        },
        "form_edition": edition.key if edition else None,
        "form": draft_form.saved_raw(application),
        "slots": [
            {
                "code": slot.code,
                "name_ja": slot.name_ja,
                "name_en": slot.name_en,
                "required": slot.required,
                "photo": slot.photo,
            }
            for slot in slots
        ],
        "documents": [
            {
                "file": document.file.code,
                "slot": document.slot.code,
                "name": document.file.original_name,
                "size": document.file.size,
                "content_type": document.file.content_type,
            }
            for document in documents
        ],
    }


def _form_error(edition: FormEdition, problem: FormProblem) -> dict[str, str]:
    return {
        "path": f"form.{problem.path}",
        "code": problem.code,
        "message": problem_message(edition, problem),
    }


def _apply_details(
    request: HttpRequest, application: Application, details: Details, version: int
) -> Application:
    given = details.model_dump(exclude_unset=True)
    to_form_values(given, "target_status", "target_subcategory")
    form = ApplicationStepForm(application=application)
    unknown = sorted(set(given) - set(form.fields))
    if unknown:
        raise Problem(
            "unknown_field",
            "Not asked for this type of application: " + ", ".join(unknown),
            errors=[
                {
                    "path": f"details.{name}",
                    "code": "unknown_field",
                    "message": f"“{name}” is not asked for this type of application.",
                }
                for name in unknown
            ],
        )
    initial = {name: form.initial.get(name) for name in form.fields}
    data = {
        name: value.isoformat() if isinstance(value, date) else str(value or "")
        for name, value in {**initial, **given, "version": version}.items()
    }
    bound = ApplicationStepForm(data, application=application)
    if not bound.is_valid():
        raise from_form(bound, prefix="details")
    return services.application_update(
        application=application,
        expected_version=version,
        actor=principal(request).user,
        fields=bound.changes(),
        section="application",
    )


def _apply_form(
    request: HttpRequest,
    application: Application,
    items: dict[str, Any],
    version: int,
) -> Application:
    """Save the items given, section by section as the pages do: each
    section they touch is checked whole (``engine.clean``) and nothing is
    saved if any has a problem."""
    edition = draft_form.draft_edition(application)
    if edition is None:
        raise Problem(
            "form_invalid",
            "Choose the status of residence first: it selects the form.",
            errors=[
                {
                    "path": "form",
                    "code": "form_no_edition",
                    "message": "There is no application form for this application "
                    "yet: set details.target_status (or the person's current "
                    "status) first.",
                }
            ],
        )
    known = {item.key for item in edition.items()}
    unknown = sorted(set(items) - known)
    if unknown:
        raise Problem(
            "unknown_field",
            "Unknown form items: " + ", ".join(unknown),
            errors=[
                {
                    "path": f"form.{key}",
                    "code": "unknown_field",
                    "message": f"“{key}” is not an item of form {edition.key}.",
                }
                for key in unknown
            ],
        )
    user = principal(request).user
    answers = {**draft_form.draft_answers(application, edition, filer=user), **items}
    sections = [s.key for s in edition.sections if any(i.key in items for i in s.items)]
    results = {key: draft_form.clean_section(edition, answers, key) for key in sections}
    errors = [
        _form_error(edition, problem)
        for result in results.values()
        for problem in result.problems
    ]
    if errors:
        raise Problem("form_invalid", "The answers have problems.", errors=errors)
    for key in sections:
        posted = {
            item.key: answers.get(item.key) for item in edition.section(key).items
        }
        application = services.application_form_save(
            application=application,
            expected_version=version,
            actor=user,
            edition=edition,
            section=key,
            answers=draft_form.to_store(edition, key, posted, results[key].answers),
        )
        version = application.version
    return application


def _apply_companions(
    request: HttpRequest,
    application: Application,
    chosen: list[str] | None,
    details: CompanionDetails | None,
    version: int,
) -> Application:
    """The companions page's form and service: the companions chosen (all of
    them; none removes them) with their answers."""
    form = CompanionsForm(application=application)
    given = details.model_dump(exclude_unset=True) if details else {}
    values: dict[str, Any] = {**form.initial, **given}
    if chosen is not None:
        values["companions"] = chosen
    data: dict[str, Any] = {
        name: value.isoformat() if isinstance(value, date) else str(value or "")
        for name, value in values.items()
        if name != "companions"
    }
    data["companions"] = list(values.get("companions") or [])
    data["version"] = str(version)
    bound = CompanionsForm(data, application=application)
    if not bound.is_valid():
        raise from_form(bound, prefix="companion_details")
    return services.application_companions_set(
        application=application,
        wanted=bound.wanted(),
        expected_version=version,
        actor=principal(request).user,
    )


def _apply(
    request: HttpRequest,
    application: Application,
    payload: DraftCreate | DraftUpdate,
    version: int,
) -> Application:
    chosen = payload.companions if isinstance(payload, DraftUpdate) else None
    if chosen is not None or payload.companion_details is not None:
        application = _apply_companions(
            request, application, chosen, payload.companion_details, version
        )
        version = application.version
    if payload.details is not None:
        application = _apply_details(request, application, payload.details, version)
        version = application.version
    if payload.form:
        application = _apply_form(request, application, payload.form, version)
    return application


# --- Operations -----------------------------------------------------------------------


@operation(router, "get", "", scope=Scope.READ_CASES, response=list[DraftOut])
def list_drafts(request: HttpRequest) -> list[dict[str, Any]]:
    """Drafts of the key's organisations, most recently changed first (at
    most 200)."""
    user = principal(request).user
    return [draft_out(d) for d in selectors.drafts_for_user(user=user)[:200]]


@operation(router, "post", "", scope=Scope.WRITE_DRAFTS, response={201: DraftOut})
def create_draft(request: HttpRequest, payload: DraftCreate) -> Status:
    """Start a draft for a person of one of the key's organisations, with
    its companions (``reentry``, ``other_activity``), optionally with the
    details and form items (``form``: item key → answer, as in the form's
    JSON Schema).  If any of it is refused, no draft is created."""
    user = principal(request).user
    person = selectors.foreign_national_get_for_user(
        user=user, code=payload.foreign_national
    )
    type_form = TypeChoiceForm(
        {
            "application_type": payload.application_type,
            "companions": payload.companions,
        },
        types=selectors.application_types(),
    )
    if not type_form.is_valid():
        raise from_form(type_form)
    main_type, companions = type_form.chosen()
    from applications import rules

    refusals = rules.start_scope_refusals(
        application_type=main_type.code, foreign_national=person
    )
    if refusals:
        raise Problem(
            "form_invalid",
            "This application cannot be filed online.",
            errors=[
                {"path": "application_type", "code": r.code, "message": str(r.message)}
                for r in refusals
            ],
        )
    with transaction.atomic():
        application = services.application_create(
            foreign_national=person,
            application_type=main_type,
            companions=companions,
            actor=user,
        )
        application = _apply(request, application, payload, application.version)
    return Status(201, draft_out(_draft(request, application.code, write=False)))


@operation(router, "get", "/{draft_code}", scope=Scope.READ_CASES, response=DraftOut)
def get_draft(request: HttpRequest, draft_code: uuid.UUID) -> dict[str, Any]:
    return draft_out(_draft(request, draft_code, write=False))


@operation(
    router, "patch", "/{draft_code}", scope=Scope.WRITE_DRAFTS, response=DraftOut
)
def update_draft(
    request: HttpRequest, draft_code: uuid.UUID, payload: DraftUpdate
) -> dict[str, Any]:
    """Change the details and/or form items.  With ``version`` (as read), a
    draft changed meanwhile is refused (409 ``stale_edit``)."""
    application = _draft(request, draft_code, write=True)
    version = payload.version if payload.version is not None else application.version
    with transaction.atomic():
        application = _apply(request, application, payload, version)
    return draft_out(_draft(request, draft_code, write=False))


@operation(
    router,
    "post",
    "/{draft_code}/validate",
    scope=Scope.READ_CASES,
    response=ValidationOut,
)
def validate_draft(request: HttpRequest, draft_code: uuid.UUID) -> dict[str, Any]:
    """Every problem check your answers would show: the form's items (each
    at ``form.<path>``) and the rules for sending (each at its field)."""
    application = _draft(request, draft_code, write=False)
    user = principal(request).user
    errors: list[dict[str, str]] = []
    edition, answers, _states = draft_form.form_status(application, filer=user)
    if edition is not None:
        result = draft_form.engine.clean(
            edition,
            answers,
            code_lists=draft_form.code_lists(),
            today=timezone.localdate(),
        )
        errors += [_form_error(edition, problem) for problem in result.problems]
    for failure in eligibility.check(selectors.filing_facts(application, user=user)):
        errors.append(
            {
                "path": failure.field or "",
                "code": failure.rule,
                "message": str(failure.message),
            }
        )
    return {"valid": not errors, "errors": errors}


@operation(
    router,
    "post",
    "/{draft_code}/documents/{slot_code}",
    scope=Scope.WRITE_DRAFTS,
    response={201: list[DocumentOut]},
)
def upload_document(
    request: HttpRequest,
    draft_code: uuid.UUID,
    slot_code: str,
    file: File[UploadedFile],
) -> Status:
    """Add one file (PDF, JPEG or PNG; a photo slot: JPEG or PNG, 4:3
    upright) to a slot of the draft, with the pages' checks and caps.  A
    file too large answers 413; a hostile one (executable, script, archive,
    polyglot, active PDF content...) ``upload_hostile``."""
    application = _draft(request, draft_code, write=True)
    slot = next((s for s in draft_slots(application) if s.code == slot_code), None)
    if slot is None:
        raise Problem("not_found", "The draft has no such document slot.")
    current = application.version
    upload_form = DocumentUploadForm(
        {f"{slot.code}-version": str(current)},
        {f"{slot.code}-upload": file},
        application=application,
        slot=slot,
    )
    if not upload_form.is_valid():
        upload_errors = upload_form.errors.as_data().get("upload")
        if upload_errors:
            raise upload_problem(upload_errors[0])
        raise from_form(upload_form)
    added = services.application_documents_add(
        application=application,
        slot=slot,
        # One file per call: a refused file made the form invalid above.
        uploads=upload_form.cleaned_data["upload"].accepted,
        expected_version=current,
        actor=principal(request).user,
    )
    return Status(
        201,
        [
            {
                "file": document.file.code,
                "slot": slot.code,
                "name": document.file.original_name,
                "size": document.file.size,
                "content_type": document.file.content_type,
            }
            for document in added
        ],
    )


def _submitted(application: Application) -> dict[str, Any]:
    return {
        "code": str(application.code),
        "status": application.status,
        "receipt_number": application.receipt_number,
        "submitted_at": application.submitted_at.isoformat()
        if application.submitted_at
        else None,
        "companions": [
            {
                "code": str(c.code),
                "application_type": c.application_type.code,
                "receipt_number": c.receipt_number,
            }
            for c in application.companions.select_related("application_type").order_by(
                "pk"
            )
        ],
    }


@operation(
    router,
    "post",
    "/{draft_code}/submit",
    scope=Scope.SUBMIT,
    response={200: SubmitOut},
)
def submit_draft(
    request: HttpRequest,
    draft_code: uuid.UUID,
    payload: SubmitIn | None = None,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> Any:
    """Send the draft with its companions (the check-answers page's
    ``application_submit``: every rule checked, receipt numbers given, the
    organisation told).  ``Idempotency-Key`` is required: the same key with
    the same body answers what the first request answered; with another body
    it is refused (``idempotency_key_reused``)."""
    key = principal(request)

    def run() -> tuple[int, dict[str, Any]]:
        user = key.user
        application = selectors.application_get_for_user(
            user=user, code=draft_code, for_write=True
        )
        if application.status != CaseStatus.DRAFT:
            raise NotDraft
        try:
            submitted = services.application_submit(
                application=application,
                actor=user,
                expected_version=payload.version if payload else None,
            )
        except NotEligible as exc:
            raise Problem(
                "not_eligible",
                "The application breaks rules for sending.",
                errors=[
                    {
                        "path": failure.field or "",
                        "code": failure.rule,
                        "message": str(failure.message),
                    }
                    for failure in exc.failures
                ],
            ) from None
        return 200, _submitted(submitted)

    return idempotency.once(
        request,
        api_key=key.api_key,
        key=idempotency_key,
        operation=f"submit:{draft_code}",
        run=run,
    )
