"""Work trays (issue 12, item 2): each officer role's dashboard leads with
its work as counts, and each count opens the queue filtered to exactly those
cases."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from applications.workflow import Status
from review.models import DocumentRequest
from review.services import examination as services
from tests.factories import ApplicationFactory, officer
from tests.review.exam_helpers import Role, claimed, login, new_case, open_request

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("private_media", "english"),
]

QUEUE = reverse("review:queue")


def trays(html: str) -> dict[str, tuple[int, str]]:
    """label → (count, link) of the dashboard's trays."""
    found = re.findall(
        r'<a href="([^"]+)"><span class="tray__count">(\d+)</span> '
        r'<span class="tray__label">([^<]+)</span>',
        html,
    )
    return {
        label: (int(count), link.replace("&amp;", "&")) for link, count, label in found
    }


def receipts(client, link: str) -> set[str]:
    html = client.get(link).content.decode()
    return set(re.findall(r"TKY-\d{4}-\d{7}", html))


@pytest.fixture
def office_work(org, org_staff, examiner):
    """Two cases not started; of the examiner's: one plain, one whose
    answer arrived and waits, one with an overdue request."""
    untouched = [new_case(org, org_staff, companions=()) for _ in range(2)]
    plain = claimed(new_case(org, org_staff, companions=()), examiner)
    answered = claimed(new_case(org, org_staff, companions=()), examiner)
    request = open_request(answered, examiner)
    services.document_request_answer(document_request=request, actor=org_staff)
    late = claimed(new_case(org, org_staff, companions=()), examiner)
    overdue = open_request(late, examiner, due_in=3)
    DocumentRequest.objects.filter(pk=overdue.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    return {"untouched": untouched, "plain": plain, "answered": answered, "late": late}


def test_the_examiner_sees_their_work_as_counts_that_open_the_list(
    client, settings, examiner, office_work
):
    login(client, examiner, settings)
    found = trays(client.get(reverse("dashboard")).content.decode())
    assert found["Not started"][0] == 2
    assert found["Assigned to you"][0] == 3
    assert found["Answers received"][0] == 1
    assert found["Overdue requests for documents"][0] == 1
    number = lambda key: office_work[key].receipt_number  # noqa: E731
    assert receipts(client, found["Answers received"][1]) == {number("answered")}
    assert receipts(client, found["Overdue requests for documents"][1]) == {
        number("late")
    }
    assert receipts(client, found["Not started"][1]) == {
        a.receipt_number for a in office_work["untouched"]
    }
    # Acting on the answer (here: asking for more) takes it out of the tray.
    services.document_request_create(
        application=office_work["answered"],
        actor=examiner,
        items=[services.RequestedItem("More", "Tax certificate")],
        due_date=timezone.localdate() + timedelta(days=14),
        message="Also this.",
    )
    found = trays(client.get(reverse("dashboard")).content.decode())
    assert found["Answers received"][0] == 0


def test_the_supervisor_sees_approvals_and_each_examiners_load(
    client, settings, examiner, supervisor, office_work
):
    login(client, supervisor, settings)
    html = client.get(reverse("dashboard")).content.decode()
    found = trays(html)
    assert found["Recommendations waiting for approval"][0] == 0
    assert found["Overdue requests for documents"][0] == 1
    workload = html[html.index("Open cases per examiner") :]
    row = re.search(
        rf'assignee={examiner.code}">[^<]+</a></th><td class="num">(\d+)</td>'
        r'<td class="num"><a [^>]*>(\d+)</a>',
        workload,
    )
    assert row is not None and row.groups() == ("3", "1")


def test_the_clerk_sees_fee_issue_and_dispatch(client, settings, org, org_staff):
    for status in (Status.GRANTED, Status.GRANTED, Status.FEE_PAID, Status.ISSUED):
        ApplicationFactory(
            shortcut=True, organization=org, created_by=org_staff, status=status
        )
    clerk = officer(Role.CLERK)
    login(client, clerk, settings)
    found = trays(client.get(reverse("dashboard")).content.decode())
    assert {k: v[0] for k, v in found.items()} == {
        "Fee to confirm": 2,
        "To issue": 1,
        "To dispatch": 1,
    }
    assert found["To issue"][1] == f"{QUEUE}?status=fee_paid"


def test_the_trays_cost_a_bounded_number_of_queries(
    client, settings, examiner, office_work
):
    login(client, examiner, settings)
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboard"))
    for _ in range(5):
        claimed(
            new_case(
                office_work["plain"].organization,
                office_work["plain"].created_by,
                companions=(),
            ),
            examiner,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("dashboard"))
    assert len(many) == len(few)


# --- The workload as a chart (issue 12, item 11) -----------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def workload_svg(html: str):
    """The dashboard's workload chart, parsed (it must be well-formed XML)."""
    import xml.etree.ElementTree as ET

    found = re.search(
        r'<svg [^>]*aria-labelledby="workload-chart-title".*?</svg>', html, re.S
    )
    assert found is not None, "no workload chart"
    return ET.fromstring(found.group(0))  # noqa: S314 (our own page, under test)


def test_the_supervisor_sees_each_examiners_load_as_bars(
    client, settings, examiner, other_examiner, supervisor, office_work
):
    claimed(
        new_case(
            office_work["plain"].organization,
            office_work["plain"].created_by,
            companions=(),
        ),
        other_examiner,
    )
    login(client, supervisor, settings)
    html = client.get(reverse("dashboard")).content.decode()
    chart = workload_svg(html)
    assert chart.get("role") == "img"
    assert chart.findtext(f"{SVG}title") == "Open and overdue cases per examiner"
    bars = [e for e in chart.iter() if "chart__bar" in (e.get("class") or "")]
    assert len(bars) == 4  # two examiners × (open, overdue)
    shown = [t.text for t in chart.iter(f"{SVG}text")]
    # Most loaded first, each bar saying what it counts.
    assert shown.index("審査 一郎") < shown.index("審査 二郎")
    for label in ("3 open", "1 overdue", "1 open", "0 overdue"):
        assert label in shown
    # The table stays beside the chart as its text alternative.
    assert "Open cases per examiner</caption>" in html


def test_an_examiners_name_is_text_in_the_chart(
    client, settings, org, org_staff, supervisor
):
    name = '<script>alert("x")</script>'
    intruder = officer(Role.EXAMINER, full_name=name)
    claimed(new_case(org, org_staff, companions=()), intruder)
    login(client, supervisor, settings)
    html = client.get(reverse("dashboard")).content.decode()
    assert name not in html
    chart = workload_svg(html)
    assert name in [t.text for t in chart.iter(f"{SVG}text")]
    assert not [e for e in chart.iter() if e.tag.endswith("script")]


def test_no_workload_chart_without_assigned_cases(client, settings, supervisor):
    login(client, supervisor, settings)
    html = client.get(reverse("dashboard")).content.decode()
    assert "workload-chart" not in html
    assert "No case of your office is assigned to an examiner yet." in html


def test_the_supervisors_dashboard_costs_the_same_with_more_examiners(
    client, settings, examiner, supervisor, office_work
):
    login(client, supervisor, settings)
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("dashboard"))
    org = office_work["plain"].organization
    for number in range(4):
        claimed(
            new_case(org, office_work["plain"].created_by, companions=()),
            officer(Role.EXAMINER, full_name=f"審査 {number}"),
        )
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("dashboard")).content.decode()
    assert len(many) == len(few)
    bars = [
        e for e in workload_svg(html).iter() if "chart__bar" in (e.get("class") or "")
    ]
    assert len(bars) == 2 * 5
