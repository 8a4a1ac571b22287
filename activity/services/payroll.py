"""Monthly payroll export: figures aggregated by the database, identity added for payroll."""

import csv
import io
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from activity.models import Participation, Payment
from core.dates import month_bounds
from people.models import Identity

COLUMNS = [
    "Code",
    "Nom",
    "Prénom(s)",
    "Date de naissance",
    "NIR",
    "Séances travaillées",
    "Heures",
    "Rémunération due (€)",
    "Payé net (€)",
]
ZERO = Value(0, output_field=DecimalField(max_digits=10, decimal_places=2))


def month_rows(organisation, month: date, persons) -> list[list]:
    """One row per person of `persons` (the exporter's scope) who worked that month."""
    first, last = month_bounds(month)
    worked = Participation.objects.worked().filter(
        session__organisation=organisation,
        session__date__range=(first, last),
        person__in=persons,
    )
    per_person = (
        worked.values("person_id", "person__code")
        .annotate(
            sessions=Count("id"),
            hours=Coalesce(Sum("hours"), ZERO),
            due=Coalesce(Sum("pay_due"), ZERO),
        )
        .order_by("person__code")
    )
    paid = dict(
        Payment.objects.filter(participation__in=worked)
        .values("participation__person_id")
        .annotate(net=Sum("amount"))
        .values_list("participation__person_id", "net")
    )
    # An identity that no longer decrypts is shown as such on its line (and journaled by
    # unseal_or_none); the rest of the export still goes out.
    identities = {
        i.person_id: i.unseal_or_none() or {"last_name": "IDENTITÉ ILLISIBLE"}
        for i in Identity.objects.filter(person_id__in=[r["person_id"] for r in per_person])
    }
    rows = []
    for r in per_person:
        ident = identities.get(r["person_id"], {})
        rows.append(
            [
                r["person__code"],
                ident.get("last_name", "IDENTITÉ NON SAISIE"),
                ident.get("first_name", ""),
                ident.get("birth_date", ""),
                ident.get("nir", ""),
                r["sessions"],
                _money(r["hours"]),
                _money(r["due"]),
                _money(paid.get(r["person_id"]) or 0),
            ]
        )
    return rows


def _money(value) -> Decimal:
    # SQLite may hand back 3 or 3.0 where PostgreSQL gives Decimal("3.00").
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _cell(value):
    """Text that a spreadsheet would run as a formula is quoted (CSV injection)."""
    if isinstance(value, str):
        return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
    return value


def to_csv(rows) -> bytes:
    buffer = io.StringIO()
    # Semicolons and a BOM: what French Excel and LibreOffice open without a wizard.
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(v) if isinstance(v, str) else str(v).replace(".", ",") for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows, title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([_cell(v) if isinstance(v, (str, int)) else float(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
