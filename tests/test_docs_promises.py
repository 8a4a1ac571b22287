"""Every promise docs/privacy.md makes names the test that backs it: each `file::test` it
cites must exist, so a promise cannot outlive its proof."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CITED = re.compile(r"`([\w/]+\.py)::(\w+)`")


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def test_every_test_the_privacy_page_cites_exists():
    text = (ROOT / "docs" / "privacy.md").read_text()
    cited = CITED.findall(text)
    assert len(cited) >= 15, "the privacy page should back its promises with tests"
    missing = [
        f"{file}::{name}"
        for file, name in cited
        if not (ROOT / file).exists() or name not in _tests_in(ROOT / file)
    ]
    assert not missing, f"docs/privacy.md cites tests that do not exist: {missing}"
