"""The follow-up tables of a committee report: referrals and their outcomes, exits, and the
cohort's change between intake and the latest assessment."""

from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from activity.models import Enrolment
from pathways.models import Assessment, Exit, Referral, Service
from reporting.table import table


def tables(programme, start: date, end: date) -> list[dict]:
    tables: list[dict] = []
    persons = Enrolment.objects.filter(programme=programme).values("person")
    # A referral or an exit counts for the programme when the person was enrolled that day.
    referrals = Referral.objects.filter(date__range=(start, end)).filter(
        _enrolled_that_day(programme)
    )
    outcomes = Referral.Outcome.choices
    grid = {
        (r["service__kind"], r["outcome"]): r["n"]
        for r in referrals.values("service__kind", "outcome").annotate(n=Count("id"))
    }
    tables.append(
        table(
            "referrals",
            "Orientations et leurs suites",
            ["Service"] + [label for _, label in outcomes],
            [
                [label] + [grid.get((kind, o), 0) for o, _ in outcomes]
                for kind, label in Service.Kind.choices
            ],
            "grid",
        )
    )
    exits = dict(
        Exit.objects.filter(date__range=(start, end))
        .filter(_enrolled_that_day(programme))
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    tables.append(
        table(
            "exits",
            "Sorties par type",
            ["Type de sortie", "Nombre"],
            [[label, exits.get(kind, 0)] for kind, label in Exit.Kind.choices],
            "grid",
        )
    )
    tables.append(cohort_change(persons, end))
    return tables


def _enrolled_that_day(programme):
    """Enrolled in the programme on the row's date. The person__in narrows the rows first
    (index on person): without it every referral or exit of the period in the country is
    tested."""
    persons = Enrolment.objects.filter(programme=programme).values("person")
    enrolled = Enrolment.objects.filter(
        programme=programme, person=OuterRef("person"), start_date__lte=OuterRef("date")
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=OuterRef("date")))
    return Q(person__in=persons) & Q(Exists(enrolled))


def cohort_change(persons, end: date):
    """Per person, between the intake of their latest pathway and that pathway's latest
    later assessment (database subqueries; one row per person)."""
    latest = (
        Assessment.objects.filter(
            person=OuterRef("person"),
            cycle=OuterRef("cycle"),
            date__gte=OuterRef("date"),
            date__lte=end,
        )
        .exclude(kind="intake")
        .order_by("-date", "-pk")
    )
    newer_pathway = Assessment.objects.filter(
        person=OuterRef("person"), kind="intake", cycle__gt=OuterRef("cycle"), date__lte=end
    )
    pairs = (
        Assessment.objects.filter(person__in=persons, kind="intake", date__lte=end)
        .exclude(Exists(newer_pathway))
        .annotate(
            last_trend=Subquery(latest.values("trend")[:1]),
            last_days=Subquery(latest.values("crack_days_last7")[:1]),
            last_sleep=Subquery(latest.values("sleep")[:1]),
            last_health=Subquery(latest.values("self_rated_health")[:1]),
        )
        .filter(last_trend__isnull=False)
    )
    counts = pairs.aggregate(
        base=Count("person", distinct=True),
        less=Count("person", distinct=True, filter=Q(last_trend__in=["less", "stopped"])),
        stopped=Count("person", distinct=True, filter=Q(last_trend="stopped") | Q(last_days=0)),
        sleep=Count("person", distinct=True, filter=Q(last_sleep__gt=F("sleep"))),
        health=Count("person", distinct=True, filter=Q(last_health__gt=F("self_rated_health"))),
    )
    return table(
        "cohort",
        "Évolution de la cohorte entre l'entrée et le dernier bilan",
        ["Évolution", "Personnes", "Base"],
        [
            ["Consomment moins (ou plus du tout)", counts["less"], counts["base"]],
            ["Ont arrêté", counts["stopped"], counts["base"]],
            ["Dorment mieux", counts["sleep"], counts["base"]],
            ["Se sentent en meilleure santé", counts["health"], counts["base"]],
        ],
        "counts",
        shares=[("Part", 1, 2)],
    )
