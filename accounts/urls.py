"""Each views module owns its URL list: the requester's flow (no account),
reception's work, the first sign-in of an approved user, and the organisation
side."""

from __future__ import annotations

from accounts.views import (
    activation,
    officer_roles,
    organization,
    periodic_report,
    reception,
    request_access,
    request_check,
    request_wizard,
)

app_name = "accounts"
urlpatterns = [
    *request_access.urlpatterns,
    *request_wizard.urlpatterns,
    *request_check.urlpatterns,
    *reception.urlpatterns,
    *activation.urlpatterns,
    *organization.urlpatterns,
    *periodic_report.urlpatterns,
    *officer_roles.urlpatterns,
]
