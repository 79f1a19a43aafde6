"""What the accounts pages show, built from the models without a request:
the summary of a request for use (one builder for the requester's check
answers and for reception's review), its documents, roster and history, and
the colours of statuses.  Views call these; tests can too, without a client."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts import selectors
from accounts.declarations import DECLARATION_FIELDS, DECLARATIONS
from accounts.errors import ExistingAccountRefused
from accounts.forms.reception import RETURN_ITEMS
from accounts.messages import (
    DUPLICATE_PENDING,
    READ_ONLY_EXPIRED,
    READ_ONLY_SUSPENDED,
)
from accounts.models import Office, RosterEntry, User, UseRequest, UseRequestDocument
from accounts.permissions import (
    approval_expired,
    can_file,
    existing_account_for,
    existing_account_refusal,
)
from portal.audit.events import AuditAction
from portal.lib.errors import message_for

STATUS_COLOURS: dict[str, str] = {
    UseRequest.Status.SUBMITTED: "blue",
    UseRequest.Status.RETURNED: "yellow",
    UseRequest.Status.APPROVED: "green",
    UseRequest.Status.REJECTED: "red",
    User.Status.ACTIVE: "green",
    User.Status.SUSPENDED: "orange",
    User.Status.REVOKED: "red",
}

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

Audience = Literal["requester", "reception"]


def yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return str(_("Yes") if value else _("No"))


def choice_label(choices: Any, value: Any) -> str:
    return str(dict(choices).get(value, "")) if value else ""


def office_name(office: Office | None) -> str:
    if office is None:
        return ""
    return str(office.name_en if get_language() == "en" else office.name_ja)


def document_slots(use_request: UseRequest) -> list[str]:
    """The document slots the requester is asked for, in the wizard's order."""
    slots = [UseRequestDocument.Slot.ORG_SUMMARY, UseRequestDocument.Slot.PLEDGE]
    if use_request.org_is_corporation is not False:
        slots.append(UseRequestDocument.Slot.REGISTRY)
    slots.append(UseRequestDocument.Slot.CATEGORY)
    if use_request.user_category and use_request.user_category > 1:
        slots.append(UseRequestDocument.Slot.APPOINTMENT)
    # Never required: what the office may need beyond the list (the leaflet's
    # last line).
    slots.append(UseRequestDocument.Slot.OTHER)
    return [str(slot) for slot in slots]


# --- The requester's wizard ------------------------------------------------------------

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
    UseRequestDocument.Slot.OTHER: gettext_lazy(
        "Optional: any other document the immigration office asked for or that "
        "explains the organisation's situation."
    ),
}


def use_request_section_states(
    use_request: UseRequest, problems: list[tuple[str, Any]]
) -> dict[str, str]:
    """not_started / in_progress / completed per section.  A duplicate pending
    request is a problem of the whole request, not of the section's answers."""
    open_items = {
        item for item, message in problems if str(message) != str(DUPLICATE_PENDING)
    }
    started = {
        "category": bool(use_request.user_category),
        "organization": any(
            [
                use_request.org_name_ja,
                use_request.org_name_en,
                use_request.org_is_corporation is not None,
                use_request.org_corporate_number,
                use_request.org_postal_code,
                use_request.org_prefecture_id,
                use_request.org_address,
                use_request.org_representative,
                use_request.org_phone,
                use_request.org_category,
            ]
        ),
        "person": any(
            [
                use_request.full_name,
                use_request.full_name_kana,
                use_request.phone,
                use_request.position,
                use_request.affiliation,
            ]
        ),
        "declarations": any(getattr(use_request, name) for name in DECLARATION_FIELDS),
        "documents": use_request.documents.exists(),
        "roster": bool(use_request.roster),
        "office": use_request.office_id is not None,
    }
    return {
        key: ("completed" if key not in open_items else "in_progress")
        if started[key]
        else "not_started"
        for key, _url, _title in SECTIONS
    }


# --- The summary of a request: one builder, two audiences ---------------------------------


def use_request_sections(
    use_request: UseRequest, *, audience: Audience
) -> list[dict[str, Any]]:
    """The request as summary lists, one per item, in the order of the
    requester's steps; keys are those of RETURN_ITEMS (so reception's
    comments line up).  For the requester (check answers) every row has a
    Change link and the documents, roster and office follow; reception sees
    the documents and roster in their own lists and, for a periodic report,
    the organisation and who filed it."""
    sections: list[tuple[str, list[dict[str, Any]]]] = []
    if use_request.kind == UseRequest.Kind.NEW:
        sections += [
            (
                "category",
                [
                    {
                        "key": _("User category"),
                        "value": choice_label(
                            User.Category.choices, use_request.user_category
                        ),
                    }
                ],
            ),
            ("organization", _organization_rows(use_request, audience)),
            ("person", _person_rows(use_request)),
        ]
    else:
        sections.append(("organization", _report_rows(use_request)))
    sections.append(("declarations", _declaration_rows(use_request, audience)))
    if audience == "reception":
        for _key, rows in sections:
            for row in rows:  # reception reads; it does not change answers
                row.pop("href", None)
                row.pop("no_change", None)
        return [
            {"key": key, "title": RETURN_ITEMS[key], "rows": rows}
            for key, rows in sections
        ]
    sections += [
        ("documents", _document_rows(use_request)),
        ("roster", _roster_count_rows(use_request)),
        ("office", [{"key": _("Office"), "value": office_name(use_request.office)}]),
    ]
    titles = {key: title for key, _url, title in SECTIONS}
    out = []
    for key, rows in sections:
        for row in rows:
            if row.pop("no_change", False):
                continue
            row.setdefault(
                "href",
                reverse(SECTION_URLS[key], args=[use_request.code]) + "?from=check",
            )
        out.append({"key": key, "title": titles[key], "rows": rows})
    return out


def _organization_rows(
    use_request: UseRequest, audience: Audience
) -> list[dict[str, Any]]:
    prefecture = use_request.org_prefecture
    rows: list[dict[str, Any]] = [
        {"key": _("Name in Japanese"), "value": use_request.org_name_ja},
        {"key": _("Name in English"), "value": use_request.org_name_en},
        {"key": _("Corporation"), "value": yes_no(use_request.org_is_corporation)},
    ]
    if use_request.org_is_corporation:
        rows.append(
            {"key": _("Corporate number"), "value": use_request.org_corporate_number}
        )
    rows += [
        {"key": _("Postal code"), "value": use_request.org_postal_code},
        {
            "key": _("Prefecture"),
            "value": (
                prefecture.name_en if get_language() == "en" else prefecture.name_ja
            )
            if prefecture
            else "",
        },
        {"key": _("Address"), "value": use_request.org_address},
        {"key": _("Representative"), "value": use_request.org_representative},
        {"key": _("Phone number"), "value": use_request.org_phone},
        {
            "key": _("Category of the organisation"),
            "value": choice_label(
                UseRequest._meta.get_field("org_category").choices,
                use_request.org_category,
            ),
        },
    ]
    if audience == "reception" and use_request.organization is not None:
        rows.append(
            {
                "key": _("Already known to the portal"),
                "value": _("Yes — approval reuses this organisation"),
            }
        )
    return rows


def _person_rows(use_request: UseRequest) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"key": _("Email address"), "value": use_request.email, "no_change": True},
        {"key": _("Name"), "value": use_request.full_name},
        {"key": _("Name in kana"), "value": use_request.full_name_kana},
        {"key": _("Phone number"), "value": use_request.phone},
        {"key": _("Position"), "value": use_request.position},
    ]
    appointed = bool(use_request.user_category and use_request.user_category > 1)
    if appointed:
        rows.append(
            {
                "key": _("Law office, corporation or support organisation"),
                "value": use_request.affiliation,
            }
        )
    if use_request.user_category == User.Category.ATTORNEY:
        rows += [
            {
                "key": _("Filing-agent notification certificate number"),
                "value": use_request.toritsugi_number,
            },
            {"key": _("Issued by"), "value": use_request.toritsugi_issuer},
        ]
    if appointed:
        rows.append(
            {
                "key": _("Other appointing organisations"),
                "value": "\n".join(
                    f"{appointer.name_ja} ({appointer.corporate_number})"
                    if appointer.corporate_number
                    else appointer.name_ja
                    for appointer in use_request.appointers.order_by("pk")
                )
                or _("None"),
                "href": reverse("accounts:request_appointers", args=[use_request.code])
                + "?from=check",
            }
        )
    return rows


def _report_rows(report: UseRequest) -> list[dict[str, Any]]:
    organization = report.organization
    filed_by = report.filed_by
    return [
        {
            "key": _("Organisation"),
            "value": organization.name_ja if organization else "",
        },
        {
            "key": _("Corporate number"),
            "value": (organization.corporate_number or "") if organization else "",
        },
        {
            "key": _("Filed by"),
            "value": f"{filed_by.display_name} ({filed_by.username})"
            if filed_by
            else "",
        },
    ]


def _declaration_rows(
    use_request: UseRequest, audience: Audience
) -> list[dict[str, Any]]:
    """The requester reads the wording they confirmed; reception the short
    label of the same declaration."""
    if audience == "requester":
        return [
            {
                "key": declaration.text,
                "value": _("Confirmed")
                if getattr(use_request, declaration.field)
                else "",
            }
            for declaration in DECLARATIONS
        ]
    return [
        {
            "key": declaration.short,
            "value": _("Declared")
            if getattr(use_request, declaration.field)
            else _("Not declared"),
        }
        for declaration in DECLARATIONS
    ]


def _document_rows(use_request: UseRequest) -> list[dict[str, Any]]:
    documents = list(selectors.use_request_documents(use_request=use_request))
    return [
        {
            "key": UseRequestDocument.Slot(slot).label,
            "value": "\n".join(
                document.file.original_name
                for document in documents
                if document.slot == slot
            ),
        }
        for slot in document_slots(use_request)
    ]


def _roster_count_rows(use_request: UseRequest) -> list[dict[str, Any]]:
    count = len(use_request.roster or [])
    return [{"key": _("People on the list"), "value": str(count) if count else ""}]


# --- Reception's review page ---------------------------------------------------------------


def use_request_documents_by_slot(use_request: UseRequest) -> list[dict[str, Any]]:
    by_slot: dict[str, list[Any]] = {}
    for document in use_request.documents.select_related("file").order_by("slot", "id"):
        by_slot.setdefault(document.slot, []).append(document.file)
    order = list(UseRequestDocument.Slot.values)  # the requester's order
    return [
        {"label": UseRequestDocument.Slot(slot).label, "files": by_slot[slot]}
        for slot in sorted(by_slot, key=order.index)
    ]


def use_request_roster(use_request: UseRequest) -> list[dict[str, Any]]:
    sexes = dict(RosterEntry.Sex.choices)
    return [
        {
            **row,
            "sex_label": sexes.get(row.get("sex") or "", row.get("sex") or ""),
            "planned_label": yes_no(bool(row.get("planned_hire"))),
        }
        for row in (use_request.roster or [])
    ]


HISTORY_LABELS: dict[str, Any] = {
    AuditAction.USE_REQUEST_CREATE: gettext_lazy("Registered at the counter"),
    AuditAction.USE_REQUEST_SUBMIT: gettext_lazy("Submitted"),
    AuditAction.USE_REQUEST_RETURN: gettext_lazy("Returned for correction"),
    AuditAction.USE_REQUEST_APPROVE: gettext_lazy("Approved"),
    AuditAction.PERIODIC_REPORT_APPROVE: gettext_lazy("Approved"),
    AuditAction.USE_REQUEST_REJECT: gettext_lazy("Rejected"),
}


def use_request_history(use_request: UseRequest) -> list[dict[str, Any]]:
    events = []
    for event in selectors.use_request_history(use_request=use_request):
        if (
            event.action == AuditAction.USE_REQUEST_CREATE
            and use_request.channel != UseRequest.Channel.COUNTER
        ):
            continue
        label: Any = HISTORY_LABELS[event.action]
        if event.action == AuditAction.USE_REQUEST_SUBMIT and event.data.get(
            "resubmission"
        ):
            label = _("Resubmitted after correction")
        items = [
            str(RETURN_ITEMS.get(item, item))
            for item in str(event.data.get("items", "")).split(",")
            if item
        ]
        events.append(
            {"label": label, "at": event.at, "by": event.actor_username, "items": items}
        )
    return events


def organization_users_renewed(use_request: UseRequest) -> list[dict[str, Any]]:
    """For a periodic report: the users whose approval it renews."""
    if use_request.kind != UseRequest.Kind.PERIODIC or use_request.organization is None:
        return []
    today = timezone.localdate()
    return [
        {
            **item,
            "colour": STATUS_COLOURS.get(item["user"].status, "blue"),
            "expired": approval_expired(item["user"], today),
        }
        for item in selectors.organization_users(organization=use_request.organization)
    ]


def use_request_review(
    use_request: UseRequest, *, decisions: list[str]
) -> dict[str, Any]:
    """Everything reception's review page shows; ``decisions`` are the
    decisions the officer may take now (``permissions.use_request_decisions``)."""
    return {
        "organization_users": organization_users_renewed(use_request),
        "use_request": use_request,
        "status_colour": STATUS_COLOURS.get(use_request.status, "blue"),
        "sections": use_request_sections(use_request, audience="reception"),
        "documents": use_request_documents_by_slot(use_request),
        "roster": use_request_roster(use_request),
        "history": use_request_history(use_request),
        "return_comments": [
            {"label": RETURN_ITEMS.get(key, key), "text": text}
            for key, text in (use_request.return_comments or {}).items()
        ],
        "can_decide": bool(decisions),
        **_existing_account(use_request),
    }


def _existing_account(use_request: UseRequest) -> dict[str, Any]:
    """The account that already uses a new request's email, and why approval
    could not link it (the rule the approval service checks)."""
    if (
        use_request.kind != UseRequest.Kind.NEW
        or use_request.status != UseRequest.Status.SUBMITTED
    ):
        return {"existing_account": None, "existing_account_refusal": ""}
    refusal = existing_account_refusal(use_request)
    return {
        "existing_account": existing_account_for(use_request),
        "existing_account_refusal": message_for(ExistingAccountRefused(refusal))
        if refusal
        else "",
    }


# --- The organisation side ------------------------------------------------------------

# Reminders start 60 days before the approval ends; so does the banner.
EXPIRY_WARNING_DAYS = 60


def validity(user: Any, today: date | None = None) -> dict[str, Any]:
    """The user's approval for the templates: ``valid_until``, ``days_left``,
    ``expired``, ``expiring`` (≤ 60 days) and, for read-only users, the
    ``read_only`` message saying why and what to do."""
    today = today or timezone.localdate()
    until = getattr(user, "valid_until", None)
    days_left = (until - today).days if until else None
    expired = approval_expired(user, today)
    read_only = ""
    if getattr(user, "status", None) == User.Status.SUSPENDED:
        read_only = str(READ_ONLY_SUSPENDED)
    elif expired and until is not None:
        read_only = str(READ_ONLY_EXPIRED).format(
            date=date_format(until, "DATE_FORMAT")
        )
    return {
        "valid_until": until,
        "days_left": days_left,
        "expired": expired,
        "expiring": days_left is not None and 0 <= days_left <= EXPIRY_WARNING_DAYS,
        "read_only": read_only,
        "can_write": can_file(user, today),
    }
