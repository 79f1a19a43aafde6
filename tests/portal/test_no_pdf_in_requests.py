"""PDFs are rendered in the worker, never inside a request (QUALITY.md item
27, issue 9): submitting an application through the portal answers at once
and only queues its receipts; the worker renders them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.signals import request_finished, request_started
from django.urls import reverse

import pytest

from applications import documents
from applications.models import GeneratedDocument
from applications.tasks import render_receipt
from tests.factories import (
    ApplicationFactory,
    OrganizationFactory,
    attach_required_documents,
    staff,
)

# Transactional: the on-commit hooks run when the view's transaction commits,
# inside the request, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
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
def pdf_renders(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Counts WeasyPrint renders inside and outside requests."""
    import weasyprint

    state = {"depth": 0, "inside": 0, "outside": 0}

    def started(**kwargs: Any) -> None:
        state["depth"] += 1

    def finished(**kwargs: Any) -> None:
        state["depth"] -= 1

    request_started.connect(started, dispatch_uid="test-no-pdf-started")
    request_finished.connect(finished, dispatch_uid="test-no-pdf-finished")
    original = weasyprint.HTML.write_pdf

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        state["inside" if state["depth"] else "outside"] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counted)
    yield state
    request_started.disconnect(dispatch_uid="test-no-pdf-started")
    request_finished.disconnect(dispatch_uid="test-no-pdf-finished")


def test_submission_queues_the_receipt_and_renders_no_pdf(
    reference_data: None,
    client: Any,
    pdf_renders: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from portal.lib import tasks

    # What the request publishes: one message per transaction, either the
    # task itself or a fan_out batch that carries it (portal.lib.tasks).
    queued: list[Any] = []

    def publish(task: Any, args: list[Any]) -> None:
        if task.name == tasks.FAN_OUT:
            queued.extend(
                path for path, _args in args[0] if path == render_receipt.name
            )
        elif task.name == render_receipt.name:
            queued.append(task.name)

    monkeypatch.setattr(tasks, "_publish", publish)
    org = OrganizationFactory()
    alice = staff(org)
    application = ApplicationFactory(organization=org, created_by=alice)
    attach_required_documents(application)
    client.force_login(alice)
    response = client.post(
        reverse("applications:draft_check", args=[application.code]),
        {"version": str(application.version), "declaration": "on"},
    )
    assert response.status_code == 302, response.content[:500]
    assert queued, "the receipt was not queued for the worker"
    assert pdf_renders["inside"] == 0
    assert not GeneratedDocument.objects.filter(application=application).exists()

    # The worker renders them (outside any request).
    assert documents.receipt_render(application_id=application.pk)
    assert pdf_renders["inside"] == 0 and pdf_renders["outside"] >= 2
