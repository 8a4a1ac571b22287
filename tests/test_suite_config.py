"""Every app's tests are collected: a tests/ folder missing from testpaths would be silently
skipped by CI (it happened once)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_tests_folder_is_collected():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    testpaths = set(config["tool"]["pytest"]["ini_options"]["testpaths"])
    apps_with_tests = {
        p.parent.name for p in ROOT.glob("*/tests") if not p.parent.name.startswith(".")
    }
    assert apps_with_tests - {"tests"} <= testpaths
