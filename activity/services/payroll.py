"""Monthly payroll export: figures aggregated by the database, identity added for payroll.
Written by core.spreadsheets, the one writer of every export (numbers stay numbers, no text
becomes a formula). A footer gives the month's totals due, paid and outstanding: "paid" is the
same figure as the dashboard's and the report's for that month (payments net of reversals on
the month's worked sessions)."""

from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from activity.models import Participation, Payment
from core import spreadsheets
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
    "Reste à verser (€)",
]
TOTAL = "Total du mois"
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
        Payment.objects.on_worked()
        .filter(participation__in=worked)
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
        due, net = _money(r["due"]), _money(paid.get(r["person_id"]) or 0)
        rows.append(
            [
                r["person__code"],
                ident.get("last_name", "IDENTITÉ NON SAISIE"),
                ident.get("first_name", ""),
                ident.get("birth_date", ""),
                ident.get("nir", ""),
                r["sessions"],
                _money(r["hours"]),
                due,
                net,
                due - net,
            ]
        )
    return rows


def footer(rows) -> list:
    """The month's totals: sessions, hours, due, paid, outstanding."""
    return [
        TOTAL,
        "",
        "",
        "",
        "",
        sum(r[5] for r in rows),
        *(sum((r[i] for r in rows), Decimal("0.00")) for i in range(6, 10)),
    ]


def _money(value) -> Decimal:
    # SQLite may hand back 3 or 3.0 where PostgreSQL gives Decimal("3.00").
    return Decimal(str(value)).quantize(Decimal("0.01"))


def sheet(rows, title: str) -> spreadsheets.Sheet:
    return spreadsheets.Sheet(title, COLUMNS, [*rows, footer(rows)])


def to_csv(rows, title: str = "Paie") -> bytes:
    return spreadsheets.to_csv(sheet(rows, title))


def to_xlsx(rows, title: str) -> bytes:
    return spreadsheets.to_xlsx([sheet(rows, title)])
