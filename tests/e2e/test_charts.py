"""Charts in Chromium (issue 12, item 11): the processing-times trend and the
supervisor's workload, at 390 and 1280 px in Japanese and English: no
horizontal overflow, the chart fits its box, axe-core passes."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.models import OfficerRole
from review import processing_times as pt
from review.models import DocumentRequest
from tests.factories import officer
from tests.review.exam_helpers import claimed, new_case, open_request
from tests.review.issuance_helpers import org_and_user
from tests.review.test_processing_times import days_ago_in, decided_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": 390, "desktop": 1280}


def look(page: Any, axe: Any, url: str, name: str, chart: str) -> None:
    """The page at each width and language: the chart is drawn within the
    screen, nothing overflows, axe-core finds nothing."""
    for language in ("ja", "en"):
        page.context.add_cookies(
            [
                {
                    "name": django_settings.LANGUAGE_COOKIE_NAME,
                    "value": language,
                    "url": url,
                }
            ]
        )
        for size, width in SIZES.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            box = page.locator(f"svg[aria-labelledby^='{chart}-title']").bounding_box()
            assert box is not None
            assert box["x"] >= 0 and box["x"] + box["width"] <= width
            overflow = page.evaluate(
                "document.documentElement.scrollWidth"
                " - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} is {overflow}px wider than {width}"
            axe(page, f"{name}-{size}-{language}")


def test_the_processing_times_trend_in_the_browser(
    page: Any, live_server: Any, axe: Any, reference_data: None
) -> None:
    org, user = org_and_user()
    rng = random.Random(12)
    months = pt.trend_months(timezone.now())
    for month in months[1:-1]:
        for _ in range(5 + rng.randrange(3)):
            decided_case(
                org,
                user,
                days=rng.randrange(8, 60),
                decided_days_ago=days_ago_in(month),
            )
    pt.refresh_summary()
    look(
        page,
        axe,
        live_server.url + reverse("review:processing_times"),
        "processing-times",
        "trend-chart",
    )
    page.click("details.details summary")
    axe(page, "processing-times-table-open-desktop-en")


def test_the_supervisors_workload_in_the_browser(
    page: Any, live_server: Any, axe: Any, sign_in: Any, reference_data: None
) -> None:
    org, user = org_and_user()
    supervisor = officer(OfficerRole.Role.SUPERVISOR, full_name="統括 三郎")
    loads = {"審査 一郎": 7, "審査 二郎": 3, "Examiner With A Long Name": 1}
    for name, count in loads.items():
        examiner = officer(OfficerRole.Role.EXAMINER, full_name=name)
        for index in range(count):
            case = claimed(new_case(org, user, companions=()), examiner)
            if index < 2 and count > 1:
                request = open_request(case, examiner, due_in=3)
                DocumentRequest.objects.filter(pk=request.pk).update(
                    due_date=timezone.localdate() - timedelta(days=1)
                )
    sign_in(page, supervisor)
    look(
        page,
        axe,
        live_server.url + reverse("dashboard"),
        "workload",
        "workload-chart",
    )
