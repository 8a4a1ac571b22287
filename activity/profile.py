"""Who the programme reaches: persons enrolled by gender and age band at their first
enrolment (issue 15). The call for projects targets men and women aged 18 to 50, "avec
prégnance de la tranche des 35-50 ans". Shown on the coordinator's dashboard and, through
reporting/figures_profile.py, in every report."""

from datetime import date

from django.db.models import Min

from activity.models import Enrolment
from people.eligibility import age_in_years
from people.models import Gender

BANDS = [
    ("18–24 ans", 18, 24),
    ("25–34 ans", 25, 34),
    ("35–50 ans", 35, 50),
]
OUTSIDE = "Hors 18–50 ans (dérogation)"
UNKNOWN_AGE = "Âge non renseigné"
LABELS = [label for label, _low, _high in BANDS] + [OUTSIDE, UNKNOWN_AGE]
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


def profile(programme, end: date) -> list[list]:
    """[[band label, women, men, other], …]: persons enrolled by `end` (exits included), each
    once, by age at their first enrolment — one grouped query, a few hundred rows at most."""
    firsts = (
        Enrolment.objects.filter(programme=programme, start_date__lte=end)
        .values("person", "person__gender", "person__birth_year", "person__birth_month")
        .annotate(first=Min("start_date"))
    )
    cells = {label: [0] * len(COLUMNS) for label in LABELS}
    for row in firsts:
        r = band(row["person__birth_year"], row["person__birth_month"], row["first"])
        gender = row["person__gender"]
        c = next(i for i, (_name, genders) in enumerate(COLUMNS) if gender in genders)
        cells[r][c] += 1
    return [[label] + cells[label] for label in LABELS]
