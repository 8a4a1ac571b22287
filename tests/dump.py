"""What a dump of the database would show: every column of every row, as bytes."""

from django.db import connection


def assert_absent_from_database(*secrets: bytes) -> None:
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    raw = (
                        bytes(value)
                        if isinstance(value, (bytes, memoryview))
                        else str(value).encode()
                    )
                    for secret in secrets:
                        assert secret not in raw, f"{secret!r} found in table {table}"
