from datetime import timedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
import pytest
from tests.applications.test_filing import *  # noqa

@pytest.mark.django_db
def test_measure(client, alice, fn, media):
    application = fd.draft(alice, fn, "extension", ("reentry",))
    client.force_login(alice)
    client.get(url("draft", application))
    with CaptureQueriesContext(connection) as q:
        r = client.post(url("draft_person", application), person_post(application))
    print("person", len(q), r.status_code)
    for x in q.captured_queries: print("   ", x["sql"][:150])
    application.refresh_from_db()
    with CaptureQueriesContext(connection) as q:
        r = client.post(url("draft_application", application), {"version": str(application.version), "requested_period": "1y"})
    print("application", len(q), r.status_code)
    application.refresh_from_db()
    with CaptureQueriesContext(connection) as q:
        r = client.post(url("draft_companions", application), {"version": str(application.version), "companions": ["reentry"], "reentry_variant": "multiple", "reentry_until": (timezone.localdate() + timedelta(days=40)).isoformat()})
    print("companions", len(q), r.status_code)
    application.refresh_from_db()
    from django.core.files.uploadedfile import SimpleUploadedFile
    with CaptureQueriesContext(connection) as q:
        r = upload(client, application, "tax_certificates", SimpleUploadedFile("a.pdf", fd.pdf_bytes()))
    print("upload", len(q), r.status_code)
    for x in q.captured_queries: print("   ", x["sql"][:150])
