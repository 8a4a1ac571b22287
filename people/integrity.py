"""Rules a person's file respects (core/integrity.py), checked against the day it was
written where "today" would drift: an age plausible when the file was created stays so."""

from django.db.models import F, Q
from django.db.models.functions import ExtractYear, TruncDate

from core import integrity, validity
from people.models import Person


@integrity.rule("birth-year-implausible", "Année de naissance hors des âges plausibles")
def _implausible_birth_years(today):
    # The year of the last edit: the form checked the birth year against that day.
    persons = (
        Person.objects.filter(birth_year__isnull=False)
        .annotate(edit_year=ExtractYear("updated_at"))
        .filter(
            Q(birth_year__lt=F("edit_year") - validity.MAX_AGE)
            | Q(birth_year__gt=F("edit_year") - validity.MIN_AGE)
        )
    )
    for person in persons:
        yield integrity.finding(
            "birth-year-implausible",
            person,
            organisation_id=person.organisation_id,
            label=person.code,
            message=f"Née en {person.birth_year} : la personne aurait eu moins de "
            f"{validity.MIN_AGE} ans ou plus de {validity.MAX_AGE} ans à la dernière saisie "
            "du dossier.",
        )


@integrity.rule(
    "person-date-in-future", "Consentement ou hébergement daté après la dernière saisie"
)
def _future_dates(today):
    # Compared with the last edit, which the form checked against its own day.
    persons = Person.objects.annotate(updated_day=TruncDate("updated_at")).filter(
        Q(consent_date__gt=F("updated_day")) | Q(housed_since__gt=F("updated_day"))
    )
    for person in persons:
        yield integrity.finding(
            "person-date-in-future",
            person,
            organisation_id=person.organisation_id,
            label=person.code,
            message="Le consentement ou l'entrée à l'hôtel est daté après la dernière saisie "
            "du dossier.",
        )
