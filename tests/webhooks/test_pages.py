"""The organisation's webhooks pages: adding an endpoint (fresh sign-in,
the secret shown once and kept encrypted), rotating, disabling, deleting,
the delivery log and replays; access for other organisations, appointees
and read-only staff; audit records; and that the request which causes an
event never waits on the endpoint."""

from __future__ import annotations

from django.urls import reverse

import pytest
from standardwebhooks import Webhook

from applications.workflow import Status
from portal.audit.models import AuditEvent
from portal.lib import encryption
from tests.factories import PASSWORD, ApplicationFactory
from webhooks import services
from webhooks.models import Delivery, DeliveryState, Endpoint

from .conftest import ALL_EVENTS

pytestmark = pytest.mark.django_db


def reauthenticate(client) -> None:
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def signed_in(client, user, *, fresh: bool = True):
    client.force_login(user)
    if fresh:
        reauthenticate(client)
    return client


def _urls(org, endpoint=None, delivery=None) -> dict[str, str]:
    urls = {
        "list": reverse("webhooks:endpoints", args=[org.code]),
        "add": reverse("webhooks:endpoint_add", args=[org.code]),
        "create": reverse("webhooks:endpoint_create", args=[org.code]),
        "log": reverse("webhooks:deliveries", args=[org.code]),
    }
    if endpoint is not None:
        args = [org.code, endpoint.code]
        urls |= {
            "endpoint": reverse("webhooks:endpoint", args=args),
            "rotate": reverse("webhooks:endpoint_rotate", args=args),
            "active": reverse("webhooks:endpoint_set_active", args=args),
            "delete": reverse("webhooks:endpoint_delete", args=args),
            "edit": reverse("webhooks:endpoint_edit", args=args),
        }
    if delivery is not None:
        args = [org.code, delivery.code]
        urls |= {
            "delivery": reverse("webhooks:delivery", args=args),
            "replay": reverse("webhooks:delivery_replay", args=args),
        }
    return urls


def test_adding_an_endpoint_needs_a_fresh_sign_in_and_shows_the_secret_once(
    client, org, org_staff, receiver
):
    client.force_login(org_staff)
    urls = _urls(org)
    assert client.get(urls["add"]).status_code == 200
    form = {
        "url": receiver.url,
        "events": ["case.received", "case.decided"],
        "description": "HR system",
        "once": "4b7b8a3c9d2e4f1a8b6c5d4e3f2a1b0c",
    }
    response = client.post(urls["create"], form)
    prompt_url = response["Location"]
    assert prompt_url.startswith(reverse("account_reauthenticate"))
    assert not Endpoint.objects.exists()
    prompt = client.get(prompt_url).content.decode()
    assert "To add a webhook endpoint, confirm it is you." in prompt

    # The kept POST completes after the confirmation: the answer is the secret.
    response = client.post(prompt_url, {"password": PASSWORD}, follow=True)
    # Shown at the action's own address, not the prompt's.
    assert response.request["PATH_INFO"] == urls["create"]
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    assert secret.startswith("whsec_") and secret in response.content.decode()
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["case.received", "case.decided"]
    assert endpoint.description == "HR system"
    # Stored encrypted, never in plain text; it decrypts to what was shown.
    assert secret not in endpoint.secret
    assert encryption.is_encrypted(endpoint.secret)
    assert encryption.decrypt(endpoint.secret) == secret
    event = AuditEvent.objects.get(action="webhook_endpoint.create")
    assert event.actor == org_staff
    assert event.object_code == str(endpoint.code)
    assert secret not in repr(event.data)

    # The same form sent again (a double click, a reload): no second
    # endpoint, and the secret is not shown again.
    again = client.post(urls["create"], form, follow=True)
    assert Endpoint.objects.count() == 1
    assert secret not in again.content.decode()
    assert "already added" in again.content.decode()
    # Nor on any page of the endpoint.
    for url in (urls["list"], _urls(org, endpoint)["endpoint"]):
        page = client.get(url)
        assert page.status_code == 200 and secret not in page.content.decode()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://example.com/hook", "must start with https://"),
        ("https://10.0.0.8/hook", "private or local network"),
        ("not a url", "full address"),
    ],
)
def test_a_bad_url_is_refused_with_the_reason_keeping_what_was_typed(
    client, org, org_staff, settings, url, message
):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    signed_in(client, org_staff, fresh=False)  # a mistake costs no password
    response = client.post(
        _urls(org)["create"],
        {"url": url, "events": ["case.decided"], "description": "kept"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'value="kept"' in body
    assert not Endpoint.objects.exists()


def test_no_event_chosen_is_refused(client, org, org_staff, receiver):
    signed_in(client, org_staff, fresh=False)
    response = client.post(_urls(org)["create"], {"url": receiver.url})
    assert response.status_code == 200
    assert "Choose at least one event." in response.content.decode()
    assert not Endpoint.objects.exists()


def test_rotating_shows_a_new_secret_once_and_a_double_click_does_not_rotate_twice(
    client, org, org_staff, endpoint_with_secret
):
    endpoint, old = endpoint_with_secret
    urls = _urls(org, endpoint)
    client.force_login(org_staff)
    response = client.post(urls["rotate"], {"version": "1"})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate(client)
    response = client.post(urls["rotate"], {"version": "1"})
    assert response.status_code == 200
    new = response.context["secret"]
    assert new != old
    endpoint.refresh_from_db()
    assert encryption.decrypt(endpoint.secret) == new
    assert endpoint.secret_version == 2
    second = client.post(urls["rotate"], {"version": "1"})
    assert second.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret_version == 2
    assert (
        AuditEvent.objects.filter(action="webhook_endpoint.rotate_secret").count() == 1
    )


def test_disable_enable_and_delete_are_audited(
    client, org, org_staff, endpoint_with_secret
):
    endpoint, _ = endpoint_with_secret
    urls = _urls(org, endpoint)
    signed_in(client, org_staff)
    assert client.post(urls["active"], {"active": "0"}).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    assert client.post(urls["active"], {"active": "1"}).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.is_active is True
    assert client.get(urls["delete"]).status_code == 200
    assert client.post(urls["delete"]).status_code == 302
    assert not Endpoint.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="webhook_endpoint.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "webhook_endpoint.create",
        "webhook_endpoint.disable",
        "webhook_endpoint.enable",
        "webhook_endpoint.delete",
    ]


def test_the_delivery_log_shows_state_attempts_and_response_but_no_body(
    client, org, org_staff, endpoint_with_secret, receiver
):
    receiver.status = 503
    case = ApplicationFactory(organization=org, submitted=True)
    delivery = Delivery.objects.get(case_code=case.code)
    services.delivery_attempt(delivery_id=delivery.pk)
    signed_in(client, org_staff, fresh=False)
    urls = _urls(org, delivery=delivery)
    log = client.get(urls["log"]).content.decode()
    assert "Case received" in log and "503" in log
    assert delivery.body not in log and case.receipt_number not in log
    detail = client.get(urls["delivery"]).content.decode()
    assert delivery.message_id in detail and "503" in detail
    assert case.receipt_number not in detail


def test_replay_from_the_page_queues_it_again_and_is_audited(
    client, org, org_staff, endpoint_with_secret, receiver, settings
):
    _endpoint, secret = endpoint_with_secret
    settings.WEBHOOK_RETRY_SCHEDULE = []
    receiver.status = 500
    case = ApplicationFactory(organization=org, submitted=True)
    delivery = Delivery.objects.get(case_code=case.code)
    services.delivery_attempt(delivery_id=delivery.pk)
    signed_in(client, org_staff, fresh=False)
    urls = _urls(org, delivery=delivery)
    assert "Send again" in client.get(urls["delivery"]).content.decode()
    assert client.post(urls["replay"]).status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING
    assert AuditEvent.objects.filter(action="webhook_delivery.replay").count() == 1
    receiver.status = 200
    assert services.delivery_attempt(delivery_id=delivery.pk) is True
    Webhook(secret).verify(receiver.hits[-1].body, receiver.hits[-1].headers)
    assert (
        receiver.hits[0].headers["webhook-id"]
        == receiver.hits[-1].headers["webhook-id"]
    )


def test_another_organisations_staff_get_404_on_every_page(
    client, org, other_org_staff, endpoint_with_secret
):
    endpoint, _ = endpoint_with_secret
    ApplicationFactory(organization=org, submitted=True)
    delivery = Delivery.objects.get()
    signed_in(client, other_org_staff)
    urls = _urls(org, endpoint, delivery)
    for name in ("list", "add", "log", "endpoint", "delivery", "delete", "edit"):
        assert client.get(urls[name]).status_code == 404, name
    for name in ("create", "rotate", "active", "delete", "replay", "edit"):
        assert (
            client.post(urls[name], {"active": "0", "version": "1"}).status_code == 404
        ), name
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.secret_version == 1


def test_another_organisations_objects_are_404_under_your_own_organisation(
    client, other_org, other_org_staff, org, org_staff, endpoint_with_secret
):
    """Codes of org's endpoint and delivery typed under other_org's URLs."""
    endpoint, _ = endpoint_with_secret
    ApplicationFactory(organization=org, submitted=True)
    delivery = Delivery.objects.get()
    signed_in(client, other_org_staff)
    urls = _urls(other_org, endpoint, delivery)
    assert client.get(urls["list"]).status_code == 200
    for name in ("endpoint", "delivery"):
        assert client.get(urls[name]).status_code == 404, name
    assert client.post(urls["replay"]).status_code == 404


def test_an_appointee_gets_404_and_read_only_staff_may_look_but_not_change(
    client, org, attorney, read_only_staff, endpoint_with_secret
):
    endpoint, _ = endpoint_with_secret
    urls = _urls(org, endpoint)
    signed_in(client, attorney)
    assert client.get(urls["list"]).status_code == 404
    client.logout()
    signed_in(client, read_only_staff)
    page = client.get(urls["endpoint"])
    assert page.status_code == 200
    assert "Create a new secret" not in page.content.decode()
    assert client.get(urls["add"]).status_code == 403
    assert client.post(urls["active"], {"active": "0"}).status_code == 403
    assert client.post(urls["rotate"], {"version": "1"}).status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.secret_version == 1


def test_the_dashboard_links_the_organisations_webhooks(client, org, org_staff):
    signed_in(client, org_staff, fresh=False)
    body = client.get(reverse("dashboard")).content.decode()
    assert _urls(org)["list"] in body


def test_the_request_that_causes_an_event_does_no_http(
    client,
    org,
    org_staff,
    receiver,
    examiner,
    supervisor,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    """The supervisor's approval on the office page creates the delivery and
    queues it after commit; nothing in the request talks to the endpoint,
    even when the endpoint would hang."""
    services.endpoint_create(
        organization=org, actor=org_staff, url=receiver.url, events=ALL_EVENTS
    )
    receiver.delay = 30
    case = ApplicationFactory(
        organization=org,
        decision_proposed=True,
        examiner=examiner,
        supervisor=supervisor,
    )
    calls: list[str] = []

    def no_http(*args, **kwargs):
        calls.append("post")
        raise AssertionError("the request must not send a webhook")

    monkeypatch.setattr("webhooks.transport.post", no_http)
    hits_before = len(receiver.hits)
    signed_in(client, supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("review:case_approve", args=[case.code]),
            {"confirm": "on", "expected_status": Status.DECISION_PROPOSED},
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.GRANTED
    delivery = Delivery.objects.get(event_type="case.decided")
    assert delivery.state == DeliveryState.PENDING and delivery.attempts == 0
    assert calls == [] and len(receiver.hits) == hits_before


def test_the_delivery_log_costs_the_same_queries_for_one_row_or_many(
    client, org, org_staff, endpoint_with_secret
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ApplicationFactory(organization=org, submitted=True)
    signed_in(client, org_staff, fresh=False)
    url = _urls(org)["log"]
    client.get(url)  # the session's first request does one-off work
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(3):
        ApplicationFactory(organization=org, submitted=True)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert Delivery.objects.count() == 4
    assert len(many) == len(one)


@pytest.mark.japanese
def test_the_pages_are_in_japanese_by_default(
    client, org, org_staff, endpoint_with_secret
):
    signed_in(client, org_staff, fresh=False)
    body = client.get(_urls(org)["list"]).content.decode()
    assert "送信先" in body and "配信履歴を見る" in body


def test_the_admin_shows_endpoints_read_only_without_their_secret(
    client, org, endpoint_with_secret
):
    from tests.factories import UserFactory

    endpoint, secret = endpoint_with_secret
    admin_user = UserFactory(mfa=True, is_staff=True, is_superuser=True)
    signed_in(client, admin_user, fresh=False)
    url = reverse("admin:webhooks_endpoint_change", args=[endpoint.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert secret not in body and endpoint.secret not in body
    assert client.post(url, {"url": "https://evil.example/"}).status_code == 403
    assert client.get(reverse("admin:webhooks_delivery_changelist")).status_code == 200


def test_changing_the_address_and_events_keeps_the_secret_and_is_audited(
    client, org, org_staff, endpoint_with_secret, receiver
):
    endpoint, secret = endpoint_with_secret
    url = reverse("webhooks:endpoint_edit", args=[org.code, endpoint.code])
    client.force_login(org_staff)
    page = client.get(url).content.decode()
    assert receiver.url.replace("&", "&amp;") in page
    new_url = receiver.url.replace("/hooks/", "/other/")
    form = {"url": new_url, "events": ["case.issued"], "description": "v2"}
    response = client.post(url, form)
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    reauthenticate(client)
    refused = client.post(url, {"url": "ftp://x.example/", "events": ["case.issued"]})
    assert refused.status_code == 200
    assert "must start with https://" in refused.content.decode()
    response = client.post(url, form)
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events, endpoint.description) == (
        new_url,
        ["case.issued"],
        "v2",
    )
    assert encryption.decrypt(endpoint.secret) == secret
    event = AuditEvent.objects.get(action="webhook_endpoint.update")
    assert event.data == {"events": "case.issued", "url_changed": True}


def test_the_services_refuse_unknown_events_too_many_endpoints_and_non_members(
    org, org_staff, attorney, receiver
):
    from django.core.exceptions import PermissionDenied

    from webhooks.errors import WebhookError

    with pytest.raises(WebhookError) as unknown:
        services.endpoint_create(
            organization=org, actor=org_staff, url=receiver.url, events=["case.lost"]
        )
    assert unknown.value.code == "webhook_events_unknown"
    with pytest.raises(PermissionDenied):
        services.endpoint_create(
            organization=org, actor=attorney, url=receiver.url, events=ALL_EVENTS
        )
    for _ in range(services.MAX_ENDPOINTS):
        services.endpoint_create(
            organization=org, actor=org_staff, url=receiver.url, events=ALL_EVENTS
        )
    with pytest.raises(WebhookError) as too_many:
        services.endpoint_create(
            organization=org, actor=org_staff, url=receiver.url, events=ALL_EVENTS
        )
    assert too_many.value.code == "webhook_too_many"
    assert Endpoint.objects.count() == services.MAX_ENDPOINTS


def test_the_log_filters_by_state_and_pages_keep_the_filter(
    client, org, org_staff, endpoint_with_secret, monkeypatch
):
    monkeypatch.setattr("webhooks.selectors.LOG_PAGE_SIZE", 1)
    for _ in range(3):
        ApplicationFactory(organization=org, submitted=True)
    dead = list(Delivery.objects.order_by("id"))[:2]
    Delivery.objects.filter(pk__in=[d.pk for d in dead]).update(
        state=DeliveryState.DEAD
    )
    signed_in(client, org_staff, fresh=False)
    url = _urls(org)["log"]
    first = client.get(url, {"state": "dead"})
    assert [row["delivery"].pk for row in first.context["deliveries"]] == [dead[1].pk]
    next_url = first.context["next_url"]
    assert "state=dead" in next_url
    second = client.get(next_url)
    assert [row["delivery"].pk for row in second.context["deliveries"]] == [dead[0].pk]
    assert second.context["next_url"] is None
    everything = client.get(url, {"state": "nonsense"})
    assert everything.status_code == 200 and everything.context["next_url"]
