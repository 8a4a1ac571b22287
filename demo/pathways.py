"""Synthetic follow-up for the demo: notes at each level, assessments, a directory,
goals and referrals. Everything is invented."""

import random
from datetime import timedelta

from django.utils import timezone

from pathways.models import Assessment, Goal, GoalStep, Note, Referral, Service

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
            Assessment.objects.create(
                person=person,
                kind="intake",
                date=enrolment.start_date,
                crack_days_last7=rng.randint(3, 7),
                trend="same",
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
                    crack_days_last7=rng.randint(0, 4),
                    trend=rng.choice(["less", "stopped"]),
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
        Referral.objects.create(
            person=person,
            service=rng.choice(services),
            date=today - timedelta(days=rng.randint(5, 60)),
            outcome=rng.choice(["pending", "accepted", "no_show"]),
            author=authors["social"],
        )
