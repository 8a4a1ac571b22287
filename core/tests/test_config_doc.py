"""Every environment variable the repository reads is in the one table of
docs/deployment.md, and every variable of that table is still read somewhere."""

import ast
import functools
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "var", ".git", "node_modules", "test-results", "__pycache__"}
READERS = {
    "env_bool",
    "env_int",
    "env_str",
    "env_list",
    "env_url",
    "env_origins",
    "env_required",
    "env_flag",
    "required_env",
}
SHELL_DEFAULT = re.compile(r"\$\{([A-Z][A-Z0-9_]*):?[-?=+]")
MAKE_ASSIGNED = re.compile(r"^([A-Z][A-Z0-9_]*)\s*(?:\?|:|\+)?=", re.MULTILINE)
MAKE_USED = re.compile(r"\$\(([A-Z][A-Z0-9_]*)\)")
MAKE_FROM_ENV = re.compile(r"^([A-Z][A-Z0-9_]*)\s*\?=", re.MULTILINE)
TABLE_ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]*)` \|", re.MULTILINE)


def files():
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for name in names:
            yield Path(folder) / name


def _is_os_environ(node) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def python_reads(path: Path) -> set[str]:
    """os.environ.get/[...]/setdefault, os.getenv, and the typed readers outside tests."""
    found = set()
    in_tests = "tests" in path.relative_to(ROOT).parts
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        name = None
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            environ_call = isinstance(func, ast.Attribute) and (
                (func.attr in {"get", "setdefault"} and _is_os_environ(func.value))
                or (func.attr == "getenv" and getattr(func.value, "id", "") == "os")
            )
            typed_reader = isinstance(func, ast.Name) and func.id in READERS and not in_tests
            if environ_call or typed_reader:
                name = node.args[0].value
        elif (
            isinstance(node, ast.Subscript)
            and _is_os_environ(node.value)
            and isinstance(node.slice, ast.Constant)
        ):
            name = node.slice.value
        if isinstance(name, str):
            found.add(name)
    return found


def shell_reads(text: str) -> set[str]:
    return set(SHELL_DEFAULT.findall(text))


def make_reads(text: str) -> set[str]:
    assigned = set(MAKE_ASSIGNED.findall(text)) - set(MAKE_FROM_ENV.findall(text))
    return (set(MAKE_USED.findall(text)) - assigned) | set(MAKE_FROM_ENV.findall(text))


@functools.cache
def variables_read() -> dict[str, set[str]]:
    reads: dict[str, set[str]] = {}
    for path in files():
        rel = str(path.relative_to(ROOT))
        if path.suffix == ".py":
            names = python_reads(path)
        elif path.name == "Makefile":
            names = make_reads(path.read_text())
        else:
            try:
                text = path.read_text()
            except UnicodeDecodeError:
                continue
            if not text.startswith("#!") or "sh" not in text.splitlines()[0]:
                continue
            names = shell_reads(text)
        for name in names:
            reads.setdefault(name, set()).add(rel)
    return reads


def documented() -> list[str]:
    return TABLE_ROW.findall((ROOT / "docs" / "deployment.md").read_text())


def test_every_variable_read_is_documented():
    missing = {
        name: sorted(where) for name, where in variables_read().items() if name not in documented()
    }
    assert missing == {}, "add these to the table of docs/deployment.md"


def test_every_documented_variable_is_still_read():
    stale = set(documented()) - set(variables_read())
    assert stale == set(), "remove these from docs/deployment.md, nothing reads them"


def test_the_table_lists_each_variable_once():
    names = documented()
    assert len(names) == len(set(names)) > 20


def test_the_scanner_finds_each_kind_of_read():
    """The parser itself: a read of each form is found, a write or a mention is not."""
    assert {"SENTIER_DEBUG", "SENTIER_EMAIL_PORT", "DATABASE_URL"} <= set(variables_read())
    assert shell_reads('X=${LOAD_USERS:-50}; : "${DATABASE_URL:?required}"; $HOME') == {
        "LOAD_USERS",
        "DATABASE_URL",
    }
    assert make_reads("PYTHON ?= python3\nBIN := x\nrun:\n\t$(PYTHON) $(BIN) $(EMAIL)\n") == {
        "PYTHON",
        "EMAIL",
    }


def test_settings_read_the_environment_only_through_typed_readers():
    source = (ROOT / "sentier" / "settings.py").read_text()
    assert "os.environ" not in source and "os.getenv" not in source
