"""Builders for the issuance tests: an organisation with a member, and cases granted (or denied) the way the examination side leaves
them — APPROVE_* through the transition service, the decision approved, and
``decision_approved_follow_up`` called in the same transaction."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import OfficerRole, Organization, User
from applications.models import Application, StatusOfResidence
from applications.services import application_transition
from applications.workflow import Action, Status
from review import issuance_rules
from review.models import Decision
from review.services import issuance, payments
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    ForeignNationalFactory,
    OrganizationFactory,
    officer,
    staff,
)

TOKYO = ZoneInfo("Asia/Tokyo")


def clerk(office_code: str = "TKY") -> User:
    return officer(OfficerRole.Role.CLERK, office_code=office_code)


def org_and_user(**org_fields: Any) -> tuple[Organization, User]:
    org = OrganizationFactory(**org_fields)
    return org, staff(org, full_name="申請 花子", language="en")


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=TOKYO)


def decided(
    org: Organization,
    user: User,
    *,
    outcome: str = Decision.Outcome.GRANT,
    type_code: str = "extension",
    companions: tuple[str, ...] = ("reentry",),
    period: str = "3y",
    received_on: date | None = None,
    follow_up: bool = True,
    status: StatusOfResidence | None = None,
    reentry_until: date | None = None,
    activity_terms: str = "",
    **fields: Any,
) -> Application:
    """A case decided through the transition service: a proposed decision,
    APPROVE_GRANT/APPROVE_DENIAL by a supervisor, the decision approved and
    (``follow_up``) the issuance follow-up, in one transaction."""
    if type_code == "coe":
        fields.setdefault(
            "foreign_national",
            ForeignNationalFactory(
                organization=org,
                residence_card_number="",
                current_status=None,
                current_period="",
                period_expiry=None,
            ),
        )
        fields.setdefault(
            "target_status",
            StatusOfResidence.objects.get(code="engineer_humanities_international"),
        )
    if received_on is not None:
        fields["submitted_at"] = _at(received_on)
    application = ApplicationFactory(
        shortcut=True,
        organization=org,
        created_by=user,
        status=Status.DECISION_PROPOSED,
        type_code=type_code,
        companions=companions,
        **fields,
    )
    examiner = officer(OfficerRole.Role.EXAMINER)
    supervisor = officer(OfficerRole.Role.SUPERVISOR)
    granted_status = (
        status
        or application.target_status
        or application.foreign_national.current_status
    )
    grant = outcome == Decision.Outcome.GRANT
    decision = Decision.objects.create(
        application=application,
        outcome=outcome,
        granted_status=granted_status if grant else None,
        granted_period=period if grant else "",
        reentry_until=reentry_until,
        activity_terms=activity_terms,
        denial_reasons="" if grant else "The activity does not fit the status.",
        proposed_by=examiner,
    )
    with transaction.atomic():
        application = application_transition(
            application=application,
            action=Action.APPROVE_GRANT if grant else Action.APPROVE_DENIAL,
            actor=supervisor,
            expected_status=Status.DECISION_PROPOSED,
            notify_kind=None,
        )
        Decision.objects.filter(pk=decision.pk).update(
            state=Decision.State.APPROVED,
            approved_by=supervisor,
            approved_at=timezone.now(),
        )
        if follow_up:
            issuance.decision_approved_follow_up(
                application=application, actor=supervisor
            )
    application.refresh_from_db()
    return application


def walk_to(
    application: Application, target: str, *, actor: User, user: User
) -> Application:
    """Move a granted case forward through the services up to ``target``."""
    order = [
        Status.GRANTED,
        Status.FEE_PAID,
        Status.ISSUED,
        Status.DISPATCHED,
        Status.COMPLETED,
    ]
    application.refresh_from_db()
    while order.index(application.status) < order.index(target):
        status = application.status
        if status == Status.GRANTED:
            payment = application.payment
            payments.payment_declare(
                application=application,
                actor=user,
                return_method="registered_mail",
                current_card_sent=issuance_rules.needs_current_card(application),
            )
            application = payments.payment_record_stamps(
                application=application, actor=actor, amount=payment.amount_due
            )
        elif status == Status.FEE_PAID:
            if issuance_rules.needs_current_card(application):
                issuance.card_receipt_record(application=application, actor=actor)
            application = issuance.application_issue(
                application=application, actor=actor
            )
        elif status == Status.ISSUED:
            method = (
                "email"
                if issuance_rules.electronic_only(application)
                else "registered_mail"
            )
            application = issuance.application_dispatch(
                application=application,
                actor=actor,
                method=method,
                tracking_number="" if method == "email" else "1234-5678-9012",
            )
        elif status == Status.DISPATCHED:
            application = issuance.application_record_handover(
                application=application, actor=user
            )
        application.refresh_from_db()
    return application


def reauthenticate(client: Any) -> None:
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content[:400]


def login(client: Any, user: User, settings: Any, *, fresh: bool = True) -> Any:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if fresh:
        reauthenticate(client)
    return client


def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/no-public-url/"},
        },
    }
    return root


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
