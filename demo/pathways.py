"""Synthetic follow-up for the demo: notes at each level, assessments, a directory,
goals and referrals. Everything is invented."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from pathways.models import Assessment, Goal, GoalStep, Note, Referral, ReferralOutcome, Service
from pathways.models.assessments import trend_contradiction

SERVICES = [
    ("France Travail Paris 19 (fictif)", Service.Kind.EMPLOYMENT),
    ("Mission locale Paris Est (fictive)", Service.Kind.YOUTH),
    ("Chantier d'insertion Les Jardins (fictif)", Service.Kind.SIAE),
    ("CSAPA Les Tilleuls (fictif)", Service.Kind.CSAPA),
    ("Point d'accès au droit (fictif)", Service.Kind.RIGHTS),
]
NOTES = {
    "team": ["Présent à l'atelier, bonne humeur.", "A demandé des nouvelles de son dossier."],
    "social": ["Dossier de domiciliation déposé.", "Démarche CAF en cours."],
    "health": ["Orientation consultation hépatologie.", "Sommeil toujours difficile."],
}


def load(carrier, authors: dict, enrolments, seed=2026):
    rng = random.Random(seed)
    services = [
        Service.objects.create(organisation=carrier, name=name, kind=kind)
        for name, kind in SERVICES
    ]
    today = timezone.localdate()
    for enrolment in enrolments[:20]:
        person = enrolment.person
        # Notes follow the consent (pathways/integrity.py: never before the person was known).
        known = (today - person.consent_date).days if person.consent_date else 0
        for level, texts in NOTES.items():
            note = Note(
                person=person,
                organisation=carrier,
                level=level,
                author=authors[level],
                date=today - timedelta(days=rng.randint(0, min(90, max(known, 0)))),
            )
            note.seal({"text": rng.choice(texts)})
            note.save()
        # No assessment before the pathway starts (pathways/integrity.py).
        if enrolment.start_date <= today:
            # Measured use (issue 15); an intake has no trend, the 30-day figure is sometimes
            # asked, never below the 7-day one.
            intake_days = rng.choice([0, 1] + list(range(3, 8)))
            intake = Assessment.objects.create(
                person=person,
                kind="intake",
                date=enrolment.start_date,
                crack_days_last7=intake_days,
                crack_days_last30=_month(rng, intake_days),
                sleep=1,
                meals_per_day=rng.randint(1, 2),
                self_rated_health=rng.randint(1, 3),
                social_ties=1,
                housing="assore",
                author=authors["health"],
            )
            if (today - enrolment.start_date).days > 100:
                Assessment.objects.create(
                    person=person,
                    kind="m3",
                    date=enrolment.start_date + timedelta(days=92),
                    crack_days_last7=(days := rng.randint(0, 4)),
                    crack_days_last30=_month(rng, days),
                    trend=_felt(rng, days, intake.crack_days_last7),
                    sleep=2,
                    meals_per_day=2,
                    self_rated_health=rng.randint(2, 4),
                    social_ties=2,
                    housing="assore",
                    author=authors["health"],
                )
        goal = Goal.objects.create(
            person=person,
            area=rng.choice(["work", "housing", "rights"]),
            title="Objectif fictif du projet",
            status="ongoing",
            author=authors["social"],
        )
        GoalStep.objects.create(
            goal=goal, date=today - timedelta(days=10), text="Premier rendez-vous"
        )
        _referral(rng, person, rng.choice(services), authors["social"], today)


def _month(rng, week: int) -> int | None:
    """The 30-day figure, asked one time in two."""
    return rng.randint(week, min(30, week * 4 + 2)) if rng.random() < 0.5 else None


def _felt(rng, days: int, intake_days: int) -> str:
    """A trend the person might say that agrees with the days (forms refuse the others),
    or none."""
    felt = [
        trend
        for trend in Assessment.Trend.values
        if trend_contradiction(trend, days, intake_days) is None
    ]
    return rng.choice(felt + [""])


def _referral(rng, person, service, author, today) -> None:
    """A referral and its outcome history: first pending, then its outcome a few days later
    (pathways.ReferralOutcome, read by the reports as of the end of each period)."""
    day = today - timedelta(days=rng.randint(5, 60))
    outcome = rng.choice(["pending", "accepted", "no_show"])
    outcome_date = None if outcome == "pending" else day + timedelta(days=rng.randint(1, 4))
    referral = Referral.objects.create(
        person=person,
        service=service,
        date=day,
        outcome=outcome,
        outcome_date=outcome_date,
        author=author,
    )
    states = [("pending", None, day)] + (
        [(outcome, outcome_date, outcome_date)] if outcome_date else []
    )
    for state, state_date, known in states:
        ReferralOutcome.objects.create(
            referral=referral,
            outcome=state,
            outcome_date=state_date,
            recorded_at=timezone.make_aware(datetime.combine(known, time(17))),
            recorded_by=author,
        )
