"""What every notification about a case carries: ``selectors.case_context``
(receipt number, type, office, state) plus the names its subject shows —
the person and the organisation, as the organisation's pages show them
(issue 13 item 4: a user serving several organisations must see whose case
a message is about without opening it).  ``portal.lib.emails.render_email``
adds the names to every subject that has them."""

from __future__ import annotations

from typing import Any

from applications.models import Application
from applications.selectors import case_context


def case_names(application: Application) -> dict[str, str]:
    """The person's name (passport order, Roman letters) and the
    organisation's names; never a passport or card number."""
    person = application.foreign_national
    organization = application.organization
    return {
        "about_person": f"{person.family_name} {person.given_name}".strip(),
        "about_organization_ja": organization.name_ja,
        "about_organization_en": organization.name_en or organization.name_ja,
    }


def case_notification_context(application: Application) -> dict[str, Any]:
    return {**case_context(application), **case_names(application)}
