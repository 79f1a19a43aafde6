"""Property-based tests from the schema (Schemathesis): every operation,
with generated inputs and a valid key, never answers 500 and always answers
what the schema says (status codes, content types, bodies).  Bounded to a
few examples per operation so the run stays short."""

from __future__ import annotations

from typing import Any

from django.core.wsgi import get_wsgi_application

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.v1 import api
from tests.api.conftest import make_key
from tests.factories import ApplicationFactory

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()


@pytest.fixture
def _keep_test_connection() -> Any:
    """The WSGI handler closes the database connection after each request;
    the test's transaction lives on it (Django's test client does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(
    _keep_test_connection: None,
    reference_data: None,
    org: Any,
    org_staff: Any,
    settings: Any,
) -> str:
    settings.API_RATE_LIMIT = 100_000
    # Something to find: a case of the organisation.
    ApplicationFactory(
        organization=org, created_by=org_staff, shortcut=True, status="examining"
    )
    return make_key(org_staff, [org])


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: Any, token: str) -> None:
    # Not "positive data acceptance": the pages' rules (forms, eligibility)
    # rightly refuse much that the schema's shapes allow.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[positive_data_acceptance],
    )
