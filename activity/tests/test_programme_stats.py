"""ProgrammeStat is kept by database triggers: whatever is written, and however, its rows
must equal a recount of enrolments and participations, and the overview read from it must
give the figures a coordinator would count by hand."""

import threading
import time as clock
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.roles import Role
from activity import indicators
from activity.models import Enrolment, Participation, Programme, ProgrammeStat, WorkSession
from activity.services import sessions as session_service
from core.actor import Actor
from tests.factories import PersonFactory

WORKED = ("present", "left_early")


def recount() -> dict:
    """What the rows must say, recounted from the base tables through the one Python
    definition of a worked participation (Participation.objects.worked())."""
    expected: dict = {}
    for e in Enrolment.objects.values("programme_id", "person_id", "programme__organisation_id"):
        key = (e["programme_id"], e["person_id"])
        expected[key] = [e["programme__organisation_id"], True, 0, Decimal(0), Decimal(0)]
    work = (
        Participation.objects.worked()
        .values("session__programme_id", "session__programme__organisation_id", "person_id")
        .annotate(n=Count("id"), hours=Sum("hours"), pay=Sum("pay_due"))
        .order_by()
    )
    for w in work:
        key = (w["session__programme_id"], w["person_id"])
        row = expected.setdefault(
            key, [w["session__programme__organisation_id"], False, 0, Decimal(0), Decimal(0)]
        )
        row[2:] = [w["n"], Decimal(w["hours"]), Decimal(w["pay"])]
    return {k: tuple(v) for k, v in expected.items()}


def stored() -> dict:
    """The trigger-kept rows, leaving out pairs with nothing left (neither enrolled nor
    worked), which the triggers keep at zero rather than delete."""
    return {
        (s.programme_id, s.person_id): (
            s.organisation_id,
            s.enrolled,
            s.prestations,
            Decimal(s.hours),
            Decimal(s.pay),
        )
        for s in ProgrammeStat.objects.all()
        if s.enrolled or s.prestations or s.hours or s.pay
    }


def request_as(user):
    return Actor(user=user)


def test_services_keep_the_figures_exact(world, users, person, carrier):
    """Enrol, record attendance, correct it, cancel a session: the overview follows."""
    programme, session = world["programme"], world["session"]
    p = world["participation"]
    supervisor = request_as(users["supervisor"])
    session_service.mark(
        supervisor, p, status="present", hours=None, pay=None, pay_reason="", version=None
    )
    totals = indicators.overview(date.today(), [carrier.pk])["totals"]
    assert (totals["prestations"], totals["persons"], totals["hours"]) == (1, 1, Decimal("3"))
    assert totals["pay"] == Decimal("30.00")
    p.refresh_from_db()
    session_service.mark(
        supervisor,
        p,
        status="left_early",
        hours=Decimal("1.5"),
        pay=None,
        pay_reason="",
        version=p.version,
    )
    later = WorkSession.objects.get(pk=session.pk)
    later.pk, later.date = None, session.date + timedelta(days=1)
    later.save()
    other = Participation.objects.create(
        session=later, person=person, status="present", hours=3, pay_due=30
    )
    totals = indicators.overview(date.today(), [carrier.pk])["totals"]
    assert (totals["prestations"], totals["persons"], totals["hours"]) == (2, 1, Decimal("4.5"))
    session_service.cancel(request_as(users["coordinator"]), later, "Intempéries : chantier fermé.")
    group = indicators.overview(date.today(), [carrier.pk])["groups"][programme.pk]
    assert (group["prestations"], group["hours"], group["pay"]) == (1, Decimal("1.5"), 15)
    assert group["enrolled"] == 1
    assert stored() == recount()
    assert other.pk


def test_a_person_counts_once_across_programmes(world, users, person, carrier):
    first = world["programme"]
    second = Programme.objects.create(
        organisation=carrier, name="Deuxième", start_date=first.start_date, end_date=first.end_date
    )
    Enrolment.objects.create(
        programme=second,
        person=person,
        start_date=first.start_date,
        created_by=users["coordinator"],
    )
    data = indicators.overview(date.today(), [carrier.pk])
    assert data["groups"][first.pk]["enrolled"] == data["groups"][second.pk]["enrolled"] == 1
    assert data["totals"]["enrolled"] == 1
    by_org = indicators.overview(date.today(), None, by="organisation")
    assert by_org["groups"][carrier.pk]["enrolled"] == 1


def test_programme_list_shows_the_overview(world, login, users):
    Participation.objects.filter(pk=world["participation"].pk).update(
        status="present", hours=3, pay_due=30
    )
    page = login(Role.COORDINATOR).get(reverse("activity:programmes"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Synthèse des programmes" in text
    totals = text[text.index("<tfoot>") : text.index("</tfoot>")]
    cells = [c.split("</td>")[0].strip() for c in totals.split("<td>")[1:]]
    # period, enrolled, worked, sessions held, prestations, hours, pay due, paid, outstanding
    assert cells == ["", "1", "1", "1", "1", "3,00", "30,00", "0,00", "30,00"]


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "book",
                "status",
                "hours",
                "delete",
                "cancel",
                "restore",
                "move",
                "enrol",
                "unenrol",
                "reassign",
            ]
        ),  # fmt: skip
        st.integers(0, 5),
        st.integers(0, 5),
        st.sampled_from(["invited", "present", "left_early", "absent", "excused"]),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_any_sequence_of_writes_keeps_rows_equal_to_a_recount(
    operations, world, users, carrier, other_org
):
    """Direct ORM writes, bypassing every service: the triggers still keep the rows."""
    with transaction.atomic():
        programmes = [world["programme"]] + [
            Programme.objects.create(
                organisation=carrier if k else other_org,
                name=f"P{k}",
                start_date=world["programme"].start_date,
                end_date=world["programme"].end_date,
            )
            for k in range(2)
        ]
        persons = [PersonFactory(organisation=carrier, created_by=users["coordinator"])
                   for _ in range(3)]  # fmt: skip
        sessions = []
        for k in range(3):
            s = WorkSession.objects.get(pk=world["session"].pk)
            s.pk, s.programme = None, programmes[k % 3]
            s.start_time = time(13 + k)
            s.end_time = time(14 + k)
            s.save()
            sessions.append(s)
        for op, a, b, status in operations:
            session, person = sessions[a % 3], persons[b % 3]
            booking = Participation.objects.filter(session=session, person=person)
            if op == "book" and not booking.exists():
                worked = status in WORKED
                Participation.objects.create(
                    session=session, person=person, status=status,
                    hours=Decimal("1.25") if worked else 0, pay_due=12 if worked else 0,
                )  # fmt: skip
            elif op == "status":
                booking.update(status=status)
            elif op == "hours":
                booking.update(hours=Decimal(b) / 4, pay_due=Decimal(a) * 3)
            elif op == "delete":
                booking.delete()
            elif op in ("cancel", "restore"):
                WorkSession.objects.filter(pk=session.pk).update(cancelled=op == "cancel")
            elif op == "move":
                WorkSession.objects.filter(pk=session.pk).update(programme=programmes[b % 3])
            elif op == "enrol":
                Enrolment.objects.create(
                    programme=programmes[a % 3], person=person, start_date=date(2020, 1, 1),
                    end_date=date(2020, 2, 1), created_by=users["coordinator"],
                )  # fmt: skip
            elif op == "unenrol":
                Enrolment.objects.filter(programme=programmes[a % 3], person=person).delete()
            elif op == "reassign":
                Programme.objects.filter(pk=programmes[a % 3].pk).update(
                    organisation=other_org if b % 2 else carrier
                )
        assert stored() == recount()
        transaction.set_rollback(True)


def _in_thread(fn):
    errors = []

    def run():
        from django.db import connection as thread_connection

        try:
            fn()
        except Exception as exc:  # reported by the test below
            errors.append(exc)
        finally:
            thread_connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["cancel", "mark"])
def test_attendance_racing_a_cancellation_is_never_counted(world, first):
    """One transaction cancels the session while another records the person present, in
    either order: the cancelled session's attendance never reaches the figures."""
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is proven on PostgreSQL (SQLite serialises writes)")
    session, p = world["session"], world["participation"]

    def cancel():
        with transaction.atomic():
            WorkSession.objects.filter(pk=session.pk).update(cancelled=True)
            clock.sleep(0.5 if first == "cancel" else 0)

    def mark():
        with transaction.atomic():
            Participation.objects.filter(pk=p.pk).update(status="present", hours=3, pay_due=30)
            clock.sleep(0.5 if first == "mark" else 0)

    order = [cancel, mark] if first == "cancel" else [mark, cancel]
    one, errors_one = _in_thread(order[0])
    clock.sleep(0.2)
    two, errors_two = _in_thread(order[1])
    one.join(10)
    two.join(10)
    assert not errors_one and not errors_two
    assert stored() == recount()
    row = ProgrammeStat.objects.get(programme=world["programme"], person=p.person)
    assert row.prestations == 0
