"""One rule, two callers: each predicate of ``applications.rules`` decides
both what a page shows and what its service accepts.  A spy in place of the
rule, answering "no", must hide the page's button and make the service
refuse.  Also the withdrawal guard, and companions moving through the one
transition with their own history, audit and times."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.urls import reverse

import pytest

from accounts.models import User
from applications import rules, services
from applications.errors import NotDraft
from applications.forms import ForeignNationalForm
from applications.models import Application, StatusEvent
from applications.services.transitions import AUDIT_ACTIONS
from applications.workflow import Action, Status
from portal.audit.events import AuditAction
from portal.audit.models import AuditEvent
from portal.files.access import file_access
from portal.lib.errors import IllegalTransition
from tests.factories import (
    ApplicationFactory,
    ForeignNationalFactory,
    OrganizationFactory,
    attach_required_documents,
    staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/no-public-url/"},
        },
    }
    return root


@pytest.fixture
def alice(org):
    return staff(org, language="en")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def deny(monkeypatch):
    """Replace a rule by a spy that answers "no" and records each call."""
    calls: list[str] = []

    def install(name: str) -> list[str]:
        def spy(*args, **kwargs) -> bool:
            calls.append(name)
            return False

        monkeypatch.setattr(rules, name, spy)
        return calls

    return install


def text_of(response) -> str:
    return response.content.decode()


# --- Each rule: the page and the service --------------------------------------------


def test_may_file_for_decides_the_persons_page_and_its_service(
    alice_client, org, alice, deny
):
    person = ForeignNationalFactory(organization=org)
    calls = deny("may_file_for")
    response = alice_client.get(
        reverse("applications:foreign_national", args=[person.code])
    )
    assert response.context["can_write"] is False
    assert calls
    calls.clear()
    values = {
        **ForeignNationalForm.initial_from(person),
        "current_status": None,
        "current_subcategory": None,
    }
    with pytest.raises(PermissionDenied):
        services.foreign_national_save(
            organization=org, values=values, actor=alice, foreign_national=person
        )
    assert calls


def test_may_edit_draft_decides_the_send_form_and_the_draft_services(
    alice_client, org, alice, deny
):
    draft = ApplicationFactory(organization=org, created_by=alice)
    calls = deny("may_edit_draft")
    response = alice_client.get(reverse("applications:draft_check", args=[draft.code]))
    assert response.context["can_write"] is False
    assert "Accept and send" not in text_of(response)
    assert calls
    calls.clear()
    with pytest.raises(NotDraft):
        services.application_update(
            application=draft,
            expected_version=draft.version,
            actor=alice,
            fields={"requested_period": "1y"},
            section="application",
        )
    assert calls
    draft.refresh_from_db()
    assert draft.requested_period == "3y"


def test_may_delete_draft_decides_the_delete_link_and_the_service(
    alice_client, org, alice, deny
):
    draft = ApplicationFactory(organization=org, created_by=alice)
    calls = deny("may_delete_draft")
    hub = alice_client.get(reverse("applications:draft", args=[draft.code]))
    assert hub.context["may_delete"] is False
    delete_url = reverse("applications:draft_delete", args=[draft.code])
    assert delete_url not in text_of(hub)
    listing = alice_client.get(reverse("applications:drafts"))
    assert delete_url not in text_of(listing)
    assert calls
    calls.clear()
    with pytest.raises(NotDraft):
        services.application_draft_delete(
            application=draft, expected_version=draft.version, actor=alice
        )
    assert calls
    assert Application.objects.filter(pk=draft.pk).exists()


def test_may_withdraw_decides_the_withdraw_link_and_the_service(
    alice_client, org, alice, deny
):
    case = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    calls = deny("may_withdraw")
    response = alice_client.get(reverse("applications:case", args=[case.code]))
    assert response.context["may_withdraw"] is False
    assert reverse("applications:withdraw", args=[case.code]) not in text_of(response)
    assert calls
    calls.clear()
    with pytest.raises(IllegalTransition):
        services.application_withdraw(application=case, actor=alice, reason="No")
    assert calls
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_may_download_decides_the_receipt_page_and_the_file_access(
    alice_client, org, alice, deny
):
    draft = ApplicationFactory(organization=org, created_by=alice)
    document = attach_required_documents(draft)[0]
    case = services.application_submit(application=draft, actor=alice)
    assert file_access(alice, document.file) == "view"
    calls = deny("may_download")
    response = alice_client.get(reverse("applications:receipt", args=[case.code, "ja"]))
    assert response.status_code == 404
    assert calls
    calls.clear()
    assert file_access(alice, document.file) == "none"
    assert calls


def test_without_a_spy_the_pages_show_what_the_rules_allow(alice_client, org, alice):
    draft = ApplicationFactory(organization=org, created_by=alice)
    hub = alice_client.get(reverse("applications:draft", args=[draft.code]))
    assert hub.context["may_delete"] is True
    case = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    page = alice_client.get(reverse("applications:case", args=[case.code]))
    assert page.context["may_withdraw"] is True


# --- The withdrawal guard ------------------------------------------------------------


@pytest.mark.parametrize("who", ["stranger", "suspended", "expired"])
def test_withdraw_refuses_a_stranger_and_a_read_only_user(org, alice, who):
    case = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    actor = {
        "stranger": lambda: staff(OrganizationFactory()),
        "suspended": lambda: staff(org, status=User.Status.SUSPENDED),
        "expired": lambda: staff(org, valid_days=-1),
    }[who]()
    events = StatusEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=case, actor=actor, reason="No")
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert StatusEvent.objects.count() == events
    assert not AuditEvent.objects.filter(
        action=AuditAction.APPLICATION_WITHDRAW
    ).exists()


# --- Audit actions ---------------------------------------------------------------------


def test_every_workflow_action_has_its_audit_action():
    assert set(AUDIT_ACTIONS) == set(Action.values)
    for action, audit_action in AUDIT_ACTIONS.items():
        assert isinstance(audit_action, AuditAction)
        assert audit_action.value == f"application.{action}"


# --- Companions move through the transition ---------------------------------------------


def _history(row: Application) -> list[tuple[str, str, str]]:
    return list(
        StatusEvent.objects.filter(application=row)
        .order_by("id")
        .values_list("action", "from_status", "to_status")
    )


def test_submission_moves_each_companion_with_its_event_and_audit(org, alice):
    draft = ApplicationFactory(
        organization=org, created_by=alice, companions=("reentry", "other_activity")
    )
    attach_required_documents(draft)
    case = services.application_submit(application=draft, actor=alice)
    companions = list(case.companions.order_by("pk"))
    assert len(companions) == 2
    numbers = {case.receipt_number, *(c.receipt_number for c in companions)}
    assert len(numbers) == 3 and None not in numbers
    for row in [case, *companions]:
        assert row.status == Status.SUBMITTED
        assert row.submitted_at == case.submitted_at
        assert row.received_on == case.received_on
        assert row.submitted_by == alice
        assert row.office == org.office
        assert row.version == case.version
        assert _history(row) == [("submit", "draft", "submitted")]
        audit = AuditEvent.objects.get(
            action=AuditAction.APPLICATION_SUBMIT, object_code=str(row.code)
        )
        assert audit.actor == alice
        assert audit.data == {"from": "draft", "to": "submitted"}
    # The person's details as sent are the main application's answers only.
    assert "person" in case.answers
    assert all("person" not in (c.answers or {}) for c in companions)


@pytest.mark.parametrize(
    ("action", "target"),
    [(Action.APPROVE_GRANT, Status.GRANTED), (Action.APPROVE_DENIAL, Status.DENIED)],
)
def test_a_decision_moves_each_companion_with_its_times_event_and_audit(
    org, alice, action, target
):
    case = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    for step in (Action.START_EXAMINATION, Action.PROPOSE_DECISION, action):
        case = services.application_transition(
            application=case, action=step, actor=alice
        )
    companion = case.companions.get()
    case.refresh_from_db()
    assert companion.status == target
    assert companion.decided_at is not None
    assert companion.decided_at == case.decided_at
    assert companion.closed_at == case.closed_at
    if target == Status.DENIED:
        assert companion.closed_at is not None
    assert _history(companion)[-1] == (action, "decision_proposed", target)
    assert AuditEvent.objects.filter(
        action=AUDIT_ACTIONS[action], object_code=str(companion.code)
    ).exists()


def test_withdrawal_gives_companions_the_reason_times_and_history(org, alice):
    case = ApplicationFactory(submitted=True, organization=org, created_by=alice)
    withdrawn = services.application_withdraw(
        application=case, actor=alice, reason="The contract was cancelled."
    )
    companion = withdrawn.companions.get()
    assert companion.status == Status.WITHDRAWN
    assert companion.withdrawal_reason == "The contract was cancelled."
    assert withdrawn.closed_at is not None
    assert companion.closed_at == withdrawn.closed_at
    assert _history(companion)[-1] == ("withdraw", "submitted", "withdrawn")


def test_no_status_is_written_outside_the_transition():
    """The services write a status only through ``application_transition``:
    no ``status=`` assignment or queryset update elsewhere."""
    import inspect

    from applications.services import drafts, people, submission

    for module in (drafts, people, submission):
        source = inspect.getsource(module)
        assert ".status =" not in source, module.__name__
        assert "update(status" not in source, module.__name__
