from __future__ import annotations

from django.db import DatabaseError, connection, transaction

import pytest

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_record_names_actor_object_and_request_id_without_personal_values():
    user = UserFactory()
    event = audit_record(actor=user, action="account.view", obj=user, data={"count": 2})
    event.refresh_from_db()
    assert event.actor_id == user.pk
    assert event.actor_username == user.username
    assert event.object_type == "accounts.user"
    assert event.object_code == str(user.code)  # the opaque code, not a name
    assert event.data == {"count": 2}
    assert user.full_name not in str(event.data)


def test_record_is_written_in_the_callers_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="roster.export")
        raise RuntimeError
    assert not AuditEvent.objects.filter(action="roster.export").exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigger is PostgreSQL-only"
)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_postgres_refuses_update_and_delete(sql):
    event = audit_record(actor=None, action="certificate.verify")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.action == "certificate.verify"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigger is PostgreSQL-only"
)
def test_orm_update_is_refused_too():
    event = audit_record(actor=None, action="certificate.verify")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")


def test_sign_in_success_and_failure_are_audited(client):
    user = UserFactory(mfa=True)
    client.post(
        "/accounts/login/", {"login": user.username, "password": "wrong password!"}
    )
    assert AuditEvent.objects.filter(action="auth.login_failed", actor=user).exists()
    client.post(
        "/accounts/login/",
        {"login": user.username, "password": "correct-horse-battery-staple"},
    )
    # Password alone does not sign in (MFA step follows); the full login is
    # audited once the code is accepted — see test_auth.


def test_admin_is_read_only(client):
    admin = UserFactory(is_staff=True, is_superuser=True, mfa=True)
    client.force_login(admin)
    admin_client = client
    event = audit_record(actor=None, action="case.note_add")
    assert (
        admin_client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code
        == 200
    )
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
    response = admin_client.post(
        f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
