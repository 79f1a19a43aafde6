"""The first sign-in of a newly approved user: the emailed single-use link
sets the password, signs the user in and leads straight to TOTP enrolment
(MfaRequiredMiddleware keeps them there until it is done)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from allauth.account.utils import perform_login

from accounts import selectors, services
from accounts.errors import TokenError
from accounts.forms.reception import SetPasswordForm

# What happened to a link that no longer works, and the HTTP status that says so.
_TOKEN_STATUS = {"unknown": 404, "used": 410, "replaced": 410, "expired": 410}


def _link_problem(request: HttpRequest, token: str, reason: str) -> HttpResponse:
    services.set_password_link_refused(token=token, reason=reason)
    return render(
        request,
        "accounts/activation/link_problem.html",
        {"reason": reason},
        status=_TOKEN_STATUS.get(reason, 404),
    )


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = selectors.set_password_token_check(token=token)
    except TokenError as exc:
        return _link_problem(request, token, exc.reason)
    user = found.user
    form = SetPasswordForm(
        request.POST if request.method == "POST" else None, user=user
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.set_password_complete(
                token=token, password=form.cleaned_data["password1"]
            )
        except TokenError as exc:
            # Someone used the link between our check and this request.
            return _link_problem(request, token, exc.reason)
        except ValidationError as exc:
            form.add_error("password1", exc)
        else:
            return perform_login(
                request, user, redirect_url=reverse("mfa_activate_totp")
            )
    return render(
        request,
        "accounts/activation/set_password.html",
        {"form": form, "user_id": user.username, "expires_at": found.expires_at},
    )


urlpatterns: list[URLPattern] = [
    path("set-password/<str:token>/", set_password, name="set_password"),
]
