"""The webhooks pages of an organisation, for its own staff: endpoints (add,
see, rotate the secret, disable, enable, delete) and the delivery log with
replays.  Access: ``selectors.webhook_organization_get_for_user`` (404 for
anyone who does not work for the organisation), then objects looked up
within it; changes ask ``rules.may_manage_webhooks`` (403 for read-only
staff).  Adding, changing, rotating and deleting ask for a fresh sign-in
once the form is valid (``portal.lib.reauth``), then complete the kept POST."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Organization
from accounts.permissions import is_portal_user
from portal.lib import once
from portal.lib.errors import StaleEdit, message_for, show_error
from portal.lib.reauth import reauthentication_prompt
from webhooks import presenters, rules, selectors, services
from webhooks.errors import WebhookError
from webhooks.forms import EndpointForm
from webhooks.models import DeliveryState, Endpoint


def _organization(request: AuthenticatedHttpRequest, code: uuid.UUID) -> Organization:
    return selectors.webhook_organization_get_for_user(user=request.user, code=code)


def _require_manage(request: AuthenticatedHttpRequest, organization: Any) -> None:
    if not rules.may_manage_webhooks(request.user, organization):
        raise PermissionDenied


def _context(
    request: AuthenticatedHttpRequest, organization: Organization, **extra: Any
) -> dict[str, Any]:
    return {
        "organization": organization,
        "may_manage": rules.may_manage_webhooks(request.user, organization),
        **extra,
    }


def _list_url(organization: Organization) -> str:
    return reverse("webhooks:endpoints", args=[organization.code])


def _secret_page(
    request: AuthenticatedHttpRequest,
    organization: Organization,
    endpoint: Endpoint,
    secret: str,
    *,
    rotated: bool,
) -> HttpResponse:
    """The secret, shown this once: rendered in the answer to the POST and
    never stored by the browser (no-store) or by the portal in plain text."""
    response = render(
        request,
        "webhooks/secret.html",
        _context(
            request, organization, endpoint=endpoint, secret=secret, rotated=rotated
        ),
    )
    add_never_cache_headers(response)
    return response


# --- Dashboard -------------------------------------------------------------------


def dashboard_panel(request: HttpRequest) -> tuple[str, dict[str, Any]] | None:
    """Organisation staff: a link to each organisation's webhooks."""
    if not is_portal_user(request.user):
        return None
    organizations = list(
        selectors.webhook_organizations_for_user(user=request.user).order_by("name_ja")
    )
    if not organizations:
        return None
    return "webhooks/_dashboard_panel.html", {"webhook_organizations": organizations}


# --- Endpoints -------------------------------------------------------------------


@login_required
@require_GET
def endpoints(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    organization = _organization(request, code)
    return render(
        request,
        "webhooks/endpoints.html",
        _context(
            request,
            organization,
            endpoints=presenters.endpoint_rows(
                selectors.endpoints_of(organization=organization)
            ),
        ),
    )


def _render_add(
    request: AuthenticatedHttpRequest, organization: Organization, form: EndpointForm
) -> HttpResponse:
    return render(
        request,
        "webhooks/endpoint_add.html",
        _context(request, organization, form=form, cancel_url=_list_url(organization)),
    )


@login_required
@require_GET
def endpoint_add(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    organization = _organization(request, code)
    _require_manage(request, organization)
    return _render_add(request, organization, EndpointForm())


@login_required
@require_POST
def endpoint_create(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    organization = _organization(request, code)
    _require_manage(request, organization)
    form = EndpointForm(request.POST)
    if not form.is_valid():
        return _render_add(request, organization, form)
    if (
        prompt := reauthentication_prompt(request, _("add a webhook endpoint"))
    ) is not None:
        return prompt
    try:
        endpoint, secret = services.endpoint_create(
            organization=organization,
            actor=request.user,
            start_token=once.token_from(request),
            **form.endpoint(),
        )
    except WebhookError as exc:
        form.add_error(None, message_for(exc))
        return _render_add(request, organization, form)
    if secret is None:
        messages.info(
            request,
            _(
                "This endpoint was already added and its secret was shown then. "
                "If you did not keep it, create a new secret."
            ),
        )
        return redirect("webhooks:endpoint", organization.code, endpoint.code)
    return _secret_page(request, organization, endpoint, secret, rotated=False)


@login_required
@require_GET
def endpoint_detail(
    request: AuthenticatedHttpRequest, code: uuid.UUID, endpoint: uuid.UUID
) -> HttpResponse:
    organization = _organization(request, code)
    found = selectors.endpoint_get(organization=organization, code=endpoint)
    deliveries, cursor = selectors.delivery_log(
        organization=organization, endpoint=found, size=10
    )
    return render(
        request,
        "webhooks/endpoint_detail.html",
        _context(
            request,
            organization,
            endpoint=found,
            events=[presenters.event_label(value) for value in found.events],
            deliveries=presenters.delivery_rows(deliveries),
            more_deliveries=cursor is not None,
        ),
    )


def _render_edit(
    request: AuthenticatedHttpRequest,
    organization: Organization,
    endpoint: Endpoint,
    form: EndpointForm,
) -> HttpResponse:
    return render(
        request,
        "webhooks/endpoint_edit.html",
        _context(
            request,
            organization,
            endpoint=endpoint,
            form=form,
            cancel_url=reverse(
                "webhooks:endpoint", args=[organization.code, endpoint.code]
            ),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_edit(
    request: AuthenticatedHttpRequest, code: uuid.UUID, endpoint: uuid.UUID
) -> HttpResponse:
    """Change the URL, the events or the description (a fresh sign-in: a
    new URL sends the organisation's events somewhere else)."""
    organization = _organization(request, code)
    found = selectors.endpoint_get(organization=organization, code=endpoint)
    _require_manage(request, organization)
    if request.method != "POST":
        initial = {
            "url": found.url,
            "events": found.events,
            "description": found.description,
        }
        return _render_edit(request, organization, found, EndpointForm(initial=initial))
    form = EndpointForm(request.POST)
    if not form.is_valid():
        return _render_edit(request, organization, found, form)
    if (
        prompt := reauthentication_prompt(request, _("change the webhook endpoint"))
    ) is not None:
        return prompt
    try:
        services.endpoint_update(endpoint=found, actor=request.user, **form.endpoint())
    except WebhookError as exc:
        form.add_error(None, message_for(exc))
        return _render_edit(request, organization, found, form)
    messages.success(request, _("The endpoint is changed."))
    return redirect("webhooks:endpoint", organization.code, found.code)


@login_required
@require_POST
def endpoint_rotate(
    request: AuthenticatedHttpRequest, code: uuid.UUID, endpoint: uuid.UUID
) -> HttpResponse:
    organization = _organization(request, code)
    found = selectors.endpoint_get(organization=organization, code=endpoint)
    _require_manage(request, organization)
    if (
        prompt := reauthentication_prompt(request, _("create a new signing secret"))
    ) is not None:
        return prompt
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        secret = services.endpoint_rotate_secret(
            endpoint=found, actor=request.user, expected_version=version
        )
    except StaleEdit:
        messages.error(
            request,
            _(
                "The secret was already changed a moment ago (the new one was shown "
                "then). Create another one if you did not keep it."
            ),
        )
        return redirect("webhooks:endpoint", organization.code, found.code)
    return _secret_page(request, organization, found, secret, rotated=True)


@login_required
@require_POST
def endpoint_set_active(
    request: AuthenticatedHttpRequest, code: uuid.UUID, endpoint: uuid.UUID
) -> HttpResponse:
    organization = _organization(request, code)
    found = selectors.endpoint_get(organization=organization, code=endpoint)
    _require_manage(request, organization)
    active = request.POST.get("active") == "1"
    services.endpoint_set_active(endpoint=found, actor=request.user, active=active)
    messages.success(
        request,
        _("The endpoint is enabled: events are sent to it again.")
        if active
        else _("The endpoint is disabled: nothing is sent to it until you enable it."),
    )
    return redirect("webhooks:endpoint", organization.code, found.code)


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_delete(
    request: AuthenticatedHttpRequest, code: uuid.UUID, endpoint: uuid.UUID
) -> HttpResponse:
    organization = _organization(request, code)
    found = selectors.endpoint_get(organization=organization, code=endpoint)
    _require_manage(request, organization)
    if request.method == "POST":
        if (
            prompt := reauthentication_prompt(request, _("delete the webhook endpoint"))
        ) is not None:
            return prompt
        services.endpoint_delete(endpoint=found, actor=request.user)
        messages.success(request, _("The endpoint and its delivery log are deleted."))
        return redirect(_list_url(organization))
    return render(
        request,
        "webhooks/endpoint_delete.html",
        _context(
            request,
            organization,
            endpoint=found,
            cancel_url=reverse(
                "webhooks:endpoint", args=[organization.code, found.code]
            ),
        ),
    )


# --- Deliveries ------------------------------------------------------------------


@login_required
@require_GET
def deliveries(request: AuthenticatedHttpRequest, code: uuid.UUID) -> HttpResponse:
    organization = _organization(request, code)
    state = request.GET.get("state")
    if state not in DeliveryState.values:
        state = None  # an unknown filter shows every delivery
    rows, cursor = selectors.delivery_log(
        organization=organization,
        state=state,
        after=selectors.decode_cursor(request.GET.get("after")),
    )
    base = reverse("webhooks:deliveries", args=[organization.code])
    query = {"state": state} if state else {}
    next_url = f"{base}?{urlencode({**query, 'after': cursor})}" if cursor else None
    return render(
        request,
        "webhooks/deliveries.html",
        _context(
            request,
            organization,
            deliveries=presenters.delivery_rows(rows),
            next_url=next_url,
            filters=presenters.state_filters(base, state),
        ),
    )


@login_required
@require_GET
def delivery_detail(
    request: AuthenticatedHttpRequest, code: uuid.UUID, delivery: uuid.UUID
) -> HttpResponse:
    organization = _organization(request, code)
    found = selectors.delivery_get(organization=organization, code=delivery)
    return render(
        request,
        "webhooks/delivery_detail.html",
        _context(
            request,
            organization,
            delivery=found,
            row=presenters.delivery_rows([found])[0],
            attempts=selectors.delivery_attempts(delivery=found),
        ),
    )


@login_required
@require_POST
def delivery_replay(
    request: AuthenticatedHttpRequest, code: uuid.UUID, delivery: uuid.UUID
) -> HttpResponse:
    organization = _organization(request, code)
    found = selectors.delivery_get(organization=organization, code=delivery)
    _require_manage(request, organization)
    try:
        services.delivery_replay(delivery=found, actor=request.user)
    except WebhookError as exc:
        show_error(request, exc)
    else:
        messages.success(
            request, _("The delivery is queued to be sent again with the same id.")
        )
    return redirect("webhooks:delivery", organization.code, found.code)


_org = "organizations/<uuid:code>/webhooks/"
_endpoint = _org + "endpoints/<uuid:endpoint>/"
_delivery = _org + "deliveries/<uuid:delivery>/"

urlpatterns: list[URLPattern] = [
    path(_org, endpoints, name="endpoints"),
    path(_org + "endpoints/new/", endpoint_add, name="endpoint_add"),
    path(_org + "endpoints/", endpoint_create, name="endpoint_create"),
    path(_endpoint, endpoint_detail, name="endpoint"),
    path(_endpoint + "edit/", endpoint_edit, name="endpoint_edit"),
    path(_endpoint + "rotate/", endpoint_rotate, name="endpoint_rotate"),
    path(_endpoint + "active/", endpoint_set_active, name="endpoint_set_active"),
    path(_endpoint + "delete/", endpoint_delete, name="endpoint_delete"),
    path(_org + "deliveries/", deliveries, name="deliveries"),
    path(_delivery, delivery_detail, name="delivery"),
    path(_delivery + "replay/", delivery_replay, name="delivery_replay"),
]
