"""The gender × age table of every report: persons enrolled since the start, by gender and by
age at their first enrolment (issue 15: the call stresses the 35–50 band)."""

from datetime import timedelta

import pytest

from activity.models import Enrolment
from reporting.figures import build
from reporting.figures_profile import OUTSIDE, band
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_band_is_the_age_at_entry():
    from datetime import date

    assert band(1990, 6, date(2026, 5, 31)) == "35–50 ans"  # 35 the day before 36
    assert band(2008, 1, date(2026, 1, 1)) == "18–24 ans"
    assert band(1970, 1, date(2026, 1, 1)) == OUTSIDE
    assert band(None, None, date(2026, 1, 1)) == "Âge non renseigné"


def test_profile_counts_each_person_once_by_gender_and_entry_age(world, carrier, users):
    programme = world["programme"]
    start = programme.start_date
    year = start.year

    def enrolled(gender, age, on=start, end=None):
        person = PersonFactory(
            organisation=carrier,
            created_by=users["coordinator"],
            gender=gender,
            birth_year=year - age,
            birth_month=1,
        )
        Enrolment.objects.create(
            programme=programme, person=person, start_date=on, end_date=end,
            created_by=users["coordinator"], override_reason="Dérogation de test motivée.",
        )  # fmt: skip
        return person

    enrolled("female", 40)
    exited = enrolled("female", 37, end=start + timedelta(days=5))  # exits still count
    Enrolment.objects.create(  # a re-enrolment: the same person, counted once
        programme=programme, person=exited, start_date=start + timedelta(days=20),
        created_by=users["coordinator"],
    )  # fmt: skip
    enrolled("male", 19)
    enrolled("other", 60)
    end = start + timedelta(days=60)
    enrolled("male", 30, on=end + timedelta(days=1))  # after the period: not counted
    table = next(t for t in build(programme, start, end)["tables"] if t["key"] == "profile")
    rows = {row[0]: row[1:] for row in table["rows"]}
    world_person = world["participation"].person
    assert rows["35–50 ans"][0] == 2
    assert rows["18–24 ans"][1] == 1
    assert rows[OUTSIDE][2] == 1
    total = sum(sum(r) for r in rows.values())
    assert total == 4 + 1  # the four above and the world's own enrolled person
    assert table["scope"].startswith("Depuis le début du programme")
    assert world_person.enrolments.exists()


def test_the_coordinators_dashboard_shows_the_same_table(login, world):
    from django.urls import reverse

    programme = world["programme"]
    page = login("coordinator").get(reverse("activity:programme", args=[programme.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Bénéficiaires par genre et par âge à l'entrée" in html
    assert (
        page.context["profile"]
        == build(programme, programme.start_date, programme.end_date)["tables"][-1]["rows"]
    )
