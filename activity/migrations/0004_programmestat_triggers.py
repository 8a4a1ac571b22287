"""Install the triggers that keep activity_programmestat (activity.models.ProgrammeStat)
exact in the transaction of every change, then count the existing enrolments and
participations once.

Frozen: every statement below is a literal copy of the SQL activity/stats.py generated when
this migration was written, and nothing here imports application code, so editing the live
module can never change what this migration does on a new database. To change the triggers,
write a new migration that drops these (SQLITE_DOWN / POSTGRES_DOWN) and installs its own
literal SQL. The rule they apply -- a worked participation is one marked present or left
early at a session that is not cancelled -- is Participation.objects.worked();
activity/tests/test_worked.py proves the installed triggers agree with it."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION activity_participation_stat() RETURNS trigger AS $$
BEGIN
    -- FOR SHARE: a session being cancelled meanwhile waits for us, or we see it cancelled.
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
        SELECT g.id, g.organisation_id, OLD.person_id, false, -1, -OLD.hours,
               -OLD.pay_due
        FROM activity_worksession s JOIN activity_programme g ON g.id = s.programme_id
        WHERE s.id = OLD.session_id AND NOT s.cancelled AND OLD.status IN ('present', 'left_early')
        FOR SHARE OF s
        ON CONFLICT (programme_id, person_id) DO UPDATE SET
    prestations = activity_programmestat.prestations + excluded.prestations,
    hours = activity_programmestat.hours + excluded.hours,
    pay = activity_programmestat.pay + excluded.pay;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
        SELECT g.id, g.organisation_id, NEW.person_id, false, 1, NEW.hours,
               NEW.pay_due
        FROM activity_worksession s JOIN activity_programme g ON g.id = s.programme_id
        WHERE s.id = NEW.session_id AND NOT s.cancelled AND NEW.status IN ('present', 'left_early')
        FOR SHARE OF s
        ON CONFLICT (programme_id, person_id) DO UPDATE SET
    prestations = activity_programmestat.prestations + excluded.prestations,
    hours = activity_programmestat.hours + excluded.hours,
    pay = activity_programmestat.pay + excluded.pay;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER activity_participation_stat
    AFTER INSERT OR DELETE OR UPDATE OF session_id, person_id, status, hours, pay_due
    ON activity_participation FOR EACH ROW EXECUTE FUNCTION activity_participation_stat();

CREATE OR REPLACE FUNCTION activity_worksession_stat() RETURNS trigger AS $$
BEGIN
    IF OLD.cancelled IS DISTINCT FROM NEW.cancelled
       OR OLD.programme_id IS DISTINCT FROM NEW.programme_id THEN
        INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
        SELECT g.id, g.organisation_id, p.person_id, false, -count(*), -sum(p.hours),
               -sum(p.pay_due)
        FROM activity_participation p JOIN activity_programme g ON g.id = OLD.programme_id
        WHERE p.session_id = OLD.id AND p.status IN ('present', 'left_early') AND NOT OLD.cancelled
        GROUP BY g.id, g.organisation_id, p.person_id
        ON CONFLICT (programme_id, person_id) DO UPDATE SET
    prestations = activity_programmestat.prestations + excluded.prestations,
    hours = activity_programmestat.hours + excluded.hours,
    pay = activity_programmestat.pay + excluded.pay;
        INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
        SELECT g.id, g.organisation_id, p.person_id, false, count(*), sum(p.hours),
               sum(p.pay_due)
        FROM activity_participation p JOIN activity_programme g ON g.id = NEW.programme_id
        WHERE p.session_id = NEW.id AND p.status IN ('present', 'left_early') AND NOT NEW.cancelled
        GROUP BY g.id, g.organisation_id, p.person_id
        ON CONFLICT (programme_id, person_id) DO UPDATE SET
    prestations = activity_programmestat.prestations + excluded.prestations,
    hours = activity_programmestat.hours + excluded.hours,
    pay = activity_programmestat.pay + excluded.pay;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER activity_worksession_stat
    AFTER UPDATE OF cancelled, programme_id ON activity_worksession
    FOR EACH ROW EXECUTE FUNCTION activity_worksession_stat();

CREATE OR REPLACE FUNCTION activity_enrolment_stat() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
        SELECT g.id, g.organisation_id, OLD.person_id, EXISTS (
                 SELECT 1 FROM activity_enrolment e
                 WHERE e.programme_id = OLD.programme_id AND e.person_id = OLD.person_id),
               0, 0, 0
        FROM activity_programme g WHERE g.id = OLD.programme_id
        ON CONFLICT (programme_id, person_id) DO UPDATE SET enrolled = excluded.enrolled;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
        SELECT g.id, g.organisation_id, NEW.person_id, EXISTS (
                 SELECT 1 FROM activity_enrolment e
                 WHERE e.programme_id = NEW.programme_id AND e.person_id = NEW.person_id),
               0, 0, 0
        FROM activity_programme g WHERE g.id = NEW.programme_id
        ON CONFLICT (programme_id, person_id) DO UPDATE SET enrolled = excluded.enrolled;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER activity_enrolment_stat
    AFTER INSERT OR DELETE OR UPDATE OF programme_id, person_id ON activity_enrolment
    FOR EACH ROW EXECUTE FUNCTION activity_enrolment_stat();

CREATE OR REPLACE FUNCTION activity_programme_stat() RETURNS trigger AS $$
BEGIN
    UPDATE activity_programmestat SET organisation_id = NEW.organisation_id
    WHERE programme_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER activity_programme_stat
    AFTER UPDATE OF organisation_id ON activity_programme
    FOR EACH ROW EXECUTE FUNCTION activity_programme_stat();
"""

POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS activity_programme_stat ON activity_programme;
DROP TRIGGER IF EXISTS activity_enrolment_stat ON activity_enrolment;
DROP TRIGGER IF EXISTS activity_worksession_stat ON activity_worksession;
DROP TRIGGER IF EXISTS activity_participation_stat ON activity_participation;
DROP FUNCTION IF EXISTS activity_programme_stat();
DROP FUNCTION IF EXISTS activity_enrolment_stat();
DROP FUNCTION IF EXISTS activity_worksession_stat();
DROP FUNCTION IF EXISTS activity_participation_stat();
"""

SQLITE_UP = [
    """CREATE TRIGGER activity_participation_stat_insert AFTER INSERT ON activity_participation BEGIN INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
        SELECT g.id, g.organisation_id, NEW.person_id, false, 1, NEW.hours,
               NEW.pay_due
        FROM activity_worksession s JOIN activity_programme g ON g.id = s.programme_id
        WHERE s.id = NEW.session_id AND NOT s.cancelled AND NEW.status IN ('present', 'left_early')

        ON CONFLICT (programme_id, person_id) DO UPDATE SET
    prestations = activity_programmestat.prestations + excluded.prestations,
    hours = activity_programmestat.hours + excluded.hours,
    pay = activity_programmestat.pay + excluded.pay; END;""",
    """CREATE TRIGGER activity_participation_stat_delete AFTER DELETE ON activity_participation BEGIN INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
        SELECT g.id, g.organisation_id, OLD.person_id, false, -1, -OLD.hours,
               -OLD.pay_due
        FROM activity_worksession s JOIN activity_programme g ON g.id = s.programme_id
        WHERE s.id = OLD.session_id AND NOT s.cancelled AND OLD.status IN ('present', 'left_early')

        ON CONFLICT (programme_id, person_id) DO UPDATE SET
    prestations = activity_programmestat.prestations + excluded.prestations,
    hours = activity_programmestat.hours + excluded.hours,
    pay = activity_programmestat.pay + excluded.pay; END;""",
    """CREATE TRIGGER activity_participation_stat_update AFTER UPDATE OF session_id, person_id, status, hours, pay_due ON activity_participation BEGIN INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
        SELECT g.id, g.organisation_id, OLD.person_id, false, -1, -OLD.hours,
               -OLD.pay_due
        FROM activity_worksession s JOIN activity_programme g ON g.id = s.programme_id
        WHERE s.id = OLD.session_id AND NOT s.cancelled AND OLD.status IN ('present', 'left_early')

        ON CONFLICT (programme_id, person_id) DO UPDATE SET
    prestations = activity_programmestat.prestations + excluded.prestations,
    hours = activity_programmestat.hours + excluded.hours,
    pay = activity_programmestat.pay + excluded.pay;INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
        SELECT g.id, g.organisation_id, NEW.person_id, false, 1, NEW.hours,
               NEW.pay_due
        FROM activity_worksession s JOIN activity_programme g ON g.id = s.programme_id
        WHERE s.id = NEW.session_id AND NOT s.cancelled AND NEW.status IN ('present', 'left_early')

        ON CONFLICT (programme_id, person_id) DO UPDATE SET
    prestations = activity_programmestat.prestations + excluded.prestations,
    hours = activity_programmestat.hours + excluded.hours,
    pay = activity_programmestat.pay + excluded.pay; END;""",
    """CREATE TRIGGER activity_worksession_stat AFTER UPDATE OF cancelled, programme_id ON activity_worksession WHEN OLD.cancelled IS NOT NEW.cancelled OR OLD.programme_id IS NOT NEW.programme_id BEGIN INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
        SELECT g.id, g.organisation_id, p.person_id, false, -count(*), -sum(p.hours),
               -sum(p.pay_due)
        FROM activity_participation p JOIN activity_programme g ON g.id = OLD.programme_id
        WHERE p.session_id = OLD.id AND p.status IN ('present', 'left_early') AND NOT OLD.cancelled
        GROUP BY g.id, g.organisation_id, p.person_id
        ON CONFLICT (programme_id, person_id) DO UPDATE SET
    prestations = activity_programmestat.prestations + excluded.prestations,
    hours = activity_programmestat.hours + excluded.hours,
    pay = activity_programmestat.pay + excluded.pay;INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
        SELECT g.id, g.organisation_id, p.person_id, false, count(*), sum(p.hours),
               sum(p.pay_due)
        FROM activity_participation p JOIN activity_programme g ON g.id = NEW.programme_id
        WHERE p.session_id = NEW.id AND p.status IN ('present', 'left_early') AND NOT NEW.cancelled
        GROUP BY g.id, g.organisation_id, p.person_id
        ON CONFLICT (programme_id, person_id) DO UPDATE SET
    prestations = activity_programmestat.prestations + excluded.prestations,
    hours = activity_programmestat.hours + excluded.hours,
    pay = activity_programmestat.pay + excluded.pay; END;""",
    """CREATE TRIGGER activity_enrolment_stat_insert AFTER INSERT ON activity_enrolment BEGIN INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
        SELECT g.id, g.organisation_id, NEW.person_id, EXISTS (
                 SELECT 1 FROM activity_enrolment e
                 WHERE e.programme_id = NEW.programme_id AND e.person_id = NEW.person_id),
               0, 0, 0
        FROM activity_programme g WHERE g.id = NEW.programme_id
        ON CONFLICT (programme_id, person_id) DO UPDATE SET enrolled = excluded.enrolled; END;""",
    """CREATE TRIGGER activity_enrolment_stat_delete AFTER DELETE ON activity_enrolment BEGIN INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
        SELECT g.id, g.organisation_id, OLD.person_id, EXISTS (
                 SELECT 1 FROM activity_enrolment e
                 WHERE e.programme_id = OLD.programme_id AND e.person_id = OLD.person_id),
               0, 0, 0
        FROM activity_programme g WHERE g.id = OLD.programme_id
        ON CONFLICT (programme_id, person_id) DO UPDATE SET enrolled = excluded.enrolled; END;""",
    """CREATE TRIGGER activity_enrolment_stat_update AFTER UPDATE OF programme_id, person_id ON activity_enrolment BEGIN INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
        SELECT g.id, g.organisation_id, OLD.person_id, EXISTS (
                 SELECT 1 FROM activity_enrolment e
                 WHERE e.programme_id = OLD.programme_id AND e.person_id = OLD.person_id),
               0, 0, 0
        FROM activity_programme g WHERE g.id = OLD.programme_id
        ON CONFLICT (programme_id, person_id) DO UPDATE SET enrolled = excluded.enrolled;INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
        SELECT g.id, g.organisation_id, NEW.person_id, EXISTS (
                 SELECT 1 FROM activity_enrolment e
                 WHERE e.programme_id = NEW.programme_id AND e.person_id = NEW.person_id),
               0, 0, 0
        FROM activity_programme g WHERE g.id = NEW.programme_id
        ON CONFLICT (programme_id, person_id) DO UPDATE SET enrolled = excluded.enrolled; END;""",
    """CREATE TRIGGER activity_programme_stat AFTER UPDATE OF organisation_id ON activity_programme BEGIN UPDATE activity_programmestat SET organisation_id = NEW.organisation_id
    WHERE programme_id = NEW.id; END;""",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS activity_participation_stat_insert;",
    "DROP TRIGGER IF EXISTS activity_participation_stat_delete;",
    "DROP TRIGGER IF EXISTS activity_participation_stat_update;",
    "DROP TRIGGER IF EXISTS activity_worksession_stat;",
    "DROP TRIGGER IF EXISTS activity_enrolment_stat_insert;",
    "DROP TRIGGER IF EXISTS activity_enrolment_stat_delete;",
    "DROP TRIGGER IF EXISTS activity_enrolment_stat_update;",
    "DROP TRIGGER IF EXISTS activity_programme_stat;",
]

REBUILD = ["DELETE FROM activity_programmestat", """INSERT INTO activity_programmestat (programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)
    SELECT g.id, g.organisation_id, x.person_id, max(x.enrolled) = 1, sum(x.n), sum(x.hours),
           sum(x.pay)
    FROM (
        SELECT programme_id, person_id, 1 AS enrolled, 0 AS n, 0 AS hours, 0 AS pay
        FROM activity_enrolment
        UNION ALL
        SELECT s.programme_id, p.person_id, 0, 1, p.hours, p.pay_due
        FROM activity_participation p JOIN activity_worksession s ON s.id = p.session_id
        WHERE p.status IN ('present', 'left_early') AND NOT s.cancelled
    ) x JOIN activity_programme g ON g.id = x.programme_id
    GROUP BY g.id, g.organisation_id, x.person_id"""]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)
    with schema_editor.connection.cursor() as cursor:
        for statement in REBUILD:
            cursor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("activity", "0003_programmestat")]
    operations = [migrations.RunPython(forwards, backwards)]
