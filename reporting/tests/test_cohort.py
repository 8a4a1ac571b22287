"""The follow-up tables read what was known at the end of the period (issue 15): the cohort's
change is computed from measured days of use at intake and at the latest assessment dated
by the end, never from the self-reported trend; referral outcomes are those recorded by the
end of the period's last day, so regenerating an old period reads the same."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from activity.models import Enrolment
from pathways.models import Assessment, Referral, ReferralOutcome, Service
from people.models import Person
from reporting import figures_followup
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


# --- Cohort ---------------------------------------------------------------------------------


def lines(persons, end):
    tab = figures_followup.cohort_change(Person.objects.filter(pk__in=persons).values("pk"), end)
    # The label's start names the line; the rest states its base.
    return {row[0].split(" (")[0].split(",")[0]: (row[0], row[1], row[2]) for row in tab["rows"]}


@pytest.fixture
def cohort(carrier, users):
    """Persons with an intake 100 days ago and a later assessment 10 days ago, by their days
    of use in the last 7 days and the trend kept with the later one."""
    author = users[Role.HEALTH]

    def add(intake, later=None, trend="", **later_scales):
        person = PersonFactory(organisation=carrier, created_by=users[Role.SOCIAL_WORKER])
        common = {"person": person, "author": author, "meals_per_day": 2, "social_ties": 1}
        common["housing"] = "assore"
        Assessment.objects.create(
            kind="intake",
            date=TODAY - timedelta(days=100),
            crack_days_last7=intake,
            sleep=2,
            self_rated_health=3,
            **common,
        )
        if later is not None:
            scales = {"sleep": 2, "self_rated_health": 3, **later_scales}
            Assessment.objects.create(
                kind="m3",
                date=TODAY - timedelta(days=10),
                crack_days_last7=later,
                trend=trend,
                **scales,
                **common,
            )
        return person.pk

    return add


def test_stopped_and_uses_less_are_measured_not_reported(cohort):
    persons = [
        cohort(0, 0, trend="stopped"),  # never used at intake: not "stopped"
        cohort(3, 0),  # stopped, no trend given
        cohort(5, 3, trend="stopped"),  # says "stopped", still uses 3 days: uses less only
        cohort(4, 4, trend="less"),  # says "less", same days: neither
        cohort(2, 5, sleep=3, self_rated_health=4),  # uses more, sleeps and feels better
        cohort(6),  # intake only: outside every base
    ]
    found = lines(persons, TODAY)
    assert found["Consommaient à l'entrée"][1:] == (4, 5)
    assert found["Ne consommaient pas à l'entrée"][1:] == (1, 5)
    assert found["Consomment moins"][1:] == (2, 4)
    assert found["Ont arrêté"][1:] == (1, 4)
    assert found["Dorment mieux"][1:] == (1, 5)
    assert found["Se sentent en meilleure santé"][1:] == (1, 5)
    # Each line says which persons its base counts.
    assert "parmi celles qui consommaient à l'entrée" in found["Ont arrêté"][0]
    assert "bilan d'entrée et un bilan ultérieur" in found["Dorment mieux"][0]


def test_a_person_who_stops_is_counted_as_stopped_and_as_using_less(cohort):
    found = lines([cohort(7, 0)], TODAY)
    assert found["Ont arrêté"][1:] == (1, 1) and found["Consomment moins"][1:] == (1, 1)
    assert found["Ne consommaient pas à l'entrée"][1:] == (0, 1)


def test_the_cohort_reads_assessments_dated_by_the_end_of_the_period(cohort):
    persons = [cohort(3, 0)]
    before_the_later = lines(persons, TODAY - timedelta(days=11))
    assert before_the_later["Ont arrêté"][1:] == (0, 0)
    assert before_the_later["Consommaient à l'entrée"][1:] == (0, 0)
    on_its_day = lines(persons, TODAY - timedelta(days=10))
    assert on_its_day["Ont arrêté"][1:] == (1, 1)


# --- Referral outcomes as of the end of the period ----------------------------------------------


@pytest.fixture
def period(world):
    """The programme and the enrolment started 200 days ago; the period is its first 60
    days, long over."""
    start = TODAY - timedelta(days=200)
    programme = world["programme"]
    type(programme).objects.filter(pk=programme.pk).update(start_date=start)
    Enrolment.objects.filter(pk=world["enrolment"].pk).update(start_date=start)
    programme.refresh_from_db()
    return programme, start, start + timedelta(days=60)


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def referral(period, person, users):
    """A referral dated in the period, recorded pending that day."""
    _, start, _ = period
    service = Service.objects.create(organisation=person.organisation, name="CSAPA", kind="csapa")
    made = Referral.objects.create(
        person=person,
        service=service,
        date=start + timedelta(days=10),
        author=users["social_worker"],
    )
    ReferralOutcome.objects.create(
        referral=made,
        outcome="pending",
        recorded_at=at(made.date, 11),
        recorded_by=users["social_worker"],
    )
    return made


def outcomes(period):
    """The CSAPA row of the period's referrals table, by outcome."""
    programme, start, end = period
    tab = next(t for t in figures_followup.tables(programme, start, end) if t["key"] == "referrals")
    row = next(r for r in tab["rows"] if r[0] == "CSAPA")
    return {column: n for column, n in zip(tab["columns"][1:], row[1:], strict=True) if n}


def test_an_outcome_changed_after_the_period_leaves_the_period_as_it_was(
    login, period, person, referral
):
    assert outcomes(period) == {"En attente": 1}
    edit = reverse("pathways:referral_edit", args=[person.code, referral.pk])
    changed = login("social_worker").post(
        edit,
        {
            "service": referral.service_id,
            "date": referral.date.isoformat(),
            "outcome": "accepted",
            "outcome_date": TODAY.isoformat(),
        },
    )
    assert changed.status_code == 302
    referral.refresh_from_db()
    assert referral.outcome == "accepted"
    # Regenerated today, the period still reads the outcome known at its end.
    assert outcomes(period) == {"En attente": 1}
    # The twin: a period ending today reads the new outcome.
    programme, start, _ = period
    assert outcomes((programme, start, TODAY)) == {"Acceptée": 1}


def test_an_outcome_recorded_within_the_period_shows(period, referral, users):
    _, _, end = period
    Referral.objects.filter(pk=referral.pk).update(outcome="refused", outcome_date=end)
    ReferralOutcome.objects.create(
        referral=referral,
        outcome="refused",
        outcome_date=end,
        recorded_at=at(end, 23, 30),  # the last evening of the period counts
        recorded_by=users["social_worker"],
    )
    assert outcomes(period) == {"Refusée": 1}


def test_an_outcome_recorded_the_morning_after_the_period_does_not(period, referral, users):
    _, _, end = period
    Referral.objects.filter(pk=referral.pk).update(outcome="refused")
    ReferralOutcome.objects.create(
        referral=referral,
        outcome="refused",
        recorded_at=at(end + timedelta(days=1), 0, 10),
        recorded_by=users["social_worker"],
    )
    assert outcomes(period) == {"En attente": 1}


def test_a_referral_entered_after_the_period_reads_its_first_state(period, referral):
    # Its only state recorded after the period: entered late, or taken over by the migration.
    _, _, end = period
    referral.history.update(
        outcome="no_show", recorded_at=at(end + timedelta(days=30), 9), migrated=True
    )
    Referral.objects.filter(pk=referral.pk).update(outcome="accepted")
    assert outcomes(period) == {"Personne non venue": 1}
