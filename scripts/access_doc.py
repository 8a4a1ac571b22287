"""Render the access table (sentier/access_table.py) into docs/access.md.

.venv/bin/python scripts/access_doc.py          # writes docs/access.md
.venv/bin/python scripts/access_doc.py --check  # exit 1 if docs/access.md is stale
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "access.md"


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sentier.settings_test")
    import django

    django.setup()
    from sentier.access_table import render_markdown

    text = render_markdown()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is stale: run python scripts/access_doc.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
