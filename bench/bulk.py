"""Bulk loading with PostgreSQL COPY, addressed by Django field names so that the
generator follows the models instead of repeating their table layout."""

import time
from collections.abc import Iterable

from django.db import connection


class Loader:
    def __init__(self, verbose: bool = True):
        self.verbose = verbose
        self.counts: dict[str, int] = {}

    def copy(self, model, fields: list[str], rows: Iterable[tuple]) -> int:
        """COPY rows (tuples in the order of `fields`, Django attnames) into the model's
        table; returns how many were written."""
        meta = model._meta
        columns = ", ".join(f'"{meta.get_field(f).column}"' for f in fields)
        started = time.perf_counter()
        n = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(f'COPY "{meta.db_table}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        self.counts[meta.db_table] = self.counts.get(meta.db_table, 0) + n
        if self.verbose:
            elapsed = time.perf_counter() - started
            print(f"  {meta.db_table:<34} {n:>10,} rows  {elapsed:7.1f} s", flush=True)
        return n


def reset_sequences(models) -> None:
    """Rows were written with explicit ids: move every identity sequence past them."""
    with connection.cursor() as cursor:
        for model in models:
            pk = model._meta.pk
            if not pk.get_internal_type().endswith("AutoField"):
                continue
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                f'COALESCE((SELECT MAX("{pk.column}") FROM "{table}"), 0) + 1, false)',
                [table, pk.column],
            )
