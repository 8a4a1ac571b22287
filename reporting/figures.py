"""The figures of a committee report, computed by the database from live data for a period.
Everything stored here is a count or an amount: never a person."""

from datetime import date

from django.db.models import Count, Value
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
from reporting import figures_followup as followup
from reporting.figures_profile import profile_table
from reporting.table import definitions, scope, table


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
        pay_table(months),
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
    tables += followup.tables(programme, start, end)
    tables.append(profile_table(programme, end))
    for t in tables:
        t["scope"] = scope(t["key"], programme.start_date, start, end)
    return {
        "programme": programme.name,
        "period": [start.isoformat(), end.isoformat()],
        "tables": tables,
        "definitions": definitions(tables),
        "free_text": free_text,
        "leads": leads,
    }


def pay_table(months) -> dict:
    """Hours, then pay due, paid and outstanding, by month of the session worked (see
    activity.indicators). Hours stay in column 1: the PDF's hours chart reads it, in this
    shape and in the three-column one of reports generated before (frozen in their data)."""
    return table(
        "pay",
        "Heures et rémunérations par mois de séance",
        ["Mois", "Heures", "Rémunérations dues (€)", "Versées (€)", "Reste à verser (€)"],
        [
            [f"{m.month:%m/%Y}", float(m.hours), float(m.pay), float(m.paid), float(m.outstanding)]
            for m in months
        ],
        "amounts",
    )
