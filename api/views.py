"""API key pages: a user creates keys (after re-authenticating, like other
sensitive actions), sees each once, lists and revokes them; an
organisation's staff list and revoke every key acting on it."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allauth.account.decorators import reauthentication_required

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import is_member
from accounts.selectors import organization_get_for_user, organizations_for_user
from api import rules, selectors
from api.errors import ApiKeyRefused
from api.forms import ApiKeyForm
from api.services.keys import api_key_create, api_key_revoke
from portal.lib.errors import show_error


@login_required
@never_cache
@require_GET
def key_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "api/keys.html",
        {
            "rows": [
                {
                    "key": key,
                    "revoke_url": reverse("api:key_revoke", args=[key.code]),
                }
                for key in selectors.api_keys_of_user(user=request.user)
            ],
            "may_create": rules.may_create_key(request.user),
            "organizations": list(
                organizations_for_user(user=request.user).order_by("name_ja", "pk")
            ),
        },
    )


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@reauthentication_required
def key_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not rules.may_create_key(request.user):
        raise PermissionDenied
    organizations = organizations_for_user(user=request.user).order_by("name_ja", "pk")
    form = ApiKeyForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        try:
            api_key, token = api_key_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                organizations=list(form.cleaned_data["organizations"]),
                scopes=form.cleaned_data["scopes"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except ApiKeyRefused as exc:
            show_error(request, exc)
        else:
            # Shown on this response only: never stored, never redirected.
            return render(
                request, "api/key_created.html", {"api_key": api_key, "token": token}
            )
    return render(request, "api/key_form.html", {"form": form})


@login_required
@require_POST
def key_revoke(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    api_key = selectors.api_key_get_for_owner(user=request.user, code=code)
    try:
        api_key_revoke(api_key=api_key, actor=request.user)
    except ApiKeyRefused as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("The key was revoked. It no longer works."))
    return redirect("api:keys")


@login_required
@never_cache
@require_GET
def organization_keys(
    request: AuthenticatedHttpRequest, organization: uuid.UUID
) -> HttpResponse:
    org = organization_get_for_user(user=request.user, code=organization)
    if not is_member(request.user, org):
        raise PermissionDenied
    keys = list(selectors.api_keys_of_organization(organization=org))
    return render(
        request,
        "api/organization_keys.html",
        {
            "organization": org,
            "rows": [
                {
                    "key": key,
                    "revoke_url": reverse(
                        "api:organization_key_revoke", args=[org.code, key.code]
                    )
                    if rules.may_revoke(request.user, key)
                    else "",
                }
                for key in keys
            ],
        },
    )


@login_required
@require_POST
def organization_key_revoke(
    request: AuthenticatedHttpRequest, organization: uuid.UUID, code: uuid.UUID
) -> HttpResponse:
    org = organization_get_for_user(user=request.user, code=organization)
    if not is_member(request.user, org):
        raise PermissionDenied
    api_key = selectors.api_key_get_for_organization(organization=org, code=code)
    try:
        api_key_revoke(api_key=api_key, actor=request.user)
    except ApiKeyRefused as exc:
        show_error(request, exc)
    else:
        messages.success(request, _("The key was revoked. It no longer works."))
    return redirect("api:organization_keys", org.code)
