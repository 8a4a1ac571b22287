"""Pytest plugin (conftest.py loads it): lets Django's test runner empty the journal on
SQLite after a transactional test, although the journal's triggers refuse DELETE.

The runner's flush deletes every row of every table with DELETE FROM. Before it runs, this
fixture deletes the journal's rows itself, in one transaction that drops the delete trigger,
deletes and recreates the trigger from the migration's own statement: the flush then finds
the journal empty (a row trigger on no row never fires) and the trigger is back for the next
test. Only the test suite does this; the application has no code path that lifts it.
"""

import importlib

import pytest

_migration = importlib.import_module("audit.migrations.0004_sqlite_refuses_delete")


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


def empty_journal(connection) -> None:
    """Test suite only: empty the journal on SQLite, trigger restored before commit."""
    from django.db import transaction

    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(_migration.SQLITE_DROP)
        cursor.execute(f"DELETE FROM {_migration.TABLE}")  # noqa: S608 - module constant
        cursor.execute(_migration.SQLITE_NO_DELETE)


@pytest.fixture(autouse=True)
def _journal_emptied_before_flush(request):
    if not _transactional(request):
        yield
        return
    # Set up before this fixture, so torn down (flushed) after it.
    request.getfixturevalue("_django_db_helper")
    yield
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.vendor == "sqlite":
            empty_journal(connection)
