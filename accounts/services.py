"""Writes for accounts: requests for use, their decisions, accounts and
appointments.  Every state change here follows the same order: lock the row,
check the transition table, apply domain guards, write with update_fields,
audit and queue notifications — all in one transaction."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

from dateutil.relativedelta import relativedelta

from accounts.models import (
    Appointment,
    EmailProof,
    ExpiryReminder,
    Membership,
    OfficerRole,
    Organization,
    RosterEntry,
    SetPasswordToken,
    User,
    UseRequest,
    UseRequestAppointer,
    UseRequestDocument,
)
from accounts.selectors import officers_of_office
from accounts.workflow import (
    EDITABLE_STATUSES,
    AccountAction,
    RequestAction,
    next_account_status,
    next_request_status,
)
from portal.audit.services import audit_record
from portal.files.services import store_upload, stored_file_delete
from portal.lib.files import CleanedUpload, check_total_size
from portal.notifications.services import notify

EMAIL_PROOF_LIFETIME = timedelta(hours=1)
SET_PASSWORD_LIFETIME = timedelta(hours=72)
REMINDER_DAYS = (60, 30, 7)
# User IDs: no 0/O, 1/I/L, so they can be read out and typed from paper.
_ID_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class TokenError(Exception):
    """A link token is unknown, expired or already used (``reason`` says which)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StaleEdit(Exception):
    """The object changed since the form was loaded (another tab or person)."""


# (item, message) — the item names the wizard section to fix.
Problem = tuple[str, "str | Promise"]


class RequestIncomplete(Exception):
    """Submission refused; ``problems`` lists (item, message) pairs."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("request incomplete")
        self.problems = problems


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _url(name: str, *args: Any) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=args)


# --- Email proof for requesters without an account --------------------------------


def email_proof_send(*, email: str, language: str) -> EmailProof:
    """Email a single-use link (valid one hour) that proves the address."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        proof = EmailProof.objects.create(
            email=email.strip(),
            token_hash=_hash(token),
            expires_at=timezone.now() + EMAIL_PROOF_LIFETIME,
        )
        notify(
            to_email=proof.email,
            language=language,
            kind="email_proof",
            context={"secret_link": _url("accounts:request_verify", token)},
        )
    return proof


def email_proof_redeem(*, token: str) -> str:
    """Use a proof link once; returns the proven address or raises TokenError."""
    with transaction.atomic():
        proof = (
            EmailProof.objects.select_for_update()
            .filter(token_hash=_hash(token))
            .first()
        )
        if proof is None:
            raise TokenError("unknown")
        if proof.used_at is not None:
            raise TokenError("used")
        if proof.expires_at < timezone.now():
            raise TokenError("expired")
        proof.used_at = timezone.now()
        proof.save(update_fields=["used_at"])
    return proof.email


# --- Requests for use -------------------------------------------------------------------


def use_request_create(
    *,
    email: str,
    language: str,
    channel: str = UseRequest.Channel.ONLINE,
    registered_by: User | None = None,
    office: Any = None,
) -> UseRequest:
    """Start a draft request owned by ``email`` (proven, or registered at the
    counter by ``registered_by``)."""
    with transaction.atomic():
        request = UseRequest.objects.create(
            email=email.strip(),
            language=language,
            channel=channel,
            registered_by=registered_by,
            office=office,
        )
        audit_record(
            actor=registered_by,
            action="use_request.create",
            obj=request,
            data={"channel": channel},
        )
    return request


def use_request_update(
    *,
    use_request: UseRequest,
    fields: dict[str, Any],
    expected_version: int,
    actor: User | None = None,
) -> UseRequest:
    """Save one step of a draft.  Refuses (StaleEdit) when the draft changed
    since ``expected_version`` was read — never a silent overwrite."""
    allowed = {f.name for f in UseRequest._meta.concrete_fields} - {
        "id",
        "code",
        "reference_number",
        "kind",
        "status",
        "channel",
        "email",
        "return_comments",
        "decision_reason",
        "version",
        "created_at",
        "updated_at",
        "submitted_at",
        "decided_at",
        "decided_by",
        "registered_by",
        "filed_by",
        "resulting_user",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        locked = _lock_editable(use_request, expected_version)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.save(update_fields=[*fields, "version", "updated_at"])
        audit_record(
            actor=actor,
            action="use_request.update",
            obj=locked,
            data={"fields": ",".join(sorted(fields))},
        )
    return locked


# Document slots every request needs; the registry certificate (corporations)
# and proof of appointment (categories 2–4) are added by use_request_problems.
REQUIRED_DOCUMENTS = {
    UseRequest.Kind.NEW: ["org_summary", "pledge", "category"],
    UseRequest.Kind.PERIODIC: ["user_list", "category"],
}


def use_request_problems(use_request: UseRequest) -> list[Problem]:
    """What still stops this request from being submitted, as (item, message)
    pairs for the check-answers page.  Pure apart from reading the request's
    documents and appointers."""
    from accounts import messages as m

    r = use_request
    problems: list[Problem] = []
    if r.kind == UseRequest.Kind.NEW:
        if not r.user_category:
            problems.append(("category", m.MISSING_CATEGORY))
        org_fields = [
            "org_name_ja",
            "org_postal_code",
            "org_prefecture_id",
            "org_address",
            "org_representative",
            "org_phone",
            "org_category",
        ]
        if r.org_is_corporation is None or any(not getattr(r, f) for f in org_fields):
            problems.append(("organization", m.MISSING_ORGANIZATION))
        elif r.org_is_corporation and not r.org_corporate_number:
            problems.append(("organization", m.MISSING_CORPORATE_NUMBER))
        if not all([r.full_name, r.full_name_kana, r.phone, r.position]):
            problems.append(("person", m.MISSING_PERSON))
        if r.user_category and r.user_category > 1 and not r.affiliation:
            problems.append(("person", m.MISSING_AFFILIATION))
        if r.user_category == User.Category.ATTORNEY and not (
            r.toritsugi_number and r.toritsugi_issuer
        ):
            problems.append(("person", m.MISSING_TORITSUGI))
        if not r.roster:
            problems.append(("roster", m.MISSING_ROSTER))
    declarations = [
        r.decl_no_punishment,
        r.decl_notifications_filed,
        r.decl_lawful_acceptance,
        r.decl_no_id_lending,
        r.decl_periodic_report,
    ]
    if not all(declarations):
        problems.append(("declarations", m.MISSING_DECLARATIONS))
    slots = set(r.documents.values_list("slot", flat=True))
    required = list(REQUIRED_DOCUMENTS[UseRequest.Kind(r.kind)])
    if r.kind == UseRequest.Kind.NEW and r.org_is_corporation:
        required.append("registry")
    if r.kind == UseRequest.Kind.NEW and r.user_category and r.user_category > 1:
        required.append("appointment")
    for slot in required:
        if slot not in slots:
            label = UseRequestDocument.Slot(slot).label
            problems.append(("documents", m.MISSING_DOCUMENT.format(document=label)))
    if r.office is None:
        problems.append(("office", m.MISSING_OFFICE))
    elif not r.office.accepts_use_requests:
        problems.append(("office", m.OFFICE_NOT_ACCEPTING))
    if r.kind == UseRequest.Kind.NEW and r.org_corporate_number:
        duplicate = UseRequest.objects.filter(
            email__iexact=r.email,
            org_corporate_number=r.org_corporate_number,
            status__in=[UseRequest.Status.SUBMITTED, UseRequest.Status.RETURNED],
        ).exclude(pk=r.pk)
        if duplicate.exists():
            problems.append(("organization", m.DUPLICATE_PENDING))
    return problems


def _reference_number(prefix: str, office_code: str) -> str:
    year = timezone.localdate().year
    return f"{prefix}{office_code}-{year}-{secrets.randbelow(10**6):06d}"


def use_request_submit(
    *,
    use_request: UseRequest,
    actor: User | None = None,
    expected_version: int | None = None,
) -> UseRequest:
    """Submit (or resubmit after correction).  Assigns the reference number on
    first submission, confirms by email and tells the office's reception.
    Raises RequestIncomplete; a second submit of a submitted request is a no-op."""
    with transaction.atomic():
        r = (
            UseRequest.objects.select_for_update(of=("self",))
            .select_related("office")
            .get(pk=use_request.pk)
        )
        if r.status == UseRequest.Status.SUBMITTED:
            return r
        if expected_version is not None and r.version != expected_version:
            raise StaleEdit
        new_status = next_request_status(r.status, RequestAction.SUBMIT)
        problems = use_request_problems(r)
        office = r.office
        if problems or office is None:  # no office is one of the problems
            raise RequestIncomplete(problems)
        resubmission = r.status == UseRequest.Status.RETURNED
        r.status = new_status
        r.submitted_at = timezone.now()
        r.version += 1
        if not r.reference_number:
            prefix = "R" if r.kind == UseRequest.Kind.NEW else "P"
            for _attempt in range(10):
                candidate = _reference_number(prefix, office.code)
                if not UseRequest.objects.filter(reference_number=candidate).exists():
                    r.reference_number = candidate
                    break
        r.save(
            update_fields=[
                "status",
                "submitted_at",
                "version",
                "reference_number",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="use_request.submit",
            obj=r,
            organization_code=r.organization.code if r.organization else None,
            data={"resubmission": resubmission, "kind": r.kind},
        )
        context = {
            "reference_number": r.reference_number,
            "kind": r.kind,
            "office_ja": office.name_ja,
            "office_en": office.name_en,
        }
        if r.kind == UseRequest.Kind.NEW:
            notify(
                to_email=r.email,
                language=r.language,
                kind="use_request_submitted",
                context=context,
            )
        elif r.filed_by is not None:
            notify(recipient=r.filed_by, kind="use_request_submitted", context=context)
        for officer in officers_of_office(
            office_id=office.pk, roles=[OfficerRole.Role.RECEPTION]
        ):
            notify(
                recipient=officer,
                kind="use_request_received",
                context=context,
                link=reverse("accounts:reception_detail", args=[r.code]),
            )
    return r


def _lock_for_decision(use_request: UseRequest, action: str) -> tuple[UseRequest, str]:
    r = (
        UseRequest.objects.select_for_update(of=("self",))
        .select_related("office")
        .get(pk=use_request.pk)
    )
    return r, next_request_status(r.status, action)


def _new_user_id() -> str:
    for _attempt in range(20):
        candidate = "".join(secrets.choice(_ID_ALPHABET) for _ in range(10))
        if not User.objects.filter(username=candidate).exists():
            return candidate
    raise RuntimeError("could not generate a unique user ID")


def _approval_until(today: date) -> date:
    return today + relativedelta(years=settings.USE_APPROVAL_YEARS)


def use_request_approve(*, use_request: UseRequest, actor: User) -> UseRequest:
    """Approve a request for use or a periodic report.

    New request: creates or reuses the organisation (by corporate number),
    creates the person's account with a generated user ID, the membership
    (category 1) or appointments (2–4), imports the roster, and emails the ID
    with a single-use set-password link (72 hours).  Periodic report: extends
    the approval of every user of the organisation."""
    with transaction.atomic():
        r, new_status = _lock_for_decision(use_request, RequestAction.APPROVE)
        today = timezone.localdate()
        until = _approval_until(today)
        if r.kind == UseRequest.Kind.PERIODIC:
            if r.organization is None:  # a periodic report always names one
                raise ValueError("periodic report without an organisation")
            users = _organization_users(r.organization)
            User.objects.filter(pk__in=[u.pk for u in users]).update(valid_until=until)
            for user in users:
                notify(
                    recipient=user,
                    kind="periodic_report_approved",
                    context={
                        "reference_number": r.reference_number,
                        "valid_until": until.isoformat(),
                        "organization": r.organization.name_ja,
                    },
                )
            organization = r.organization
        else:
            organization = _organization_for(r)
            user = User(
                username=_new_user_id(),
                email=r.email,
                full_name=r.full_name,
                full_name_kana=r.full_name_kana,
                phone=r.phone,
                position=r.position,
                affiliation=r.affiliation,
                language=r.language,
                user_category=r.user_category,
                valid_until=until,
            )
            user.set_unusable_password()
            user.save()
            if r.user_category == User.Category.ORG_STAFF:
                Membership.objects.create(user=user, organization=organization)
            else:
                appointers = [organization] + [
                    a.organization
                    for a in r.appointers.select_related("organization")
                    if a.organization is not None
                ]
                for org in dict.fromkeys(appointers):
                    Appointment.objects.create(
                        appointee=user, organization=org, valid_from=today
                    )
            _import_roster(organization, r.roster)
            r.resulting_user = user
            token = _issue_set_password_token(user)
            notify(
                recipient=user,
                kind="account_approved",
                context={
                    "user_id": user.username,
                    "reference_number": r.reference_number,
                    "valid_until": until.isoformat(),
                    "secret_link": _url("accounts:set_password", token),
                },
            )
            r.organization = organization
        r.status = new_status
        r.decided_at = timezone.now()
        r.decided_by = actor
        r.version += 1
        r.save(
            update_fields=[
                "status",
                "decided_at",
                "decided_by",
                "version",
                "organization",
                "resulting_user",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action=f"{'periodic_report' if r.kind == 'periodic' else 'use_request'}.approve",
            obj=r,
            organization_code=organization.code,
        )
    return r


def _organization_for(r: UseRequest) -> Organization:
    if r.organization is not None:
        return r.organization
    if r.org_corporate_number:
        existing = Organization.objects.filter(
            corporate_number=r.org_corporate_number
        ).first()
        if existing is not None:
            return existing
    if r.org_category is None or r.org_prefecture is None or r.office is None:
        # use_request_problems refuses submission without them.
        raise ValueError(
            "an approved request always has category, prefecture and office"
        )
    return Organization.objects.create(
        name_ja=r.org_name_ja,
        name_en=r.org_name_en,
        is_corporation=bool(r.org_is_corporation),
        corporate_number=r.org_corporate_number or None,
        category=r.org_category,
        postal_code=r.org_postal_code,
        prefecture=r.org_prefecture,
        address=r.org_address,
        representative=r.org_representative,
        phone=r.org_phone,
        office=r.office,
    )


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


def _import_roster(organization: Organization, rows: list[dict[str, Any]]) -> int:
    """Add the validated rows to the organisation's roster (matching people
    already on it by nationality, names and date of birth: those are updated).

    One INSERT … ON CONFLICT DO UPDATE per batch, so 10,000 rows cost a few
    queries, not 10,000.  A person twice in ``rows`` is written once (the last
    row wins) — PostgreSQL refuses to update one row twice in a statement."""
    key_fields = ("nationality", "family_name", "given_name", "date_of_birth")
    by_person: dict[tuple[Any, ...], RosterEntry] = {}
    for row in rows:
        values = {k: row.get(k) for k in ROSTER_FIELDS}
        values = {
            k: ("" if v is None and k not in ("date_of_birth", "period_expiry") else v)
            for k, v in values.items()
        }
        values["planned_hire"] = bool(values["planned_hire"])
        entry = RosterEntry(organization=organization, **values)
        by_person[tuple(str(values[k]) for k in key_fields)] = entry
    entries = list(by_person.values())
    RosterEntry.objects.bulk_create(
        entries,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["organization", *key_fields],
        update_fields=[f for f in ROSTER_FIELDS if f not in key_fields]
        + ["updated_at"],
    )
    return len(entries)


def _organization_users(organization: Organization) -> list[User]:
    today = timezone.localdate()
    return list(
        User.objects.filter(
            Q(memberships__organization=organization)
            | (
                Q(
                    appointments__organization=organization,
                    appointments__ended_at__isnull=True,
                    appointments__valid_from__lte=today,
                )
                & (
                    Q(appointments__valid_until__isnull=True)
                    | Q(appointments__valid_until__gte=today)
                )
            )
        )
        .exclude(status=User.Status.REVOKED)
        .distinct()
    )


def use_request_return(
    *, use_request: UseRequest, actor: User, comments: dict[str, str]
) -> UseRequest:
    """Return for correction with a comment per item; the requester corrects
    and resubmits.  ``comments`` must name at least one item."""
    comments = {k: v.strip() for k, v in comments.items() if v and v.strip()}
    if not comments:
        raise ValueError("at least one comment is required")
    with transaction.atomic():
        r, new_status = _lock_for_decision(use_request, RequestAction.RETURN)
        r.status = new_status
        r.return_comments = comments
        r.version += 1
        r.save(update_fields=["status", "return_comments", "version", "updated_at"])
        audit_record(
            actor=actor,
            action="use_request.return",
            obj=r,
            data={"items": ",".join(sorted(comments))},
        )
        context = {"reference_number": r.reference_number, "kind": r.kind}
        if r.kind == UseRequest.Kind.NEW:
            notify(
                to_email=r.email,
                language=r.language,
                kind="use_request_returned",
                context={**context, "secret_link": _url("accounts:request_start")},
            )
        elif r.filed_by is not None:
            notify(recipient=r.filed_by, kind="use_request_returned", context=context)
    return r


def use_request_reject(
    *, use_request: UseRequest, actor: User, reason: str
) -> UseRequest:
    if not reason.strip():
        raise ValueError("a reason is required")
    with transaction.atomic():
        r, new_status = _lock_for_decision(use_request, RequestAction.REJECT)
        r.status = new_status
        r.decision_reason = reason.strip()
        r.decided_at = timezone.now()
        r.decided_by = actor
        r.version += 1
        r.save(
            update_fields=[
                "status",
                "decision_reason",
                "decided_at",
                "decided_by",
                "version",
                "updated_at",
            ]
        )
        audit_record(actor=actor, action="use_request.reject", obj=r)
        context = {
            "reference_number": r.reference_number,
            "kind": r.kind,
            "reason": r.decision_reason,
        }
        if r.kind == UseRequest.Kind.NEW:
            notify(
                to_email=r.email,
                language=r.language,
                kind="use_request_rejected",
                context=context,
            )
        elif r.filed_by is not None:
            notify(recipient=r.filed_by, kind="use_request_rejected", context=context)
    return r


# --- Set-password links -------------------------------------------------------------------


def _issue_set_password_token(user: User) -> str:
    token = secrets.token_urlsafe(32)
    SetPasswordToken.objects.create(
        user=user,
        token_hash=_hash(token),
        expires_at=timezone.now() + SET_PASSWORD_LIFETIME,
    )
    return token


def set_password_token_check(*, token: str) -> SetPasswordToken:
    """The live token for ``token`` or TokenError('unknown'|'used'|'expired')."""
    found = (
        SetPasswordToken.objects.select_related("user")
        .filter(token_hash=_hash(token))
        .first()
    )
    if found is None:
        raise TokenError("unknown")
    if found.used_at is not None:
        raise TokenError("used")
    if found.expires_at < timezone.now():
        raise TokenError("expired")
    return found


def set_password_complete(*, token: str, password: str) -> User:
    """Set the first password through a link, once.  Raises TokenError or
    django ValidationError (password rules)."""
    with transaction.atomic():
        found = set_password_token_check(token=token)
        SetPasswordToken.objects.select_for_update().get(pk=found.pk)
        user = found.user
        validate_password(password, user)
        claimed = SetPasswordToken.objects.filter(
            pk=found.pk, used_at__isnull=True
        ).update(used_at=timezone.now())
        if not claimed:
            raise TokenError("used")
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="account.password_set", obj=user)
    return user


def set_password_link_reissue(*, user: User, actor: User) -> None:
    """Reception sends a fresh link (e.g. the first expired)."""
    with transaction.atomic():
        token = _issue_set_password_token(user)
        audit_record(actor=actor, action="account.password_link_reissued", obj=user)
        notify(
            recipient=user,
            kind="account_approved",
            context={
                "user_id": user.username,
                "valid_until": str(user.valid_until or ""),
                "secret_link": _url("accounts:set_password", token),
            },
        )


# --- Account lifecycle ----------------------------------------------------------------------


def _account_transition(*, user: User, actor: User, action: str, reason: str) -> User:
    if not reason.strip():
        raise ValueError("a reason is required")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.status = next_account_status(locked.status, action)
        fields = ["status"]
        if locked.status == User.Status.REVOKED:
            locked.is_active = False  # revoked users cannot sign in at all
            fields.append("is_active")
        locked.save(update_fields=fields)
        audit_record(actor=actor, action=f"account.{action}", obj=locked)
        notify(
            recipient=locked,
            kind=f"account_{action}",
            context={"reason": reason.strip()},
        )
    return locked


def account_suspend(*, user: User, actor: User, reason: str) -> User:
    return _account_transition(
        user=user, actor=actor, action=AccountAction.SUSPEND, reason=reason
    )


def account_reinstate(*, user: User, actor: User, reason: str) -> User:
    return _account_transition(
        user=user, actor=actor, action=AccountAction.REINSTATE, reason=reason
    )


def account_revoke(*, user: User, actor: User, reason: str) -> User:
    return _account_transition(
        user=user, actor=actor, action=AccountAction.REVOKE, reason=reason
    )


def appointment_end(*, appointment: Appointment, actor: User) -> Appointment:
    """End an appointment now: from this moment the appointee no longer sees or
    files for the organisation.  Ending an ended appointment is a no-op."""
    with transaction.atomic():
        locked = (
            Appointment.objects.select_for_update()
            .select_related("organization")
            .get(pk=appointment.pk)
        )
        if locked.ended_at is not None:
            return locked
        locked.ended_at = timezone.now()
        locked.save(update_fields=["ended_at"])
        audit_record(
            actor=actor,
            action="appointment.end",
            obj=locked,
            organization_code=locked.organization.code,
        )
        notify(
            recipient=locked.appointee,
            kind="appointment_ended",
            context={
                "organization": locked.organization.name_ja,
                "organization_en": locked.organization.name_en,
            },
        )
    return locked


# --- Validity reminders ----------------------------------------------------------------------


def expiry_reminders_send(*, today: date | None = None) -> int:
    """Queue the 60/30/7-day reminders that are due and not yet sent.  Safe to
    run any number of times a day: a unique row per (user, expiry, threshold)
    guards each one.  A missed day catches up with the nearest threshold only."""
    today = today or timezone.localdate()
    sent = 0
    users = User.objects.filter(
        status=User.Status.ACTIVE,
        is_active=True,
        user_category__isnull=False,
        valid_until__gte=today,
        valid_until__lte=today + timedelta(days=max(REMINDER_DAYS)),
    )
    for user in users:
        if user.valid_until is None:  # excluded by the filter; for the type checker
            continue
        days_left = (user.valid_until - today).days
        due = [d for d in REMINDER_DAYS if days_left <= d]
        if not due:
            continue
        threshold = min(due)
        try:
            with transaction.atomic():
                ExpiryReminder.objects.create(
                    user=user, valid_until=user.valid_until, days_before=threshold
                )
                notify(
                    recipient=user,
                    kind="approval_expiring",
                    context={
                        "valid_until": user.valid_until.isoformat(),
                        "days_left": days_left,
                    },
                    link=reverse("accounts:organizations"),
                )
        except IntegrityError:
            continue
        sent += 1
    return sent


# --- The requester's wizard: proof check, appointers, documents ------------------------------


def email_proof_check(*, token: str) -> EmailProof:
    """The live proof for ``token`` without using it, or TokenError
    ('unknown'|'used'|'expired').  The link's page calls this on GET so that a
    mail scanner opening the link does not use it up; redeeming is a POST."""
    proof = EmailProof.objects.filter(token_hash=_hash(token)).first()
    if proof is None:
        raise TokenError("unknown")
    if proof.used_at is not None:
        raise TokenError("used")
    if proof.expires_at < timezone.now():
        raise TokenError("expired")
    return proof


def _lock_editable(use_request: UseRequest, expected_version: int) -> UseRequest:
    """Lock the draft and check it is still the version the page showed
    (the same rule as use_request_update)."""
    locked = UseRequest.objects.select_for_update().get(pk=use_request.pk)
    if locked.status not in EDITABLE_STATUSES or locked.version != expected_version:
        raise StaleEdit
    return locked


def _bump_version(locked: UseRequest) -> None:
    locked.version += 1
    locked.save(update_fields=["version", "updated_at"])


def use_request_appointer_add(
    *,
    use_request: UseRequest,
    name_ja: str,
    corporate_number: str,
    organization: Organization,
    expected_version: int,
    actor: User | None = None,
) -> UseRequestAppointer:
    """Add an appointing organisation that already uses the portal (the form
    matched it by corporate number).  Raises StaleEdit."""
    with transaction.atomic():
        locked = _lock_editable(use_request, expected_version)
        appointer = UseRequestAppointer.objects.create(
            use_request=locked,
            name_ja=name_ja,
            corporate_number=corporate_number,
            organization=organization,
        )
        _bump_version(locked)
        audit_record(
            actor=actor,
            action="use_request.appointer_add",
            obj=locked,
            organization_code=organization.code,
        )
    return appointer


def use_request_appointer_remove(
    *,
    use_request: UseRequest,
    appointer_id: int,
    expected_version: int,
    actor: User | None = None,
) -> None:
    """Remove one of the request's appointing organisations; removing one that
    is already gone is a no-op (apart from the version check)."""
    with transaction.atomic():
        locked = _lock_editable(use_request, expected_version)
        deleted, _rows = UseRequestAppointer.objects.filter(
            use_request=locked, pk=appointer_id
        ).delete()
        if deleted:
            _bump_version(locked)
            audit_record(actor=actor, action="use_request.appointer_remove", obj=locked)


def use_request_documents_add(
    *,
    use_request: UseRequest,
    slot: str,
    uploads: list[CleanedUpload],
    expected_version: int,
    actor: User | None = None,
) -> list[UseRequestDocument]:
    """Store validated files in one document slot.  All or nothing: raises
    StaleEdit, or ValidationError (code ``too_large_total``) when the request's
    files together would exceed UPLOAD_MAX_TOTAL_BYTES — then nothing is kept."""
    UseRequestDocument.Slot(slot)  # ValueError for an unknown slot
    with transaction.atomic():
        locked = _lock_editable(use_request, expected_version)
        documents = _attach_documents(locked, slot, uploads, actor)
        _bump_version(locked)
    return documents


def use_request_document_remove(
    *,
    use_request: UseRequest,
    file_code: Any,
    expected_version: int,
    actor: User | None = None,
) -> None:
    """Remove one file from the request (row now, bytes after commit)."""
    with transaction.atomic():
        locked = _lock_editable(use_request, expected_version)
        document = (
            UseRequestDocument.objects.select_related("file")
            .filter(use_request=locked, file__code=file_code)
            .first()
        )
        if document is None:
            return
        _detach_document(locked, document, actor)
        _bump_version(locked)


def _attach_documents(
    locked: UseRequest, slot: str, uploads: list[CleanedUpload], actor: User | None
) -> list[UseRequestDocument]:
    """Store ``uploads`` in ``slot`` of a locked, editable request or report,
    under the per-request size cap (ValidationError ``too_large_total``)."""
    check_total_size(
        current_bytes=use_request_documents_size(locked),
        adding_bytes=sum(u.size for u in uploads),
    )
    documents = [
        UseRequestDocument.objects.create(
            use_request=locked,
            slot=slot,
            file=store_upload(
                cleaned=cleaned, uploaded_by=actor, purpose="use_request"
            ),
        )
        for cleaned in uploads
    ]
    audit_record(
        actor=actor,
        action="use_request.documents_add",
        obj=locked,
        organization_code=locked.organization.code if locked.organization else None,
        data={"slot": slot, "count": len(documents)},
    )
    return documents


def _detach_document(
    locked: UseRequest, document: UseRequestDocument, actor: User | None
) -> None:
    """Take a file out of a locked request or report (bytes deleted on commit)."""
    stored = document.file
    UseRequestDocument.objects.filter(pk=document.pk).delete()
    stored_file_delete(stored_file=stored, actor=actor)
    audit_record(
        actor=actor,
        action="use_request.document_remove",
        obj=locked,
        organization_code=locked.organization.code if locked.organization else None,
        data={"slot": document.slot},
    )


def use_request_documents_size(use_request: UseRequest) -> int:
    """Bytes of all files attached to the request."""
    total = UseRequestDocument.objects.filter(use_request=use_request).aggregate(
        total=Sum("file__size")
    )["total"]
    return int(total or 0)


# --- Organisation side: roster and periodic report ---------------------------------------


class RosterConflict(Exception):
    """Another roster entry already has this person's name, birth and nationality."""


def roster_import(
    *, organization: Organization, rows: list[dict[str, Any]], actor: User
) -> int:
    """Upsert rows validated by ``accounts.roster_csv.parse_roster_csv`` into
    the roster (people already on it are updated, matched by nationality,
    names and date of birth) and audit ``roster.import`` with the count.  One
    transaction: all rows or none.  Returns how many rows were written."""
    with transaction.atomic():
        count = _import_roster(organization, rows)
        audit_record(
            actor=actor,
            action="roster.import",
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
    when the person is already on the roster as another entry."""
    unknown = set(values) - set(ROSTER_FIELDS)
    if unknown:
        raise ValueError(f"not roster fields: {sorted(unknown)}")
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
            action="roster.add" if entry is None else "roster.update",
            obj=target,
            organization_code=organization.code,
        )
    return target


def roster_entry_delete(*, entry: RosterEntry, actor: User) -> None:
    """Remove a person from the roster (they left, or the hire fell through)."""
    with transaction.atomic():
        organization_code = entry.organization.code
        audit_record(
            actor=actor,
            action="roster.delete",
            obj=entry,
            organization_code=organization_code,
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
            action="roster.export",
            obj=organization,
            organization_code=organization.code,
            data={"count": count},
        )
    return data


OPEN_REPORT_STATUSES = (
    UseRequest.Status.DRAFT,
    UseRequest.Status.SUBMITTED,
    UseRequest.Status.RETURNED,
)


def periodic_report_start(*, organization: Organization, actor: User) -> UseRequest:
    """The organisation's open periodic report (draft, submitted or returned),
    or a new draft filed by ``actor``.  One open report per organisation: the
    organisation row is locked so two users starting at once get the same
    draft.  The draft copies the organisation's details for reception."""
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        existing = (
            UseRequest.objects.filter(
                organization=org,
                kind=UseRequest.Kind.PERIODIC,
                status__in=OPEN_REPORT_STATUSES,
            )
            .order_by("-created_at")
            .first()
        )
        if existing is not None:
            return existing
        report = UseRequest.objects.create(
            kind=UseRequest.Kind.PERIODIC,
            organization=org,
            office=org.office,
            filed_by=actor,
            email=actor.email,
            language=actor.language,
            user_category=actor.user_category,
            org_name_ja=org.name_ja,
            org_name_en=org.name_en,
            org_is_corporation=org.is_corporation,
            org_corporate_number=org.corporate_number or "",
            org_postal_code=org.postal_code,
            org_prefecture=org.prefecture,
            org_address=org.address,
            org_representative=org.representative,
            org_phone=org.phone,
            org_category=org.category,
            full_name=actor.full_name,
            full_name_kana=actor.full_name_kana,
            phone=actor.phone,
            position=actor.position,
            affiliation=actor.affiliation,
        )
        audit_record(
            actor=actor,
            action="periodic_report.create",
            obj=report,
            organization_code=org.code,
        )
    return report


def _lock_editable_report(report: UseRequest) -> UseRequest:
    locked = UseRequest.objects.select_for_update().get(pk=report.pk)
    if (
        locked.kind != UseRequest.Kind.PERIODIC
        or locked.status not in EDITABLE_STATUSES
    ):
        raise StaleEdit
    return locked


def periodic_report_document_add(
    *, report: UseRequest, slot: str, cleaned: CleanedUpload, actor: User
) -> UseRequestDocument:
    """Store a validated upload in one of the report's document slots (same
    size cap as a request).  Raises StaleEdit once the report is no longer
    editable."""
    if slot not in (
        UseRequestDocument.Slot.CATEGORY,
        UseRequestDocument.Slot.USER_LIST,
    ):
        raise ValueError(f"not a periodic report slot: {slot}")
    with transaction.atomic():
        locked = _lock_editable_report(report)
        (document,) = _attach_documents(locked, slot, [cleaned], actor)
    return document


def periodic_report_document_remove(
    *, document: UseRequestDocument, actor: User
) -> None:
    """Take a file out of an editable report (and delete its bytes)."""
    with transaction.atomic():
        locked = _lock_editable_report(document.use_request)
        _detach_document(locked, document, actor)


def periodic_report_submit(
    *, report: UseRequest, actor: User, users_confirmed: bool, roster_confirmed: bool
) -> UseRequest:
    """Submit a periodic report.  The filer must have confirmed, now, that the
    list of portal users and the roster are correct; the roster as confirmed is
    kept on the report for reception.  The submitting user becomes the filer
    (they get the result).  Raises RequestIncomplete; a second submit is a
    no-op (see use_request_submit)."""
    from accounts import messages as m

    problems: list[Problem] = []
    if not users_confirmed:
        problems.append(("users", str(m.PERIODIC_CONFIRM_USERS)))
    if not roster_confirmed:
        problems.append(("roster", str(m.PERIODIC_CONFIRM_ROSTER)))
    with transaction.atomic():
        locked = UseRequest.objects.select_for_update().get(pk=report.pk)
        if locked.kind != UseRequest.Kind.PERIODIC:
            raise ValueError("not a periodic report")
        if locked.status == UseRequest.Status.SUBMITTED:
            return locked
        if problems:
            raise RequestIncomplete(problems + use_request_problems(locked))
        if locked.organization is None:
            raise ValueError("a periodic report belongs to an organisation")
        locked.filed_by = actor
        locked.email = actor.email or locked.email
        locked.language = actor.language
        locked.roster = list(
            RosterEntry.objects.filter(organization=locked.organization)
            .order_by("family_name", "given_name", "date_of_birth", "id")
            .values(*ROSTER_FIELDS)
        )
        for row in locked.roster:
            for name in ("date_of_birth", "period_expiry"):
                row[name] = row[name].isoformat() if row[name] else None
        locked.save(
            update_fields=["filed_by", "email", "language", "roster", "updated_at"]
        )
        return use_request_submit(use_request=locked, actor=actor)
