"""Pay is told three ways wherever it is summed — due, paid, outstanding — and "paid" is one
figure: the payroll export's payments for a month, the dashboard's and the report's."""

import csv
import io
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activity import indicators
from activity.models import Enrolment, Participation, Payment, WorkSession
from activity.services import payments as pay_service
from activity.services import sessions as session_service
from core.actor import Actor
from reporting import figures
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

REASON = "Saisie tardive après contrôle des feuilles"


def _pay(client, participation):
    return client.post(
        reverse("activity:payment", args=[participation.pk]),
        {
            "key": str(uuid.uuid4()),
            "amount": str(participation.pay_due),
            "method": "cash",
            "paid_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )


def _reverse(client, participation):
    payment = Payment.objects.get(participation=participation, reversal__isnull=True, amount__gt=0)
    return client.post(
        reverse("activity:payment_reverse", args=[payment.pk]),
        {"key": str(uuid.uuid4()), "reason": "Erreur de personne au moment du paiement"},
    )


@pytest.fixture
def ledger(world, carrier, users, login):
    """Today's session: A paid; B worked, never paid; C paid then reversed and not paid again;
    D paid, reversed, paid again; E absent. A session of last month, paid today (late, by the
    coordinator): paid in its session's month, not today's."""
    carrier.pay_requires_signed_contract = False
    carrier.save()
    programme, session = world["programme"], world["session"]
    first_of_month = timezone.localdate().replace(day=1)
    last_month = first_of_month - timedelta(days=1)
    programme.start_date = min(programme.start_date, last_month.replace(day=1))
    programme.save()
    persons = [world["participation"].person] + [
        PersonFactory(organisation=carrier, created_by=users["social_worker"]) for _ in range(4)
    ]
    for person in persons[1:]:
        Enrolment.objects.create(
            programme=programme,
            person=person,
            start_date=programme.start_date,
            created_by=users["coordinator"],
        )
    parts = [world["participation"]] + [
        Participation.objects.create(session=session, person=p) for p in persons[1:]
    ]
    supervisor = login("supervisor")
    for p, status in zip(
        parts, ["present", "present", "present", "left_early", "absent"], strict=True
    ):
        data = {"status": status, "version": p.version}
        if status == "left_early":
            data["hours"] = "2"
        response = supervisor.post(reverse("activity:attendance", args=[p.pk]), data)
        assert response.status_code == 302
        p.refresh_from_db()
    a, b, c, d, e = parts
    for p in (a, c, d):
        assert _pay(supervisor, p).status_code == 302
    for p in (c, d):
        assert _reverse(supervisor, p).status_code == 302
    assert _pay(supervisor, d).status_code == 302

    earlier = WorkSession.objects.create(
        organisation=carrier,
        programme=programme,
        worksite=session.worksite,
        partner=session.partner,
        supervisor=session.supervisor,
        date=last_month,
        start_time=session.start_time,
        end_time=session.end_time,
        places=8,
        hourly_rate=Decimal("12.00"),
        created_by=session.created_by,
    )
    coordinator = Actor(user=users["coordinator"], where="test")
    late = Participation.objects.create(session=earlier, person=a.person)
    late = session_service.mark(
        coordinator,
        late,
        status="present",
        hours=None,
        pay=None,
        pay_reason="",
        version=None,
        correction_reason=REASON,
    )
    pay_service.pay(
        coordinator,
        late,
        key=uuid.uuid4(),
        amount=late.pay_due,
        method="cash",
        paid_at=timezone.now(),
        correction_reason=REASON,
    )
    return {
        "programme": programme,
        "month": first_of_month,
        "last_month": last_month.replace(day=1),
        "parts": dict(zip("abcde", parts, strict=True)),
        "late": late,
    }


def _export(client, month, fmt):
    return client.get(
        reverse("activity:payroll_export"), {"month": f"{month:%Y-%m}", "format": fmt}
    ).content


def _csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def _num(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def test_paid_is_one_figure_in_the_export_the_dashboard_and_the_report(ledger, login):
    programme, month, parts = ledger["programme"], ledger["month"], ledger["parts"]
    due = sum(parts[k].pay_due for k in "abcd")
    paid = parts["a"].pay_due + parts["d"].pay_due
    assert paid < due  # the case the issue is about: due is not money paid

    client = login("payroll")
    rows = _csv_rows(_export(client, month, "csv"))
    header, people, footer = rows[0], rows[1:-1], rows[-1]
    col = {name: i for i, name in enumerate(header)}
    export_paid = sum(_num(r[col["Payé net (€)"]]) for r in people)
    assert footer[0] == "Total du mois"
    assert _num(footer[col["Payé net (€)"]]) == export_paid == paid
    assert _num(footer[col["Rémunération due (€)"]]) == due
    assert _num(footer[col["Reste à verser (€)"]]) == due - paid

    line = next(m for m in indicators.monthly(programme, month) if m.month == month)
    assert (line.pay, line.paid, line.outstanding) == (due, paid, due - paid)
    table = next(
        t
        for t in figures.build(programme, month, timezone.localdate())["tables"]
        if t["key"] == "pay"
    )
    row = next(r for r in table["rows"] if r[0] == f"{month:%m/%Y}")
    assert table["kind"] == "amounts"
    assert table["columns"][1] == "Heures"  # the PDF's hours chart reads column 1
    assert row[2:] == [float(due), float(paid), float(due - paid)]

    # The session of last month paid today counts in last month, in the export as on the page.
    late = ledger["late"]
    before = _csv_rows(_export(client, ledger["last_month"], "csv"))
    assert _num(before[-1][col["Payé net (€)"]]) == late.pay_due
    previous = next(
        m for m in indicators.monthly(programme, month) if m.month == ledger["last_month"]
    )
    assert previous.paid == previous.pay == late.pay_due and previous.outstanding == 0

    s = indicators.summary(programme, timezone.localdate())
    assert (s["pay"], s["paid"], s["outstanding"]) == (
        due + late.pay_due,
        paid + late.pay_due,
        due - paid,
    )
    page = login("coordinator").get(reverse("activity:programme", args=[programme.pk]))
    html = page.content.decode()
    assert f'<td id="paid">{s["paid"]:.2f}</td>'.replace(".", ",") in html
    assert f'<td id="outstanding">{s["outstanding"]:.2f}</td>'.replace(".", ",") in html
    assert "quel que soit le jour du paiement" in html

    overview = indicators.overview(timezone.localdate(), [programme.organisation_id])
    group = overview["groups"][programme.pk]
    assert (group["pay"], group["paid"], group["outstanding"]) == (
        s["pay"],
        s["paid"],
        s["outstanding"],
    )
    assert overview["totals"]["paid"] == s["paid"]
    listing = login("coordinator").get(reverse("activity:programmes")).content.decode()
    assert "Reste à verser (€)" in listing


def test_outstanding_holds_the_unpaid_and_the_reversed_not_the_paid(ledger, login):
    parts = ledger["parts"]
    rows = _csv_rows(_export(login("payroll"), ledger["month"], "csv"))
    col = {name: i for i, name in enumerate(rows[0])}
    by_code = {r[0]: r for r in rows[1:-1]}

    def outstanding(key):
        return _num(by_code[parts[key].person.code][col["Reste à verser (€)"]])

    # Worked and never paid; paid then reversed and not paid again: outstanding.
    assert outstanding("b") == parts["b"].pay_due > 0
    assert outstanding("c") == parts["c"].pay_due > 0
    # Twins: paid, and paid again after a reversal: nothing outstanding.
    assert outstanding("a") == 0
    assert outstanding("d") == 0
    # Absent: not worked, not in the export at all.
    assert parts["e"].person.code not in by_code


def test_xlsx_export_keeps_numbers_and_totals(ledger, login):
    book = load_workbook(io.BytesIO(_export(login("payroll"), ledger["month"], "xlsx")))
    rows = list(book.active.iter_rows())
    header = [c.value for c in rows[0]]
    paid_col = header.index("Payé net (€)")
    footer = rows[-1]
    assert footer[0].value == "Total du mois"
    cells = [r[paid_col] for r in rows[1:]]
    assert all(c.data_type == "n" for c in cells)  # numbers a spreadsheet can sum
    assert Decimal(str(footer[paid_col].value)) == sum(Decimal(str(c.value)) for c in cells[:-1])


def test_dashboard_without_payments_shows_everything_outstanding(world, login):
    p = world["participation"]
    Participation.objects.filter(pk=p.pk).update(status="present", hours=3, pay_due=30)
    s = indicators.summary(world["programme"], timezone.localdate())
    assert (s["pay"], s["paid"], s["outstanding"]) == (30, 0, 30)


@pytest.mark.parametrize(
    "row",
    [
        ["01/2026", 3.0, 30.0],  # a report frozen before paid and outstanding existed
        ["01/2026", 3.0, 30.0, 20.0, 10.0],
    ],
)
def test_old_and_new_pay_tables_read_alike(row):
    """Reports keep the pay table they were frozen with: hours stay in column 1 (the PDF's
    chart), amounts are shown as they are, and a month whose prestations are hidden in the
    shared version hides all its amounts, whatever the number of columns."""
    from reporting import render
    from reporting.table import table

    columns = ["Mois", "Heures", "Rémunérations (€)", "Versées (€)", "Reste à verser (€)"]
    pay = table("pay", "Heures", columns[: len(row)], [row], "amounts")
    coverage = table("coverage", "Couverture", ["Mois", "Inscrits", "Au minimum", "Prestations"],
                     [["01/2026", 1, 1, 1]], "counts")  # fmt: skip
    team = render.present_all([coverage, pay], False, 5)[1]
    assert team["rows"][0] == ["01/2026"] + [f"{v:.2f}".replace(".", ",") for v in row[1:]]
    assert pay["rows"][0][1] == 3.0
    shared = render.present_all([coverage, pay], True, 5)[1]
    assert shared["rows"][0][0] == "01/2026"
    assert len(shared["rows"][0]) == len(row)
    assert all(v != team["rows"][0][i + 1] for i, v in enumerate(shared["rows"][0][1:]))
