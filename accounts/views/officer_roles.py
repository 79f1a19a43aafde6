"""The bureau administrator's page: the officer roles at the offices of
their own regional bureau, with grant and withdraw (the audited services
``officer_role_grant`` / ``officer_role_revoke``, which apply the same rule
as this page: ``permissions.may_grant_officer_role``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions, selectors, services
from accounts.errors import OfficerRoleRefused
from accounts.forms.officer_roles import OfficerRoleGrantForm
from accounts.http import AuthenticatedHttpRequest
from accounts.models import Office
from portal.lib.errors import show_error
from portal.lib.reauth import reauthentication_prompt


def _administered(request: AuthenticatedHttpRequest) -> list[Office]:
    offices = permissions.administered_offices(request.user)
    if not offices:
        raise PermissionDenied
    return offices


def _render(
    request: AuthenticatedHttpRequest,
    offices: list[Office],
    form: OfficerRoleGrantForm,
    status: int = 200,
) -> HttpResponse:
    roles = selectors.officer_roles_at(office_ids=[office.pk for office in offices])
    rows = [
        {
            "officer_role": officer_role,
            # The same rule the services check before acting.
            "may_withdraw": permissions.may_grant_officer_role(
                request.user, officer_role.office, officer_role.role
            ),
        }
        for officer_role in roles
    ]
    return render(
        request,
        "accounts/officer_roles/list.html",
        {"form": form, "rows": rows, "offices": offices},
        status=status,
    )


@login_required
@require_GET
def officer_roles(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The roles at the bureau's offices and the form to grant one."""
    offices = _administered(request)
    return _render(request, offices, OfficerRoleGrantForm(offices=offices))


@login_required
@require_POST
def officer_role_grant(request: AuthenticatedHttpRequest) -> HttpResponse:
    offices = _administered(request)
    form = OfficerRoleGrantForm(request.POST, offices=offices)
    if not form.is_valid():
        return _render(request, offices, form)
    if (prompt := reauthentication_prompt(request, _("grant the role"))) is not None:
        return prompt
    try:
        services.officer_role_grant(**form.grant(), actor=request.user)
    except OfficerRoleRefused as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("The role is granted."))
    return redirect("accounts:officer_roles")


@login_required
@require_POST
def officer_role_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offices = _administered(request)
    officer_role = selectors.officer_role_get_at(
        office_ids=[office.pk for office in offices], pk=pk
    )
    if (prompt := reauthentication_prompt(request, _("withdraw the role"))) is not None:
        return prompt
    try:
        services.officer_role_revoke(officer_role=officer_role, actor=request.user)
    except OfficerRoleRefused as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("The role is withdrawn."))
    return redirect("accounts:officer_roles")


urlpatterns: list[URLPattern] = [
    path("bureau/officer-roles/", officer_roles, name="officer_roles"),
    path("bureau/officer-roles/grant/", officer_role_grant, name="officer_role_grant"),
    path(
        "bureau/officer-roles/<int:pk>/withdraw/",
        officer_role_withdraw,
        name="officer_role_withdraw",
    ),
]


def dashboard_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Bureau administrators get a link to their page (registered in
    AccountsConfig.ready)."""
    if not permissions.is_bureau_admin(request.user):
        return None
    return ("accounts/officer_roles/_dashboard_panel.html", {})
