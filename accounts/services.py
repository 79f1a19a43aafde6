"""Writes for accounts: requests for use, their decisions, accounts and
appointments.  Every state change here follows the same order: lock the row,
check the transition table, apply domain guards, write with update_fields,
audit and queue notifications — all in one transaction."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

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
    UseRequestDocument,
)
from accounts.workflow import (
    AccountAction,
    RequestAction,
    next_account_status,
    next_request_status,
)
from portal.audit.services import audit_record
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


class RequestIncomplete(Exception):
    """Submission refused; ``problems`` lists (item, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
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
            EmailProof.objects.select_for_update().filter(token_hash=_hash(token)).first()
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
            actor=registered_by, action="use_request.create", obj=request,
            data={"channel": channel},
        )
    return request


def use_request_update(
    *, use_request: UseRequest, fields: dict[str, Any], expected_version: int,
    actor: User | None = None,
) -> UseRequest:
    """Save one step of a draft.  Refuses (StaleEdit) when the draft changed
    since ``expected_version`` was read — never a silent overwrite."""
    allowed = {f.name for f in UseRequest._meta.concrete_fields} - {
        "id", "code", "reference_number", "kind", "status", "channel", "email",
        "return_comments", "decision_reason", "version", "created_at", "updated_at",
        "submitted_at", "decided_at", "decided_by", "registered_by", "filed_by",
        "resulting_user",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        locked = UseRequest.objects.select_for_update().get(pk=use_request.pk)
        if locked.status not in (UseRequest.Status.DRAFT, UseRequest.Status.RETURNED):
            raise StaleEdit
        if locked.version != expected_version:
            raise StaleEdit
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.save(update_fields=[*fields, "version", "updated_at"])
        audit_record(actor=actor, action="use_request.update", obj=locked,
                     data={"fields": ",".join(sorted(fields))})
    return locked


# Document slots every request needs; the registry certificate (corporations)
# and proof of appointment (categories 2–4) are added by use_request_problems.
REQUIRED_DOCUMENTS = {
    UseRequest.Kind.NEW: ["org_summary", "pledge", "category"],
    UseRequest.Kind.PERIODIC: ["user_list", "category"],
}


def use_request_problems(use_request: UseRequest) -> list[tuple[str, str]]:
    """What still stops this request from being submitted, as (item, message)
    pairs for the check-answers page.  Pure apart from reading the request's
    documents and appointers."""
    from accounts import messages as m

    r = use_request
    problems: list[tuple[str, str]] = []
    if r.kind == UseRequest.Kind.NEW:
        if not r.user_category:
            problems.append(("category", m.MISSING_CATEGORY))
        org_fields = ["org_name_ja", "org_postal_code", "org_prefecture_id", "org_address",
                      "org_representative", "org_phone", "org_category"]
        if r.org_is_corporation is None or any(not getattr(r, f) for f in org_fields):
            problems.append(("organization", m.MISSING_ORGANIZATION))
        elif r.org_is_corporation and not r.org_corporate_number:
            problems.append(("organization", m.MISSING_CORPORATE_NUMBER))
        if not all([r.full_name, r.full_name_kana, r.phone, r.position]):
            problems.append(("person", m.MISSING_PERSON))
        if r.user_category == User.Category.ATTORNEY and not (
            r.toritsugi_number and r.toritsugi_issuer
        ):
            problems.append(("person", m.MISSING_TORITSUGI))
        if not r.roster:
            problems.append(("roster", m.MISSING_ROSTER))
    declarations = [r.decl_no_punishment, r.decl_notifications_filed, r.decl_lawful_acceptance,
                    r.decl_no_id_lending, r.decl_periodic_report]
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
    if r.office_id is None:
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


def use_request_submit(*, use_request: UseRequest, actor: User | None = None) -> UseRequest:
    """Submit (or resubmit after correction).  Assigns the reference number on
    first submission, confirms by email and tells the office's reception.
    Raises RequestIncomplete; a second submit of a submitted request is a no-op."""
    with transaction.atomic():
        r = UseRequest.objects.select_for_update().select_related("office").get(pk=use_request.pk)
        if r.status == UseRequest.Status.SUBMITTED:
            return r
        new_status = next_request_status(r.status, RequestAction.SUBMIT)
        problems = use_request_problems(r)
        if problems:
            raise RequestIncomplete(problems)
        resubmission = r.status == UseRequest.Status.RETURNED
        r.status = new_status
        r.submitted_at = timezone.now()
        r.version += 1
        if not r.reference_number:
            prefix = "R" if r.kind == UseRequest.Kind.NEW else "P"
            for _attempt in range(10):
                candidate = _reference_number(prefix, r.office.code)
                if not UseRequest.objects.filter(reference_number=candidate).exists():
                    r.reference_number = candidate
                    break
        r.save(update_fields=["status", "submitted_at", "version", "reference_number", "updated_at"])
        audit_record(actor=actor, action="use_request.submit", obj=r,
                     organization_code=r.organization.code if r.organization else None,
                     data={"resubmission": resubmission, "kind": r.kind})
        context = {"reference_number": r.reference_number, "kind": r.kind,
                   "office_ja": r.office.name_ja, "office_en": r.office.name_en}
        if r.kind == UseRequest.Kind.NEW:
            notify(to_email=r.email, language=r.language, kind="use_request_submitted",
                   context=context)
        elif r.filed_by is not None:
            notify(recipient=r.filed_by, kind="use_request_submitted", context=context)
        for officer in _reception_officers(r.office_id):
            notify(recipient=officer, kind="use_request_received", context=context,
                   link=reverse("accounts:reception_detail", args=[r.code]))
    return r


def _reception_officers(office_id: int) -> list[User]:
    return list(
        User.objects.filter(
            officer_roles__office_id=office_id,
            officer_roles__role=OfficerRole.Role.RECEPTION,
            is_active=True,
        ).distinct()
    )


def _lock_for_decision(use_request: UseRequest, action: str) -> tuple[UseRequest, str]:
    r = UseRequest.objects.select_for_update().select_related("office").get(pk=use_request.pk)
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
            assert r.organization is not None
            users = _organization_users(r.organization)
            User.objects.filter(pk__in=[u.pk for u in users]).update(valid_until=until)
            for user in users:
                notify(recipient=user, kind="periodic_report_approved",
                       context={"reference_number": r.reference_number,
                                "valid_until": until.isoformat(),
                                "organization": r.organization.name_ja})
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
                    a.organization for a in r.appointers.select_related("organization")
                    if a.organization is not None
                ]
                for org in dict.fromkeys(appointers):
                    Appointment.objects.create(appointee=user, organization=org, valid_from=today)
            _import_roster(organization, r.roster)
            r.resulting_user = user
            token = _issue_set_password_token(user)
            notify(recipient=user, kind="account_approved",
                   context={"user_id": user.username, "reference_number": r.reference_number,
                            "valid_until": until.isoformat(),
                            "secret_link": _url("accounts:set_password", token)})
            r.organization = organization
        r.status = new_status
        r.decided_at = timezone.now()
        r.decided_by = actor
        r.version += 1
        r.save(update_fields=["status", "decided_at", "decided_by", "version", "organization",
                              "resulting_user", "updated_at"])
        audit_record(actor=actor, action=f"{'periodic_report' if r.kind == 'periodic' else 'use_request'}.approve",
                     obj=r, organization_code=organization.code)
    return r


def _organization_for(r: UseRequest) -> Organization:
    if r.organization is not None:
        return r.organization
    if r.org_corporate_number:
        existing = Organization.objects.filter(corporate_number=r.org_corporate_number).first()
        if existing is not None:
            return existing
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


ROSTER_FIELDS = ("family_name", "given_name", "name_kanji", "sex", "date_of_birth",
                 "nationality", "status_of_residence", "residence_card_number",
                 "period_expiry", "planned_hire")


def _import_roster(organization: Organization, rows: list[dict[str, Any]]) -> int:
    """Add the validated rows to the organisation's roster (matching people
    already on it by nationality, names and date of birth)."""
    written = 0
    for row in rows:
        values = {k: row.get(k) for k in ROSTER_FIELDS}
        values = {k: ("" if v is None and k not in ("date_of_birth", "period_expiry") else v)
                  for k, v in values.items()}
        key = {k: values.pop(k) for k in ("nationality", "family_name", "given_name", "date_of_birth")}
        RosterEntry.objects.update_or_create(organization=organization, **key, defaults=values)
        written += 1
    return written


def _organization_users(organization: Organization) -> list[User]:
    today = timezone.localdate()
    return list(
        User.objects.filter(
            Q(memberships__organization=organization)
            | Q(appointments__organization=organization, appointments__ended_at__isnull=True,
                appointments__valid_from__lte=today)
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
        audit_record(actor=actor, action="use_request.return", obj=r,
                     data={"items": ",".join(sorted(comments))})
        context = {"reference_number": r.reference_number, "kind": r.kind}
        if r.kind == UseRequest.Kind.NEW:
            notify(to_email=r.email, language=r.language, kind="use_request_returned",
                   context={**context, "secret_link": _url("accounts:request_start")})
        elif r.filed_by is not None:
            notify(recipient=r.filed_by, kind="use_request_returned", context=context)
    return r


def use_request_reject(*, use_request: UseRequest, actor: User, reason: str) -> UseRequest:
    if not reason.strip():
        raise ValueError("a reason is required")
    with transaction.atomic():
        r, new_status = _lock_for_decision(use_request, RequestAction.REJECT)
        r.status = new_status
        r.decision_reason = reason.strip()
        r.decided_at = timezone.now()
        r.decided_by = actor
        r.version += 1
        r.save(update_fields=["status", "decision_reason", "decided_at", "decided_by",
                              "version", "updated_at"])
        audit_record(actor=actor, action="use_request.reject", obj=r)
        context = {"reference_number": r.reference_number, "kind": r.kind, "reason": r.decision_reason}
        if r.kind == UseRequest.Kind.NEW:
            notify(to_email=r.email, language=r.language, kind="use_request_rejected", context=context)
        elif r.filed_by is not None:
            notify(recipient=r.filed_by, kind="use_request_rejected", context=context)
    return r


# --- Set-password links -------------------------------------------------------------------


def _issue_set_password_token(user: User) -> str:
    token = secrets.token_urlsafe(32)
    SetPasswordToken.objects.create(
        user=user, token_hash=_hash(token), expires_at=timezone.now() + SET_PASSWORD_LIFETIME
    )
    return token


def set_password_token_check(*, token: str) -> SetPasswordToken:
    """The live token for ``token`` or TokenError('unknown'|'used'|'expired')."""
    found = SetPasswordToken.objects.select_related("user").filter(token_hash=_hash(token)).first()
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
        claimed = SetPasswordToken.objects.filter(pk=found.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
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
        notify(recipient=user, kind="account_approved",
               context={"user_id": user.username, "valid_until": str(user.valid_until or ""),
                        "secret_link": _url("accounts:set_password", token)})


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
        notify(recipient=locked, kind=f"account_{action}", context={"reason": reason.strip()})
    return locked


def account_suspend(*, user: User, actor: User, reason: str) -> User:
    return _account_transition(user=user, actor=actor, action=AccountAction.SUSPEND, reason=reason)


def account_reinstate(*, user: User, actor: User, reason: str) -> User:
    return _account_transition(user=user, actor=actor, action=AccountAction.REINSTATE, reason=reason)


def account_revoke(*, user: User, actor: User, reason: str) -> User:
    return _account_transition(user=user, actor=actor, action=AccountAction.REVOKE, reason=reason)


def appointment_end(*, appointment: Appointment, actor: User) -> Appointment:
    """End an appointment now: from this moment the appointee no longer sees or
    files for the organisation.  Ending an ended appointment is a no-op."""
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().select_related("organization").get(
            pk=appointment.pk
        )
        if locked.ended_at is not None:
            return locked
        locked.ended_at = timezone.now()
        locked.save(update_fields=["ended_at"])
        audit_record(actor=actor, action="appointment.end", obj=locked,
                     organization_code=locked.organization.code)
        notify(recipient=locked.appointee, kind="appointment_ended",
               context={"organization": locked.organization.name_ja,
                        "organization_en": locked.organization.name_en})
    return locked


# --- Validity reminders ----------------------------------------------------------------------


def expiry_reminders_send(*, today: date | None = None) -> int:
    """Queue the 60/30/7-day reminders that are due and not yet sent.  Safe to
    run any number of times a day: a unique row per (user, expiry, threshold)
    guards each one.  A missed day catches up with the nearest threshold only."""
    today = today or timezone.localdate()
    sent = 0
    users = User.objects.filter(
        status=User.Status.ACTIVE, is_active=True, user_category__isnull=False,
        valid_until__gte=today, valid_until__lte=today + timedelta(days=max(REMINDER_DAYS)),
    )
    for user in users:
        assert user.valid_until is not None
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
                notify(recipient=user, kind="approval_expiring",
                       context={"valid_until": user.valid_until.isoformat(),
                                "days_left": days_left},
                       link=reverse("accounts:organizations"))
        except IntegrityError:
            continue
        sent += 1
    return sent

