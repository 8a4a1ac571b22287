"""Recount activity_programmestat (activity.models.ProgrammeStat) from enrolments and
participations.

The rows are kept exact by database triggers, in the transaction of every change (an
enrolment added or removed, attendance recorded or corrected, a session cancelled or moved,
a programme moved to another organisation). Those triggers are installed by migration
activity/0004, which holds its own frozen copy of their SQL: this live module never decides
what an old migration does. To change the triggers, write a new migration with the new
SQL in it (literal strings), and keep REBUILD below in step with it.

rebuild() is for after a bulk load made with the triggers off (bench/generate.py), and for
the tests, which compare the trigger-kept rows with a recount."""

from django.db import connection

from activity.models.sessions import worked_sql

COLUMNS = "(programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)"

REBUILD = f"""INSERT INTO activity_programmestat {COLUMNS}
    SELECT g.id, g.organisation_id, x.person_id, max(x.enrolled) = 1, sum(x.n), sum(x.hours),
           sum(x.pay)
    FROM (
        SELECT programme_id, person_id, 1 AS enrolled, 0 AS n, 0 AS hours, 0 AS pay
        FROM activity_enrolment
        UNION ALL
        SELECT s.programme_id, p.person_id, 0, 1, p.hours, p.pay_due
        FROM activity_participation p JOIN activity_worksession s ON s.id = p.session_id
        WHERE {worked_sql("p", "s")}
    ) x JOIN activity_programme g ON g.id = x.programme_id
    GROUP BY g.id, g.organisation_id, x.person_id"""


def rebuild(using=connection) -> None:
    """Recount every row from enrolments and participations."""
    with using.cursor() as cursor:
        cursor.execute("DELETE FROM activity_programmestat")
        cursor.execute(REBUILD)
