"""Reminders before the approval ends (60, 30 and 7 days), in frozen time:
once each, whatever the job's schedule; none for suspended, revoked or
officer accounts; a renewed approval starts a new cycle; and the email says
when the approval ends and how to file the periodic report."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.urls import reverse

import pytest
import time_machine

from accounts import services
from accounts.models import ExpiryReminder, User
from accounts.tasks import send_expiry_reminders
from portal.lib.emails import render_email
from portal.notifications.models import Notification
from tests.factories import Role, UserFactory, officer, staff

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
EXPIRY = dt.date(2027, 4, 30)


def at(day: dt.date, hour: int = 6) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TOKYO)


def run_daily(
    first: dt.date, days: int, *, hours: tuple[int, ...] = (6,)
) -> list[tuple[dt.date, int]]:
    """Run the job at each hour of each day; return (day, sent) for sends."""
    sent = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        for hour in hours:
            with time_machine.travel(at(day, hour), tick=False):
                count = services.expiry_reminders_send()
            if count:
                sent.append((day, count))
    return sent


def reminders_for(user: User) -> list[int]:
    return [
        n.context["days_left"]
        for n in Notification.objects.filter(
            recipient=user, kind="approval_expiring"
        ).order_by("id")
    ]


@pytest.fixture
def alice(org):
    user = staff(org)
    user.valid_until = EXPIRY
    user.save(update_fields=["valid_until"])
    return user


def test_daily_for_70_days_sends_exactly_three(alice):
    sent = run_daily(EXPIRY - dt.timedelta(days=70), 70)
    assert [EXPIRY - day for day, _count in sent] == [
        dt.timedelta(days=60),
        dt.timedelta(days=30),
        dt.timedelta(days=7),
    ]
    assert reminders_for(alice) == [60, 30, 7]
    assert ExpiryReminder.objects.filter(user=alice).count() == 3


def test_twice_a_day_still_sends_three(alice):
    run_daily(EXPIRY - dt.timedelta(days=70), 70, hours=(0, 18))
    assert reminders_for(alice) == [60, 30, 7]


def test_the_beat_task_sends_through_the_same_service(alice):
    with time_machine.travel(at(EXPIRY - dt.timedelta(days=30)), tick=False):
        assert send_expiry_reminders.run() == 1
        assert send_expiry_reminders.run() == 0
    assert reminders_for(alice) == [30]


def test_a_missed_window_catches_up_with_the_nearest_threshold_only(alice):
    # The job first runs 20 days before the end (it was down for weeks).
    run_daily(EXPIRY - dt.timedelta(days=20), 20)
    assert reminders_for(alice) == [20, 7]  # the 30-day one, late; then the 7-day one
    thresholds = sorted(
        ExpiryReminder.objects.filter(user=alice).values_list("days_before", flat=True)
    )
    assert thresholds == [7, 30]


def test_nothing_after_expiry(alice):
    run_daily(EXPIRY + dt.timedelta(days=1), 10)
    assert reminders_for(alice) == []


@pytest.mark.parametrize("who", ["suspended", "revoked", "officer", "no_validity"])
def test_no_reminders_for_suspended_revoked_officers_or_users_without_validity(
    org, who
):
    if who == "suspended":
        user = staff(org, status=User.Status.SUSPENDED)
    elif who == "revoked":
        user = staff(org, status=User.Status.REVOKED, is_active=False)
    elif who == "officer":
        user = UserFactory()  # no user category: an officer or staff account
        officer(Role.RECEPTION, mfa=True)
    else:
        user = staff(org, valid_until=None)
    if who != "no_validity":
        User.objects.filter(pk=user.pk).update(valid_until=EXPIRY)
    run_daily(EXPIRY - dt.timedelta(days=65), 65)
    assert reminders_for(user) == []


def test_renewed_validity_starts_a_new_cycle(alice):
    run_daily(EXPIRY - dt.timedelta(days=70), 70)
    assert len(reminders_for(alice)) == 3
    renewed = dt.date(2030, 4, 30)
    User.objects.filter(pk=alice.pk).update(valid_until=renewed)
    # Nothing more until the new end approaches…
    run_daily(EXPIRY, 30)
    assert len(reminders_for(alice)) == 3
    # …then the three again.
    run_daily(renewed - dt.timedelta(days=61), 61)
    assert reminders_for(alice) == [60, 30, 7, 60, 30, 7]
    assert ExpiryReminder.objects.filter(user=alice, valid_until=renewed).count() == 3


def test_renewal_through_the_periodic_report_starts_a_new_cycle(org, alice):
    from tests.accounts.test_periodic_report import complete, submit

    reception = officer(Role.RECEPTION, mfa=True)
    with time_machine.travel(at(EXPIRY - dt.timedelta(days=30)), tick=False):
        services.expiry_reminders_send()
        report = services.periodic_report_start(organization=org, actor=alice)
        services.use_request_approve(
            use_request=submit(complete(report, alice), alice), actor=reception
        )
    alice.refresh_from_db()
    assert alice.valid_until > EXPIRY
    # The old cycle's 7-day reminder never comes; the new cycle's do.
    run_daily(EXPIRY - dt.timedelta(days=29), 40)
    assert reminders_for(alice) == [30]
    run_daily(alice.valid_until - dt.timedelta(days=60), 1)
    assert reminders_for(alice) == [30, 60]


def test_each_user_gets_their_own(org, alice):
    bob = staff(org, valid_until=EXPIRY - dt.timedelta(days=10))
    run_daily(EXPIRY - dt.timedelta(days=70), 70)
    assert reminders_for(alice) == [60, 30, 7]
    assert reminders_for(bob) == [60, 30, 7]


def test_the_reminder_links_to_the_organisations(alice):
    with time_machine.travel(at(EXPIRY - dt.timedelta(days=60)), tick=False):
        services.expiry_reminders_send()
    notification = Notification.objects.get(recipient=alice)
    assert notification.link == reverse("accounts:organizations")
    assert notification.context == {"valid_until": "2027-04-30", "days_left": 60}


@pytest.mark.parametrize("language", ["ja", "en"])
def test_email_says_when_approval_ends_and_how_to_renew(alice, language):
    alice.full_name = "山田 アリス"
    rendered = render_email(
        "approval_expiring",
        {
            "valid_until": "2027-04-30",
            "days_left": 30,
            "recipient": alice,
            "link": reverse("accounts:organizations"),
        },
        language,
    )
    assert "30" in rendered.subject
    assert "\n" not in rendered.subject
    for body in (rendered.text, rendered.html):
        assert "2027-04-30" in body
        assert alice.username in body
        assert "定期報告" in body
        assert "/organizations/" in body
    assert "periodic report" in rendered.text or "定期報告" in rendered.text


@pytest.mark.parametrize("language", ["ja", "en"])
def test_appointment_ended_email(alice, language):
    rendered = render_email(
        "appointment_ended",
        {
            "organization": "株式会社テスト",
            "organization_en": "Test Co., Ltd.",
            "recipient": alice,
            "link": "",
        },
        language,
    )
    assert "株式会社テスト" in rendered.subject
    assert "株式会社テスト" in rendered.text and "Test Co., Ltd." in rendered.text
    assert "株式会社テスト" in rendered.html
