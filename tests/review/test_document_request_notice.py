"""The request for documents (資料提出通知) as a PDF (issue 10, item 9):
rendered in ja and en by the worker (queued on commit, never inside the
request), swept when lost, kept with the case like the other notices and
downloadable by the organisation and the office."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse

import pytest

from accounts.models import OfficerRole
from portal.lib import tasks as portal_tasks
from review.certificates import certificate_file_access
from review.models import Certificate
from review.services.issuance import issuance_sweep
from review.tasks import render_certificates
from tests.factories import OrganizationFactory, officer, staff
from tests.review.exam_helpers import claimed, new_case, open_request
from tests.review.issuance_helpers import login, media

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path: Path) -> Path:
    return media(settings, tmp_path)


@pytest.fixture
def queued(monkeypatch) -> list[tuple]:
    calls: list[tuple] = []

    def record(path, *args):
        if path == "portal.lib.tasks.fan_out":  # a transaction's batch
            for inner, inner_args in args[0]:
                calls.append((inner, *inner_args))
        else:
            calls.append((path, *args))

    monkeypatch.setattr(portal_tasks, "enqueue", record)
    return calls


def requested(django_capture_on_commit_callbacks):
    org = OrganizationFactory()
    user = staff(org, full_name="申請 花子", language="en")
    examiner = officer(OfficerRole.Role.EXAMINER)
    application = claimed(new_case(org, user), examiner)
    with django_capture_on_commit_callbacks(execute=True):
        document_request = open_request(application, examiner)
    return application, document_request, user, examiner


def test_request_queues_its_notice_for_the_worker(
    django_capture_on_commit_callbacks, queued
):
    application, document_request, _user, _examiner = requested(
        django_capture_on_commit_callbacks
    )
    notice = Certificate.objects.get(document_request=document_request)
    assert notice.kind == Certificate.Kind.DOCUMENT_REQUEST
    assert notice.file_ja_id is None and notice.file_en_id is None  # not rendered yet
    assert ("review.tasks.render_certificates", application.pk) in queued


def test_worker_renders_both_languages_and_the_sweep_catches_lost_ones(
    django_capture_on_commit_callbacks, queued
):
    application, document_request, user, examiner = requested(
        django_capture_on_commit_callbacks
    )
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        issuance_sweep()
    assert ("review.tasks.render_certificates", application.pk) in queued

    assert render_certificates.run(application.pk) == 2
    notice = Certificate.objects.select_related("file_ja", "file_en").get(
        document_request=document_request
    )
    for stored in (notice.file_ja, notice.file_en):
        assert stored.content_type == "application/pdf"
        assert "request-for-documents" in stored.original_name
    assert render_certificates.run(application.pk) == 0
    assert certificate_file_access(user, notice.file_ja) == "view"
    assert certificate_file_access(examiner, notice.file_en) == "view_inline"
    assert (
        certificate_file_access(staff(OrganizationFactory()), notice.file_ja) == "none"
    )


def test_office_and_organisation_pages_link_the_notice(
    client, settings, django_capture_on_commit_callbacks, queued
):
    application, _document_request, user, examiner = requested(
        django_capture_on_commit_callbacks
    )
    render_certificates.run(application.pk)
    login(client, user, settings, fresh=False)
    page = client.get(
        reverse("review:documents_request", args=[application.code])
    ).content.decode()
    assert "PDF, Japanese" in page and "PDF, English" in page
    login(client, examiner, settings)
    page = client.get(reverse("review:case", args=[application.code])).content.decode()
    assert "Notice requesting documents" in page and "PDF, English" in page
