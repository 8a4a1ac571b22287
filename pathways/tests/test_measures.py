"""Measured use and referral history (issue 15). An assessment records days of crack use
(7 days, and 30 if asked); the self-reported trend is optional and refused, by its field,
when it contradicts the days against the pathway's intake; contradictions kept from before
are listed by check_records. Each change of a referral's outcome keeps the previous state
with who recorded it and when."""

import importlib
from datetime import timedelta
from html import unescape

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from activity.models import Enrolment
from core import integrity
from pathways.models import Assessment, Referral, ReferralOutcome, Service

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
RULE = "assessment-trend-contradicts"


def html(response) -> str:
    return unescape(response.content.decode())


def fields(kind, day, days, trend="", **extra):
    return {
        "kind": kind,
        "date": day.isoformat(),
        "crack_days_last7": days,
        "trend": trend,
        "sleep": 1,
        "meals_per_day": 2,
        "self_rated_health": 2,
        "social_ties": 1,
        "housing": "assore",
        "project": "Projet tapé",
        **extra,
    }


@pytest.fixture
def followed(world, person, login):
    """The person's pathway started 100 days ago with an intake at 5 days of use in 7; the
    3-month assessment is due now. Returns a poster for the health worker."""
    start = TODAY - timedelta(days=100)
    Enrolment.objects.filter(pk=world["enrolment"].pk).update(start_date=start)
    type(world["programme"]).objects.filter(pk=world["programme"].pk).update(
        start_date=min(start, world["programme"].start_date)
    )
    client = login("health")
    url = reverse("pathways:assessment_add", args=[person.code])
    assert client.post(url, fields("intake", start, 5)).status_code == 302

    def post(days, trend="", **extra):
        return client.post(url, fields("m3", TODAY, days, trend, **extra))

    return post


def follow_up():
    return Assessment.objects.filter(kind="m3")


@pytest.mark.parametrize(
    "days, trend, why",
    [
        (3, "stopped", "« Arrêt » ne s'accorde pas avec 3 jour(s)"),
        (6, "less", "« Moins » ne s'accorde pas avec 6 jour(s) sur 7, contre 5 jour(s)"),
        (2, "more", "« Plus » ne s'accorde pas avec 2 jour(s) sur 7, contre 5 jour(s)"),
        (0, "same", "« Pareil » ne s'accorde pas avec 0 jour(s)"),
    ],
)
def test_a_trend_contradicting_the_days_is_refused_by_its_field(followed, days, trend, why):
    refused = followed(days, trend)
    assert refused.status_code == 200 and not follow_up().exists()
    form = refused.context["form"]
    assert why in " ".join(form.errors["trend"])
    # What was typed is kept.
    assert form["crack_days_last7"].value() == str(days) and "Projet tapé" in html(refused)


@pytest.mark.parametrize(
    "days, trend", [(0, "stopped"), (2, "less"), (5, "less"), (6, "more"), (5, "same"), (3, "")]
)
def test_a_trend_that_agrees_with_the_days_or_none_is_recorded(followed, days, trend):
    assert followed(days, trend).status_code == 302
    saved = follow_up().get()
    assert (saved.crack_days_last7, saved.trend) == (days, trend)


def test_an_intake_has_no_trend(world, person, login):
    client = login("health")
    url = reverse("pathways:assessment_add", args=[person.code])
    start = world["enrolment"].start_date
    refused = client.post(url, fields("intake", start, 4, "same"))
    assert "Le bilan d'entrée n'a pas d'évolution ressentie" in " ".join(
        refused.context["form"].errors["trend"]
    )
    assert not Assessment.objects.exists()
    assert client.post(url, fields("intake", start, 4)).status_code == 302


def test_the_30_day_figure_is_optional_and_not_below_the_7_day_one(followed):
    below = followed(4, crack_days_last30=3)
    assert "Saisissez un nombre entre 4 et 30" in " ".join(
        below.context["form"].errors["crack_days_last30"]
    )
    above = followed(4, crack_days_last30=31)
    assert "crack_days_last30" in above.context["form"].errors
    assert not follow_up().exists()
    assert followed(4, crack_days_last30=4).status_code == 302
    assert follow_up().get().crack_days_last30 == 4


def test_the_30_day_figure_may_be_left_empty(followed):
    assert followed(4).status_code == 302
    assert follow_up().get().crack_days_last30 is None


def test_a_trend_kept_from_before_that_contradicts_is_listed_for_correction(followed, users):
    assert followed(3).status_code == 302
    assert integrity.run(TODAY, [RULE]) == []
    # As the migration keeps it: "Arrêt" saved before the form refused it.
    follow_up().update(trend="stopped")
    (finding,) = integrity.run(TODAY, [RULE])
    assert "« Arrêt » ne s'accorde pas avec 3 jour(s)" in finding.message
    follow_up().update(trend="less")
    assert integrity.run(TODAY, [RULE]) == []


# --- Referral outcome history ---------------------------------------------------------------


def test_each_outcome_change_keeps_the_previous_state_with_author_and_time(login, person, users):
    client = login("social_worker")
    service = Service.objects.create(organisation=person.organisation, name="CSAPA", kind="csapa")
    add = reverse("pathways:referral_add", args=[person.code])
    day = TODAY - timedelta(days=3)
    base = {"service": service.pk, "date": day.isoformat()}
    assert client.post(add, {**base, "outcome": "pending"}).status_code == 302
    referral = Referral.objects.get()
    edit = reverse("pathways:referral_edit", args=[person.code, referral.pk])
    # Saving without a change of outcome adds no state.
    assert client.post(edit, {**base, "outcome": "pending"}).status_code == 302
    assert referral.history.count() == 1
    accepted = {**base, "outcome": "accepted", "outcome_date": TODAY.isoformat()}
    assert client.post(edit, accepted).status_code == 302
    states = list(referral.history.order_by("recorded_at", "pk"))
    assert [(s.outcome, s.outcome_date) for s in states] == [
        ("pending", None),
        ("accepted", TODAY),
    ]
    assert {s.recorded_by for s in states} == {users["social_worker"]}
    assert all(s.recorded_at <= timezone.now() and not s.migrated for s in states)
    page = html(client.get(edit))
    assert "Historique des suites" in page and "En attente" in page


def test_a_refused_outcome_adds_no_state(login, person):
    client = login("social_worker")
    service = Service.objects.create(organisation=person.organisation, name="CSAPA", kind="csapa")
    add = reverse("pathways:referral_add", args=[person.code])
    refused = client.post(
        add,
        {
            "service": service.pk,
            "date": TODAY.isoformat(),
            "outcome": "accepted",
            "outcome_date": (TODAY - timedelta(days=2)).isoformat(),
        },
    )
    assert "La suite ne peut précéder l'orientation." in html(refused)
    assert not ReferralOutcome.objects.exists()


def test_the_migration_starts_each_history_from_the_current_state(person, users):
    service = Service.objects.create(organisation=person.organisation, name="CSAPA", kind="csapa")
    referral = Referral.objects.create(
        person=person,
        service=service,
        date=TODAY - timedelta(days=9),
        outcome="no_show",
        outcome_date=TODAY - timedelta(days=2),
        author=users["social_worker"],
    )
    migration = importlib.import_module("pathways.migrations.0005_measured_use_referral_history")
    migration.start_referral_history(apps, None)
    (state,) = referral.history.all()
    assert (state.outcome, state.outcome_date, state.migrated) == (
        "no_show",
        TODAY - timedelta(days=2),
        True,
    )
    assert state.recorded_by is None
