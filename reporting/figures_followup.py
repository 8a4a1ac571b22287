"""The follow-up tables of a committee report: referrals and their outcomes, exits, and the
cohort's change between intake and the latest assessment."""

from collections import Counter
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from activity.models import Enrolment
from pathways.models import Assessment, Exit, Referral, ReferralOutcome, Service
from reporting.table import table


def tables(programme, start: date, end: date) -> list[dict]:
    tables: list[dict] = []
    persons = Enrolment.objects.filter(programme=programme).values("person")
    # A referral or an exit counts for the programme when the person was enrolled that day.
    referrals = Referral.objects.filter(date__range=(start, end)).filter(
        _enrolled_that_day(programme)
    )
    outcomes = Referral.Outcome.choices
    grid = Counter(
        referrals.annotate(outcome_then=outcome_as_of(end)).values_list(
            "service__kind", "outcome_then"
        )
    )
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


def outcome_as_of(end: date):
    """A referral's outcome as known at the end of `end` (issue 15): its latest history row
    recorded by then, so regenerating a period later reads the same. A referral whose first
    row was recorded after (entered late, or the state taken over when the history began)
    reads its first row, which never changes; one without history (none is saved so by the
    application) its current outcome."""
    day_after = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    history = ReferralOutcome.objects.filter(referral=OuterRef("pk"))
    known = history.filter(recorded_at__lt=day_after).order_by("-recorded_at", "-pk")
    first = history.order_by("recorded_at", "pk")
    return Coalesce(
        Subquery(known.values("outcome")[:1]),
        Subquery(first.values("outcome")[:1]),
        F("outcome"),
    )


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
    later assessment, both dated by `end` (database subqueries; one row per person). Use is
    measured (issue 15): days of crack use in the last 7 days at intake and now; the
    self-reported trend is read by no figure. Each line gives its own base."""
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
            last_days=Subquery(latest.values("crack_days_last7")[:1]),
            last_sleep=Subquery(latest.values("sleep")[:1]),
            last_health=Subquery(latest.values("self_rated_health")[:1]),
        )
        .filter(last_days__isnull=False)
    )
    using = Q(crack_days_last7__gt=0)
    counts = pairs.aggregate(
        base=Count("person", distinct=True),
        using=Count("person", distinct=True, filter=using),
        less=Count("person", distinct=True, filter=using & Q(last_days__lt=F("crack_days_last7"))),
        stopped=Count("person", distinct=True, filter=using & Q(last_days=0)),
        not_using=Count("person", distinct=True, filter=Q(crack_days_last7=0)),
        sleep=Count("person", distinct=True, filter=Q(last_sleep__gt=F("sleep"))),
        health=Count("person", distinct=True, filter=Q(last_health__gt=F("self_rated_health"))),
    )
    assessed = "parmi les personnes ayant un bilan d'entrée et un bilan ultérieur"
    users = "parmi celles qui consommaient à l'entrée"
    return table(
        "cohort",
        "Évolution de la cohorte entre l'entrée et le dernier bilan (jours de consommation de "
        "crack sur les 7 derniers jours)",
        ["Évolution", "Personnes", "Base"],
        [
            [
                f"Consommaient à l'entrée (1 jour ou plus), {assessed}",
                counts["using"],
                counts["base"],
            ],
            [
                f"Ne consommaient pas à l'entrée (0 jour), {assessed}",
                counts["not_using"],
                counts["base"],
            ],
            [
                f"Consomment moins (moins de jours qu'à l'entrée, 0 compris), {users}",
                counts["less"],
                counts["using"],
            ],
            [f"Ont arrêté (0 jour au dernier bilan), {users}", counts["stopped"], counts["using"]],
            [f"Dorment mieux, {assessed}", counts["sleep"], counts["base"]],
            [f"Se sentent en meilleure santé, {assessed}", counts["health"], counts["base"]],
        ],
        "counts",
        shares=[("Part", 1, 2)],
    )
