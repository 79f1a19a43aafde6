"""Issue 12 item 10: an officer's free text reaches the reader exactly as
typed — full-width brackets kept (no NFKC), line breaks kept, never cut
short, and the message that refers to “the above documents” below them."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest

from applications.workflow import Status
from review.models import DocumentRequest
from review.services import examination as services
from tests.review.exam_helpers import claimed, login, new_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

ITEM = "雇用契約書の写し（契約期間が分かるもの）\n２ページ目以降も含めてください。"
LONG_ITEM = (
    "在職証明書。" + "勤務先、職務内容、雇用期間及び給与額が記載されたもの。" * 6
)
MESSAGE = (
    "上記資料の提出をお願いします。\n期限までに提出できない場合は連絡してください。"
)


def _request_through_the_page(client, settings, application, examiner):
    login(client, examiner, settings)
    due = timezone.localdate() + timedelta(days=10)
    response = client.post(
        reverse("review:case_request_documents", args=[application.code]),
        {
            "item_1_text": ITEM,
            "item_1_type": "雇用契約書",
            "item_2_text": LONG_ITEM,
            "due_date": due.isoformat(),
            "message": MESSAGE,
            "expected_status": Status.EXAMINING,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return DocumentRequest.objects.get(application=application)


def test_item_text_is_stored_as_typed(client, settings, org, org_staff, examiner):
    application = claimed(new_case(org, org_staff), examiner)
    document_request = _request_through_the_page(
        client, settings, application, examiner
    )
    texts = [item.text for item in document_request.items.order_by("sort_order")]
    # Full-width brackets and digits are the officer's, not NFKC's.
    assert texts == [ITEM, LONG_ITEM]
    assert document_request.message == MESSAGE


def test_applicant_reads_the_items_with_their_line_breaks_then_the_message(
    client, settings, org, org_staff, examiner
):
    application = claimed(new_case(org, org_staff), examiner)
    _request_through_the_page(client, settings, application, examiner)
    login(client, org_staff, settings)
    page = client.get(reverse("review:documents_request", args=[application.code]))
    html = page.content.decode()
    assert (
        "雇用契約書の写し（契約期間が分かるもの）<br>２ページ目以降も含めてください。"
        in html
    )
    assert LONG_ITEM in html
    assert "上記資料の提出をお願いします。<br>期限までに" in html
    # 「上記資料」 refers to the items: the message comes after them.
    assert html.index(LONG_ITEM) < html.index("上記資料の提出をお願いします。")


def test_check_page_shows_every_item_whole(client, settings, org, org_staff, examiner):
    application = claimed(new_case(org, org_staff), examiner)
    _request_through_the_page(client, settings, application, examiner)
    login(client, org_staff, settings)
    page = client.get(reverse("review:documents_request_send", args=[application.code]))
    html = page.content.decode()
    assert LONG_ITEM in html  # not cut at 120 characters
    assert "（契約期間が分かるもの）<br>２ページ目" in html


def test_officer_case_page_shows_the_request_as_typed(
    client, settings, org, org_staff, examiner
):
    application = claimed(new_case(org, org_staff), examiner)
    _request_through_the_page(client, settings, application, examiner)
    page = client.get(reverse("review:case", args=[application.code]))
    html = page.content.decode()
    assert "（契約期間が分かるもの）<br>２ページ目" in html
    assert "上記資料の提出をお願いします。<br>期限までに" in html
    assert html.index(LONG_ITEM) < html.index("上記資料の提出をお願いします。")


def test_denial_reasons_keep_their_line_breaks_for_the_supervisor(
    client, settings, org, org_staff, examiner, supervisor
):
    application = claimed(new_case(org, org_staff), examiner)
    services.decision_propose(
        application=application,
        actor=examiner,
        recommendation=services.Recommendation(
            outcome="deny",
            denial_reasons="1. 活動内容（通訳）が在留資格に該当しない。\n2. 報酬額が不明。",
        ),
        expected_status=Status.EXAMINING,
    )
    login(client, supervisor, settings)
    page = client.get(reverse("review:case_approve", args=[application.code]))
    assert page.status_code == 200
    assert (
        "1. 活動内容（通訳）が在留資格に該当しない。<br>2. 報酬額が不明。"
        in page.content.decode()
    )
