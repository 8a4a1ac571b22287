"""Assessments due, referrals, goals, exits, sharing and complex cases."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from activity.models import Enrolment
from audit.models import Action
from audit.services import record
from core.actor import Actor
from core.dates import add_months
from pathways.models import Assessment, Exit, Goal
from pathways.models.assessments import DUE_MONTHS
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
        bumped = Goal.objects.filter(pk=goal.pk, version=version).update(version=F("version") + 1)
        if not bumped:
            raise ValidationError(
                "Cet objectif vient d'être modifié par quelqu'un d'autre : rien n'a été "
                "enregistré, vos saisies sont conservées ci-dessous."
            )
        goal.version = version + 1
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


def share(actor: Actor, person, organisation) -> Share:
    if not person.consent_share_partners:
        raise ValidationError(
            "La personne n'a pas accepté le partage avec les partenaires : recueillez d'abord "
            "son consentement (fiche de la personne)."
        )
    if organisation.pk == person.organisation_id:
        raise ValidationError("Le dossier appartient déjà à cette structure.")
    try:
        with transaction.atomic():
            granted = Share.objects.create(
                person=person, organisation=organisation, granted_by=actor.user
            )
    except IntegrityError:
        raise ValidationError("Le suivi est déjà partagé avec cette structure.")
    record(
        actor,
        Action.CREATE,
        granted,
        organisation=person.organisation,
        label=person.code,
        partner=organisation.name,
    )
    return granted


def revoke(actor: Actor, granted: Share) -> None:
    if granted.revoked_at is None:
        granted.revoked_at, granted.revoked_by = timezone.now(), actor.user
        granted.save(update_fields=["revoked_at", "revoked_by"])
        record(
            actor,
            Action.UPDATE,
            granted,
            organisation=granted.person.organisation,
            label=granted.person.code,
            fields=["revoked_at"],
        )
