"""SQLite with BEGIN IMMEDIATE and a busy timeout: concurrent writers wait for each other
instead of failing with "database is locked" (issue 13 #8)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_twenty_concurrent_payments_on_sqlite_give_no_500_and_one_payment(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's file locking (PostgreSQL: activity/tests/test_pay.py)")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sentier.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'sentier.sqlite3'}",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("concurrent_payments.py")), "20"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert 500 not in outcome["statuses"], result.stderr[-3000:]
    assert len(outcome["statuses"]) == 20 and set(outcome["statuses"]) == {302}
    assert outcome["payments"] == 1


def test_the_error_page_does_not_claim_nothing_was_saved(rf):
    from core.views import server_error

    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Rien n&#x27;a été enregistré" not in html and "vérifiez" in html
