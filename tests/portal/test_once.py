"""Once, even on a double click (issue 11 item 11): five quick POSTs of the
same start form create one draft — an application, a request for use — with
five real database connections at once (PostgreSQL), and one after another."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings as django_settings
from django.db import IntegrityError, connection
from django.test import Client
from django.urls import reverse

import pytest

from accounts import services as account_services
from accounts.models import UseRequest
from accounts.views.request_access import SESSION_EMAIL
from applications.models import Application
from tests.applications.filing_data import person
from tests.factories import OrganizationFactory, staff

CLICKS = 5


def race(actions: list[Callable[[], Any]]) -> list[Any]:
    """The actions in threads released together, one DB connection each."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL")
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except Exception as exc:
            results[index] = exc
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


def _clients_of_one_session(first: Client) -> list[Client]:
    """CLICKS clients sharing ``first``'s session cookie (one browser)."""
    clients = [first]
    for _ in range(CLICKS - 1):
        other = Client()
        other.cookies = first.cookies
        clients.append(other)
    return clients


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_five_concurrent_starts_of_an_application_make_one_draft(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = OrganizationFactory()
    user = staff(org)
    someone = person(org)
    first = Client()
    first.force_login(user)
    url = reverse("applications:start_type", args=[someone.code])
    token = uuid.uuid4().hex
    data = {"application_type": "extension", "once": token}
    responses = race(
        [
            (lambda client=client: client.post(url, data))
            for client in _clients_of_one_session(first)
        ]
    )
    assert all(getattr(r, "status_code", None) == 302 for r in responses), responses
    assert Application.objects.filter(foreign_national=someone).count() == 1
    draft = Application.objects.get(foreign_national=someone)
    assert {r["Location"] for r in responses} == {
        reverse("applications:draft", args=[draft.code])
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data")
def test_the_start_form_carries_a_token_and_a_new_form_starts_a_new_draft(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    org = OrganizationFactory()
    user = staff(org)
    someone = person(org)
    client.force_login(user)
    url = reverse("applications:start_type", args=[someone.code])
    page = client.get(url).content.decode()
    assert 'name="once"' in page
    data = {"application_type": "extension", "once": uuid.uuid4().hex}
    for _ in range(CLICKS):
        client.post(url, data)
    assert Application.objects.filter(foreign_national=someone).count() == 1
    # A second application on purpose: a new page, a new token, a new draft.
    client.post(url, {**data, "once": uuid.uuid4().hex})
    assert Application.objects.filter(foreign_national=someone).count() == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data")
def test_someone_elses_token_does_not_reach_their_draft(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    org = OrganizationFactory()
    owner, colleague = staff(org), staff(org)
    someone = person(org)
    token = uuid.uuid4()
    from applications import services
    from applications.models import ApplicationType

    extension = ApplicationType.objects.get(code="extension")
    services.application_create(
        foreign_national=someone,
        application_type=extension,
        companions=[],
        actor=owner,
        start_token=token,
    )
    with pytest.raises(IntegrityError):
        services.application_create(
            foreign_national=someone,
            application_type=extension,
            companions=[],
            actor=colleague,
            start_token=token,
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_five_concurrent_starts_of_a_request_for_use_make_one_draft():
    first = Client()
    session = first.session
    session[SESSION_EMAIL] = "double.click@example.jp"
    session.save()
    first.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key
    mine = first.get(reverse("accounts:request_mine"))
    assert 'name="once"' in mine.content.decode()
    data = {"once": uuid.uuid4().hex}
    url = reverse("accounts:request_new")
    responses = race(
        [
            (lambda client=client: client.post(url, data))
            for client in _clients_of_one_session(first)
        ]
    )
    assert all(getattr(r, "status_code", None) == 302 for r in responses), responses
    assert UseRequest.objects.filter(email="double.click@example.jp").count() == 1
    # Without a token (an old page) each POST still starts one.
    account_services.use_request_create(email="double.click@example.jp", language="ja")
    assert UseRequest.objects.filter(email="double.click@example.jp").count() == 2


# --- Every start action: five quick POSTs of the same form, one draft -------------------
# The start actions of the portal: an application (above), a request for use
# (above, concurrently), a paper request registered at reception's counter,
# and the periodic report (one open report per organisation).


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data")
def test_five_posts_of_the_request_for_use_start_make_one_draft(client):
    session = client.session
    session[SESSION_EMAIL] = "five.clicks@example.jp"
    session.save()
    data = {"once": uuid.uuid4().hex}
    for _ in range(CLICKS):
        assert client.post(reverse("accounts:request_new"), data).status_code == 302
    assert UseRequest.objects.filter(email="five.clicks@example.jp").count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data")
def test_five_posts_of_the_paper_request_form_make_one_draft(client):
    from tests.factories import office, officer

    counter_officer = officer("reception")
    client.force_login(counter_officer)
    url = reverse("accounts:reception_register_paper")
    page = client.get(url).content.decode()
    assert 'name="once"' in page
    data = {
        "email": "paper.clicks@example.jp",
        "language": "ja",
        "office": office("TKY").pk,
        "once": uuid.uuid4().hex,
    }
    locations = {client.post(url, data)["Location"] for _ in range(CLICKS)}
    drafts = UseRequest.objects.filter(email="paper.clicks@example.jp")
    assert drafts.count() == 1
    assert locations == {reverse("accounts:request_hub", args=[drafts.get().code])}
    # Another paper request on purpose: a new form, a new token, a new draft.
    client.post(url, {**data, "once": uuid.uuid4().hex})
    assert drafts.count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_five_concurrent_paper_requests_make_one_draft():
    from tests.factories import office, officer

    first = Client()
    first.force_login(officer("reception"))
    url = reverse("accounts:reception_register_paper")
    data = {
        "email": "paper.race@example.jp",
        "language": "ja",
        "office": office("TKY").pk,
        "once": uuid.uuid4().hex,
    }
    responses = race(
        [
            (lambda client=client: client.post(url, data))
            for client in _clients_of_one_session(first)
        ]
    )
    assert all(getattr(r, "status_code", None) == 302 for r in responses), responses
    assert UseRequest.objects.filter(email="paper.race@example.jp").count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data")
def test_five_posts_of_the_periodic_report_start_make_one_report(client):
    org = OrganizationFactory()
    client.force_login(staff(org))
    url = reverse("accounts:organization_periodic", args=[org.code])
    for _ in range(CLICKS):
        assert client.post(url).status_code == 302
    assert UseRequest.objects.filter(organization=org, kind="periodic").count() == 1
