"""The review records are visible to operators in the admin, and read-only:
no state (nor anything else) can be changed, added or deleted there."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

import pytest

from applications.workflow import Status
from review.models import Certificate, Decision, Dispatch, Payment
from tests.factories import UserFactory
from tests.review.issuance_helpers import clerk, decided, org_and_user, walk_to

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("reference_data", "private_media"),
]

MODELS = [Decision, Payment, Certificate, Dispatch]


@pytest.fixture
def dispatched() -> Any:
    org, user = org_and_user()
    return walk_to(decided(org, user), Status.DISPATCHED, actor=clerk(), user=user)


@pytest.fixture
def operator(client: Any) -> Any:
    client.force_login(UserFactory(mfa=True, is_staff=True, is_superuser=True))
    return client


def _url(model: type, suffix: str) -> str:
    return f"/admin/review/{model._meta.model_name}/{suffix}"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_listed_and_shown_read_only(model, dispatched, operator):
    assert admin.site.is_registered(model)
    record = model.objects.filter(application=dispatched).first()
    assert operator.get(_url(model, "")).status_code == 200
    page = operator.get(_url(model, f"{record.pk}/change/"))
    assert page.status_code == 200
    body = page.content.decode()
    # Shown as text, never as a form field.
    assert 'name="state"' not in body
    assert 'name="_save"' not in body


@pytest.mark.parametrize("model", [Decision, Payment], ids=lambda m: m.__name__)
def test_a_state_cannot_be_changed_in_the_admin(model, dispatched, operator):
    record = model.objects.filter(application=dispatched).first()
    before = record.state
    other = next(value for value in model.State.values if value != before)
    response = operator.post(_url(model, f"{record.pk}/change/"), {"state": other})
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.state == before


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_nothing_can_be_added_or_deleted(model, dispatched, operator):
    record = model.objects.filter(application=dispatched).first()
    assert operator.get(_url(model, "add/")).status_code == 403
    assert (
        operator.post(_url(model, f"{record.pk}/delete/"), {"post": "yes"}).status_code
        == 403
    )
    assert model.objects.filter(pk=record.pk).exists()
