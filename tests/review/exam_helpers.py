"""Builders for the examination tests (personas: ``tests/conftest.py``):
cases in a given status, and the examination steps taken through the services (so that every row a page
needs exists as the real flow would leave it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from accounts.models import OfficerRole, Organization, User
from applications.models import Application
from applications.workflow import Status
from review.models import Decision, DocumentRequest, DocumentRequestItem
from review.services import examination as services
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
)

Role = OfficerRole.Role


def new_case(
    org: Organization, user: User, *, status: str = Status.SUBMITTED, **fields: Any
) -> Application:
    """A case of ``org`` (filed by ``user``) in ``status`` with a re-entry
    companion and every required document."""
    return ApplicationFactory(
        organization=org,
        created_by=user,
        status=status,
        shortcut=True,
        documents=True,
        **fields,
    )


def claimed(application: Application, examiner: User) -> Application:
    services.case_claim(application=application, actor=examiner)
    application.refresh_from_db()
    return application


def proposal(
    application: Application, examiner: User, *, outcome: str = Decision.Outcome.GRANT
) -> Decision:
    """A recommendation made through the service (the case must be examined
    by ``examiner``)."""
    if outcome == Decision.Outcome.GRANT:
        rec = services.Recommendation(
            outcome=outcome,
            period=services.allowed_periods(application)[0],
            reentry_until=timezone.localdate() + timedelta(days=300),
            activity_terms="Part-time teaching, 28 hours a week",
        )
    else:
        rec = services.Recommendation(
            outcome=outcome, denial_reasons="Activities not credible."
        )
    decision = services.decision_propose(
        application=application, actor=examiner, recommendation=rec
    )
    application.refresh_from_db()
    return decision


def open_request(
    application: Application, examiner: User, *, due_in: int = 14, items: int = 2
) -> DocumentRequest:
    document_request = services.document_request_create(
        application=application,
        actor=examiner,
        items=[
            services.RequestedItem(f"Document {n}", "Tax certificate")
            for n in range(items)
        ],
        due_date=timezone.localdate() + timedelta(days=due_in),
        message="Please send these.",
    )
    application.refresh_from_db()
    return document_request


def first_item(document_request: DocumentRequest) -> DocumentRequestItem:
    return document_request.items.order_by("sort_order").first()  # type: ignore[return-value]


def reauthenticate(client: Any) -> None:
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content[:400]


def login(client: Any, user: User, settings: Any) -> Any:
    client.force_login(user)
    # Messages are compared in English, whatever the Japanese catalogue says.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
