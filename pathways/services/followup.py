"""Assessments due, referrals, goals, exits, sharing and complex cases."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from activity.models import Enrolment
from audit.models import Action
from audit.services import record
from core.actor import Actor
from core.concurrency import claim_version
from core.dates import add_months
from pathways.models import Assessment, Exit, Goal
from pathways.models.assessments import DUE_MONTHS
from people import services as people_services
from people.models import Person, Share, Status

GRACE_DAYS = 15  # an assessment is late this long after its due date


def cycle(person) -> int:
    # .all() so that a prefetched list serves (the alerts page prefetches for many persons).
    return len(person.exits.all()) + 1


def pathway_start(person) -> date | None:
    """Start of the current pathway: the first enrolment since the last exit."""
    exits = [x.date for x in person.exits.all()]
    last_exit = max(exits) if exits else None
    starts = [
        e.start_date
        for e in person.enrolments.all()
        if last_exit is None or e.start_date > last_exit
    ]
    return min(starts) if starts else None


def schedule(person, today: date) -> list[dict]:
    """Each assessment of the current pathway with its due date and state."""
    start = pathway_start(person)
    if start is None:
        return []
    current = cycle(person)
    done = {a.kind: a for a in person.assessments.all() if a.cycle == current}
    rows = []
    for kind, months in DUE_MONTHS.items():
        due = add_months(start, months)
        state = (
            "done"
            if kind in done
            else (
                "late"
                if today > due + timedelta(days=GRACE_DAYS)
                else "due"
                if today >= due - timedelta(days=GRACE_DAYS)
                else "later"
            )
        )
        rows.append(
            {
                "kind": kind,
                "label": kind.label,
                "due": due,
                "state": state,
                "assessment": done.get(kind),
            }
        )
    return rows


def record_assessment(actor: Actor, person, form) -> Assessment:
    assessment = form.save(commit=False)
    assessment.person, assessment.author, assessment.cycle = person, actor.user, cycle(person)
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        raise ValidationError({"kind": "Ce bilan est déjà saisi pour ce parcours."})
    record(
        actor,
        Action.CREATE,
        assessment,
        organisation=person.organisation,
        label=person.code,
        kind=assessment.kind,
    )
    return assessment


def save_goal(actor: Actor, goal: Goal, version: int | None) -> Goal:
    if goal.pk is None:
        goal.save()
        record(
            actor,
            Action.CREATE,
            goal,
            organisation=goal.person.organisation,
            label=goal.person.code,
        )
        return goal
    with transaction.atomic():
        claim_version(goal, version)  # StaleEdit when someone saved it meanwhile
        goal.save()
    record(
        actor, Action.UPDATE, goal, organisation=goal.person.organisation, label=goal.person.code
    )
    return goal


def close(actor: Actor, person, form) -> Exit:
    """Exit: the follow-up closes, open enrolments end on that date; history stays."""
    with transaction.atomic():
        exit_ = form.save(commit=False)
        exit_.person, exit_.author = person, actor.user
        exit_.save()
        form.save_m2m()
        Enrolment.objects.filter(
            person=person, end_date__isnull=True, start_date__lte=exit_.date
        ).update(end_date=exit_.date)
        Person.objects.filter(pk=person.pk).update(status=Status.EXITED, version=F("version") + 1)
    record(
        actor,
        Action.CREATE,
        exit_,
        organisation=person.organisation,
        label=person.code,
        kind=exit_.kind,
    )
    return exit_


def share(actor: Actor, person, organisation, team=None) -> Share:
    """Share the follow-up with a partner: needs the person's consent; where the partner
    restricts files by team, the share names the receiving team (people/visibility.py)."""
    if not person.consent_share_partners:
        raise ValidationError(
            "La personne n'a pas accepté le partage avec les partenaires : recueillez d'abord "
            "son consentement (fiche de la personne)."
        )
    if organisation.pk == person.organisation_id:
        raise ValidationError("Le dossier appartient déjà à cette structure.")
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": "Cette équipe n'appartient pas à la structure choisie."})
    if team is None and organisation.restrict_by_team:
        raise ValidationError(
            {
                "team": "Cette structure cloisonne ses dossiers par équipe : choisissez "
                "l'équipe qui recevra le partage."
            }
        )
    try:
        with transaction.atomic():
            return people_services.share(actor, person, organisation, team)
    except IntegrityError:
        raise ValidationError("Le suivi est déjà partagé avec cette structure.")


def revoke(actor: Actor, granted: Share) -> None:
    people_services.revoke_share(actor, granted)
