"""Production refuses to start without its secrets, and debug is off unless asked for."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"


def run(env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTIER_")}
    env.update(DJANGO_SETTINGS_MODULE="sentier.settings", **env_overrides)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )


KEYS = "k1:" + "A" * 43 + "="


def test_refuses_to_start_without_secret_key():
    result = run({"SENTIER_MASTER_KEYS": KEYS})
    assert result.returncode != 0 and "SENTIER_SECRET_KEY" in result.stderr


def test_refuses_to_start_without_master_key():
    result = run({"SENTIER_SECRET_KEY": "x" * 50})
    assert result.returncode != 0 and "SENTIER_MASTER_KEYS" in result.stderr


def test_refuses_a_malformed_master_key():
    result = run({"SENTIER_SECRET_KEY": "x" * 50, "SENTIER_MASTER_KEYS": "k1:YWJj"})
    assert result.returncode != 0 and "32 bytes" in result.stderr


def test_debug_is_off_unless_asked():
    base = {"SENTIER_SECRET_KEY": "x" * 50, "SENTIER_MASTER_KEYS": KEYS}
    assert run(base).stdout.strip() == "False"
    assert run({**base, "SENTIER_DEBUG": "1"}).stdout.strip() == "True"
