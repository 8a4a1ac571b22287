"""The figures of a committee report, computed by the database from live data for a period.
Everything stored here is a count or an amount: never a person."""

from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from activity import indicators
from activity.models import (
    AlternativeActivity,
    AwarenessSession,
    Enrolment,
    Participation,
)
from activity.models.sessions import Attendance
from core.counts import counts
from pathways.models import Assessment, Exit, Referral, Service


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


def _worked(programme, start, end):
    return Participation.objects.worked().filter(
        session__programme=programme, session__date__range=(start, end)
    )


def build(programme, start: date, end: date, *, free_text="", leads="") -> dict:
    worked = _worked(programme, start, end)
    aw = AwarenessSession.objects.filter(programme=programme, date__range=(start, end))
    alt = AlternativeActivity.objects.filter(programme=programme, date__range=(start, end))
    n = counts(
        programme,
        in_period=worked.values("pk"),
        cumulative=_worked(programme, programme.start_date, end).values("pk"),
        enrolled=Enrolment.objects.filter(programme=programme, start_date__lte=end)
        .values("person")
        .distinct(),
        **indicators.reach(aw, alt),
    )
    months = [
        m for m in indicators.monthly(programme, end) if start.replace(day=1) <= m.month <= end
    ]
    tables = [
        table(
            "targets",
            "Objectifs et réalisations",
            ["Indicateur", "Réalisé", "Objectif"],
            [
                ["Bénéficiaires inscrits", n["enrolled"], programme.target_persons],
                ["Prestations sur la période", n["in_period"], None],
                ["Prestations depuis le début", n["cumulative"], programme.target_sessions],
            ],
            "counts",
        ),
        table(
            "coverage",
            "Couverture mensuelle",
            ["Mois", "Inscrits", "Au minimum", "Prestations"],
            [[f"{m.month:%m/%Y}", m.enrolled, m.reached_minimum, m.prestations] for m in months],
            "counts",
            shares=[("Couverture", 2, 1)],
        ),
        table(
            "pay",
            "Heures et rémunérations par mois",
            ["Mois", "Heures", "Rémunérations (€)"],
            [[f"{m.month:%m/%Y}", float(m.hours), float(m.pay)] for m in months],
            "amounts",
        ),
    ]
    recorded = Participation.objects.filter(
        session__programme=programme,
        session__cancelled=False,
        session__date__range=(start, end),
    ).exclude(status=Attendance.INVITED)
    by_status = dict(recorded.values_list("status").annotate(n=Count("id")))
    tables.append(
        table(
            "attendance",
            "Présence aux séances",
            ["Présence", "Nombre"],
            [
                [label, by_status.get(value, 0)]
                for value, label in Attendance.choices
                if value != Attendance.INVITED
            ],
            "grid",
        )
    )
    tables.append(
        table(
            "awareness",
            "Sensibilisation et activités alternatives",
            ["Activité", "Séances", "Personnes touchées"],
            [
                [
                    "Sensibilisation au retour à l'activité",
                    n["awareness"],
                    n["awareness_people"],
                ],
                ["Activités alternatives", n["alternatives"], n["alternative_people"]],
            ],
            "counts",
        )
    )
    for key, field, title in (
        ("domains", "session__worksite__domain__name", "Prestations par domaine"),
        ("partners", "session__partner__name", "Prestations par partenaire"),
    ):
        rows = (
            worked.values(label=Coalesce(field, Value("Sans partenaire")))
            .annotate(n=Count("id"))
            .order_by("label")
        )
        tables.append(
            table(key, title, ["", "Prestations"], [[r["label"], r["n"]] for r in rows], "grid")
        )
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
    return {
        "programme": programme.name,
        "period": [start.isoformat(), end.isoformat()],
        "tables": tables,
        "free_text": free_text,
        "leads": leads,
    }


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
