"""The dashboard's figures equal a plain recount of the same data."""

import random
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from activity import indicators
from activity.models import Enrolment, Participation, WorkSession
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(world, carrier, users):
    """Ten enrolled persons, twelve sessions over three months, random attendance."""
    rng = random.Random(7)
    programme = world["programme"]
    persons = [world["participation"].person] + [
        PersonFactory(organisation=carrier, created_by=users["social_worker"]) for _ in range(9)
    ]
    for p in persons[1:]:
        Enrolment.objects.create(
            programme=programme,
            person=p,
            start_date=programme.start_date,
            created_by=users["coordinator"],
        )
    base = world["session"]
    for i in range(12):
        session = WorkSession.objects.create(
            organisation=carrier,
            programme=programme,
            worksite=base.worksite,
            partner=base.partner if i % 2 else None,
            supervisor=base.supervisor,
            date=programme.start_date + timedelta(days=7 * i),
            start_time=time(9),
            end_time=time(12),
            places=10,
            hourly_rate=Decimal("10"),
            created_by=base.created_by,
        )
        for p in rng.sample(persons, 5):
            status = rng.choice(["present", "present", "left_early", "absent", "excused"])
            hours = {"present": 3, "left_early": 2}.get(status, 0)
            Participation.objects.create(
                session=session, person=p, status=status, hours=hours, pay_due=hours * 10
            )
    return programme


def test_summary_equals_recount(busy):
    today = busy.end_date
    figures = indicators.summary(busy, today)
    rows = list(Participation.objects.filter(session__programme=busy))
    worked = [r for r in rows if r.status in ("present", "left_early")]
    recorded = [r for r in rows if r.status != "invited"]
    assert figures["prestations"] == len(worked)
    assert figures["hours"] == sum(r.hours for r in worked)
    assert figures["pay"] == sum(r.pay_due for r in worked)
    assert figures["enrolled"] == 10
    assert figures["attendance_rate"] == round(100 * len(worked) / len(recorded))
    assert figures["sessions_held"] == WorkSession.objects.filter(programme=busy).count()


def test_monthly_coverage_and_todo_equal_recount(busy):
    lines = indicators.monthly(busy, busy.end_date)
    worked = Participation.objects.filter(
        session__programme=busy, status__in=["present", "left_early"]
    )
    for line in lines:
        in_month = [
            w
            for w in worked.select_related("session")
            if (w.session.date.year, w.session.date.month) == (line.month.year, line.month.month)
        ]
        counts = {}
        for w in in_month:
            counts[w.person_id] = counts.get(w.person_id, 0) + 1
        assert line.prestations == len(in_month)
        assert line.reached_minimum == sum(
            1 for n in counts.values() if n >= busy.min_sessions_per_month
        )
        assert line.enrolled == 10
        todo = {row["person__code"] for row in indicators.below_minimum(busy, line.month)}
        enrolled = {e.person.code for e in Enrolment.objects.filter(programme=busy)}
        reached = {w.person.code for w in in_month}
        assert todo == enrolled - reached


def test_dashboard_page_and_its_query_count(login, busy, django_assert_max_num_queries):
    client = login("coordinator")
    with django_assert_max_num_queries(40):
        page = client.get(reverse("activity:programme", args=[busy.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Couverture mensuelle" in html
    assert (
        f'<strong id="prestations">{indicators.summary(busy, busy.end_date)["prestations"]}' in html
    )
