"""The one spreadsheet writer of Sentier: every CSV, XLSX and ODS export goes through it.

A cell is written once, the same way in the three formats:
- a number (int, Decimal, float) stays a number the spreadsheet can sum;
- a date is a date (dd/mm/yyyy in CSV);
- a text is always a text, and a text a spreadsheet would evaluate — one that begins with
  = + - @, a tab or a carriage return, possibly after spaces — is neutralised by a leading
  apostrophe (OWASP's advice against formula injection): `=HYPERLINK(...)` typed as a partner
  name stays those characters, never a live link in a funder's spreadsheet.
Sheet names are made valid (31 characters, none of []:*?/\\, unique, never empty).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_SHEET_FORBIDDEN = set("[]:*?/\\")
SHEET_NAME_MAX = 31


@dataclass
class Sheet:
    title: str
    columns: Sequence[str]
    rows: Iterable[Sequence[Any]] = field(default_factory=list)
    # Lines above the table (its title, the population and period it covers), then a blank
    # line: a reader of the file alone knows what the figures are.
    notes: Sequence[str] = ()

    def lines(self) -> list[Sequence[Any]]:
        head: list[Sequence[Any]] = [[note] for note in self.notes]
        if head:
            head.append([])
        return [*head, self.columns, *self.rows]


def neutralise(text: str) -> str:
    """Text that a spreadsheet would run as a formula, made inert."""
    return "'" + text if text.lstrip(" ")[:1] in FORMULA_STARTS and text else text


def cell(value: Any) -> Any:
    """The value as the spreadsheet will hold it: a number, a date, or an inert text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (int, Decimal, float, date)):
        return value
    return neutralise(str(value))


def sheet_names(titles: Iterable[str]) -> list[str]:
    used: set[str] = set()
    names = []
    for title in titles:
        base = "".join(ch for ch in str(title) if ch not in _SHEET_FORBIDDEN).strip("' ")
        base = (base or "Feuille")[:SHEET_NAME_MAX]
        name, n = base, 1
        while name.lower() in used or name.lower() == "history":
            n += 1
            suffix = f" {n}"
            name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        used.add(name.lower())
        names.append(name)
    return names


def _csv_text(value: Any) -> str:
    value = cell(value)
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, (Decimal, float)):
        return str(value).replace(".", ",")  # the French decimal comma
    return str(value)


def to_csv(sheet: Sheet) -> bytes:
    """Semicolons, CRLF and a BOM: what French Excel and LibreOffice open without a wizard."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in sheet.lines():
        writer.writerow([_csv_text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet, name in zip(sheets, sheet_names(s.title for s in sheets), strict=True):
        page = book.create_sheet(name)
        for row in sheet.lines():
            values = [cell(v) for v in row]
            if any(isinstance(v, datetime) and v.tzinfo for v in values):
                values = [v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in values]
            page.append(values)
            for written in page[page.max_row]:
                # openpyxl reads any text starting with "=" as a formula: say it is text.
                if isinstance(written.value, str):
                    written.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_ods(sheets: Sequence[Sheet]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    for sheet, name in zip(sheets, sheet_names(s.title for s in sheets), strict=True):
        table = Table(name=name)
        for row in sheet.lines():
            tr = TableRow()
            for raw in row:
                value = cell(raw)
                if isinstance(value, (int, Decimal, float)):
                    td = TableCell(valuetype="float", value=str(value))
                    shown = str(value).replace(".", ",")
                elif isinstance(value, date):
                    td = TableCell(valuetype="date", datevalue=value.isoformat())
                    shown = _csv_text(value)
                else:
                    td = TableCell(valuetype="string")
                    shown = value
                td.addElement(P(text=shown))
                tr.addElement(td)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()
