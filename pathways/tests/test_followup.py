from datetime import date, timedelta

import pytest
from django.urls import reverse

from activity.models import Enrolment
from pathways.models import Assessment, Exit, Goal, Service
from pathways.services.followup import add_months, schedule
from people.models import Person

pytestmark = pytest.mark.django_db


# The world's enrolment starts on 1 January: its intake falls due that day.
START = date.today().replace(month=1, day=1)


def assessment_data(kind="intake", **extra):
    return {
        "kind": kind,
        "date": START.isoformat(),
        "crack_days_last7": 5,
        "trend": "" if kind == "intake" else "same",  # an intake has no trend
        "sleep": 1,
        "meals_per_day": 1,
        "self_rated_health": 2,
        "social_ties": 1,
        "housing": "assore",
        **extra,
    }


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert add_months(date(2026, 10, 15), 12) == date(2027, 10, 15)


def test_schedule_states(world, person):
    start = world["enrolment"].start_date
    rows = {r["kind"]: r for r in schedule(person, start + timedelta(days=100))}
    assert rows["intake"]["state"] == "late"
    assert rows["m3"]["due"] == add_months(start, 3) and rows["m3"]["state"] == "due"
    assert rows["m12"]["state"] == "later"


def test_assessment_rules_and_who_records(login, world, person):
    url = reverse("pathways:assessment_add", args=[person.code])
    assert login("supervisor").post(url, assessment_data()).status_code == 404
    client = login("health")
    bad = client.post(url, assessment_data(crack_days_last7=9, self_rated_health=7))
    assert bad.status_code == 200 and not Assessment.objects.exists()
    assert client.post(url, assessment_data()).status_code == 302
    twice = client.post(url, assessment_data())
    assert "déjà saisi" in twice.content.decode()
    rows = {r["kind"]: r for r in schedule(person, date.today())}
    assert rows["intake"]["state"] == "done"


def test_exit_closes_and_reenrolment_starts_a_new_cycle(login, world, person):
    client = login("social_worker")
    health = login("health")
    health.post(reverse("pathways:assessment_add", args=[person.code]), assessment_data())
    client = login("social_worker")
    exit_day = world["programme"].start_date + timedelta(days=60)
    response = client.post(
        reverse("pathways:exit", args=[person.code]),
        {"date": exit_day.isoformat(), "kind": "employment"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == "exited" and Exit.objects.get().outcome == "positive"
    assert Enrolment.objects.get(person=person).end_date == exit_day
    again = world["programme"].start_date + timedelta(days=90)
    login("coordinator").post(
        reverse("activity:enrol", args=[world["programme"].pk]),
        {"person": person.code, "start_date": again.isoformat()},
    )
    assert Enrolment.objects.filter(person=person).count() == 2
    login("health").post(
        reverse("pathways:assessment_add", args=[person.code]),
        assessment_data(date=again.isoformat()),
    )
    assert sorted(Assessment.objects.values_list("cycle", flat=True)) == [1, 2]


def test_goal_conflict_keeps_the_second_writers_text(login, person):
    client = login("social_worker")
    client.post(
        reverse("pathways:goals", args=[person.code]),
        {"area": "work", "title": "Trouver un emploi", "status": "open"},
    )
    goal = Goal.objects.get()
    url = reverse("pathways:goal_edit", args=[person.code, goal.pk])
    first = client.post(
        url, {"area": "work", "title": "Emploi en SIAE", "status": "ongoing", "version": 1}
    )
    assert first.status_code == 302
    second = client.post(
        url, {"area": "work", "title": "Formation CACES", "status": "ongoing", "version": 1}
    )
    assert "Quelqu&#x27;un a modifié cette fiche" in second.content.decode()
    assert 'value="Formation CACES"' in second.content.decode()
    goal.refresh_from_db()
    assert goal.title == "Emploi en SIAE"
    client.post(
        reverse("pathways:goal_step", args=[person.code, goal.pk]),
        {"date": "2026-03-01", "text": "Rendez-vous SIAE"},
    )
    assert goal.steps.get().text == "Rendez-vous SIAE"
    assert (
        login("supervisor")
        .post(url, {"area": "work", "title": "x", "status": "open", "version": 2})
        .status_code
        == 404
    )


def test_referrals_use_the_organisations_directory(login, person, other_org):
    client = login("social_worker")
    client.post(reverse("pathways:services"), {"name": "Mission locale Paris Est", "kind": "youth"})
    mine = Service.objects.get()
    theirs = Service.objects.create(organisation=other_org, name="Autre", kind="chrs")
    url = reverse("pathways:referral_add", args=[person.code])
    refused = client.post(url, {"service": theirs.pk, "date": "2026-03-01", "outcome": "pending"})
    assert refused.status_code == 200 and not person.referrals.exists()
    backwards = client.post(
        url,
        {
            "service": mine.pk,
            "date": "2026-03-01",
            "outcome": "accepted",
            "outcome_date": "2026-02-01",
        },
    )
    assert "ne peut précéder" in backwards.content.decode()
    client.post(
        url,
        {
            "service": mine.pk,
            "date": "2026-03-01",
            "outcome": "accepted",
            "outcome_date": "2026-03-10",
        },
    )
    assert person.referrals.get().outcome == "accepted"


def test_alerts(login, world, person, carrier, users):
    from tests.factories import PersonFactory

    quiet = PersonFactory(organisation=carrier, created_by=users["social_worker"])
    from django.utils import timezone

    Person.objects.filter(pk=quiet.pk).update(created_at=timezone.now() - timedelta(days=60))
    world["participation"].delete()
    Enrolment.objects.filter(pk=world["enrolment"].pk).update(
        start_date=date.today() - timedelta(days=40), end_date=date.today() + timedelta(days=10)
    )
    page = login("social_worker").get(reverse("pathways:alerts"))
    quiet_codes = {p.code for p in page.context["quiet"]}
    assert quiet.code in quiet_codes
    assert person.code not in quiet_codes  # registered today
    late = {(a["person"].code, a["kind"], a["state"]) for a in page.context["assessments"]}
    assert (person.code, "intake", "late") in late
    assert person.code in {e.person.code for e in page.context["ending"]}


def test_complex_case_flag_and_meetings_are_clinical(login, person):
    url = reverse("pathways:complex", args=[person.code])
    assert login("supervisor").get(url).status_code == 404
    client = login("coordinator")
    client.post(url, {"flag": "on"})
    person.refresh_from_db()
    assert person.complex_case
    client.post(
        url,
        {
            "date": "2026-03-01",
            "participants": "CSAPA, psychiatre, ASSORE",
            "decisions": "Orientation vers lits de sevrage",
        },
    )
    html = client.get(url).content.decode()
    assert "Orientation vers lits de sevrage" in html
    assert (
        login("supervisor").get(reverse("pathways:timeline", args=[person.code])).status_code == 404
    )
    timeline = login("outreach").get(reverse("pathways:timeline", args=[person.code]))
    assert "sevrage" not in timeline.content.decode()


def test_organisation_adds_exit_reasons(login, person):
    from pathways.models import ExitReason

    client = login("coordinator")
    client.post(reverse("pathways:exit_reason_add"), {"name": "Retour au pays"})
    client.post(reverse("pathways:exit_reason_add"), {"name": "retour au pays"})
    assert ExitReason.objects.filter(name__iexact="retour au pays").count() == 1
    form = client.get(reverse("pathways:exit", args=[person.code])).context["form"]
    assert "Retour au pays" in [r.name for r in form.fields["reasons"].queryset]
