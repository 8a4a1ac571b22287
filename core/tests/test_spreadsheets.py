"""The one spreadsheet writer: numbers stay numbers, no text ever becomes a formula, sheet
names are valid — opened back with the libraries a funder's spreadsheet would use."""

import csv
import io
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.spreadsheets import FORMULA_STARTS, Sheet, sheet_names, to_csv, to_ods, to_xlsx

HOSTILE = [
    '=HYPERLINK("http://exemple.test","clic")',
    "+33 6 12 34 56 78",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "=cmd|' /C calc'!A0",
]


def _xlsx_cells(body):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body))
    return [(c.value, c.data_type) for ws in book for row in ws.iter_rows() for c in row]


def _ods_cells(body):
    from odf.opendocument import load
    from odf.table import TableCell

    doc = load(io.BytesIO(body))
    return [
        (cell.getAttribute("valuetype"), cell.getAttribute("formula"), str(cell))
        for cell in doc.spreadsheet.getElementsByType(TableCell)
    ]


def test_hostile_texts_are_never_formulas_and_numbers_stay_numbers():
    sheet = Sheet("Feuille", ["Texte", "Nombre"], [[text, 3] for text in HOSTILE])
    sheet.rows.append(["Montant", Decimal("12.50")])
    sheet.rows.append(["Le", date(2026, 3, 15)])
    xlsx = _xlsx_cells(to_xlsx([sheet]))
    assert all(kind != "f" for _value, kind in xlsx)
    texts = [v for v, kind in xlsx if kind == "s"]
    assert all(t.lstrip(" ")[:1] not in FORMULA_STARTS for t in texts)
    assert ("'" + HOSTILE[0], "s") in xlsx
    assert (3, "n") in xlsx and (12.5, "n") in xlsx
    ods = _ods_cells(to_ods([sheet]))
    assert all(not formula for _kind, formula, _text in ods)
    assert ("float", None, "3") in ods
    assert ("date", None, "15/03/2026") in ods
    rows = list(csv.reader(io.StringIO(to_csv(sheet).decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == "'" + HOSTILE[0]
    assert rows[-2] == ["Montant", "12,50"] and rows[-1] == ["Le", "15/03/2026"]
    # The twin: ordinary text is written as typed.
    plain = Sheet("F", ["Nom"], [["Jardins partagés"]])
    assert _xlsx_cells(to_xlsx([plain]))[1] == ("Jardins partagés", "s")


@given(st.lists(st.text(max_size=40), min_size=1, max_size=6))
def test_sheet_names_are_always_valid_and_distinct(titles):
    names = sheet_names(titles)
    assert len(set(n.lower() for n in names)) == len(names)
    for name in names:
        assert 0 < len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
        assert not name.startswith("'") and name.lower() != "history"
