"""The journal's triggers survive the test runner's flush, and the application role of the
deployment guide cannot truncate the journal or disable its trigger (PostgreSQL)."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import Action, AuditEvent


def refuses_delete() -> bool:
    AuditEvent.objects.create(action=Action.VIEW, object_label="TST-AAA")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table}")  # noqa: S608
    except DatabaseError:
        return True
    return False


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_writes_to_the_journal():
    """Its rows are emptied before the flush (audit/tests/journal_flush.py)..."""
    assert refuses_delete()


@pytest.mark.django_db(transaction=True)
def test_the_next_one_finds_the_journal_empty_and_still_guarded():
    """...so the next transactional test starts empty, with the trigger back."""
    assert not AuditEvent.objects.exists()
    assert refuses_delete()


@pytest.mark.django_db
def test_sqlite_refuses_delete_in_an_ordinary_test():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite trigger")
    assert refuses_delete()


APP_ROLE_SQL = """
CREATE ROLE {role} LOGIN;
GRANT USAGE ON SCHEMA public TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
REVOKE UPDATE, DELETE ON audit_auditevent FROM {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
"""


@pytest.mark.django_db(transaction=True)
def test_postgresql_application_role_cannot_truncate_or_disable_the_trigger():
    """The role of docs/deployment.md (« Rôles PostgreSQL »): it writes the journal, and
    cannot TRUNCATE it, DISABLE its TRIGGER, ALTER or DROP it."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL roles")
    role = f"sentier_app_test_{uuid.uuid4().hex[:8]}"
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(APP_ROLE_SQL.format(role=role))
    try:
        refused = []
        for statement in [
            f"TRUNCATE {table}",
            f"ALTER TABLE {table} DISABLE TRIGGER audit_auditevent_append_only",
            f"ALTER TABLE {table} DISABLE TRIGGER ALL",
            f"DROP TRIGGER audit_auditevent_append_only ON {table}",
            f"DELETE FROM {table}",  # noqa: S608 - model constant
            f"UPDATE {table} SET object_label = 'x'",  # noqa: S608
        ]:
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL ROLE {role}")
                    cursor.execute(statement)
            except DatabaseError:
                refused.append(statement)
        with transaction.atomic(), connection.cursor() as cursor:  # the twin: it writes
            cursor.execute(f"SET LOCAL ROLE {role}")
            AuditEvent.objects.create(action=Action.VIEW, object_label="TST-APP")
        assert len(refused) == 6
        assert AuditEvent.objects.filter(object_label="TST-APP").exists()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


@pytest.mark.django_db
def test_postgresql_check_warns_when_connected_as_owner():
    from django.core import checks

    warnings = [e.id for e in checks.run_checks(tags=["sentier"])]
    if connection.vendor != "postgresql":
        assert "sentier.W001" not in warnings
        return
    assert "sentier.W001" in warnings  # the test suite connects as the tables' owner
