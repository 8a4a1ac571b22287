"""SQLite refuses DELETE on the audit journal too (UPDATE since 0002).

The statements are literal here (migrations are frozen) and reused by the test plugin
audit/tests/journal_flush.py: Django's test runner empties tables with DELETE after a
transactional test, so that plugin empties the journal itself, trigger lifted for that one
statement in one transaction, before the runner's flush finds it empty. The application
never lifts it; PostgreSQL's trigger (0002) already refuses DELETE.
"""

from django.db import migrations

TABLE = "audit_auditevent"
SQLITE_NO_DELETE = (
    "CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only (DELETE refused)'); END;"
)
SQLITE_DROP = "DROP TRIGGER IF EXISTS audit_auditevent_no_delete;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_NO_DELETE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_journal_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
