"""One definition of a worked participation (present or left early, at a session that was
held), spelt three ways -- Participation.objects.worked(), worked_q(), worked_sql() -- and
frozen once more in the triggers of migration activity/0004. These tests prove they agree:
on a generated dataset, and after any sequence of the writes the application makes
(enrol, invite, mark, correct, pay, reverse, cancel, end an enrolment), on whichever
database the suite runs (SQLite by default, PostgreSQL with DATABASE_URL)."""

import ast
import importlib
import random
import uuid
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from activity import indicators, stats
from activity.models import (
    Attendance,
    Contract,
    Enrolment,
    Participation,
    Programme,
    WorkSession,
)
from activity.models.sessions import WORKED, worked_q, worked_sql
from activity.services import payments as pay_service
from activity.services import programmes as programme_service
from activity.services import sessions as session_service
from activity.tests.test_programme_stats import recount, stored
from core.actor import Actor
from core.concurrency import StaleEdit
from people.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

MIGRATION = "activity.migrations.0004_programmestat_triggers"


def _sessions(world, programmes, count):
    """Sessions of the world's programme and of the others, one hour each, never
    overlapping, today."""
    base = world["session"]
    sessions = [base]
    for k in range(1, count):
        s = WorkSession.objects.get(pk=base.pk)
        s.pk, s.programme = None, programmes[k % len(programmes)]
        s.start_time, s.end_time = time(12 + k), time(13 + k)
        s.save()
        sessions.append(s)
    return sessions


def _persons(world, users, carrier, count):
    persons = [world["participation"].person]
    for _ in range(count - 1):
        person = PersonFactory(organisation=carrier, created_by=users["coordinator"])
        Contract.objects.create(
            organisation=carrier,
            person=person,
            period_start=world["programme"].start_date,
            period_end=world["programme"].end_date,
            status="signed",
            signed_on=world["programme"].start_date,
            created_by=users["payroll"],
        )
        persons.append(person)
    return persons


def _second_programme(world, carrier):
    first = world["programme"]
    return Programme.objects.create(
        organisation=carrier, name="Deuxième", start_date=first.start_date, end_date=first.end_date
    )


def raw_worked_counts() -> dict:
    """The SQL spelling, read straight from the tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT s.programme_id, p.person_id, count(*), sum(p.hours), sum(p.pay_due)
                FROM activity_participation p JOIN activity_worksession s ON s.id = p.session_id
                WHERE {worked_sql("p", "s")} GROUP BY s.programme_id, p.person_id"""  # noqa: S608
        )
        return {
            (g, p): (n, Decimal(str(h)), Decimal(str(pay))) for g, p, n, h, pay in cursor.fetchall()
        }


def orm_worked_counts() -> dict:
    rows = (
        Participation.objects.worked()
        .values_list("session__programme_id", "person_id")
        .annotate(n=Count("id"), hours=Sum("hours"), pay=Sum("pay_due"))
        .order_by()
    )
    return {(g, p): (n, Decimal(h), Decimal(pay)) for g, p, n, h, pay in rows}


def test_every_spelling_agrees_on_a_generated_dataset(world, users, carrier):
    """Statuses of every kind, some sessions cancelled: the queryset, the Q reached across a
    relation, the SQL, the trigger-kept rows, the live recount and the dashboard agree."""
    rng = random.Random(12)
    programme = world["programme"]
    programmes = [programme, _second_programme(world, carrier)]
    sessions = _sessions(world, programmes, 6)
    persons = _persons(world, users, carrier, 5)
    Participation.objects.all().delete()
    for session in sessions:
        for person in rng.sample(persons, 4):
            status = rng.choice(Attendance.values)
            worked = status in WORKED
            Participation.objects.create(
                session=session,
                person=person,
                status=status,
                hours=Decimal(rng.randint(1, 12)) / 4 if worked else 0,
                pay_due=Decimal(rng.randint(1, 60)) if worked else 0,
            )
    for session in rng.sample(sessions, 2):
        WorkSession.objects.filter(pk=session.pk).update(cancelled=True)

    expected = {
        (p.session.programme_id, p.person_id)
        for p in Participation.objects.select_related("session")
        if p.status in ("present", "left_early") and not p.session.cancelled
    }
    assert expected  # the dataset has work in it, and work that does not count
    assert Participation.objects.exclude(worked_q()).exists()

    orm = orm_worked_counts()
    assert set(orm) == expected
    assert raw_worked_counts() == orm
    triggers = {k: v[2:] for k, v in stored().items() if v[2]}
    assert triggers == orm
    assert stored() == recount()
    stats.rebuild()
    assert stored() == recount()
    # Reached across a relation (persons -> their participations), the Q counts the same.
    per_person = dict(
        Participation.objects.worked().values_list("person_id").annotate(n=Count("id")).order_by()
    )
    across = Person.objects.filter(pk__in=[p.pk for p in persons]).annotate(
        n=Count("participations", filter=worked_q("participations__"))
    )
    assert {p.pk: p.n for p in across if p.n} == per_person
    summary = indicators.summary(programme, date.today())
    assert summary["prestations"] == sum(v[0] for (g, _), v in orm.items() if g == programme.pk)


def test_the_trigger_migration_is_frozen():
    """The migration carries its SQL as literals and imports no application code, so editing
    activity/stats.py or the models never changes what it installs."""
    module = importlib.import_module(MIGRATION)
    tree = ast.parse(Path(module.__file__).read_text())
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert all(name.startswith("django") for name in imported), imported
    # Its worked rule and its recount are those of today's live definition.
    assert "status IN ('present', 'left_early')" in module.POSTGRES_UP
    assert module.REBUILD[1] == stats.REBUILD


def _installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall() if "_stat" in row[0]}


def test_the_migration_installs_the_triggers():
    names = _installed_triggers()
    if connection.vendor == "sqlite":
        assert len(names) == 8
    else:
        assert names == {
            "activity_participation_stat",
            "activity_worksession_stat",
            "activity_enrolment_stat",
            "activity_programme_stat",
        }


# --- any sequence of the application's writes ------------------------------------------

REASON = "Ajustement décidé avec l'encadrant·e"
OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "enrol",
                "invite",
                "invite",
                "present",
                "absent",
                "mark",
                "correct",
                "pay",
                "reverse",
                "cancel",
                "end_enrolment",
                "stale",
            ]
        ),  # fmt: skip
        st.integers(0, 3),  # session
        st.integers(0, 2),  # person
        st.sampled_from([s for s in Attendance.values if s != Attendance.INVITED]),
        st.integers(1, 12),  # quarter hours, or euros
    ),
    min_size=1,
    max_size=20,
)


def _apply(op, session, person, status, n, actor):
    participation = Participation.objects.filter(session=session, person=person).first()
    programme = session.programme
    if op == "enrol":
        programme_service.enrol(
            actor, programme, person, programme.start_date, "Dérogation accordée en comité"
        )
    elif op == "end_enrolment":
        enrolment = Enrolment.objects.filter(
            programme=programme, person=person, end_date__isnull=True
        ).first()
        if enrolment:
            programme_service.end_enrolment(actor, enrolment, session.date - timedelta(days=n))
    elif op == "invite":
        session_service.invite(actor, session, person)
    elif op == "cancel":
        session_service.cancel(actor, session, "Intempéries : chantier fermé.")
    elif participation is None:
        return
    elif op in ("present", "absent", "mark", "stale"):
        session_service.mark(
            actor,
            participation,
            status={"present": "present", "absent": "absent"}.get(op, status),
            hours=None,
            pay=None,
            pay_reason="",
            version=participation.version - (op == "stale"),
        )
    elif op == "correct":
        session_service.mark(
            actor,
            participation,
            status=Attendance.LEFT_EARLY if n < 12 else Attendance.PRESENT,
            hours=Decimal(n) / 4,
            pay=Decimal(n),
            pay_reason=REASON,
            version=participation.version,
        )
    elif op == "pay":
        pay_service.pay(
            actor,
            participation,
            key=uuid.uuid4(),
            amount=participation.pay_due,
            method="cash",
            paid_at=timezone.now(),
        )
    elif op == "reverse":
        standing = pay_service.open_payment(participation)
        if standing:
            pay_service.reverse(actor, standing, key=uuid.uuid4(), reason=REASON)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_any_sequence_of_service_writes_keeps_programmestat_equal_to_a_recount(
    operations, world, users, carrier
):
    """Whatever the services accept or refuse, in whatever order, the rows the installed
    triggers keep equal a full recomputation: by the Python definition, and by the SQL
    one (stats.rebuild)."""
    actor = Actor(user=users["coordinator"], where="test")
    with transaction.atomic():
        programmes = [world["programme"], _second_programme(world, carrier)]
        sessions = _sessions(world, programmes, 4)
        persons = _persons(world, users, carrier, 3)
        for person in persons[1:]:
            Enrolment.objects.create(
                programme=programmes[0],
                person=person,
                start_date=programmes[0].start_date,
                created_by=users["coordinator"],
            )
        for op, s, p, status, n in operations:
            try:
                with transaction.atomic():
                    _apply(op, sessions[s], persons[p], status, n, actor)
                event(f"{op} accepted")
            except (ValidationError, StaleEdit, pay_service.AlreadyPaid):
                event(f"{op} refused")  # refused: nothing written
            sessions[s].refresh_from_db()
        kept = stored()
        assert kept == recount()
        stats.rebuild()
        assert stored() == kept
        transaction.set_rollback(True)


def test_no_other_copy_of_the_rule():
    """Figures filter on worked participations through the definition, not a copy of it."""
    root = Path(django_settings.BASE_DIR)
    copies = []
    for app in ("activity", "reporting", "plan", "bench", "pathways", "people", "demo"):
        for path in (root / app).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            text = path.read_text()
            for pattern in ("status__in=WORKED", "IN ('present', 'left_early')"):
                if pattern in text:
                    copies.append(f"{path.relative_to(root)}: {pattern}")
    assert copies == []
