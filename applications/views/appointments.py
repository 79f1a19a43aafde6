"""Appointments with a scope.

The organisation's side (its own staff): the appointments with their state,
scope and validity; appointing an existing portal user by user ID; changing
an appointment's scope and validity (ending one is
``accounts:organization_appointment_end``).  The appointee's side: the
appointments offered to them, to accept or decline; until they accept, an
offer gives no access.

Every organisation page starts from ``organization_get_for_user`` (404 for
strangers) and ``accounts.permissions.may_manage_appointments`` (403 for
appointees and read-only staff on changes).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.errors import AppointmentRefused
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Organization
from accounts.permissions import (
    APPOINTABLE_CATEGORIES,
    is_member,
    may_manage_appointments,
)
from accounts.selectors import organization_get_for_user
from accounts.workflow import AppointmentState
from applications import presenters, services
from applications.forms.appointments import AppointForm, AppointmentScopeForm
from portal.lib import ratelimit
from portal.lib.errors import IllegalTransition, message_for

# Tries of user IDs per hour: enough for a typo or two, too few to walk the
# ID space (the refusal is the same for unknown and unappointable IDs).
APPOINT_LIMIT_PER_USER = 20
APPOINT_LIMIT_PER_ADDRESS = 60
APPOINT_WINDOW_SECONDS = 3600


def _organization_of_staff(
    request: AuthenticatedHttpRequest, code: uuid.UUID
) -> Organization:
    """The organisation (404 for strangers); 403 unless the user is its own
    staff (appointees do not see who else is appointed)."""
    organization = organization_get_for_user(user=request.user, code=code)
    if not is_member(request.user, organization):
        raise PermissionDenied
    return organization


def _require_manage(
    request: AuthenticatedHttpRequest, organization: Organization
) -> None:
    if not may_manage_appointments(request.user, organization):
        raise PermissionDenied


@login_required
@never_cache
def appointments(
    request: AuthenticatedHttpRequest, organization: uuid.UUID
) -> HttpResponse:
    """The organisation's appointments: offered, current and past, each with
    its scope and validity."""
    org = _organization_of_staff(request, organization)
    rows = presenters.appointment_rows(
        account_selectors.organization_appointments(organization=org)
    )
    return render(
        request,
        "applications/appointments/list.html",
        {
            "organization": org,
            "rows": rows,
            "may_manage": may_manage_appointments(request.user, org),
            "changeable": {
                AppointmentState.OFFERED,
                AppointmentState.ACTIVE,
                AppointmentState.LAPSED,
            },
        },
    )


def _within_limits(request: AuthenticatedHttpRequest) -> bool:
    """Count one try of a user ID against the user's and the address's
    limits (both counted, so neither can be used up by the other)."""
    per_user = ratelimit.hit(
        f"appoint:user:{request.user.pk}",
        limit=APPOINT_LIMIT_PER_USER,
        window=APPOINT_WINDOW_SECONDS,
    )
    per_address = ratelimit.hit(
        f"appoint:ip:{ratelimit.client_ip(request)}",
        limit=APPOINT_LIMIT_PER_ADDRESS,
        window=APPOINT_WINDOW_SECONDS,
    )
    return per_user and per_address


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def appointment_new(
    request: AuthenticatedHttpRequest, organization: uuid.UUID
) -> HttpResponse:
    """Appoint an existing portal user by user ID, with the scope and the
    validity date; the user is told and must accept."""
    org = _organization_of_staff(request, organization)
    _require_manage(request, org)
    list_url = reverse("applications:appointments", args=[org.code])
    form = AppointForm(request.POST or None, organization=org)
    if request.method == "POST" and form.is_valid():
        types, people = form.scope()
        try:
            if not _within_limits(request):
                raise AppointmentRefused("appointment_too_many_attempts")
            appointment = services.appointment_appoint(
                organization=org,
                user_id=form.cleaned_data["user_id"],
                actor=request.user,
                valid_until=form.cleaned_data["valid_until"],
                application_types=types,
                people=people,
            )
        except AppointmentRefused as exc:
            form.add_error(
                None if exc.code == "appointment_too_many_attempts" else "user_id",
                message_for(exc),
            )
        else:
            messages.success(
                request,
                _(
                    "%(name)s has been asked to accept the appointment. It gives access "
                    "once they accept it."
                )
                % {"name": appointment.appointee.display_name},
            )
            return redirect(list_url)
    return render(
        request,
        "applications/appointments/form.html",
        {
            "organization": org,
            "form": form,
            "appointment": None,
            "cancel_url": list_url,
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def appointment_change(
    request: AuthenticatedHttpRequest, organization: uuid.UUID, appointment: uuid.UUID
) -> HttpResponse:
    """Change an appointment's scope and validity date."""
    org = _organization_of_staff(request, organization)
    found = account_selectors.appointment_get_for_organization(
        organization=org, code=appointment
    )
    _require_manage(request, org)
    list_url = reverse("applications:appointments", args=[org.code])
    if request.method == "POST":
        form = AppointmentScopeForm(request.POST, organization=org)
        if form.is_valid():
            types, people = form.scope()
            try:
                services.appointment_rescope(
                    appointment=found,
                    actor=request.user,
                    valid_until=form.cleaned_data["valid_until"],
                    application_types=types,
                    people=people,
                )
            except IllegalTransition:
                form.add_error(
                    None,
                    _("A declined or ended appointment cannot be changed."),
                )
            else:
                messages.success(
                    request,
                    _("The appointment of %(name)s was changed.")
                    % {"name": found.appointee.display_name},
                )
                return redirect(list_url)
    else:
        form = AppointmentScopeForm(
            initial=AppointmentScopeForm.initial_from(found), organization=org
        )
    return render(
        request,
        "applications/appointments/form.html",
        {
            "organization": org,
            "form": form,
            "appointment": found,
            "cancel_url": list_url,
        },
    )


# --- The appointee's side ---------------------------------------------------------------


@login_required
@never_cache
def appointments_offered(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The appointments offered to the user, waiting for their answer."""
    rows = presenters.appointment_rows(
        account_selectors.appointments_offered_to(user=request.user)
    )
    return render(request, "applications/appointments/offered.html", {"rows": rows})


def _answer(
    request: AuthenticatedHttpRequest, appointment: uuid.UUID, accept: bool
) -> HttpResponse:
    found = account_selectors.appointment_get_for_appointee(
        user=request.user, code=appointment
    )
    name = found.organization.name_ja
    try:
        if accept:
            account_services.appointment_accept(appointment=found, actor=request.user)
            messages.success(
                request,
                _("You accepted the appointment by %(organization)s.")
                % {"organization": name},
            )
        else:
            account_services.appointment_decline(appointment=found, actor=request.user)
            messages.success(
                request,
                _("You declined the appointment by %(organization)s.")
                % {"organization": name},
            )
    except AppointmentRefused as exc:
        messages.error(request, message_for(exc))
    except IllegalTransition:
        messages.error(
            request,
            _(
                "This appointment can no longer be answered: it was withdrawn or its "
                "validity date has passed."
            ),
        )
    return redirect("applications:appointments_offered")


@login_required
@require_POST
def appointment_accept(
    request: AuthenticatedHttpRequest, appointment: uuid.UUID
) -> HttpResponse:
    return _answer(request, appointment, accept=True)


@login_required
@require_POST
def appointment_decline(
    request: AuthenticatedHttpRequest, appointment: uuid.UUID
) -> HttpResponse:
    return _answer(request, appointment, accept=False)


# --- Panels ---------------------------------------------------------------------------


def offers_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """The dashboard's panel of appointments waiting for the user's answer
    (registered in ApplicationsConfig.ready); one query, nothing without
    offers."""
    user: Any = request.user
    if not getattr(user, "is_authenticated", False) or (
        user.user_category not in APPOINTABLE_CATEGORIES
    ):
        return None
    rows = presenters.appointment_rows(
        account_selectors.appointments_offered_to(user=user)[:5]
    )
    if not rows:
        return None
    return ("applications/appointments/_offers_panel.html", {"rows": rows})


def organization_appointments_panel(
    request: HttpRequest, organization: Organization
) -> tuple[str, dict[str, Any]] | None:
    """The organisation page's way to the appointments with their scope
    (its own staff only); registered in ApplicationsConfig.ready."""
    if not is_member(request.user, organization):
        return None
    return (
        "applications/appointments/_organization_panel.html",
        {
            "organization": organization,
            "may_manage": may_manage_appointments(request.user, organization),
        },
    )


urlpatterns: list[URLPattern] = [
    path("appointments/", appointments_offered, name="appointments_offered"),
    path(
        "appointments/<uuid:appointment>/accept/",
        appointment_accept,
        name="appointment_accept",
    ),
    path(
        "appointments/<uuid:appointment>/decline/",
        appointment_decline,
        name="appointment_decline",
    ),
    path(
        "organisations/<uuid:organization>/appointments/",
        appointments,
        name="appointments",
    ),
    path(
        "organisations/<uuid:organization>/appointments/new/",
        appointment_new,
        name="appointment_new",
    ),
    path(
        "organisations/<uuid:organization>/appointments/<uuid:appointment>/change/",
        appointment_change,
        name="appointment_change",
    ),
]
