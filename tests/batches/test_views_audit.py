"""The batch page and its problems CSV can show the file's cells (passport
or card numbers among them): every view is audited, without the values
(issue 11, item 6)."""

from __future__ import annotations

from django.urls import reverse

import pytest

from batches import services
from portal.audit.models import AuditEvent
from tests.batches import batch_data

pytestmark = pytest.mark.usefixtures("reference_data")


def test_viewing_a_batch_and_its_problems_is_audited(client, org_staff, org):
    batch, _created = services.batch_upload(
        organization=org,
        template=batch_data.template(),
        file_name="people.csv",
        data=batch_data.csv_bytes([batch_data.row(1, occupation="=1+1")]),
        actor=org_staff,
        language="en",
    )
    client.force_login(org_staff)
    assert client.get(reverse("batches:batch", args=[batch.code])).status_code == 200
    assert client.get(reverse("batches:problems", args=[batch.code])).status_code == 200
    views = AuditEvent.objects.filter(action="batch.view", object_code=str(batch.code))
    assert sorted(e.data["view"] for e in views) == ["page", "problems_csv"]
    assert all(e.organization_code == org.code for e in views)
    assert all(set(e.data) == {"view"} for e in views)  # no cell values
