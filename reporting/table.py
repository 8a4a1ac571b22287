"""One table of a report: its cells and how it is suppressed when shared."""


def table(key, title, columns, rows, kind, shares=()):
    """kind: "grid" (counts with row and column totals, full suppression), "counts"
    (independent counts, small ones hidden), "amounts" (not suppressed)."""
    return {
        "key": key,
        "title": title,
        "columns": columns,
        "rows": rows,
        "kind": kind,
        "shares": [list(s) for s in shares],
    }
