"""docs/access.md is the access table (sentier/access_table.py) rendered: it must not drift."""

from pathlib import Path

from sentier.access_table import TABLE, render_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "access.md"


def test_the_committed_access_doc_is_the_table_rendered():
    assert DOC.read_text(encoding="utf-8") == render_markdown(), (
        "docs/access.md differs from sentier/access_table.py: "
        "run `.venv/bin/python scripts/access_doc.py` and commit docs/access.md"
    )


def test_every_row_is_in_the_doc():
    text = render_markdown()
    for row in TABLE:
        assert f"`{row.name}`" in text, row.key
