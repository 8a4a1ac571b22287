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


def test_minimum_above_one_counts_persons_not_months(world, carrier, users):
    """Two persons in one month, one with two sessions and one with one: at a minimum of
    two, one person reached it (a month-level HAVING would say two)."""
    programme = world["programme"]
    programme.min_sessions_per_month = 2
    programme.save()
    base = world["session"]
    other = PersonFactory(organisation=carrier, created_by=users["social_worker"])
    Enrolment.objects.create(
        programme=programme,
        person=other,
        start_date=programme.start_date,
        created_by=users["coordinator"],
    )
    day = base.date.replace(day=1)
    sessions = [
        WorkSession.objects.create(
            organisation=carrier,
            programme=programme,
            worksite=base.worksite,
            supervisor=base.supervisor,
            date=day + timedelta(days=i),
            start_time=time(9),
            end_time=time(10),
            places=4,
            hourly_rate=Decimal("10"),
            created_by=base.created_by,
        )
        for i in range(2)
    ]
    world["participation"].delete()
    for s in sessions:
        Participation.objects.create(
            session=s, person=world["enrolment"].person, status="present", hours=1, pay_due=10
        )
    Participation.objects.create(
        session=sessions[0], person=other, status="present", hours=1, pay_due=10
    )
    line = next(m for m in indicators.monthly(programme, day) if m.month == day)
    assert line.reached_minimum == 1 and line.prestations == 3


def test_cancelled_sessions_do_not_count(world):
    p = world["participation"]
    p.status, p.hours, p.pay_due = "present", 3, 30
    p.save()
    assert indicators.summary(world["programme"], p.session.date)["prestations"] == 1
    WorkSession.objects.filter(pk=p.session_id).update(cancelled=True)
    assert indicators.summary(world["programme"], p.session.date)["prestations"] == 0
