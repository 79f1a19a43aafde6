"""The filing flow: the organisation's foreign nationals, starting an
application, its draft pages (one topic each, saved at every step), the
documents, check your answers, the declaration and submission.

Access: every draft URL goes through ``selectors.application_get_for_user``
(404 for anyone outside the application's organisations; 403 on writes for
suspended or expired users, who keep read access).  Drafts belong to the
organisation: a colleague or an appointed attorney continues one.  Every page
carries the draft's version; a save made on a page loaded before someone
else's change is refused (409) and the page shows the newer answers.

Eligibility failures are shown at check your answers, each linking to the
page whose answer must change (``?rules=1``); that page then shows the same
failure at its field, with the error summary.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roster_csv
from accounts.models import Organization, RosterEntry, User
from accounts.permissions import can_file, is_portal_user
from accounts.selectors import organizations_for_user
from accounts.validators import normalize_text
from applications import eligibility, selectors, services
from applications import validators as v
from applications.forms import (
    ApplicationStepForm,
    Catalogue,
    CompanionsForm,
    DeleteDraftForm,
    DocumentUploadForm,
    ForeignNationalForm,
    OrganizationChoiceForm,
    PersonChoiceForm,
    PersonStepForm,
    RemoveFileForm,
    SubmitForm,
    TypeChoiceForm,
    localized_name,
)
from applications.models import (
    Application,
    ApplicationType,
    DocumentSlot,
    Fee,
    StatusOfResidence,
)
from applications.workflow import Status

PEOPLE_PAGE_SIZE = 50
PEOPLE_CHOICES_SHOWN = 50

# The draft's pages in order: (key, URL name, title).
SECTIONS: list[tuple[str, str, Any]] = [
    ("person", "applications:draft_person", gettext_lazy("The person")),
    (
        "application",
        "applications:draft_application",
        gettext_lazy("What is applied for"),
    ),
    (
        "companions",
        "applications:draft_companions",
        gettext_lazy("Re-entry permit and other activity"),
    ),
    ("documents", "applications:draft_documents", gettext_lazy("Documents")),
]
SECTION_URLS = {key: url for key, url, _title in SECTIONS}
SECTION_TITLES = {key: title for key, _url, title in SECTIONS}

# Where an eligibility failure's ``field`` is answered: (page, element id).
RULE_PAGES: dict[str, tuple[str, str]] = {
    "current_status": ("person", "id_current_status"),
    "residence_card_number": ("person", "id_residence_card_number"),
    "expiry": ("person", "id_period_expiry"),
    "target_status": ("application", "id_target_status"),
    "requested_period": ("application", "id_requested_period"),
    "event_date": ("application", "id_event_date"),
    "companions": ("companions", "id_companions_0"),
    "reentry_until": ("companions", "id_reentry_until"),
    "documents": ("documents", "documents-title"),
}


# --- Access -------------------------------------------------------------------------------


def _draft(request: HttpRequest, code: Any, *, write: bool) -> Application:
    """The draft ``code`` of one of the user's organisations (404 otherwise;
    403 on a write by a suspended or expired user).  A submitted application
    raises NotDraft (the caller sends the user to its confirmation)."""
    application = selectors.application_get_for_user(
        user=request.user, code=code, for_write=write
    )
    if application.status != Status.DRAFT:
        raise services.NotDraft
    return application


def _submitted_redirect(request: HttpRequest, code: Any) -> HttpResponse:
    messages.info(request, v.NOT_A_DRAFT)
    return redirect("applications:submitted", code)


def _actor(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _require_can_file(request: HttpRequest) -> None:
    if not can_file(request.user):
        raise PermissionDenied


def _organizations(request: HttpRequest) -> list[Organization]:
    return list(organizations_for_user(user=request.user).order_by("name_ja", "pk"))


def _organization(request: HttpRequest, code: Any) -> Organization:
    for org in _organizations(request):
        if str(org.code) == str(code):
            return org
    raise Http404


# --- Helpers ------------------------------------------------------------------------------


def _sections(application: Application) -> list[str]:
    keys = ["person", "application", "documents"]
    if application.application_type.takes_companions:
        keys.insert(2, "companions")
    return keys


def _section_url(application: Application, key: str) -> str:
    if key == "check":
        return reverse("applications:draft_check", args=[application.code])
    return reverse(SECTION_URLS[key], args=[application.code])


def _next_url(request: HttpRequest, application: Application, section: str) -> str:
    """After saving a page: back to check your answers when the user came
    from there, else the next page."""
    if request.GET.get("from") == "check":
        return _section_url(application, "check")
    keys = [*_sections(application), "check"]
    return _section_url(application, keys[keys.index(section) + 1])


def _stale_errors() -> list[dict[str, str]]:
    return [{"href": "", "message": str(v.STALE_EDIT)}]


def _failures(
    request: HttpRequest, application: Application
) -> list[eligibility.Failure]:
    return eligibility.check(services.filing_facts(application, user=request.user))


def _page_failures(
    request: HttpRequest, application: Application, page: str
) -> list[eligibility.Failure]:
    """The eligibility failures answered on ``page``, when the user followed
    a link from check your answers (``?rules=1``)."""
    if request.GET.get("rules") != "1":
        return []
    return [
        f
        for f in _failures(request, application)
        if RULE_PAGES.get(f.field, ("", ""))[0] == page
    ]


def _rule_links(
    application: Application, failures: list[eligibility.Failure]
) -> list[dict[str, str]]:
    """Error-summary items: each failure links to its page and field."""
    items = []
    for failure in failures:
        page, element = RULE_PAGES.get(failure.field, ("", ""))
        href = ""
        if page:
            href = f"{_section_url(application, page)}?from=check&rules=1#{element}"
        items.append({"href": href, "message": str(failure.message)})
    return items


def _context(application: Application, section: str, **extra: Any) -> dict[str, Any]:
    return {
        "application": application,
        "section": section,
        "section_title": SECTION_TITLES.get(section, ""),
        "hub_url": reverse("applications:draft", args=[application.code]),
        "person": application.foreign_national,
        **extra,
    }


def _name_of(obj: Any) -> str:
    return localized_name(obj) if obj is not None else ""


# --- Foreign nationals ---------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def foreign_nationals(request: HttpRequest) -> HttpResponse:
    """The people the user's organisations have records of, by name."""
    people = selectors.foreign_nationals_for_user(user=request.user).order_by(
        "family_name", "given_name", "pk"
    )
    page = Paginator(people, PEOPLE_PAGE_SIZE).get_page(request.GET.get("page"))
    countries = dict(roster_csv.country_choices())
    return render(
        request,
        "applications/foreign_nationals/list.html",
        {
            "page": page,
            "rows": [
                (
                    p,
                    countries.get(p.nationality, p.nationality),
                    _name_of(p.current_status),
                )
                for p in page
            ],
            "can_write": can_file(request.user),
            "many_organizations": len(
                selectors.user_organization_ids(user=request.user)
            )
            > 1,
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def foreign_national_add_choose(request: HttpRequest) -> HttpResponse:
    """Adding a person: first which organisation (skipped when there is one)."""
    _require_can_file(request)
    organizations = _organizations(request)
    if not organizations:
        raise Http404
    if len(organizations) == 1:
        return redirect("applications:foreign_national_add", organizations[0].code)
    form = OrganizationChoiceForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        return redirect(
            "applications:foreign_national_add", form.cleaned_data["organization"].code
        )
    return render(
        request,
        "applications/foreign_nationals/choose_organization.html",
        {"form": form},
    )


def _after_person_saved(request: HttpRequest, person: Any) -> str:
    if request.GET.get("next") == "start":
        return reverse("applications:start_type", args=[person.code])
    return reverse("applications:foreign_nationals")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def foreign_national_add(request: HttpRequest, organization: uuid.UUID) -> HttpResponse:
    """Add a person the organisation's applications will be for."""
    org = _organization(request, organization)
    _require_can_file(request)
    form = ForeignNationalForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.foreign_national_save(
                organization=org, values=form.values(), actor=_actor(request)
            )
        except services.DuplicatePerson as exc:
            form.add_duplicate_error(exc.existing)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": person})
            return redirect(_after_person_saved(request, person))
    return render(
        request,
        "applications/foreign_nationals/form.html",
        {"form": form, "organization": org, "person": None},
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def foreign_national_edit(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """A person's details; changing them needs an active account."""
    person = selectors.foreign_national_get_for_user(user=request.user, code=code)
    if request.method == "POST":
        _require_can_file(request)
    form = ForeignNationalForm(
        request.POST or None, organization=person.organization, instance=person
    )
    page_errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.foreign_national_save(
                organization=person.organization,
                values=form.values(),
                actor=_actor(request),
                foreign_national=person,
                expected_updated_at=form.loaded_at() or "",
            )
        except services.DuplicatePerson as exc:
            form.add_duplicate_error(exc.existing)
        except services.StaleEdit:
            person = selectors.foreign_national_get_for_user(
                user=request.user, code=code
            )
            form = ForeignNationalForm(
                organization=person.organization, instance=person
            )
            page_errors, status = [{"href": "", "message": str(v.PERSON_STALE)}], 409
        else:
            messages.success(request, _("The details were saved."))
            return redirect(_after_person_saved(request, person))
    return render(
        request,
        "applications/foreign_nationals/form.html",
        {
            "form": form,
            "page_errors": page_errors,
            "has_errors": bool(page_errors or form.errors),
            "loaded_at": person.updated_at.isoformat(),
            "organization": person.organization,
            "person": person,
            "can_write": can_file(request.user),
            "drafts": selectors.drafts_for_user(user=request.user).filter(
                foreign_national=person
            ),
        },
        status=status,
    )


# --- Starting an application -------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Which organisation the application is for (skipped when there is one)."""
    _require_can_file(request)
    organizations = _organizations(request)
    if not organizations:
        raise Http404
    if len(organizations) == 1:
        return redirect("applications:start_person", organizations[0].code)
    form = OrganizationChoiceForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        return redirect(
            "applications:start_person", form.cleaned_data["organization"].code
        )
    return render(
        request, "applications/filing/start_organization.html", {"form": form}
    )


def _person_choices(
    org: Organization, query: str
) -> tuple[list[tuple[str, str]], bool]:
    """Radio choices: the organisation's people (``fn:<code>``) and the people
    on its roster without a record yet (``roster:<code>``), matching the
    name ``query``; at most PEOPLE_CHOICES_SHOWN, and whether there are more."""
    people = org.foreign_nationals.order_by("family_name", "given_name", "pk")
    roster = (
        RosterEntry.objects.filter(organization=org)
        .exclude(
            pk__in=org.foreign_nationals.filter(roster_entry__isnull=False).values(
                "roster_entry_id"
            )
        )
        .order_by("family_name", "given_name", "pk")
    )
    if query:
        words = normalize_text(query).upper().split()
        for word in words:
            match = (
                Q(family_name__icontains=word)
                | Q(given_name__icontains=word)
                | Q(name_kanji__icontains=word)
            )
            people = people.filter(match)
            roster = roster.filter(match)
    limit = PEOPLE_CHOICES_SHOWN
    found_people = list(people[: limit + 1])
    found_roster = list(roster[: limit + 1])
    more = len(found_people) + len(found_roster) > limit
    choices: list[tuple[str, str]] = []
    for p in found_people:
        choices.append((f"fn:{p.code}", _person_label(p)))
    for r in found_roster:
        choices.append(
            (
                f"roster:{r.code}",
                _("%(person)s — from the roster") % {"person": _person_label(r)},
            )
        )
    return choices[:limit], more


def _person_label(p: Any) -> str:
    name = f"{p.family_name} {p.given_name}".strip()
    if p.name_kanji:
        name += f"（{p.name_kanji}）"
    return f"{name}, {p.date_of_birth.isoformat()}, {p.nationality}"


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def start_person(request: HttpRequest, organization: uuid.UUID) -> HttpResponse:
    """Who the application is for: a person on record, someone from the
    organisation's roster (their record is created from it), or a new
    person (the add page, coming back here)."""
    org = _organization(request, organization)
    _require_can_file(request)
    # The search is posted, never put in the URL: people type card or
    # passport numbers into search boxes (no identifying numbers in URLs).
    query = " ".join(request.POST.get("q", "").split())[:60]
    searching = request.method == "POST" and "search" in request.POST
    choices, more = _person_choices(org, query)
    form = PersonChoiceForm(
        request.POST if request.method == "POST" and not searching else None,
        choices=choices,
    )
    if request.method == "POST" and not searching:
        choice = request.POST.get("person", "")
        kind, _sep, code = choice.partition(":")
        chosen = _uuid_or_none(code)
        # The list may have been narrowed by a search; look the value up again.
        if kind == "fn" and chosen is not None:
            person = org.foreign_nationals.filter(code=chosen).first()
            if person is not None:
                return redirect("applications:start_type", person.code)
        elif kind == "roster" and chosen is not None:
            entry = RosterEntry.objects.filter(organization=org, code=chosen).first()
            if entry is not None:
                person = services.foreign_national_from_roster(
                    entry=entry, actor=_actor(request)
                )
                return redirect("applications:start_type", person.code)
        form.is_valid()
        if not form.errors:
            form.add_error("person", v.CHOOSE_PERSON)
    return render(
        request,
        "applications/filing/start_person.html",
        {
            "form": form,
            "organization": org,
            "query": query,
            "more": more,
            "add_url": reverse("applications:foreign_national_add", args=[org.code])
            + "?next=start",
        },
    )


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def start_type(request: HttpRequest, person: uuid.UUID) -> HttpResponse:
    """The type of application and its companions; creates the draft."""
    fn = selectors.foreign_national_get_for_user(user=request.user, code=person)
    _require_can_file(request)
    types = list(ApplicationType.objects.order_by("sort_order", "number"))
    form = TypeChoiceForm(request.POST or None, types=types)
    if request.method == "POST" and form.is_valid():
        main_type, companions = form.chosen()
        application = services.application_create(
            foreign_national=fn,
            application_type=main_type,
            companions=companions,
            actor=_actor(request),
        )
        messages.success(
            request,
            _("Your draft is saved. Answer each section, then check and send it."),
        )
        return redirect("applications:draft", application.code)
    return render(
        request,
        "applications/filing/start_type.html",
        {"form": form, "person": fn, "organization": fn.organization},
    )


# --- Drafts -------------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def drafts(request: HttpRequest) -> HttpResponse:
    """The drafts of the user's organisations, whoever started them."""
    items = list(
        selectors.drafts_for_user(user=request.user).select_related(
            "foreign_national", "organization", "created_by"
        )[:200]
    )
    return render(
        request,
        "applications/filing/drafts.html",
        {"drafts": items, "can_write": can_file(request.user)},
    )


def _section_states(
    application: Application, missing_documents: bool, has_documents: bool
) -> dict[str, str]:
    saved = set((application.answers or {}).get("saved", []))
    states = {}
    for key in _sections(application):
        if key == "documents":
            states[key] = (
                "completed"
                if not missing_documents
                else ("in_progress" if has_documents else "not_started")
            )
        else:
            states[key] = "completed" if key in saved else "not_started"
    return states


def _slots(application: Application) -> list[DocumentSlot]:
    status_id = (
        application.target_status_id or application.foreign_national.current_status_id
    )
    return selectors.document_slots_for(
        application_type=application.application_type,
        # Only the key is needed to match slots: no query for the status row.
        status=StatusOfResidence(pk=status_id) if status_id else None,
        org_category=application.organization.category,
    )


@login_required
@never_cache
@require_GET
def draft(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The task list of a draft."""
    try:
        application = _draft(request, code, write=False)
    except services.NotDraft:
        return _submitted_redirect(request, code)
    slots = _slots(application)
    documents = selectors.application_documents(application=application)
    present = {d.slot.code for d in documents}
    missing = any(s.required and s.code not in present for s in slots)
    states = _section_states(application, missing, bool(documents))
    sections = [
        {
            "key": key,
            "title": SECTION_TITLES[key],
            "url": _section_url(application, key),
            "state": states[key],
        }
        for key in _sections(application)
    ]
    return render(
        request,
        "applications/filing/hub.html",
        {
            **_context(application, "hub"),
            "sections": sections,
            "completed_count": sum(1 for s in sections if s["state"] == "completed"),
            "section_count": len(sections),
            "companions": list(
                application.companions.select_related("application_type")
            ),
            "check_url": _section_url(application, "check"),
            "can_write": can_file(request.user),
        },
    )


def _step(
    request: HttpRequest,
    code: uuid.UUID,
    *,
    section: str,
    make_form: Any,
    save: Any,
    template: str,
    context: Any = None,
) -> HttpResponse:
    """GET shows the page (with the eligibility failures of this page when
    reached from check answers); POST validates and saves through a service
    with the version the page was loaded with.  A stale save writes nothing
    and shows the newer answers (409)."""
    write = request.method == "POST"
    try:
        application = _draft(request, code, write=write)
    except services.NotDraft:
        return _submitted_redirect(request, code)
    page_errors: list[dict[str, str]] = []
    status = 200
    if write:
        form = make_form(application, data=request.POST)
        if form.is_valid():
            try:
                save(application, form)
            except services.StaleEdit:
                application = _draft(request, code, write=False)
                form = make_form(application)
                page_errors, status = _stale_errors(), 409
            except services.NotDraft:
                return _submitted_redirect(request, code)
            except services.DuplicatePerson as exc:
                form.add_duplicate_error(exc.existing)
            else:
                return redirect(_next_url(request, application, section))
    else:
        failures = _page_failures(request, application, section)
        if failures:
            form = _bound_from_failures(make_form, application, failures)
        else:
            form = make_form(application)
    ctx = _context(
        application,
        section,
        form=form,
        page_errors=page_errors,
        has_errors=bool(page_errors or form.errors),
        from_check=request.GET.get("from") == "check",
        **(context(application) if context else {}),
    )
    return render(request, template, ctx, status=status)


def _bound_from_failures(
    make_form: Any, application: Application, failures: list[eligibility.Failure]
) -> Any:
    unbound = make_form(application)
    data: dict[str, Any] = {}
    for name in unbound.fields:
        value = unbound[name].value()
        if value is not None:
            data[unbound.add_prefix(name)] = value
    form = make_form(application, data=data)
    form.is_valid()
    form.add_rule_errors(failures)
    return form


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_person(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    def make_form(application: Application, data: Any = None) -> PersonStepForm:
        return PersonStepForm(data, application=application)

    def save(application: Application, form: PersonStepForm) -> None:
        services.application_update(
            application=application,
            expected_version=form.cleaned_data["version"],
            actor=_actor(request),
            person=form.values(),
            person_loaded_at=form.loaded_at() or "",
            section="person",
        )

    return _step(
        request,
        code,
        section="person",
        make_form=make_form,
        save=save,
        template="applications/filing/person.html",
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_application(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    catalogue = Catalogue.load()

    def make_form(application: Application, data: Any = None) -> ApplicationStepForm:
        return ApplicationStepForm(data, application=application, catalogue=catalogue)

    def save(application: Application, form: ApplicationStepForm) -> None:
        services.application_update(
            application=application,
            expected_version=form.cleaned_data["version"],
            actor=_actor(request),
            fields=form.changes(),
            section="application",
        )

    def context(application: Application) -> dict[str, Any]:
        person = application.foreign_national
        current = catalogue.status(person.current_status_id)
        return {"current_status_name": _name_of(current)}

    return _step(
        request,
        code,
        section="application",
        make_form=make_form,
        save=save,
        template="applications/filing/application.html",
        context=context,
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_companions(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    def make_form(application: Application, data: Any = None) -> CompanionsForm:
        if not application.application_type.takes_companions:
            raise Http404
        return CompanionsForm(data, application=application)

    def save(application: Application, form: CompanionsForm) -> None:
        services.application_companions_set(
            application=application,
            wanted=form.wanted(),
            expected_version=form.cleaned_data["version"],
            actor=_actor(request),
        )

    return _step(
        request,
        code,
        section="companions",
        make_form=make_form,
        save=save,
        template="applications/filing/companions.html",
    )


# --- Documents ------------------------------------------------------------------------------


def _documents_context(
    request: HttpRequest,
    application: Application,
    bound: DocumentUploadForm | None = None,
    missing_codes: set[str] | None = None,
) -> dict[str, Any]:
    documents = selectors.application_documents(application=application)
    slots = _slots(application)
    codes = {s.code for s in slots}
    used = sum(d.file.size for d in documents)
    cap = settings.UPLOAD_MAX_TOTAL_BYTES
    english = (request.LANGUAGE_CODE or "") == "en"
    rows = []
    for slot in slots:
        form = (
            bound
            if bound is not None and bound.slot.code == slot.code
            else DocumentUploadForm(application=application, slot=slot)
        )
        rows.append(
            {
                "slot": slot,
                "name": slot.name_en if english and slot.name_en else slot.name_ja,
                "hint": slot.hint_en if english and slot.hint_en else slot.hint_ja,
                "documents": [d for d in documents if d.slot.code == slot.code],
                "form": form,
                "missing": slot.code in (missing_codes or set()),
            }
        )
    return {
        "slots": rows,
        "other_documents": [d for d in documents if d.slot.code not in codes],
        "used_bytes": used,
        "cap_bytes": cap,
        "used_percent": round(100 * used / cap) if cap else 0,
        "file_cap_bytes": settings.UPLOAD_MAX_FILE_BYTES,
        "remove_url": reverse(
            "applications:draft_document_remove", args=[application.code]
        ),
        "next_url": _next_url(request, application, "documents"),
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_documents(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Every document slot on one page: the files already uploaded (each with
    remove) and an upload form per slot; a meter shows the application's
    total size against the cap.  Nothing is stored when a file is refused."""
    write = request.method == "POST"
    try:
        application = _draft(request, code, write=write)
    except services.NotDraft:
        return _submitted_redirect(request, code)
    bound = None
    page_errors: list[dict[str, str]] = []
    status = 200
    missing: set[str] = set()
    if write:
        slot = next(
            (s for s in _slots(application) if s.code == request.POST.get("slot")), None
        )
        if slot is None:
            return HttpResponseBadRequest()
        bound = DocumentUploadForm(
            request.POST, request.FILES, application=application, slot=slot
        )
        if bound.is_valid():
            try:
                added = services.application_documents_add(
                    application=application,
                    slot=slot,
                    uploads=bound.cleaned_data["upload"],
                    expected_version=bound.cleaned_data["version"],
                    actor=_actor(request),
                )
            except services.StaleEdit:
                application = _draft(request, code, write=False)
                bound = None
                page_errors, status = _stale_errors(), 409
            except services.NotDraft:
                return _submitted_redirect(request, code)
            except ValidationError as exc:
                bound.add_error("upload", exc)
            else:
                messages.success(
                    request,
                    _("Uploaded: %(names)s")
                    % {"names": ", ".join(d.file.original_name for d in added)},
                )
                url = reverse("applications:draft_documents", args=[application.code])
                if request.GET.get("from") == "check":
                    url += "?from=check"
                return redirect(f"{url}#slot-{slot.code}")
    else:
        for failure in _page_failures(request, application, "documents"):
            page_errors.append({"href": "", "message": str(failure.message)})
        if page_errors:
            slots = _slots(application)
            present = {
                d.slot.code
                for d in selectors.application_documents(application=application)
            }
            missing = {s.code for s in slots if s.required and s.code not in present}
            page_errors = [
                {
                    "href": f"#id_{s.code}-upload",
                    "message": str(v.MISSING_DOCUMENT)
                    % {"document": _slot_name(request, s)},
                }
                for s in slots
                if s.code in missing
            ] or page_errors
    ctx = _context(
        application,
        "documents",
        **_documents_context(request, application, bound, missing),
    )
    form_errors = bound.errors if bound is not None else None
    ctx.update(
        form=bound,
        page_errors=page_errors,
        has_errors=bool(page_errors or form_errors),
        from_check=request.GET.get("from") == "check",
    )
    return render(request, "applications/filing/documents.html", ctx, status=status)


def _slot_name(request: HttpRequest, slot: DocumentSlot) -> str:
    if (request.LANGUAGE_CODE or "") == "en" and slot.name_en:
        return slot.name_en
    return slot.name_ja


@login_required
@never_cache
@require_POST
def draft_document_remove(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    try:
        application = _draft(request, code, write=True)
    except services.NotDraft:
        return _submitted_redirect(request, code)
    form = RemoveFileForm(request.POST, application=application)
    if not form.is_valid():
        return HttpResponseBadRequest()
    try:
        services.application_document_remove(
            application=application,
            file_code=form.cleaned_data["item"],
            expected_version=form.cleaned_data["version"],
            actor=_actor(request),
        )
    except services.StaleEdit:
        messages.error(request, v.STALE_EDIT)
    except services.NotDraft:
        return _submitted_redirect(request, code)
    else:
        messages.success(request, _("The file was removed."))
    return redirect("applications:draft_documents", application.code)


# --- Check answers, declaration, submission ---------------------------------------------------


def _yen(amount: int) -> str:
    return _("¥%(amount)s") % {"amount": f"{amount:,}"}


def _fees(application: Application, companions: list[Application]) -> dict[str, Any]:
    """The fees due if the application is received online today: one row
    per application (main and companions) and the total."""
    today = timezone.localdate()
    rows = []
    total = 0
    complete = True
    for item in [application, *companions]:
        variant = (
            item.reentry_variant
            if item.application_type.code == eligibility.REENTRY
            else ""
        )
        name = _name_of(item.application_type)
        if item.application_type.code == eligibility.REENTRY:
            if not variant:
                rows.append({"key": name, "value": _("Depends on single or multiple")})
                complete = False
                continue
            name = f"{name} ({_('multiple') if variant == 'multiple' else _('single')})"
        try:
            amount = selectors.fee_for(
                application_type=item.application_type,
                variant=variant,
                channel=Fee.Channel.ONLINE,
                received_on=today,
            )
        except Fee.DoesNotExist:
            rows.append(
                {"key": name, "value": _("Not known: ask the immigration office")}
            )
            complete = False
            continue
        total += amount
        rows.append({"key": name, "value": _yen(amount) if amount else _("No fee")})
    return {"rows": rows, "total": _yen(total), "complete": complete}


def _period(value: str) -> str:
    return v.period_label(value) if value else ""


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


def _status_text(status: Any, sub: Any) -> str:
    if status is None:
        return ""
    text = _name_of(status)
    if sub is not None:
        text += f" — {_name_of(sub)}"
    return text


def _check_sections(
    request: HttpRequest,
    application: Application,
    companions: list[Application],
    documents: list[Any],
    slots: list[DocumentSlot],
) -> list[dict[str, Any]]:
    """The answers, page by page, as summary-list rows with Change links."""
    person = application.foreign_national
    countries = dict(roster_csv.country_choices())
    code = application.application_type.code

    def href(section: str) -> str:
        return _section_url(application, section) + "?from=check"

    person_rows = [
        {"key": _("Family name"), "value": person.family_name},
        {"key": _("Given names"), "value": person.given_name},
        {"key": _("Name in kanji"), "value": person.name_kanji},
        {"key": _("Sex"), "value": person.get_sex_display()},
        {"key": _("Date of birth"), "value": _date(person.date_of_birth)},
        {
            "key": _("Nationality"),
            "value": countries.get(person.nationality, person.nationality),
        },
        {"key": _("Passport number"), "value": person.passport_number},
        {"key": _("Passport expiry date"), "value": _date(person.passport_expiry)},
        {"key": _("Residence card number"), "value": person.residence_card_number},
        {
            "key": _("Current status of residence"),
            "value": _status_text(person.current_status, person.current_subcategory),
        },
        {"key": _("Current period of stay"), "value": _period(person.current_period)},
        {"key": _("Period of stay ends on"), "value": _date(person.period_expiry)},
        {"key": _("Address in Japan"), "value": person.address_in_japan},
    ]
    application_rows: list[dict[str, Any]] = [
        {
            "key": _("Application"),
            "value": _name_of(application.application_type),
            "no_change": True,
        }
    ]
    if code in (eligibility.COE, eligibility.CHANGE, eligibility.ACQUISITION):
        application_rows.append(
            {
                "key": _("Status of residence applied for"),
                "value": _status_text(
                    application.target_status, application.target_subcategory
                ),
            }
        )
    if code in (
        eligibility.COE,
        eligibility.CHANGE,
        eligibility.EXTENSION,
        eligibility.ACQUISITION,
    ):
        application_rows.append(
            {
                "key": _("Period of stay applied for"),
                "value": _period(application.requested_period),
            }
        )
    if code == eligibility.ACQUISITION:
        application_rows.append(
            {"key": _("Date of the event"), "value": _date(application.event_date)}
        )
    if code == eligibility.AUTHORIZED_EMPLOYMENT:
        application_rows.append(
            {
                "key": _("Activity the certificate should cover"),
                "value": (application.answers or {}).get("activity", ""),
            }
        )
    sections = [
        {"key": "person", "title": SECTION_TITLES["person"], "rows": person_rows},
        {
            "key": "application",
            "title": SECTION_TITLES["application"],
            "rows": application_rows,
        },
    ]
    if application.application_type.takes_companions:
        companion_rows = []
        for c in companions:
            if c.application_type.code == eligibility.REENTRY:
                variant = {"single": _("Single"), "multiple": _("Multiple")}.get(
                    c.reentry_variant, ""
                )
                companion_rows.append(
                    {
                        "key": _name_of(c.application_type),
                        "value": _("%(variant)s, valid until %(date)s")
                        % {"variant": variant, "date": _date(c.reentry_until)}
                        if variant
                        else "",
                    }
                )
            else:
                kind = {
                    "comprehensive": _("Comprehensive"),
                    "individual": _("Individual"),
                }.get(c.other_activity_kind, "")
                companion_rows.append(
                    {
                        "key": _name_of(c.application_type),
                        "value": f"{kind}\n{c.other_activity_details}".strip(),
                    }
                )
        if not companion_rows:
            companion_rows.append(
                {"key": _("Applied for with it"), "value": _("Nothing")}
            )
        sections.append(
            {
                "key": "companions",
                "title": SECTION_TITLES["companions"],
                "rows": companion_rows,
            }
        )
    document_rows = [
        {
            "key": _slot_name(request, slot),
            "value": "\n".join(
                d.file.original_name for d in documents if d.slot.code == slot.code
            )
            or ("" if slot.required else _("None")),
        }
        for slot in slots
    ]
    sections.append(
        {
            "key": "documents",
            "title": SECTION_TITLES["documents"],
            "rows": document_rows,
        }
    )
    for section in sections:
        for row in section["rows"]:
            if not row.pop("no_change", False):
                row.setdefault("href", href(section["key"]))
    return sections


def _check_context(
    request: HttpRequest,
    application: Application,
    failures: list[eligibility.Failure],
    extra_errors: list[dict[str, str]],
    form: SubmitForm,
) -> dict[str, Any]:
    companions = list(
        application.companions.select_related("application_type").order_by("pk")
    )
    documents = selectors.application_documents(application=application)
    slots = _slots(application)
    person = application.foreign_national
    special = eligibility.special_period_end(
        application_type=application.application_type.code,
        expiry=person.period_expiry,
        current_period=person.current_period or None,
    )
    page_errors = extra_errors + _rule_links(application, failures)
    return _context(
        application,
        "check",
        form=form,
        page_errors=page_errors,
        has_errors=bool(page_errors or form.errors),
        failures=failures,
        sections=_check_sections(request, application, companions, documents, slots),
        fees=_fees(application, companions),
        special_period_end=special,
        expiry=person.period_expiry,
        can_write=can_file(request.user),
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_check(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Check your answers, the special period, the fees, the declaration
    and submission.  Eligibility failures are listed, each linking to the
    page and field to change.  A second submit (double click, re-posted form)
    lands on the same confirmation and creates nothing."""
    write = request.method == "POST"
    try:
        application = _draft(request, code, write=write)
    except services.NotDraft:
        if write:
            # The first POST of a double submit won: same confirmation.
            return redirect("applications:submitted", code)
        return _submitted_redirect(request, code)
    status = 200
    extra_errors: list[dict[str, str]] = []
    if write:
        form = SubmitForm(request.POST, application=application)
        if form.is_valid():
            try:
                submitted = services.application_submit(
                    application=application,
                    actor=_actor(request),
                    expected_version=form.cleaned_data["version"],
                )
            except services.NotEligible as exc:
                return render(
                    request,
                    "applications/filing/check.html",
                    _check_context(request, application, exc.failures, [], form),
                )
            except services.StaleEdit:
                application = _draft(request, code, write=False)
                form = SubmitForm(application=application)
                extra_errors, status = _stale_errors(), 409
            else:
                return redirect("applications:submitted", submitted.code)
        failures = _failures(request, application)
    else:
        form = SubmitForm(application=application)
        failures = _failures(request, application)
    return render(
        request,
        "applications/filing/check.html",
        _check_context(request, application, failures, extra_errors, form),
        status=status,
    )


@login_required
@never_cache
@require_GET
def submitted(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """The confirmation: the receipt number at once."""
    application = selectors.application_get_for_user(user=request.user, code=code)
    if application.status == Status.DRAFT:
        return redirect("applications:draft", application.code)
    try:
        case_url = reverse("applications:case", args=[application.code])
    except NoReverseMatch:
        case_url = ""
    return render(
        request,
        "applications/filing/submitted.html",
        {
            "application": application,
            "companions": list(
                application.companions.select_related("application_type").order_by("pk")
            ),
            "case_url": case_url,
            "person": application.foreign_national,
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def draft_delete(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Delete a draft, after a confirmation page.  Drafts are never deleted
    any other way."""
    write = request.method == "POST"
    try:
        application = _draft(request, code, write=True)
    except services.NotDraft:
        return _submitted_redirect(request, code)
    status = 200
    page_errors: list[dict[str, str]] = []
    if write:
        form = DeleteDraftForm(request.POST, application=application)
        if not form.is_valid():
            return HttpResponseBadRequest()
        try:
            services.application_draft_delete(
                application=application,
                expected_version=form.cleaned_data["version"],
                actor=_actor(request),
            )
        except services.StaleEdit:
            application = _draft(request, code, write=True)
            form = DeleteDraftForm(application=application)
            page_errors, status = _stale_errors(), 409
        except services.NotDraft:
            return _submitted_redirect(request, code)
        else:
            messages.success(request, _("The draft was deleted."))
            return redirect("applications:drafts")
    else:
        form = DeleteDraftForm(application=application)
    return render(
        request,
        "applications/filing/delete.html",
        {
            **_context(application, "delete"),
            "form": form,
            "page_errors": page_errors,
            "has_errors": bool(page_errors),
        },
        status=status,
    )


def filing_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """The dashboard's way into filing (portal users of an organisation):
    start an application, the drafts, the people.  Registered in
    ApplicationsConfig.ready; one query."""
    if not is_portal_user(request.user):
        return None
    if not selectors.user_organization_ids(user=request.user):
        return None
    return (
        "applications/filing/_dashboard_panel.html",
        {
            "draft_count": selectors.drafts_for_user(user=request.user).count(),
            "can_write": can_file(request.user),
        },
    )


urlpatterns: list[URLPattern] = [
    path("people/", foreign_nationals, name="foreign_nationals"),
    path(
        "people/add/", foreign_national_add_choose, name="foreign_national_add_choose"
    ),
    path(
        "people/add/<uuid:organization>/",
        foreign_national_add,
        name="foreign_national_add",
    ),
    path("people/<uuid:code>/", foreign_national_edit, name="foreign_national"),
    path("new/", start, name="start"),
    path("new/<uuid:organization>/", start_person, name="start_person"),
    path("new/person/<uuid:person>/", start_type, name="start_type"),
    path("drafts/", drafts, name="drafts"),
    path("drafts/<uuid:code>/", draft, name="draft"),
    path("drafts/<uuid:code>/person/", draft_person, name="draft_person"),
    path(
        "drafts/<uuid:code>/application/", draft_application, name="draft_application"
    ),
    path("drafts/<uuid:code>/companions/", draft_companions, name="draft_companions"),
    path("drafts/<uuid:code>/documents/", draft_documents, name="draft_documents"),
    path(
        "drafts/<uuid:code>/documents/remove/",
        draft_document_remove,
        name="draft_document_remove",
    ),
    path("drafts/<uuid:code>/check/", draft_check, name="draft_check"),
    path("drafts/<uuid:code>/delete/", draft_delete, name="draft_delete"),
    path("submitted/<uuid:code>/", submitted, name="submitted"),
]
