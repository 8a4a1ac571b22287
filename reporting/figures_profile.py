"""Who the programme reaches: persons enrolled by gender and age band (issue 15). The call for
projects targets men and women aged 18 to 50, "avec prégnance de la tranche des 35-50 ans"."""

from datetime import date

from django.db.models import Min

from activity.models import Enrolment
from people.eligibility import age_in_years
from people.models import Gender
from reporting.table import table

BANDS = [
    ("18–24 ans", 18, 24),
    ("25–34 ans", 25, 34),
    ("35–50 ans", 35, 50),
]
OUTSIDE = "Hors 18–50 ans (dérogation)"
UNKNOWN_AGE = "Âge non renseigné"
COLUMNS = [
    ("Femmes", {Gender.FEMALE}),
    ("Hommes", {Gender.MALE}),
    ("Autre ou non renseigné", {Gender.OTHER, Gender.UNSTATED}),
]


def band(birth_year: int | None, birth_month: int | None, on: date) -> str:
    if not birth_year or not birth_month:
        return UNKNOWN_AGE
    age = age_in_years(birth_year, birth_month, on)
    return next((label for label, low, high in BANDS if low <= age <= high), OUTSIDE)


def profile_table(programme, end: date) -> dict:
    """Persons enrolled since the start (exits included), by gender and by age at their first
    enrolment in the programme: one grouped query, then a few hundred rows at most."""
    firsts = (
        Enrolment.objects.filter(programme=programme, start_date__lte=end)
        .values("person", "person__gender", "person__birth_year", "person__birth_month")
        .annotate(first=Min("start_date"))
    )
    labels = [label for label, _low, _high in BANDS] + [OUTSIDE, UNKNOWN_AGE]
    cells = {label: [0] * len(COLUMNS) for label in labels}
    for row in firsts:
        r = band(row["person__birth_year"], row["person__birth_month"], row["first"])
        c = next(
            i for i, (_name, genders) in enumerate(COLUMNS) if row["person__gender"] in genders
        )
        cells[r][c] += 1
    return table(
        "profile",
        "Bénéficiaires par genre et par âge à l'entrée",
        ["Âge à l'entrée"] + [name for name, _genders in COLUMNS],
        [[label] + cells[label] for label in labels],
        "grid",
    )
