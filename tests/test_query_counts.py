"""An N+1 query cannot come back: every list and dashboard page runs the same number of
queries with few rows and with more."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activity.models import Enrolment, Participation, Payment
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(world, carrier, users, n=6):
    """More persons, enrolments, bookings, payments, notes, referrals, contracts."""
    import uuid

    from django.utils import timezone

    from activity.models import Contract
    from pathways.models import Note, Referral, Service

    service = Service.objects.get_or_create(
        organisation=carrier, name="Mission locale", kind="youth"
    )[0]
    for _ in range(n):
        p = PersonFactory(organisation=carrier, created_by=users["social_worker"])
        Enrolment.objects.create(
            programme=world["programme"],
            person=p,
            start_date=world["programme"].start_date,
            created_by=users["coordinator"],
        )
        part = Participation.objects.create(
            session=world["session"], person=p, status="present", hours=3, pay_due=30
        )
        Payment.objects.create(
            participation=part,
            amount=30,
            method="cash",
            paid_at=timezone.now(),
            idempotency_key=uuid.uuid4(),
            recorded_by=users["supervisor"],
        )
        Contract.objects.create(
            organisation=carrier, person=p, session=world["session"], created_by=users["payroll"]
        )
        note = Note(
            person=p,
            organisation=carrier,
            level="team",
            date=timezone.localdate(),
            author=users["social_worker"],
        )
        note.seal({"text": "x"})
        note.save()
        Referral.objects.create(
            person=p, service=service, date=timezone.localdate(), author=users["social_worker"]
        )
    world["session"].places = 50
    world["session"].save()


PAGES = {
    "social_worker": ["people:list", "pathways:alerts"],
    "coordinator": [
        "activity:programmes",
        "activity:partners",
        "activity:worksites",
        "activity:awareness",
        "reporting:list",
    ],
    "supervisor": ["activity:sessions", "activity:today"],
    "payroll": ["activity:contracts"],
    "org_admin": ["audit:journal"],
}


@pytest.mark.parametrize("role", PAGES)
def test_list_pages_do_not_grow_with_rows(login, world, carrier, users, role):
    client = login(role)
    urls = [reverse(name) for name in PAGES[role]]
    if role == "coordinator":
        urls.append(reverse("activity:programme", args=[world["programme"].pk]))
        urls.append(reverse("activity:enrolments", args=[world["programme"].pk]))
    if role == "supervisor":
        urls.append(reverse("activity:session", args=[world["session"].pk]))
    before = {url: queries(client, url) for url in urls}
    grow(world, carrier, users)
    after = {url: queries(client, url) for url in urls}
    assert after == before


def test_person_pages_do_not_grow_with_entries(login, world, person, users):
    from django.utils import timezone

    from pathways.models import Goal, GoalStep, Note

    client = login("social_worker")
    urls = [
        reverse("pathways:timeline", args=[person.code]),
        reverse("pathways:goals", args=[person.code]),
    ]

    def add():
        for level in ("team", "social"):
            note = Note(
                person=person,
                organisation=person.organisation,
                level=level,
                date=timezone.localdate(),
                author=users["social_worker"],
            )
            note.seal({"text": "x"})
            note.save()
        goal = Goal.objects.create(
            person=person, area="work", title="t", author=users["social_worker"]
        )
        GoalStep.objects.create(goal=goal, date=timezone.localdate(), text="s")

    add()
    before = {url: queries(client, url) for url in urls}
    for _ in range(4):
        add()
    assert {url: queries(client, url) for url in urls} == before
