"""Enrolling persons in a programme: the eligibility rules apply on the enrolment date."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from activity.models import Enrolment, Programme
from audit.models import Action
from audit.services import record
from core.actor import Actor


def enrol(
    actor: Actor, programme: Programme, person, start: date, override_reason: str = ""
) -> Enrolment:
    errors = {}
    if person.organisation_id != programme.organisation_id:
        errors["person"] = "Cette personne est suivie par une autre structure."
    if not programme.start_date <= start <= programme.end_date:
        errors["start_date"] = (
            f"La date d'entrée doit être comprise dans le programme "
            f"(du {programme.start_date:%d/%m/%Y} au {programme.end_date:%d/%m/%Y})."
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
    if end < enrolment.start_date:
        raise ValidationError(
            {
                "end_date": "La date de fin ne peut précéder la date d'entrée "
                f"({enrolment.start_date:%d/%m/%Y})."
            }
        )
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
