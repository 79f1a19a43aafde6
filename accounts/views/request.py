"""The requester's side of the request for use (利用申出): online, without an
account.

The requester proves their email address with a single-use link; the proven
address is kept in the session and owns their drafts.  The wizard is a task
list (the hub) with one topic per page; every page validates, normalises and
saves through ``use_request_update`` with the draft's version, so a change made
in another tab is refused rather than overwritten.  A reception officer
registering a paper request at the counter uses the same pages.

Access is decided in one place, ``_editable_request``; everyone else gets 404.
No personal data goes into a URL: requests and files are addressed by UUIDs.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roster_csv, selectors, services
from accounts.errors import RequestIncomplete, TokenError
from accounts.forms.request import (
    DECLARATIONS,
    ORG_CATEGORY_HINTS,
    USER_CATEGORY_HINTS,
    AppointerForm,
    CategoryForm,
    DeclarationsForm,
    DocumentUploadForm,
    EmailForm,
    OfficeForm,
    OrganizationForm,
    PersonForm,
    RemoveItemForm,
    RosterUploadForm,
    StepForm,
    SubmitForm,
)
from accounts.messages import (
    DUPLICATE_PENDING,
    EMAIL_RATE_LIMITED,
    NOT_EDITABLE,
    ROSTER_LINE_ERROR,
    ROSTER_NOT_IMPORTED,
    SESSION_NEEDED,
    STALE_EDIT,
    TOKEN_EXPIRED,
    TOKEN_UNKNOWN,
    TOKEN_USED,
)
from accounts.models import OfficerRole, User, UseRequest, UseRequestDocument
from accounts.permissions import officer_office_ids
from portal.audit.services import audit_record
from portal.lib import ratelimit
from portal.lib.errors import StaleEdit

SESSION_EMAIL = "zairyu_requester_email"
SESSION_SENT_TO = "zairyu_requester_sent_to"

# Proof links one address, and one client, may ask for per hour: enough for
# typos and lost mails, too few to flood someone's mailbox.
LINKS_PER_EMAIL_PER_HOUR = 5
LINKS_PER_CLIENT_PER_HOUR = 30
RATE_WINDOW = 3600  # seconds

# The wizard's sections in order: (key, URL name, title).  The keys are the
# items reception comments on when returning a request (return_comments).
SECTIONS: list[tuple[str, str, Any]] = [
    ("category", "accounts:request_category", gettext_lazy("User category")),
    ("organization", "accounts:request_organization", gettext_lazy("Organisation")),
    ("person", "accounts:request_person", gettext_lazy("Your details")),
    ("declarations", "accounts:request_declarations", gettext_lazy("Declarations")),
    ("documents", "accounts:request_documents", gettext_lazy("Documents")),
    (
        "roster",
        "accounts:request_roster",
        gettext_lazy("Foreign employees and planned hires"),
    ),
    ("office", "accounts:request_office", gettext_lazy("Immigration office")),
]
SECTION_URLS = {key: url for key, url, _title in SECTIONS}

DOCUMENT_HINTS = {
    UseRequestDocument.Slot.ORG_SUMMARY: gettext_lazy(
        "A document that gives a summary of the organisation, for example a company "
        "brochure or the organisation summary form."
    ),
    UseRequestDocument.Slot.PLEDGE: gettext_lazy(
        "The written pledge (誓約書), signed by the organisation."
    ),
    UseRequestDocument.Slot.REGISTRY: gettext_lazy(
        "Only for corporations: the certificate of registered matters (登記事項証明書) "
        "issued within the last 3 months."
    ),
    UseRequestDocument.Slot.CATEGORY: gettext_lazy(
        "Evidence of the category you chose for the organisation, for example a copy "
        "of last year's summary of legal records on employment income with the tax "
        "office's receipt stamp, or proof of listing on a stock exchange."
    ),
    UseRequestDocument.Slot.APPOINTMENT: gettext_lazy(
        "A document showing that the organisation appointed you, for example a "
        "contract or a letter of appointment."
    ),
}


# --- Access -------------------------------------------------------------------------------


def _proven_email(request: HttpRequest) -> str:
    return str(request.session.get(SESSION_EMAIL, ""))


def _editable_request(
    request: HttpRequest, code: Any
) -> tuple[UseRequest, User | None]:
    """The request ``code`` and the acting user, if the visitor may edit it
    (``selectors.use_request_get_for_visitor``, purpose "edit"): its
    requester by the proven email (acting user None) or a reception officer
    of its office for a paper request.  Anyone else: Http404."""
    email = _proven_email(request)
    use_request = selectors.use_request_get_for_visitor(
        user=request.user, proven_email=email, code=code, purpose="edit"
    )
    actor = selectors.use_request_acting_user(
        user=request.user, proven_email=email, use_request=use_request
    )
    return use_request, actor


def _submitted_request(request: HttpRequest, code: Any) -> UseRequest | None:
    """The request if it has been submitted and the visitor may see its
    confirmation (its proven requester, or reception of its office)."""
    try:
        return selectors.use_request_get_for_visitor(
            user=request.user,
            proven_email=_proven_email(request),
            code=code,
            purpose="confirmation",
        )
    except Http404:
        return None


def _need_email(request: HttpRequest) -> HttpResponse | None:
    if _proven_email(request):
        return None
    messages.info(request, SESSION_NEEDED)
    return redirect("accounts:request_start")


# --- Helpers ------------------------------------------------------------------------------


def _next_url(request: HttpRequest, r: UseRequest, section: str) -> str:
    """After saving a page: back to check-answers when the user came from
    there, else the next page of the wizard."""
    if request.GET.get("from") == "check":
        return reverse("accounts:request_check", args=[r.code])
    keys = [key for key, _url, _title in SECTIONS]
    if section == "person" and r.user_category and r.user_category > 1:
        return reverse("accounts:request_appointers", args=[r.code])
    if section == "appointers":
        section = "person"
    index = keys.index(section)
    if index + 1 < len(keys):
        return reverse(SECTION_URLS[keys[index + 1]], args=[r.code])
    return reverse("accounts:request_check", args=[r.code])


def _office_name(office: Any) -> str:
    if office is None:
        return ""
    return str(office.name_en if get_language() == "en" else office.name_ja)


def _stale(request: HttpRequest, code: Any) -> tuple[UseRequest, User | None] | None:
    """Reload after a refused (stale) save; None when the request can no
    longer be edited at all (submitted in another tab)."""
    try:
        return _editable_request(request, code)
    except Http404:
        return None


def _stale_errors() -> list[dict[str, str]]:
    return [{"href": "", "message": str(STALE_EDIT)}]


def _not_editable(request: HttpRequest) -> HttpResponse:
    messages.error(request, NOT_EDITABLE)
    if _proven_email(request):
        return redirect("accounts:request_mine")
    return redirect("home")


def _base_context(r: UseRequest, section: str, **extra: Any) -> dict[str, Any]:
    comment = ""
    if r.status == UseRequest.Status.RETURNED:
        comment = (r.return_comments or {}).get(section, "")
    return {
        "use_request": r,
        "section": section,
        "return_comment": comment,
        "hub_url": reverse("accounts:request_hub", args=[r.code]),
        **extra,
    }


# --- Start: prove the email address -------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """Who may request use, what is needed, and the email address to prove."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        client = ratelimit.client_ip(request)
        if not (
            ratelimit.hit(
                f"usereq-proof:email:{ratelimit.hashed(email)}",
                limit=LINKS_PER_EMAIL_PER_HOUR,
                window=RATE_WINDOW,
            )
            and ratelimit.hit(
                f"usereq-proof:ip:{ratelimit.hashed(client)}",
                limit=LINKS_PER_CLIENT_PER_HOUR,
                window=RATE_WINDOW,
            )
        ):
            form.add_error("email", EMAIL_RATE_LIMITED)
        else:
            services.email_proof_send(email=email, language=get_language() or "ja")
            request.session[SESSION_SENT_TO] = email
            return redirect("accounts:request_sent")
    return render(
        request,
        "accounts/request/start.html",
        {
            "form": form,
            "proven_email": _proven_email(request),
            "categories": [(c.label, USER_CATEGORY_HINTS[c]) for c in User.Category],
            "declarations": [text for _name, text in DECLARATIONS],
        },
    )


@never_cache
@require_GET
def sent(request: HttpRequest) -> HttpResponse:
    email = request.session.get(SESSION_SENT_TO)
    if not email:
        return redirect("accounts:request_start")
    return render(request, "accounts/request/sent.html", {"email": email})


_TOKEN_MESSAGES = {
    "unknown": TOKEN_UNKNOWN,
    "used": TOKEN_USED,
    "expired": TOKEN_EXPIRED,
}


def _token_error(request: HttpRequest, reason: str) -> HttpResponse:
    return render(
        request,
        "accounts/request/token_error.html",
        {"reason": reason, "message": _TOKEN_MESSAGES.get(reason, TOKEN_UNKNOWN)},
        status=404 if reason == "unknown" else 410,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the email.  GET only shows a button: mail scanners open
    links, and must not use up a single-use link; the POST redeems it."""
    if request.method == "GET":
        try:
            selectors.email_proof_check(token=token)
        except TokenError as exc:
            return _token_error(request, exc.reason)
        return render(request, "accounts/request/verify.html")
    try:
        email = services.email_proof_redeem(token=token)
    except TokenError as exc:
        return _token_error(request, exc.reason)
    # A new session key: whoever knew the old one does not inherit the proof.
    request.session.cycle_key()
    request.session[SESSION_EMAIL] = email
    request.session.pop(SESSION_SENT_TO, None)
    return redirect("accounts:request_mine")


@never_cache
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The proven requester's requests: continue a draft or a returned one,
    see the others' status, or start a new one."""
    if (response := _need_email(request)) is not None:
        return response
    email = _proven_email(request)
    requests = list(
        selectors.use_requests_of_requester(email=email).select_related("office")
    )
    return render(
        request, "accounts/request/mine.html", {"email": email, "requests": requests}
    )


@never_cache
@require_POST
def new(request: HttpRequest) -> HttpResponse:
    if (response := _need_email(request)) is not None:
        return response
    r = services.use_request_create(
        email=_proven_email(request), language=get_language() or "ja"
    )
    return redirect("accounts:request_hub", r.code)


@never_cache
@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    """Forget the proven address in this browser (a shared computer)."""
    request.session.pop(SESSION_EMAIL, None)
    request.session.cycle_key()
    messages.success(request, _("You have left your requests. Your drafts are saved."))
    return redirect("accounts:request_start")


# --- The hub: a task list ---------------------------------------------------------------


def _section_states(r: UseRequest, problems: list[tuple[str, Any]]) -> dict[str, str]:
    """not_started / in_progress / completed per section.  A duplicate pending
    request is a problem of the whole request, not of the section's answers."""
    open_items = {
        item for item, message in problems if str(message) != str(DUPLICATE_PENDING)
    }
    started = {
        "category": bool(r.user_category),
        "organization": any(
            [
                r.org_name_ja,
                r.org_name_en,
                r.org_is_corporation is not None,
                r.org_corporate_number,
                r.org_postal_code,
                r.org_prefecture_id,
                r.org_address,
                r.org_representative,
                r.org_phone,
                r.org_category,
            ]
        ),
        "person": any(
            [r.full_name, r.full_name_kana, r.phone, r.position, r.affiliation]
        ),
        "declarations": any(getattr(r, name) for name, _text in DECLARATIONS),
        "documents": r.documents.exists(),
        "roster": bool(r.roster),
        "office": r.office_id is not None,
    }
    return {
        key: ("completed" if key not in open_items else "in_progress")
        if started[key]
        else "not_started"
        for key, _url, _title in SECTIONS
    }


@never_cache
@require_GET
def hub(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    r, actor = _editable_request(request, code)
    problems = selectors.use_request_problems(r)
    states = _section_states(r, problems)
    comments = r.return_comments if r.status == UseRequest.Status.RETURNED else {}
    sections = [
        {
            "key": key,
            "title": title,
            "url": reverse(url, args=[r.code]),
            "state": states[key],
            "comment": (comments or {}).get(key, ""),
        }
        for key, url, title in SECTIONS
    ]
    done = sum(1 for s in sections if s["state"] == "completed")
    return render(
        request,
        "accounts/request/hub.html",
        {
            "use_request": r,
            "sections": sections,
            "completed_count": done,
            "section_count": len(sections),
            "is_officer": actor is not None,
            "check_url": reverse("accounts:request_check", args=[r.code]),
        },
    )


# --- Step pages ---------------------------------------------------------------------------


def _step(
    request: HttpRequest,
    code: uuid.UUID,
    *,
    section: str,
    form_class: type[StepForm],
    template: str,
    form_kwargs: Any = None,
    context: Any = None,
) -> HttpResponse:
    """GET shows the page; POST validates and saves through use_request_update
    with the version the page was loaded with.  A stale save keeps nothing and
    shows the newer saved answers.  ``form_kwargs(r, actor)`` and
    ``context(r, actor)`` add what a page needs."""
    r, actor = _editable_request(request, code)
    extra = form_kwargs(r, actor) if form_kwargs else {}
    page_errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, use_request=r, **extra)
        if form.is_valid():
            try:
                r = services.use_request_update(
                    use_request=r,
                    fields=form.changes(),
                    expected_version=form.cleaned_data["version"],
                    actor=actor,
                )
            except StaleEdit:
                reloaded = _stale(request, code)
                if reloaded is None:
                    return _not_editable(request)
                r, actor = reloaded
                extra = form_kwargs(r, actor) if form_kwargs else {}
                form = form_class(use_request=r, **extra)
                page_errors, status = _stale_errors(), 409
            else:
                return redirect(_next_url(request, r, section))
    else:
        form = form_class(use_request=r, **extra)
    ctx = _base_context(
        r,
        section,
        form=form,
        page_errors=page_errors,
        has_errors=bool(page_errors),
        **(context(r, actor) if context else {}),
    )
    return render(request, template, ctx, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def category(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _step(
        request,
        code,
        section="category",
        form_class=CategoryForm,
        template="accounts/request/category.html",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def organization(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _step(
        request,
        code,
        section="organization",
        form_class=OrganizationForm,
        template="accounts/request/organization.html",
        context=lambda r, actor: {"org_category_hints": ORG_CATEGORY_HINTS},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _step(
        request,
        code,
        section="person",
        form_class=PersonForm,
        template="accounts/request/person.html",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def declarations(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _step(
        request,
        code,
        section="declarations",
        form_class=DeclarationsForm,
        template="accounts/request/declarations.html",
    )


def _office_form_kwargs(r: UseRequest, actor: User | None) -> dict[str, Any]:
    offices = list(selectors.offices_taking_use_requests())
    if actor is not None:
        # A paper request stays with the counter officer's own office(s).
        own = officer_office_ids(actor, OfficerRole.Role.RECEPTION)
        offices = [o for o in offices if o.pk in own]
    suggested = (
        selectors.office_for_prefecture(prefecture=r.org_prefecture_id)
        if r.org_prefecture_id
        else None
    )
    return {"offices": offices, "suggested": suggested}


@never_cache
@require_http_methods(["GET", "POST"])
def office(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    return _step(
        request,
        code,
        section="office",
        form_class=OfficeForm,
        template="accounts/request/office.html",
        form_kwargs=_office_form_kwargs,
    )


# --- Appointing organisations (categories 2–4) -----------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def appointers(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Additional organisations that appointed the requester: an add/remove
    list.  Each must already use the portal (matched by corporate number)."""
    r, actor = _editable_request(request, code)
    if not r.user_category or r.user_category == User.Category.ORG_STAFF:
        return redirect("accounts:request_hub", r.code)
    page_errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        form = AppointerForm(request.POST, use_request=r)
        if form.is_valid():
            try:
                services.use_request_appointer_add(
                    use_request=r,
                    name_ja=form.cleaned_data["name_ja"],
                    corporate_number=form.cleaned_data["corporate_number"],
                    organization=form.organization,
                    expected_version=form.cleaned_data["version"],
                    actor=actor,
                )
            except StaleEdit:
                reloaded = _stale(request, code)
                if reloaded is None:
                    return _not_editable(request)
                r, actor = reloaded
                form = AppointerForm(use_request=r)
                page_errors, status = _stale_errors(), 409
            else:
                messages.success(request, _("The organisation was added."))
                return redirect(request.get_full_path())
    else:
        form = AppointerForm(use_request=r)
    ctx = _base_context(
        r,
        "person",
        form=form,
        page_errors=page_errors,
        has_errors=bool(page_errors),
        appointers=list(r.appointers.order_by("pk")),
        next_url=_next_url(request, r, "appointers"),
        remove_url=reverse("accounts:request_appointer_remove", args=[r.code]),
    )
    return render(request, "accounts/request/appointers.html", ctx, status=status)


@never_cache
@require_POST
def appointer_remove(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    r, actor = _editable_request(request, code)
    form = RemoveItemForm(request.POST, use_request=r)
    if not form.is_valid() or not form.cleaned_data["item"].isdigit():
        return HttpResponseBadRequest()
    try:
        services.use_request_appointer_remove(
            use_request=r,
            appointer_id=int(form.cleaned_data["item"]),
            expected_version=form.cleaned_data["version"],
            actor=actor,
        )
    except StaleEdit:
        messages.error(request, STALE_EDIT)
    else:
        messages.success(request, _("The organisation was removed."))
    return redirect(reverse("accounts:request_appointers", args=[r.code]))


# --- Documents ----------------------------------------------------------------------------


def _document_slots(r: UseRequest) -> list[str]:
    slots = [UseRequestDocument.Slot.ORG_SUMMARY, UseRequestDocument.Slot.PLEDGE]
    if r.org_is_corporation is not False:
        slots.append(UseRequestDocument.Slot.REGISTRY)
    slots.append(UseRequestDocument.Slot.CATEGORY)
    if r.user_category and r.user_category > 1:
        slots.append(UseRequestDocument.Slot.APPOINTMENT)
    return [str(s) for s in slots]


def _documents_context(
    r: UseRequest, bound: DocumentUploadForm | None = None
) -> dict[str, Any]:
    documents = list(selectors.use_request_documents(use_request=r))
    used = sum(d.file.size for d in documents)
    cap = settings.UPLOAD_MAX_TOTAL_BYTES
    slots = []
    for slot in _document_slots(r):
        form = (
            bound
            if bound is not None and bound.prefix == slot
            else DocumentUploadForm(use_request=r, prefix=slot)
        )
        slots.append(
            {
                "key": slot,
                "label": UseRequestDocument.Slot(slot).label,
                "hint": DOCUMENT_HINTS[UseRequestDocument.Slot(slot)],
                "documents": [d for d in documents if d.slot == slot],
                "form": form,
            }
        )
    return {
        "slots": slots,
        "used_bytes": used,
        "cap_bytes": cap,
        "used_percent": round(100 * used / cap) if cap else 0,
        "file_cap_bytes": settings.UPLOAD_MAX_FILE_BYTES,
        "remove_url": reverse("accounts:request_document_remove", args=[r.code]),
        "next_url": _next_url_plain(r, "documents"),
    }


def _next_url_plain(r: UseRequest, section: str) -> str:
    keys = [key for key, _url, _title in SECTIONS]
    index = keys.index(section)
    return reverse(SECTION_URLS[keys[index + 1]], args=[r.code])


@never_cache
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Every document slot on one page: the files already uploaded (each with
    remove), and an upload form per slot; a meter shows the request's total
    size against the cap."""
    r, actor = _editable_request(request, code)
    bound = None
    page_errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        slot = request.POST.get("slot", "")
        if slot not in _document_slots(r):
            return HttpResponseBadRequest()
        bound = DocumentUploadForm(
            request.POST, request.FILES, use_request=r, prefix=slot
        )
        if bound.is_valid():
            try:
                added = services.use_request_documents_add(
                    use_request=r,
                    slot=slot,
                    uploads=bound.cleaned_data["upload"],
                    expected_version=bound.cleaned_data["version"],
                    actor=actor,
                )
            except StaleEdit:
                reloaded = _stale(request, code)
                if reloaded is None:
                    return _not_editable(request)
                r, actor = reloaded
                bound = None
                page_errors, status = _stale_errors(), 409
            except ValidationError as exc:
                bound.add_error("upload", exc)
            else:
                messages.success(
                    request,
                    _("Uploaded: %(names)s")
                    % {"names": ", ".join(d.file.original_name for d in added)},
                )
                return redirect(
                    reverse("accounts:request_documents", args=[r.code]) + f"#{slot}"
                )
    ctx = _base_context(r, "documents", **_documents_context(r, bound))
    form_errors = bound.errors if bound is not None else None
    ctx.update(
        form=bound, page_errors=page_errors, has_errors=bool(page_errors or form_errors)
    )
    return render(request, "accounts/request/documents.html", ctx, status=status)


@never_cache
@require_POST
def document_remove(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    r, actor = _editable_request(request, code)
    form = RemoveItemForm(request.POST, use_request=r)
    if not form.is_valid():
        return HttpResponseBadRequest()
    try:
        file_code = uuid.UUID(form.cleaned_data["item"])
    except ValueError:
        return HttpResponseBadRequest()
    try:
        services.use_request_document_remove(
            use_request=r,
            file_code=file_code,
            expected_version=form.cleaned_data["version"],
            actor=actor,
        )
    except StaleEdit:
        messages.error(request, STALE_EDIT)
    else:
        messages.success(request, _("The file was removed."))
    return redirect("accounts:request_documents", r.code)


@never_cache
@require_GET
def document_file(
    request: HttpRequest, code: uuid.UUID, file_code: uuid.UUID
) -> FileResponse:
    """One of the request's files, to the visitor who may edit the request
    (its proven requester, or reception at the counter).  Always an
    attachment, never rendered by the browser; audited."""
    r, actor = _editable_request(request, code)
    document = selectors.use_request_document_get(use_request=r, file_code=file_code)
    stored = document.file
    try:
        handle = default_storage.open(stored.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit_record(
        actor=actor,
        action="file.download",
        obj=stored,
        data={"inline": False, "via": "use_request"},
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Content-Security-Policy"] = "sandbox"
    return response


# --- Foreign employees and planned hires ----------------------------------------------------

ROSTER_PREVIEW_ROWS = 100


def _roster_context(r: UseRequest) -> dict[str, Any]:
    rows = r.roster or []
    return {
        "roster_headers": [roster_csv.header_label(key) for key in roster_csv.HEADERS],
        "roster_keys": list(roster_csv.HEADERS),
        "roster_rows": [
            [row.get(key) for key in roster_csv.HEADERS]
            for row in rows[:ROSTER_PREVIEW_ROWS]
        ],
        "roster_count": len(rows),
        "roster_more": max(0, len(rows) - ROSTER_PREVIEW_ROWS),
        "next_url": _next_url_plain(r, "roster"),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def roster(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Import the list from CSV — all or nothing: any error, and every error is
    shown by line and column and nothing is kept."""
    r, actor = _editable_request(request, code)
    line_errors: list[str] = []
    page_errors: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES, use_request=r)
        if form.is_valid():
            result = roster_csv.parse_roster_csv(form.cleaned_data["csv_file"])
            if result.errors:
                form.add_error("csv_file", ROSTER_NOT_IMPORTED)
                line_errors = [
                    str(ROSTER_LINE_ERROR).format(
                        line=e.line, column=e.column or "—", message=e.message
                    )
                    for e in result.errors
                ]
            else:
                try:
                    r = services.use_request_update(
                        use_request=r,
                        fields={"roster": result.rows},
                        expected_version=form.cleaned_data["version"],
                        actor=actor,
                    )
                except StaleEdit:
                    reloaded = _stale(request, code)
                    if reloaded is None:
                        return _not_editable(request)
                    r, actor = reloaded
                    form = RosterUploadForm(use_request=r)
                    page_errors, status = _stale_errors(), 409
                else:
                    count = len(result.rows)
                    messages.success(
                        request,
                        ngettext(
                            "%(count)d person was imported.",
                            "%(count)d people were imported.",
                            count,
                        )
                        % {"count": count},
                    )
                    return redirect("accounts:request_roster", r.code)
    else:
        form = RosterUploadForm(use_request=r)
    ctx = _base_context(
        r,
        "roster",
        form=form,
        page_errors=page_errors,
        has_errors=bool(page_errors),
        line_errors=line_errors,
        **_roster_context(r),
    )
    return render(request, "accounts/request/roster.html", ctx, status=status)


@never_cache
@require_GET
def roster_template(request: HttpRequest) -> HttpResponse:
    """The CSV template (headings and an example row); public, no personal data."""
    response = HttpResponse(
        roster_csv.roster_csv_template(), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        'attachment; filename="foreign-employees-template.csv"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Check answers, submit, confirmation ---------------------------------------------------


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return str(_("Yes") if value else _("No"))


def _choice_label(choices: Any, value: Any) -> str:
    return str(dict(choices).get(value, "")) if value else ""


def _check_sections(r: UseRequest) -> list[dict[str, Any]]:
    """The answers, section by section, as summary-list rows with Change links."""

    def href(section: str) -> str:
        return reverse(SECTION_URLS[section], args=[r.code]) + "?from=check"

    prefecture = r.org_prefecture
    org_rows: list[dict[str, Any]] = [
        {"key": _("Name in Japanese"), "value": r.org_name_ja},
        {"key": _("Name in English"), "value": r.org_name_en},
        {"key": _("Corporation"), "value": _yes_no(r.org_is_corporation)},
    ]
    if r.org_is_corporation:
        org_rows.append({"key": _("Corporate number"), "value": r.org_corporate_number})
    org_rows += [
        {"key": _("Postal code"), "value": r.org_postal_code},
        {
            "key": _("Prefecture"),
            "value": (
                prefecture.name_en if get_language() == "en" else prefecture.name_ja
            )
            if prefecture
            else "",
        },
        {"key": _("Address"), "value": r.org_address},
        {"key": _("Representative"), "value": r.org_representative},
        {"key": _("Phone number"), "value": r.org_phone},
        {
            "key": _("Category of the organisation"),
            "value": _choice_label(
                UseRequest._meta.get_field("org_category").choices, r.org_category
            ),
        },
    ]
    person_rows: list[dict[str, Any]] = [
        {"key": _("Email address"), "value": r.email, "no_change": True},
        {"key": _("Name"), "value": r.full_name},
        {"key": _("Name in kana"), "value": r.full_name_kana},
        {"key": _("Phone number"), "value": r.phone},
        {"key": _("Position"), "value": r.position},
    ]
    if r.user_category and r.user_category > 1:
        person_rows.append(
            {
                "key": _("Law office, corporation or support organisation"),
                "value": r.affiliation,
            }
        )
    if r.user_category == User.Category.ATTORNEY:
        person_rows += [
            {
                "key": _("Filing-agent notification certificate number"),
                "value": r.toritsugi_number,
            },
            {"key": _("Issued by"), "value": r.toritsugi_issuer},
        ]
    if r.user_category and r.user_category > 1:
        person_rows.append(
            {
                "key": _("Other appointing organisations"),
                "value": "\n".join(
                    f"{a.name_ja} ({a.corporate_number})"
                    for a in r.appointers.order_by("pk")
                )
                or _("None"),
                "href": reverse("accounts:request_appointers", args=[r.code])
                + "?from=check",
            }
        )
    decl_rows = [
        {"key": text, "value": _("Confirmed") if getattr(r, name) else ""}
        for name, text in DECLARATIONS
    ]
    docs = list(selectors.use_request_documents(use_request=r))
    doc_rows = [
        {
            "key": UseRequestDocument.Slot(slot).label,
            "value": "\n".join(d.file.original_name for d in docs if d.slot == slot),
        }
        for slot in _document_slots(r)
    ]
    count = len(r.roster or [])
    roster_rows = [
        {"key": _("People on the list"), "value": str(count) if count else ""}
    ]
    office_rows = [{"key": _("Office"), "value": _office_name(r.office)}]
    sections: list[tuple[str, list[dict[str, Any]]]] = [
        (
            "category",
            [
                {
                    "key": _("User category"),
                    "value": _choice_label(User.Category.choices, r.user_category),
                }
            ],
        ),
        ("organization", org_rows),
        ("person", person_rows),
        ("declarations", decl_rows),
        ("documents", doc_rows),
        ("roster", roster_rows),
        ("office", office_rows),
    ]
    titles = {key: title for key, _url, title in SECTIONS}
    out = []
    for key, rows in sections:
        for row in rows:
            if row.pop("no_change", False):
                continue
            row.setdefault("href", href(key))
        out.append({"key": key, "title": titles[key], "rows": rows})
    return out


def _problem_errors(
    r: UseRequest, problems: list[tuple[str, Any]]
) -> list[dict[str, str]]:
    return [
        {
            "href": reverse(SECTION_URLS[item], args=[r.code])
            if item in SECTION_URLS
            else "",
            "message": str(message),
        }
        for item, message in problems
    ]


@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    """Check answers, then submit.  A second submit (double click, retried
    POST) lands on the same confirmation; it never creates a second reference."""
    try:
        r, actor = _editable_request(request, code)
    except Http404:
        submitted = _submitted_request(request, code)
        if (
            request.method == "POST"
            and submitted is not None
            and (submitted.status == UseRequest.Status.SUBMITTED)
        ):
            return redirect("accounts:request_done", submitted.code)
        raise
    status = 200
    stale = False
    if request.method == "POST":
        form = SubmitForm(request.POST, use_request=r)
        if not form.is_valid():
            return HttpResponseBadRequest()
        try:
            services.use_request_submit(
                use_request=r,
                actor=actor,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit:
            stale = True
            status = 409
            r.refresh_from_db()
        except RequestIncomplete:
            status = 200  # the problems are shown below, from the fresh state
        else:
            return redirect("accounts:request_done", r.code)
    problems = selectors.use_request_problems(r)
    page_errors = _stale_errors() if stale else []
    page_errors += _problem_errors(r, problems)
    ctx = _base_context(
        r,
        "check",
        form=SubmitForm(use_request=r),
        page_errors=page_errors,
        has_errors=bool(page_errors),
        sections=_check_sections(r),
        problems=problems,
        roster_count=len(r.roster or []),
    )
    return render(request, "accounts/request/check.html", ctx, status=status)


@never_cache
@require_GET
def done(request: HttpRequest, code: uuid.UUID) -> HttpResponse:
    r = _submitted_request(request, code)
    if r is None:
        raise Http404
    return render(
        request,
        "accounts/request/done.html",
        {"use_request": r, "office_name": _office_name(r.office)},
    )


urlpatterns: list[URLPattern] = [
    path("request/", start, name="request_start"),
    path("request/sent/", sent, name="request_sent"),
    path("request/verify/<str:token>/", verify, name="request_verify"),
    path("request/mine/", mine, name="request_mine"),
    path("request/new/", new, name="request_new"),
    path("request/leave/", signout, name="request_signout"),
    path(
        "request/roster-template.csv", roster_template, name="request_roster_template"
    ),
    path("request/<uuid:code>/", hub, name="request_hub"),
    path("request/<uuid:code>/category/", category, name="request_category"),
    path(
        "request/<uuid:code>/organisation/", organization, name="request_organization"
    ),
    path("request/<uuid:code>/person/", person, name="request_person"),
    path("request/<uuid:code>/appointers/", appointers, name="request_appointers"),
    path(
        "request/<uuid:code>/appointers/remove/",
        appointer_remove,
        name="request_appointer_remove",
    ),
    path(
        "request/<uuid:code>/declarations/", declarations, name="request_declarations"
    ),
    path("request/<uuid:code>/documents/", documents, name="request_documents"),
    path(
        "request/<uuid:code>/documents/remove/",
        document_remove,
        name="request_document_remove",
    ),
    path(
        "request/<uuid:code>/documents/<uuid:file_code>/",
        document_file,
        name="request_document_file",
    ),
    path("request/<uuid:code>/roster/", roster, name="request_roster"),
    path("request/<uuid:code>/office/", office, name="request_office"),
    path("request/<uuid:code>/check/", check, name="request_check"),
    path("request/<uuid:code>/done/", done, name="request_done"),
]
