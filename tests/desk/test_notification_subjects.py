"""Issue 13 item 4 and issue 12 item 5: every case notification's subject
names the application type, the person and the organisation, and the action
needed — in the inbox and the email, in the recipient's language."""

from __future__ import annotations

import pytest

from accounts.models import User
from applications import services
from applications.notification_context import case_notification_context
from applications.workflow import Status
from portal.lib.emails import render_email, titled
from portal.notifications.kinds import NotificationKind
from portal.notifications.models import Notification
from tests.factories import ApplicationFactory, ForeignNationalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(org, org_staff):
    org.name_en = "Tokyo Test KK"
    org.save(update_fields=["name_en"])
    person = ForeignNationalFactory(
        organization=org, family_name="TRAN", given_name="THI MAI"
    )
    return ApplicationFactory(
        organization=org,
        foreign_national=person,
        created_by=org_staff,
        status=Status.SUBMITTED,
    )


def test_submission_notice_names_the_person_and_the_organisation(case, org, org_staff):
    notification = Notification.objects.filter(
        recipient=org_staff, kind=NotificationKind.APPLICATION_SUBMITTED
    ).get()
    assert notification.context["about_person"] == "TRAN THI MAI"
    english = render_email(notification.kind, notification.context, "en")
    type_en = case.application_type.name_en
    assert english.subject == (
        f"{type_en} for TRAN THI MAI (Tokyo Test KK): application received"
    )
    japanese = render_email(notification.kind, notification.context, "ja")
    type_ja = case.application_type.name_ja
    assert japanese.subject == (
        f"{type_ja}（TRAN THI MAI、{org.name_ja}）：申請を受け付けました"
    )
    # No identifying numbers join the subject.
    person = case.foreign_national
    assert person.passport_number not in english.subject + japanese.subject
    assert person.residence_card_number not in english.subject + japanese.subject


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_every_case_kind_takes_the_names(case, kind):
    context = {
        **case_notification_context(case),
        "recipient": User(username="U0000009", language="en"),
        "link": "/x/",
        "item_count": 1,
        "days_left": 3,
        "due_date": "2027-01-10",
    }
    subject = render_email(kind, context, "en").subject
    assert "TRAN THI MAI (Tokyo Test KK)" in subject
    assert "\n" not in subject


def test_withdrawal_notice_to_officers_names_them_too(case, org_staff):
    services.application_withdraw(
        application=case, actor=org_staff, reason="The person left the company."
    )
    notice = Notification.objects.filter(
        kind=NotificationKind.APPLICATION_WITHDRAWN
    ).first()
    assert notice is not None
    assert notice.context["about_organization_en"] == "Tokyo Test KK"


def test_a_notification_without_names_keeps_its_subject():
    recipient = User(username="U0000008", language="en")
    subject = render_email(
        NotificationKind.APPROVAL_EXPIRING,
        {"recipient": recipient, "link": "/x/", "days_left": 7},
        "en",
    ).subject
    assert subject and "(" not in subject and ":" not in subject


@pytest.mark.parametrize(
    ("context", "language", "expected"),
    [
        (
            {
                "application_type_ja": "在留期間更新許可申請",
                "application_type_en": "Extension of period of stay",
                "about_person": "NGUYEN VAN AN",
            },
            "en",
            "Extension of period of stay for NGUYEN VAN AN: pay the fee",
        ),
        (
            {
                "application_type_ja": "在留期間更新許可申請",
                "about_person": "NGUYEN  VAN AN",
            },
            "ja",
            "在留期間更新許可申請（NGUYEN VAN AN）：pay the fee",
        ),
        (
            {"about_person": "NGUYEN VAN AN", "about_organization_ja": "株式会社例"},
            "ja",
            "NGUYEN VAN AN、株式会社例：pay the fee",
        ),
        ({"application_type_en": "Extension"}, "en", "Extension: pay the fee"),
        ({}, "en", "Pay the fee"),
    ],
)
def test_titled_subjects(context, language, expected):
    assert titled("pay the fee", context, language) == expected
