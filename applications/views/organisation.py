"""The organisation's profile page: the facts the 所属機関等作成用 part asks,
kept once and copied into each application at submission."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.selectors import organization_get_for_user
from applications import rules, services
from applications.forms.organisation import OrganisationProfileForm
from applications.models import OrganisationProfile


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def organisation_profile(
    request: AuthenticatedHttpRequest, organization: uuid.UUID
) -> HttpResponse:
    """Anyone of the organisation sees its profile; those who may file for
    it change it (404 for other organisations, 403 on a write otherwise)."""
    org = organization_get_for_user(user=request.user, code=organization)
    profile = OrganisationProfile.objects.filter(organization=org).first()
    may_edit = rules.may_file_for(request.user, org.pk)
    language = request.LANGUAGE_CODE or "ja"
    if request.method == "POST":
        rules.ensure_can_file_for(request.user, org.pk)
        form = OrganisationProfileForm(
            request.POST, instance=profile, language=language
        )
        if form.is_valid():
            services.organisation_profile_save(
                organization=org,
                values={
                    name: form.cleaned_data[name]
                    for name in OrganisationProfile.PROFILE_FIELDS
                },
                actor=request.user,
            )
            messages.success(request, _("The organisation profile was saved."))
            return redirect("applications:organisation_profile", org.code)
    else:
        form = OrganisationProfileForm(instance=profile, language=language)
    return render(
        request,
        "applications/organisation/profile.html",
        {"organization": org, "form": form, "may_edit": may_edit},
    )


urlpatterns: list[URLPattern] = [
    path(
        "organisations/<uuid:organization>/profile/",
        organisation_profile,
        name="organisation_profile",
    ),
]
