"""Eligibility for the remobilisation programme, explained in plain French.

Rules (call for projects, 2023): aged 18 to 50 on the enrolment date, right to work valid
on that date, housed by the ASSORE hotel programme. Only the birth year and month are
known, so a person is taken to be born on the first day of that month.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import models

MIN_AGE, MAX_AGE = 18, 50


class RightToWork(models.TextChoices):
    FRENCH = "french", "Nationalité française"
    EU = "eu", "Ressortissant·e de l'Union européenne"
    PERMIT = "permit", "Titre de séjour autorisant à travailler"
    NONE = "none", "Pas de droit au travail établi"


@dataclass
class Eligibility:
    on: date
    reasons: list[str] = field(default_factory=list)
    override: object | None = None

    @property
    def meets_rules(self) -> bool:
        return not self.reasons

    @property
    def eligible(self) -> bool:
        return self.meets_rules or self.override is not None


def age_in_years(birth_year: int, birth_month: int, on: date) -> int:
    return ((on.year - birth_year) * 12 + (on.month - birth_month)) // 12


def check(person, on: date) -> Eligibility:
    result = Eligibility(on=on)
    if not person.birth_year or not person.birth_month:
        result.reasons.append("L'année et le mois de naissance ne sont pas renseignés.")
    else:
        age = age_in_years(person.birth_year, person.birth_month, on)
        if age < MIN_AGE:
            result.reasons.append(f"La personne aura {age} ans : il faut avoir au moins 18 ans.")
        elif age > MAX_AGE:
            result.reasons.append(
                f"La personne aura {age} ans : le dispositif s'adresse aux 18–50 ans."
            )
    if person.right_to_work in (RightToWork.FRENCH, RightToWork.EU):
        pass
    elif person.right_to_work == RightToWork.PERMIT:
        until = person.permit_valid_until
        if until is None:
            result.reasons.append("La date de fin de validité du titre de séjour manque.")
        elif until < on:
            result.reasons.append(
                f"Le titre de séjour n'est plus valide à cette date (fin le {until:%d/%m/%Y})."
            )
    else:
        result.reasons.append("Le droit au travail n'est pas établi.")
    if not person.assore_housed:
        result.reasons.append("La personne n'est pas hébergée par le dispositif ASSORE.")
    elif person.housed_since and person.housed_since > on:
        result.reasons.append(
            f"L'hébergement ASSORE ne commence que le {person.housed_since:%d/%m/%Y}."
        )
    result.override = person.current_override()
    return result
