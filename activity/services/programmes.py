"""Enrolling persons in a programme: the eligibility rules apply on the enrolment date."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone

from activity.models import Enrolment, Programme
from audit.models import Action
from audit.services import record
from core.actor import Actor
from core.validity import check_date, date_message


def enrol(
    actor: Actor, programme: Programme, person, start: date, override_reason: str = ""
) -> Enrolment:
    errors = {}
    if person.organisation_id != programme.organisation_id:
        errors["person"] = "Cette personne est suivie par une autre structure."
    try:
        check_date(
            start, programme.start_date, programme.end_date, "l'entrée a lieu pendant le programme"
        )
    except ValidationError as error:
        errors["start_date"] = error.messages[0]
    # A new pathway starts after the last exit (pathways' Exit, reached through the person's
    # reverse relation, not an import: activity sits below pathways). An entry on or before
    # it would open no pathway and move the due dates of assessments already recorded.
    last_exit = person.exits.aggregate(last=Max("date"))["last"]
    if last_exit and start <= last_exit and "start_date" not in errors:
        errors["start_date"] = date_message(
            last_exit + timedelta(days=1),
            why=f"la personne est sortie du dispositif le {last_exit:%d/%m/%Y}",
        )
    verdict = person.eligibility(start)
    override_reason = override_reason.strip()
    if not verdict.eligible and len(override_reason) < 20:
        reasons = " ".join(verdict.reasons)
        errors["override_reason"] = (
            f"Cette personne n'est pas éligible au {start:%d/%m/%Y} : {reasons} "
            "Pour l'inscrire quand même, écrivez le motif de la dérogation "
            "(20 caractères au moins)."
        )
    if errors:
        raise ValidationError(errors)
    enrolment = Enrolment(
        programme=programme,
        person=person,
        start_date=start,
        override_reason=override_reason if not verdict.meets_rules else "",
        created_by=actor.user,
    )
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        raise ValidationError(
            {"person": "Cette personne est déjà inscrite dans ce programme (inscription en cours)."}
        )
    record(
        actor,
        Action.CREATE,
        enrolment,
        organisation=programme.organisation,
        label=person.code,
        programme=programme.pk,
    )
    return enrolment


def end_enrolment(actor: Actor, enrolment: Enrolment, end: date) -> Enrolment:
    """End an enrolment: not before its start, not after its programme, not in the future."""
    programme = enrolment.programme
    last = min(programme.end_date, timezone.localdate())
    try:
        check_date(
            end,
            enrolment.start_date,
            last,
            f"la fin suit l'entrée du {enrolment.start_date:%d/%m/%Y} et ne dépasse ni la fin "
            "du programme ni aujourd'hui",
        )
    except ValidationError as error:
        raise ValidationError({"end_date": error.messages})
    enrolment.end_date = end
    enrolment.save(update_fields=["end_date"])
    record(
        actor,
        Action.UPDATE,
        enrolment,
        organisation=enrolment.programme.organisation,
        label=enrolment.person.code,
        fields=["end_date"],
    )
    return enrolment


def programme_span(programme: Programme) -> tuple[date | None, date | None]:
    """The first and last days something is recorded in the programme (enrolments, work
    and awareness sessions, alternative activities): its dates may not leave them out."""
    firsts, lasts = [], []
    for queryset, start, end in (
        (programme.enrolments.all(), "start_date", "end_date"),
        (programme.enrolments.all(), "start_date", "start_date"),
        (programme.work_sessions.all(), "date", "date"),
        (programme.awareness_sessions.all(), "date", "date"),
        (programme.alternatives.all(), "date", "date"),
    ):
        found = queryset.aggregate(first=Min(start), last=Max(end))
        firsts.append(found["first"])
        lasts.append(found["last"])
    known_firsts = [d for d in firsts if d]
    known_lasts = [d for d in lasts if d]
    return (min(known_firsts) if known_firsts else None, max(known_lasts) if known_lasts else None)
