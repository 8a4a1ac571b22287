"""The benchmark keeps working: a tiny national dataset is generated, then bench/run checks
that every page's queries and its hand-written SQL floor still give the same figures (it
exits with an error otherwise). Timings are printed, never asserted."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_generate_then_run_agree_with_their_floor():
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark runs on PostgreSQL (COPY, triggers, production plans)")
    server = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres"))
    env = {**os.environ, "BENCH_SERVER": server, "DJANGO_SETTINGS_MODULE": "sentier.settings"}
    env.pop("SENTIER_DEBUG", None)
    database = "sentier_bench_smoke"

    def run(script, *args):
        return subprocess.run(
            [sys.executable, str(ROOT / "bench" / script), "--database", database, *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    generated = run("generate.py", "--scale", "0.002", "--seed", "7")
    assert generated.returncode == 0, generated.stderr[-2000:]
    measured = run("run.py", "--runs", "1")
    assert measured.returncode == 0, measured.stdout + measured.stderr[-2000:]
    assert "RÉSULTATS DIFFÉRENTS" not in measured.stdout
    assert measured.stdout.count("\n") >= 11  # header, rule and the nine scenarios
