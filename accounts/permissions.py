"""The accounts rules: small named predicates answering "may this user do
this to this request for use / account / organisation / appointment / officer
role now".  Pages ask them to show a button; the services ask the same
function to refuse the action (``ensure`` raises PermissionDenied).  Object
access (404 for strangers) lives in selectors."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import Office, OfficerRole, Organization, User, UseRequest
from accounts.workflow import (
    ACCOUNT_TRANSITIONS,
    REQUEST_TRANSITIONS,
    AccountAction,
    RequestAction,
)


def ensure(allowed: bool) -> None:
    """The services' guard: PermissionDenied unless the rule allowed it."""
    if not allowed:
        raise PermissionDenied


def is_portal_user(user: Any) -> bool:
    """An organisation-side user (categories 1–4), not an officer."""
    return bool(user.is_authenticated and user.user_category)


def approval_expired(user: User, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return user.valid_until is not None and user.valid_until < today


def can_file(user: Any, today: date | None = None) -> bool:
    """May create or change anything on the organisation side: an active,
    unexpired account.  Suspended or expired users keep read access."""
    return (
        is_portal_user(user)
        and user.status == User.Status.ACTIVE
        and not approval_expired(user, today)
    )


_ROLES_CACHE = "_zairyu_officer_offices"


def officer_offices_by_role(user: Any) -> dict[str, set[int]]:
    """{role: office ids} for the user, loaded with one query and kept on the
    user object for the rest of the request."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, _ROLES_CACHE, None)
    if cached is None and officer_roles_loaded(user) is not None:
        cached = getattr(user, _ROLES_CACHE)
    if cached is None:
        cached = {}
        for role, office_id in OfficerRole.objects.filter(user=user).values_list(
            "role", "office_id"
        ):
            cached.setdefault(role, set()).add(office_id)
        setattr(user, _ROLES_CACHE, cached)
    return cached


# The user's own roles as the request's user query read them
# (``accounts.selectors.officer_roles_text``), and the rows made from them.
OFFICER_ROLES_TEXT = "_zairyu_officer_roles_text"
_ROLES_ROWS = "_zairyu_officer_roles"


def officer_roles_loaded(user: Any) -> list[OfficerRole] | None:
    """The user's roles as read with the user (``OFFICER_ROLES_TEXT``), in
    id order, ``role.user`` being ``user``; None when they were not read."""
    rows = getattr(user, _ROLES_ROWS, None)
    if rows is not None:
        return list(rows)
    if not hasattr(user, OFFICER_ROLES_TEXT):
        return None
    text = getattr(user, OFFICER_ROLES_TEXT) or ""
    rows = []
    for item in text.split(",") if text else ():
        pk, role, office_id = item.split(":")
        # As loaded from the database (a save would update, not insert).
        officer_role = OfficerRole.from_db(
            user._state.db,
            ["id", "user_id", "office_id", "role"],
            [int(pk), user.pk, int(office_id), role],
        )
        officer_role.user = user
        rows.append(officer_role)
    rows.sort(key=lambda r: r.pk)
    setattr(user, _ROLES_ROWS, rows)
    prime_officer_offices(user, rows)
    return list(rows)


def prime_officer_offices(user: Any, roles: Any) -> None:
    """Fill the cache from OfficerRole rows already loaded (no query)."""
    cached: dict[str, set[int]] = {}
    for officer_role in roles:
        if officer_role.user_id == user.pk:
            cached.setdefault(officer_role.role, set()).add(officer_role.office_id)
    setattr(user, _ROLES_CACHE, cached)


def officer_office_ids(user: Any, role: str) -> set[int]:
    return set(officer_offices_by_role(user).get(role, set()))


CASE_ROLES = (
    OfficerRole.Role.EXAMINER,
    OfficerRole.Role.SUPERVISOR,
    OfficerRole.Role.CLERK,
)


def case_office_ids(user: Any) -> set[int]:
    """Offices whose cases the user may see (any case-handling role)."""
    by_role = officer_offices_by_role(user)
    return set().union(*(by_role.get(role, set()) for role in CASE_ROLES))


def is_reception_officer(user: Any) -> bool:
    return bool(officer_office_ids(user, OfficerRole.Role.RECEPTION))


_MEMBER_CACHE = "_zairyu_member_of"


def is_member(user: Any, organization: Any) -> bool:
    """Category-1 staff of the organisation (not an appointee).  The answer
    is kept on the user object for the rest of the request (a page asks it
    for several panels and buttons)."""
    from accounts.models import Membership

    if not user.is_authenticated:
        return False
    cached = getattr(user, _MEMBER_CACHE, None)
    if cached is None:
        cached = {}
        setattr(user, _MEMBER_CACHE, cached)
    key = getattr(organization, "pk", organization)
    if key not in cached:
        cached[key] = Membership.objects.filter(
            user=user, organization=organization
        ).exists()
    return bool(cached[key])


def may_manage_appointments(user: Any, organization: Any) -> bool:
    """Only the organisation's own staff (category 1, a membership), with
    write access, appoint users by user ID, change appointments and end
    them; an appointee cannot (their own appointment included)."""
    return can_file(user) and is_member(user, organization)


def can_end_appointments(user: Any, organization: Any) -> bool:
    """Ending is managing (``may_manage_appointments``)."""
    return may_manage_appointments(user, organization)


APPOINTABLE_CATEGORIES = (
    User.Category.ATTORNEY,
    User.Category.PUBLIC_INTEREST,
    User.Category.SUPPORT_ORG,
)


def may_be_appointed(candidate: User, today: date | None = None) -> bool:
    """An organisation may appoint this account by its user ID: a portal user
    of category 2–4 whose account is active and whose approval is valid
    (not an officer, not an organisation's staff, not suspended, revoked or
    expired)."""
    return (
        candidate.is_active
        and candidate.user_category in APPOINTABLE_CATEGORIES
        and candidate.status == User.Status.ACTIVE
        and not approval_expired(candidate, today)
    )


def may_answer_appointment(user: Any, appointment: Any) -> bool:
    """Only the appointee accepts or declines an appointment offered to them."""
    return bool(user.is_authenticated and appointment.appointee_id == user.pk)


def sees_every_person(user: Any, organization: Organization) -> bool:
    """May see the organisation's roster (every foreign employee, with their
    residence card numbers): its staff, or an appointee whose current
    appointment covers every person.  An appointment limited to some people
    (``Appointment.scope_all_people`` off) does not."""
    from accounts.selectors import current_appointments

    return is_member(user, organization) or (
        user.is_authenticated
        and current_appointments()
        .filter(appointee=user, organization=organization, scope_all_people=True)
        .exists()
    )


def may_change_organization(user: Any, organization: Organization) -> bool:
    """May change the organisation's roster: an active, unexpired user who
    works for or is currently appointed by it for every person."""
    from accounts.selectors import organizations_for_user

    return (
        can_file(user)
        and organizations_for_user(user=user).filter(pk=organization.pk).exists()
        and sees_every_person(user, organization)
    )


def may_file_periodic_report(user: Any, organization: Organization) -> bool:
    """May start, fill in and submit the organisation's periodic report: a
    portal user who works for or is currently appointed by it and whose
    account is active and whose scope covers every person — even when their
    approval has expired, because the
    periodic report is how an expired organisation renews it (no dead end:
    README "When every user's approval has expired").  Suspended and revoked
    accounts may not."""
    from accounts.selectors import organizations_for_user

    return (
        is_portal_user(user)
        and user.status == User.Status.ACTIVE
        and organizations_for_user(user=user).filter(pk=organization.pk).exists()
        # The report lists the whole roster.
        and sees_every_person(user, organization)
    )


# --- Requests for use (reception) ----------------------------------------------------


def may_decide_use_request(user: Any, use_request: UseRequest) -> bool:
    """A reception officer of the office the request is addressed to."""
    return use_request.office_id is not None and use_request.office_id in (
        officer_office_ids(user, OfficerRole.Role.RECEPTION)
    )


def use_request_decisions(user: Any, use_request: UseRequest) -> list[str]:
    """The decisions (approve, return, reject) the user may take on the
    request now: the table's actions from its status, if they may decide."""
    if not may_decide_use_request(user, use_request):
        return []
    return [
        action
        for (state, action) in REQUEST_TRANSITIONS
        if state == use_request.status and action != RequestAction.SUBMIT
    ]


def existing_account_for(use_request: UseRequest) -> User | None:
    """The account that already uses the request's email address (compared
    case-insensitively, like the unique constraint), if any."""
    if not use_request.email:
        return None
    return User.objects.filter(email__iexact=use_request.email.strip()).first()


def existing_account_refusal(use_request: UseRequest) -> str | None:
    """Why approving this new request cannot link the existing account of its
    email address (a message code), or None (no such account, or it can be
    linked).  Only a portal account of the same user category that is not
    revoked is linked; reception returns or rejects the request otherwise."""
    if use_request.kind != UseRequest.Kind.NEW:
        return None
    existing = existing_account_for(use_request)
    if existing is None:
        return None
    if not existing.user_category:
        return "existing_account_officer"
    if existing.status == User.Status.REVOKED:
        return "existing_account_revoked"
    if existing.user_category != use_request.user_category:
        return "existing_account_other_category"
    return None


# --- Accounts of the office's users (reception) -----------------------------------------


def may_manage_account(user: Any, subject: User) -> bool:
    """A reception officer of the office of every organisation the subject
    works for now (by membership or an appointment that has not ended).

    The account status is global: suspending an attorney stops their work
    for every organisation, so an office acts only on users who work only
    for its own organisations (review L11).  Reception sees the others
    (``users_of_office``) but cannot act on them."""
    if not is_reception_officer(user):
        return False
    return not account_reaches_other_offices(user, subject) and bool(
        _current_office_ids(subject)
    )


def account_reaches_other_offices(user: Any, subject: User) -> bool:
    """The subject also works for an organisation of an office where ``user``
    is not reception (so ``may_manage_account`` refuses)."""
    return bool(
        _current_office_ids(subject)
        - officer_office_ids(user, OfficerRole.Role.RECEPTION)
    )


def _current_office_ids(subject: User) -> set[int]:
    from accounts.selectors import office_ids_of_user

    return office_ids_of_user(user=subject)


def account_actions(user: Any, subject: User) -> list[AccountAction]:
    """Suspend / reinstate / revoke, as the table allows from the account's
    status, if the user may manage the account."""
    if not may_manage_account(user, subject):
        return []
    return [
        AccountAction(action)
        for (state, action) in ACCOUNT_TRANSITIONS
        if state == subject.status
    ]


def password_link_refusal(subject: User) -> str | None:
    """Why no new set-password link can be sent (a message code), or None."""
    if subject.has_usable_password():
        return "password_already_set"
    if subject.status == User.Status.REVOKED:
        return "revoked_no_link"
    return None


def may_reissue_password_link(user: Any, subject: User) -> bool:
    return may_manage_account(user, subject) and password_link_refusal(subject) is None


# --- Officer roles (bureau administrators) ------------------------------------------------

GRANTABLE_ROLES = (
    OfficerRole.Role.RECEPTION,
    OfficerRole.Role.EXAMINER,
    OfficerRole.Role.SUPERVISOR,
    OfficerRole.Role.CLERK,
)


_ADMINISTERED_CACHE = "_zairyu_administered_offices"


def _bureau_of(office_id: int, parents: Mapping[int, int | None]) -> int:
    """Follow the parent chain (branch → district office → bureau) to the top."""
    seen = {office_id}
    while (parent := parents.get(office_id)) is not None and parent not in seen:
        seen.add(parent)
        office_id = parent
    return office_id


def administered_office_ids(user: Any) -> set[int]:
    """The offices of the bureaus where the user is bureau administrator:
    each bureau itself and every office under it (district and branch
    offices).  One query, kept on the user object for the request."""
    cached = getattr(user, _ADMINISTERED_CACHE, None)
    if cached is None:
        bureaus = officer_office_ids(user, OfficerRole.Role.BUREAU_ADMIN)
        cached = set()
        if bureaus:
            parents = dict(Office.objects.values_list("pk", "parent_id"))
            cached = {pk for pk in parents if _bureau_of(pk, parents) in bureaus}
        if getattr(user, "is_authenticated", False):
            setattr(user, _ADMINISTERED_CACHE, cached)
    return set(cached)


def administered_offices(user: Any) -> list[Office]:
    return list(
        Office.objects.filter(pk__in=administered_office_ids(user)).order_by(
            "sort_order", "code"
        )
    )


def is_bureau_admin(user: Any) -> bool:
    return bool(officer_office_ids(user, OfficerRole.Role.BUREAU_ADMIN))


def may_administer_roles_at(user: Any, office: Office) -> bool:
    """A superuser anywhere; a bureau administrator at the offices of their
    own regional bureau only."""
    if getattr(user, "is_superuser", False):
        return True
    return office.pk in administered_office_ids(user)


def may_grant_officer_role(user: Any, office: Office, role: str) -> bool:
    """Grant or withdraw ``role`` at ``office``.  Only a superuser (the
    admin) handles the bureau administrator role itself."""
    if getattr(user, "is_superuser", False):
        return True
    return role in GRANTABLE_ROLES and may_administer_roles_at(user, office)
