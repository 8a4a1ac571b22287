"""Production refuses to start without its secrets or with a malformed variable, debug is
off unless asked for, and the embedded SQLite needs an explicit yes."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
KEYS = "k1:" + "A" * 43 + "="
BASE = {"SENTIER_SECRET_KEY": "x" * 50, "SENTIER_MASTER_KEYS": KEYS, "SENTIER_ALLOW_SQLITE": "1"}


def run(env_overrides, probe=PROBE, keep_database=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTIER_")}
    if not keep_database:
        env.pop("DATABASE_URL", None)
    env.update(DJANGO_SETTINGS_MODULE="sentier.settings", **env_overrides)
    return subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )


def refused(result, *words):
    return result.returncode != 0 and all(w in result.stderr for w in words)


def test_refuses_to_start_without_secret_key():
    result = run({"SENTIER_MASTER_KEYS": KEYS, "SENTIER_ALLOW_SQLITE": "1"})
    assert refused(result, "SENTIER_SECRET_KEY")


def test_refuses_to_start_without_master_key():
    result = run({"SENTIER_SECRET_KEY": "x" * 50, "SENTIER_ALLOW_SQLITE": "1"})
    assert refused(result, "SENTIER_MASTER_KEYS")


def test_refuses_a_malformed_master_key():
    assert refused(run({**BASE, "SENTIER_MASTER_KEYS": "k1:YWJj"}), "32 bytes")


def test_debug_is_off_unless_asked():
    assert run(BASE).stdout.strip() == "False"
    assert run({**BASE, "SENTIER_DEBUG": "1"}).stdout.strip() == "True"


def test_a_typo_in_a_boolean_stops_start_up_naming_the_variable():
    result = run({**BASE, "SENTIER_BEHIND_TLS_PROXY": "ture"})
    assert refused(result, "ImproperlyConfigured", "SENTIER_BEHIND_TLS_PROXY", "'ture'")
    assert run({**BASE, "SENTIER_BEHIND_TLS_PROXY": "true"}).returncode == 0


def test_a_malformed_integer_stops_start_up_naming_the_variable():
    result = run({**BASE, "SENTIER_SESSION_IDLE_MINUTES": "30min"})
    assert refused(result, "ImproperlyConfigured", "SENTIER_SESSION_IDLE_MINUTES")
    assert run({**BASE, "SENTIER_SESSION_IDLE_MINUTES": "45"}).returncode == 0


def test_a_malformed_database_url_stops_start_up_naming_the_variable():
    result = run({**BASE, "DATABASE_URL": "postgress://db/sentier"})
    assert refused(result, "ImproperlyConfigured", "DATABASE_URL")
    result = run({**BASE, "DATABASE_URL": "postgres://db:port/sentier"})
    assert refused(result, "ImproperlyConfigured", "DATABASE_URL")


def test_production_refuses_sqlite_unless_allowed():
    production = {k: v for k, v in BASE.items() if k != "SENTIER_ALLOW_SQLITE"}
    result = run(production, keep_database=False)
    assert refused(result, "SENTIER_ALLOW_SQLITE", "PostgreSQL")
    assert run({**production, "SENTIER_ALLOW_SQLITE": "1"}, keep_database=False).returncode == 0
    # The demo runs in debug on SQLite without further ado.
    assert run({**production, "SENTIER_DEBUG": "1"}, keep_database=False).returncode == 0


def test_sqlite_writers_begin_immediate_and_wait():
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "o = settings.DATABASES['default']['OPTIONS']; print(o['transaction_mode'], o['timeout'])"
    )
    assert run(BASE, probe, keep_database=False).stdout.split() == ["IMMEDIATE", "20"]
    tuned = run({**BASE, "SENTIER_SQLITE_TIMEOUT": "5"}, probe, keep_database=False)
    assert tuned.stdout.split() == ["IMMEDIATE", "5"]


def test_the_demo_environment_allows_sqlite(tmp_path):
    target = tmp_path / "sentier.env"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "dev_env.py"), str(target)], check=True)
    lines = target.read_text().splitlines()
    assert "SENTIER_ALLOW_SQLITE=1" in lines and "SENTIER_DEBUG=1" in lines
