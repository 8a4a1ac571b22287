"""Fill a PostgreSQL database with the synthetic national dataset (see docs/benchmarks.md).

    bench/generate [--scale 1.0] [--seed 2026] [--database sentier_bench]

The database is dropped and created again, migrated, then loaded with COPY."""

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


TRIGGERED = ["activity_participation", "activity_worksession", "activity_enrolment"]


def database_url(name: str) -> str:
    base = os.environ.get("BENCH_SERVER", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate(name: str) -> None:
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100 000 personnes")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", default="sentier_bench")
    args = parser.parse_args()
    if not 0 < args.scale <= 4:
        parser.error("--scale doit être compris entre 0 (exclu) et 4.")
    if not args.database.replace("_", "").isalnum():
        parser.error("--database : lettres, chiffres et _ seulement.")

    url = database_url(args.database)
    started = time.perf_counter()
    recreate(args.database)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sentier.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from activity import stats
    from bench import events, world
    from bench.bulk import Loader, reset_sequences

    print(f"Jeu national : échelle {args.scale}, graine {args.seed}, base {args.database}")
    loader = Loader()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    with transaction.atomic():
        # Summary triggers would fire once per loaded row: off during the load, then the
        # summaries are counted once, exactly as the migration that installs them does.
        with connection.cursor() as cursor:
            for table in TRIGGERED:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        data = world.build(loader, args.seed, args.scale)
        events.build(loader, data)
        with connection.cursor() as cursor:
            # Django's foreign keys are checked at commit: check them now, or PostgreSQL
            # refuses to alter a table with checks pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in TRIGGERED:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        stats.rebuild()
        from django.apps import apps

        reset_sequences(apps.get_models(include_auto_created=True))
    connection.close()
    # VACUUM cannot run in a transaction; it also sets the visibility map that
    # index-only scans rely on.
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    total = sum(loader.counts.values())
    print(f"{total:,} lignes en {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
