"""Accounts and officer roles over time: suspend, reinstate
and revoke an account (appointments: ``appointments.py``); grant and withdraw officer roles;
the validity reminders."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.errors import OfficerRoleRefused
from accounts.models import ExpiryReminder, Office, OfficerRole, User
from accounts.workflow import ACCOUNT_TRANSITIONS, AccountAction
from portal.audit.events import AuditAction
from portal.audit.services import audit_record
from portal.lib.errors import next_state
from portal.notifications.kinds import NotificationKind
from portal.notifications.services import notify

REMINDER_DAYS = (60, 30, 7)

_ACCOUNT_EVENTS: dict[str, tuple[AuditAction, NotificationKind]] = {
    AccountAction.SUSPEND: (
        AuditAction.ACCOUNT_SUSPEND,
        NotificationKind.ACCOUNT_SUSPEND,
    ),
    AccountAction.REINSTATE: (
        AuditAction.ACCOUNT_REINSTATE,
        NotificationKind.ACCOUNT_REINSTATE,
    ),
    AccountAction.REVOKE: (AuditAction.ACCOUNT_REVOKE, NotificationKind.ACCOUNT_REVOKE),
}


def _account_transition(
    *, user: User, actor: User, action: AccountAction, reason: str
) -> User:
    """Lock the account, check ``actor`` manages it (PermissionDenied), move it
    by ACCOUNT_TRANSITIONS (IllegalTransition), audit and tell the user why."""
    if not reason.strip():
        raise ValueError("a reason is required")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        permissions.ensure(permissions.may_manage_account(actor, locked))
        locked.status = next_state(ACCOUNT_TRANSITIONS, locked.status, action)
        fields = ["status"]
        if locked.status == User.Status.REVOKED:
            locked.is_active = False  # revoked users cannot sign in at all
            fields.append("is_active")
        locked.save(update_fields=fields)
        audit_action, kind = _ACCOUNT_EVENTS[action]
        audit_record(actor=actor, action=audit_action, obj=locked)
        notify(recipient=locked, kind=kind, context={"reason": reason.strip()})
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


# --- Officer roles ------------------------------------------------------------------------


def officer_role_grant(
    *, user: User, office: Office, role: str, actor: User
) -> OfficerRole:
    """Give ``user`` the officer ``role`` at ``office``, audited.  A superuser
    may grant any role; a bureau administrator only the case and reception
    roles at the offices of their own bureau (OfficerRoleRefused).  Granting
    a role the user already holds is a no-op."""
    role = OfficerRole.Role(role)
    if not permissions.may_grant_officer_role(actor, office, role):
        raise OfficerRoleRefused(
            "officer_role_other_bureau"
            if role in permissions.GRANTABLE_ROLES
            else "officer_role_not_grantable"
        )
    if user.user_category is not None:
        # Portal users of organisations are never officers.
        raise OfficerRoleRefused("officer_role_portal_user")
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        granted, created = OfficerRole.objects.get_or_create(
            user=user, office=office, role=role
        )
        if created:
            audit_record(
                actor=actor,
                action=AuditAction.OFFICER_ROLE_GRANT,
                obj=user,
                data={"role": role.value, "office": office.code},
            )
    return granted


def officer_role_revoke(*, officer_role: OfficerRole, actor: User) -> None:
    """Withdraw one officer role, audited; the same rule as granting it.
    Withdrawing a role already gone is a no-op."""
    office = officer_role.office
    if not permissions.may_grant_officer_role(actor, office, officer_role.role):
        raise OfficerRoleRefused(
            "officer_role_other_bureau"
            if officer_role.role in permissions.GRANTABLE_ROLES
            else "officer_role_not_grantable"
        )
    with transaction.atomic():
        deleted, _rows = OfficerRole.objects.filter(pk=officer_role.pk).delete()
        if deleted:
            audit_record(
                actor=actor,
                action=AuditAction.OFFICER_ROLE_REVOKE,
                obj=officer_role.user,
                data={"role": officer_role.role, "office": office.code},
            )


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
                    kind=NotificationKind.APPROVAL_EXPIRING,
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
