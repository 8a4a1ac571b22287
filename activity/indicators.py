"""Programme dashboard figures, every one computed by a database aggregate.

Pay is told three ways wherever it is summed (issue 15): "due" (pay_due of worked
participations), "paid" (the net of payments and reversals on those participations) and
"outstanding" (due − paid: worked but not paid, or reversed and not paid again). Both "due"
and "paid" are counted by the month of the session worked, not by the day the money changed
hands, so a month's three figures describe the same prestations."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from activity.models import (
    AlternativeActivity,
    AwarenessAttendance,
    AwarenessSession,
    Enrolment,
    Participation,
    Payment,
    Programme,
    ProgrammeStat,
    WorkSession,
)
from activity.models.programme import overlap_q
from activity.models.sessions import Attendance, worked_q
from core.counts import counts
from core.dates import month_bounds

ZERO = Value(0, output_field=DecimalField(max_digits=12, decimal_places=2))


@dataclass
class MonthLine:
    month: date
    enrolled: int
    reached_minimum: int
    prestations: int
    hours: Decimal
    pay: Decimal  # due
    paid: Decimal = Decimal("0")

    @property
    def coverage(self) -> int | None:
        return round(100 * self.reached_minimum / self.enrolled) if self.enrolled else None

    @property
    def outstanding(self) -> Decimal:
        return Decimal(self.pay) - Decimal(self.paid)


def _month(value) -> date:
    # TruncMonth gives a datetime on some backends, a date on others.
    return value.date() if hasattr(value, "date") else value


def _paid(programme):
    """The programme's payments net of reversals (see Payment.objects.on_worked)."""
    return Payment.objects.on_worked().filter(participation__session__programme=programme)


def _worked(programme):
    return Participation.objects.worked().filter(session__programme=programme)


def monthly(programme: Programme, until: date) -> list[MonthLine]:
    months = [m for m in programme.months() if m <= until]
    worked = _worked(programme)
    per_month = {
        _month(row["month"]): row
        for row in worked.annotate(month=TruncMonth("session__date"))
        .values("month")
        .annotate(
            n=Count("id"), hours=Coalesce(Sum("hours"), ZERO), pay=Coalesce(Sum("pay_due"), ZERO)
        )
    }
    # Paid by the month of the session paid for, like "due": one grouped query.
    paid = {
        _month(row["month"]): row["paid"]
        for row in _paid(programme)
        .annotate(month=TruncMonth("participation__session__date"))
        .values("month")
        .annotate(paid=Sum("amount"))
        .order_by()
    }

    # Persons at the minimum, month by month: one query, a subquery per month selecting the
    # persons whose own count that month reaches the minimum.
    def at_minimum(first, last):
        return (
            worked.filter(session__date__range=(first, last))
            .values("person_id")
            .annotate(n=Count("id"))
            .filter(n__gte=programme.min_sessions_per_month)
            .values("person_id")
        )

    reached_counts = worked.aggregate(
        **{
            f"m{i}": Count(
                "person",
                distinct=True,
                filter=Q(person__in=at_minimum(*month_bounds(m))),
            )
            for i, m in enumerate(months)
        }
    )
    reached = {m: reached_counts[f"m{i}"] for i, m in enumerate(months)}
    enrolled = Enrolment.objects.filter(programme=programme).aggregate(
        **{
            f"m{i}": Count("person", distinct=True, filter=overlap_q(*month_bounds(m)))
            for i, m in enumerate(months)
        }
    )
    lines = []
    for i, m in enumerate(months):
        row = per_month.get(m, {})
        lines.append(
            MonthLine(
                m,
                enrolled[f"m{i}"],
                reached.get(m, 0),
                row.get("n", 0),
                row.get("hours", 0),
                row.get("pay", 0),
                paid.get(m) or Decimal("0"),
            )
        )
    return lines


def below_minimum(programme: Programme, month: date):
    """Enrolled this month, fewer sessions worked than the minimum: the coordinator's to-do."""
    first, last = month_bounds(month)
    return (
        Enrolment.objects.filter(programme=programme)
        .overlapping(first, last)
        .values("person__code", "person__nickname")
        .annotate(
            sessions=Count(
                "person__participations",
                filter=Q(
                    person__participations__session__programme=programme,
                    person__participations__session__date__range=(first, last),
                )
                & worked_q("person__participations__"),
                distinct=True,
            )
        )
        .filter(sessions__lt=programme.min_sessions_per_month)
        .order_by("sessions", "person__code")
    )


def reach(awareness, alternatives) -> dict:
    """The counts (for core.counts.counts) of awareness sessions and alternative activities,
    and of the distinct persons each reached."""
    return {
        "awareness": awareness.values("pk"),
        "awareness_people": AwarenessAttendance.objects.filter(session__in=awareness)
        .values("person")
        .distinct(),
        "alternatives": alternatives.values("pk"),
        "alternative_people": AlternativeActivity.participants.through.objects.filter(
            alternativeactivity__in=alternatives
        )
        .values("person")
        .distinct(),
    }


def summary(programme: Programme, today: date) -> dict:
    worked = worked_q()
    totals = Participation.objects.filter(
        session__programme=programme, session__cancelled=False
    ).aggregate(
        recorded=Count("id", filter=~Q(status=Attendance.INVITED)),
        prestations=Count("id", filter=worked),
        hours=Coalesce(Sum("hours", filter=worked), ZERO),
        pay=Coalesce(Sum("pay_due", filter=worked), ZERO),
        persons=Count("person", distinct=True, filter=worked),
    )
    paid = _paid(programme).aggregate(paid=Coalesce(Sum("amount"), ZERO))["paid"]
    sessions = WorkSession.objects.filter(programme=programme, cancelled=False).values("pk")
    n = counts(
        programme,
        held=sessions.filter(date__lte=today),
        planned=sessions.filter(date__gt=today),
        enrolled=Enrolment.objects.filter(programme=programme).values("person").distinct(),
        **reach(
            AwarenessSession.objects.filter(programme=programme),
            AlternativeActivity.objects.filter(programme=programme),
        ),
    )
    remaining_days = max((programme.end_date - today).days, 0)
    remaining = max(programme.target_sessions - totals["prestations"], 0)
    weeks_left = remaining_days / 7
    return {
        "enrolled": n["enrolled"],
        "target_persons": programme.target_persons,
        "prestations": totals["prestations"],
        "target_sessions": programme.target_sessions,
        "persons_worked": totals["persons"],
        "sessions_held": n["held"],
        "sessions_planned": n["planned"],
        "hours": totals["hours"],
        "pay": totals["pay"],  # due
        "paid": paid,
        "outstanding": totals["pay"] - paid,
        "attendance_rate": round(100 * totals["prestations"] / totals["recorded"])
        if totals["recorded"]
        else None,
        "attendance_recorded": totals["recorded"],
        "remaining": remaining,
        "pace_per_week": round(remaining / weeks_left, 1) if weeks_left >= 1 else remaining,
        "awareness_sessions": n["awareness"],
        "awareness_people": n["awareness_people"],
        "alternatives": n["alternatives"],
        "alternative_people": n["alternative_people"],
    }


def breakdown(programme: Programme, field: str, label: str):
    """Prestations, persons and hours per domain or partner."""
    return (
        _worked(programme)
        .values(label=Coalesce(field, Value(label)))
        .annotate(
            prestations=Count("id"),
            persons=Count("person", distinct=True),
            hours=Coalesce(Sum("hours"), ZERO),
        )
        .order_by("-prestations", "label")
    )


def overview(today: date, organisations=None, by: str = "programme") -> dict:
    """Per programme (by="programme") or per organisation (by="organisation") and in total,
    over the programmes of some organisations (None: all of them): enrolled persons, persons
    who worked, prestations, hours, pay (due, paid, outstanding) and sessions held. Five
    grouped queries whatever the size: enrolments and work come from ProgrammeStat, kept exact
    by triggers (migration activity/0004); pay due is its column, paid is one grouped query
    over Payment; a person counts once in a total however many programmes they had."""
    stats = ProgrammeStat.objects.all()
    sessions = WorkSession.objects.filter(cancelled=False, date__lte=today)
    # ProgrammeStat's programme and organisation are the session's programme and its owner.
    payments = Payment.objects.on_worked().filter(participation__session__programme__isnull=False)
    if organisations is not None:
        stats = stats.filter(organisation__in=organisations)
        sessions = sessions.filter(organisation__in=organisations)
        payments = payments.filter(
            participation__session__programme__organisation__in=organisations
        )
    # Count first: their filters must read the columns, not the sums named alike.
    figures = dict(
        enrolled=Count("person", distinct=True, filter=Q(enrolled=True)),
        persons=Count("person", distinct=True, filter=Q(prestations__gt=0)),
    )
    sums = dict(
        prestations=Coalesce(Sum("prestations"), 0),
        hours=Coalesce(Sum("hours"), ZERO),
        pay=Coalesce(Sum("pay"), ZERO),
    )
    held = dict(sessions.values_list(by).annotate(n=Count("id")).order_by())
    paid = dict(
        payments.values_list(
            {
                "programme": "participation__session__programme",
                "organisation": "participation__session__programme__organisation",
            }[by]
        )
        .annotate(paid=Sum("amount"))
        .order_by()
    )
    empty = {"enrolled": 0, "persons": 0, "prestations": 0, "hours": 0, "pay": 0}
    groups = {pk: {**empty, "held": n} for pk, n in held.items()}
    for row in stats.values(by).annotate(**figures).annotate(**sums).order_by():
        pk = row.pop(by)
        groups[pk] = {**row, "held": held.get(pk, 0)}
    for pk, group in groups.items():
        _split_pay(group, paid.get(pk))
    totals = stats.aggregate(**figures, **sums)
    totals["held"] = sum(held.values())
    _split_pay(totals, sum(paid.values(), Decimal("0")))
    return {"groups": groups, "totals": totals}


def _split_pay(figures: dict, paid) -> None:
    """Add paid and outstanding beside pay (due)."""
    figures["paid"] = Decimal(str(paid or 0))
    figures["outstanding"] = Decimal(str(figures["pay"] or 0)) - figures["paid"]
