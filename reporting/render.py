"""Turn a frozen report's tables into what people read: on screen, PDF, ODS, XLSX, CSV.
`shared=True` (funders, exports marked for sharing) applies small-count suppression."""

import hashlib
import json

from django.core.cache import cache

from core import spreadsheets
from reporting.suppression import SECONDARY_MARK, display, suppress


def _fmt(value):
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def present(tab: dict, shared: bool, threshold: int) -> dict:
    """Header and rows of strings (plus a total row for grids), suppressed when shared, with
    the population and period the table covers (absent from reports frozen before it was)."""
    shown = _present(tab, shared, threshold)
    shown["scope"] = tab.get("scope", "")
    return shown


def _present(tab: dict, shared: bool, threshold: int) -> dict:
    columns = list(tab["columns"]) + [s[0] for s in tab["shares"]]
    labels = [row[0] for row in tab["rows"]]
    numbers = [row[1:] for row in tab["rows"]]
    kind = tab["kind"]
    if kind == "grid":
        columns = columns + (["Total"] if len(numbers[0] if numbers else []) > 1 else [])
    if not shared or kind == "amounts":
        body = [
            [label] + [_fmt(v) for v in row] for label, row in zip(labels, numbers, strict=True)
        ]
        body = [
            r + [_share(row, s) for s in tab["shares"]]
            for r, row in zip(body, numbers, strict=True)
        ]
        if kind == "grid" and numbers:
            body = [
                r + ([str(sum(n))] if len(n) > 1 else [])
                for r, n in zip(body, numbers, strict=True)
            ]
            totals = [sum(col) for col in zip(*numbers, strict=True)]
            body.append(
                ["Total"]
                + [str(t) for t in totals]
                + ([str(sum(totals))] if len(totals) > 1 else [])
            )
        return {"title": tab["title"], "columns": columns, "rows": body}
    if kind == "grid":
        return _present_grid(tab, labels, numbers, columns, threshold)
    return _present_counts(tab, labels, numbers, columns, threshold)


def _share(row, share):
    _, part, whole = share
    part, whole = row[part - 1], row[whole - 1]
    return f"{round(100 * part / whole)} %" if whole else "—"


def _present_counts(tab, labels, numbers, columns, threshold):
    """Counts without published totals: small ones are hidden; a part is hidden too when its
    whole minus it is small (the difference would be a small count), and a share is hidden
    when either of its counts is."""
    body = []
    for label, row in zip(labels, numbers, strict=True):
        shown = [_small(v, threshold) for v in row]
        for _, part, whole in tab["shares"]:
            a, b = row[part - 1], row[whole - 1]
            if _is_small(b - a, threshold) and not _is_small(a, threshold):
                shown[part - 1] = SECONDARY_MARK
            hidden = shown[part - 1] != _fmt(a) or _is_small(b, threshold)
            shown.append(SECONDARY_MARK if hidden else (f"{round(100 * a / b)} %" if b else "—"))
        body.append([label] + shown)
    return {"title": tab["title"], "columns": columns, "rows": body}


def _is_small(value, threshold):
    return isinstance(value, int) and 0 < value < threshold


def _small(value, threshold):
    return f"< {threshold}" if _is_small(value, threshold) else _fmt(value)


def _present_grid(tab, labels, numbers, columns, threshold):
    grid = suppress([[int(v) for v in row] for row in numbers], threshold)
    width = len(numbers[0]) if numbers else 0
    body = []
    for r, label in enumerate(labels):
        row = [display(grid, (r, c), threshold) for c in range(width)]
        if width > 1:
            row.append(display(grid, ("row", r), threshold))
        body.append([label] + row)
    if numbers:
        totals = [display(grid, ("col", c), threshold) for c in range(width)]
        if width > 1:
            totals.append(display(grid, ("all",), threshold))
        body.append(["Total"] + totals)
    return {"title": tab["title"], "columns": columns, "rows": body}


def tables(report, shared: bool) -> list[dict]:
    return present_all(report.data["tables"], shared, report.threshold)


def present_all(raw_tables: list[dict], shared: bool, threshold: int) -> list[dict]:
    """The tables as shown. Suppression is a pure function of the raw figures, and its
    audit (mixed-integer programmes) costs far more than the figures: the result is kept
    per content, so live figures stay live and an unchanged table is not solved again."""
    key = (
        "presented:"
        + hashlib.sha256(
            json.dumps([raw_tables, shared, threshold], sort_keys=True, default=str).encode()
        ).hexdigest()
    )
    presented = cache.get(key)
    if presented is None:
        presented = [present(t, shared, threshold) for t in raw_tables]
        if shared:
            _cross_table(raw_tables, presented, threshold)
        cache.set(key, presented, timeout=24 * 3600)
    return presented


def _cross_table(raw_tables, presented, threshold):
    """Figures that another table would let a reader recompute: the period's prestations
    (the sum of the monthly ones) and each month's hours and pay (proportional to its
    prestations) are hidden wherever a monthly prestation count is."""
    keys = [t["key"] for t in raw_tables]
    if "coverage" not in keys:
        return
    coverage = raw_tables[keys.index("coverage")]
    hidden_months = {row[0] for row in coverage["rows"] if _is_small(row[3], threshold)}
    if not hidden_months:
        return
    if "targets" in keys:
        for row in presented[keys.index("targets")]["rows"]:
            if row[0] == "Prestations sur la période":
                row[1] = SECONDARY_MARK
    if "pay" in keys:
        for row in presented[keys.index("pay")]["rows"]:
            if row[0] in hidden_months:
                row[1:] = [SECONDARY_MARK] * (len(row) - 1)


def _sheet(presented: dict) -> spreadsheets.Sheet:
    """A presented table as a sheet, under its title and scope: counts become numbers the
    spreadsheet can sum; '< 5', 's' and labels stay (inert) text."""
    rows = [
        [int(v) if isinstance(v, str) and v.isdigit() else v for v in row]
        for row in presented["rows"]
    ]
    notes = [presented["title"]] + ([presented["scope"]] if presented.get("scope") else [])
    return spreadsheets.Sheet(presented["title"], presented["columns"], rows, notes=notes)


def _definitions_sheet(definitions) -> list[spreadsheets.Sheet]:
    if not definitions:
        return []
    return [spreadsheets.Sheet("Définitions", ["Tableau", "Définition"], definitions)]


def to_csv(presented: dict) -> bytes:
    return spreadsheets.to_csv(_sheet(presented))


def to_xlsx(presented_tables: list[dict], definitions=()) -> bytes:
    sheets = [_sheet(t) for t in presented_tables] + _definitions_sheet(definitions)
    return spreadsheets.to_xlsx(sheets)


def to_ods(presented_tables: list[dict], definitions=()) -> bytes:
    sheets = [_sheet(t) for t in presented_tables] + _definitions_sheet(definitions)
    return spreadsheets.to_ods(sheets)
