"""Start-up checks (Django system checks): they run on `manage.py check`, `migrate`,
`runserver` and every management command, and sentier/wsgi.py runs them before serving.
Nothing here queries the database at import time."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection

TAG = "sentier"
JOURNAL_TABLE = "audit_auditevent"


def _table_exists(name: str) -> bool:
    return name in connection.introspection.table_names()


@checks.register(TAG)
def master_keys_match(app_configs=None, **kwargs):
    """Every key of SENTIER_MASTER_KEYS matches the fingerprint stored at its first use."""
    from core import crypto
    from core.models import MasterKeyCheck, verify_keyring

    try:
        ring = crypto.keyring()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="sentier.E001")]
    try:
        if not _table_exists(MasterKeyCheck._meta.db_table):
            return []  # not migrated yet: nothing has been encrypted
        problems = verify_keyring(ring)
    except DatabaseError:
        # Database unreachable (a command that needs none): every write confirms its key.
        return []
    return [
        checks.Error(
            problem,
            hint="Put back the key used so far under this id (the new one goes first, under a "
            "new id, then run `manage.py rotate_master_key`): docs/deployment.md.",
            id="sentier.E001",
        )
        for problem in problems
    ]


OWNER_SQL = """
SELECT r.rolsuper,
       t.tableowner IS NOT NULL AND pg_has_role(current_user, t.tableowner, 'MEMBER')
FROM pg_roles r
LEFT JOIN pg_tables t ON t.tablename = %s AND t.schemaname = current_schema()
WHERE r.rolname = current_user
"""


@checks.register(TAG)
def application_role_cannot_rewrite_the_journal(app_configs=None, **kwargs):
    """On PostgreSQL, the journal's trigger stops UPDATE and DELETE, but the table's owner
    (or a superuser) can TRUNCATE it or disable the trigger: the application must connect
    as a role that owns nothing (docs/deployment.md)."""
    if connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute(OWNER_SQL, [JOURNAL_TABLE])
            row = cursor.fetchone()
    except DatabaseError:
        return []
    if row is None:
        return []
    superuser, owner = row
    if not (superuser or owner):
        return []
    what = "a superuser" if superuser else "the owner of the tables"
    return [
        checks.Warning(
            f"Sentier connects to PostgreSQL as {what}: that role can TRUNCATE the audit "
            "journal or disable its trigger, so the journal is not append-only for it.",
            hint="Run migrations as the owning role and the application as a role that owns "
            "nothing (docs/deployment.md, « Rôles PostgreSQL »). Expected during `migrate`.",
            id="sentier.W001",
        )
    ]


def serious_problems() -> list[str]:
    """For sentier/wsgi.py: the errors of these checks, as text (empty: start)."""
    errors = checks.run_checks(tags=[TAG])
    return [str(e) for e in errors if e.is_serious()]
