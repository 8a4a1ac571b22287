"""Triggers that keep activity_programmestat (activity.models.ProgrammeStat) equal to a
recount of enrolments and participations, in the same transaction as every change: an
enrolment added or removed, attendance recorded or corrected, a participation added or
removed, a session cancelled or moved, a programme moved to another organisation.

They are database triggers, not application code, so that no write path (a service, the
demo loader, a bulk update, a test factory) can forget them. PostgreSQL is production;
SQLite is the embedded default: both get the same rules in their own dialect."""

from django.db import connection

WORKED = "('present', 'left_early')"
COLUMNS = "(programme_id, organisation_id, person_id, enrolled, prestations, hours, pay)"
INSERT = f"INSERT INTO activity_programmestat {COLUMNS}"
ADD_WORK = """ON CONFLICT (programme_id, person_id) DO UPDATE SET
    prestations = activity_programmestat.prestations + excluded.prestations,
    hours = activity_programmestat.hours + excluded.hours,
    pay = activity_programmestat.pay + excluded.pay"""
SET_ENROLLED = "ON CONFLICT (programme_id, person_id) DO UPDATE SET enrolled = excluded.enrolled"


def _session_work(session, sign):
    """Every worked participation of a session, added (+) or taken away (-). The WHERE
    before ON CONFLICT keeps SQLite from reading ON as a join condition."""
    return f"""{INSERT}
        SELECT g.id, g.organisation_id, p.person_id, false, {sign}count(*), {sign}sum(p.hours),
               {sign}sum(p.pay_due)
        FROM activity_participation p JOIN activity_programme g ON g.id = {session}.programme_id
        WHERE p.session_id = {session}.id AND p.status IN {WORKED} AND NOT {session}.cancelled
        GROUP BY g.id, g.organisation_id, p.person_id
        {ADD_WORK};"""


def _participation_work(row, sign, lock=""):
    return f"""{INSERT}
        SELECT g.id, g.organisation_id, {row}.person_id, false, {sign}1, {sign}{row}.hours,
               {sign}{row}.pay_due
        FROM activity_worksession s JOIN activity_programme g ON g.id = s.programme_id
        WHERE s.id = {row}.session_id AND NOT s.cancelled AND {row}.status IN {WORKED}
        {lock}
        {ADD_WORK};"""


def _enrolment(row):
    """The pair's enrolled flag, read again from the enrolments (after any change)."""
    return f"""{INSERT}
        SELECT g.id, g.organisation_id, {row}.person_id, EXISTS (
                 SELECT 1 FROM activity_enrolment e
                 WHERE e.programme_id = {row}.programme_id AND e.person_id = {row}.person_id),
               0, 0, 0
        FROM activity_programme g WHERE g.id = {row}.programme_id
        {SET_ENROLLED};"""


MOVE_PROGRAMME = """UPDATE activity_programmestat SET organisation_id = NEW.organisation_id
    WHERE programme_id = NEW.id;"""

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION activity_participation_stat() RETURNS trigger AS $$
BEGIN
    -- FOR SHARE: a session being cancelled meanwhile waits for us, or we see it cancelled.
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {_participation_work("OLD", "-", "FOR SHARE OF s")}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_participation_work("NEW", "", "FOR SHARE OF s")}
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
        {_session_work("OLD", "-")}
        {_session_work("NEW", "")}
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
        {_enrolment("OLD")}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_enrolment("NEW")}
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER activity_enrolment_stat
    AFTER INSERT OR DELETE OR UPDATE OF programme_id, person_id ON activity_enrolment
    FOR EACH ROW EXECUTE FUNCTION activity_enrolment_stat();

CREATE OR REPLACE FUNCTION activity_programme_stat() RETURNS trigger AS $$
BEGIN
    {MOVE_PROGRAMME}
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

SQLITE_TRIGGERS = {
    "activity_participation_stat_insert": (
        "AFTER INSERT ON activity_participation",
        _participation_work("NEW", ""),
    ),
    "activity_participation_stat_delete": (
        "AFTER DELETE ON activity_participation",
        _participation_work("OLD", "-"),
    ),
    "activity_participation_stat_update": (
        "AFTER UPDATE OF session_id, person_id, status, hours, pay_due ON activity_participation",
        _participation_work("OLD", "-") + _participation_work("NEW", ""),
    ),
    "activity_worksession_stat": (
        "AFTER UPDATE OF cancelled, programme_id ON activity_worksession "
        "WHEN OLD.cancelled IS NOT NEW.cancelled OR OLD.programme_id IS NOT NEW.programme_id",
        _session_work("OLD", "-") + _session_work("NEW", ""),
    ),
    "activity_enrolment_stat_insert": ("AFTER INSERT ON activity_enrolment", _enrolment("NEW")),
    "activity_enrolment_stat_delete": ("AFTER DELETE ON activity_enrolment", _enrolment("OLD")),
    "activity_enrolment_stat_update": (
        "AFTER UPDATE OF programme_id, person_id ON activity_enrolment",
        _enrolment("OLD") + _enrolment("NEW"),
    ),
    "activity_programme_stat": (
        "AFTER UPDATE OF organisation_id ON activity_programme",
        MOVE_PROGRAMME,
    ),
}

REBUILD = f"""{INSERT}
    SELECT g.id, g.organisation_id, x.person_id, max(x.enrolled) = 1, sum(x.n), sum(x.hours),
           sum(x.pay)
    FROM (
        SELECT programme_id, person_id, 1 AS enrolled, 0 AS n, 0 AS hours, 0 AS pay
        FROM activity_enrolment
        UNION ALL
        SELECT s.programme_id, p.person_id, 0, 1, p.hours, p.pay_due
        FROM activity_participation p JOIN activity_worksession s ON s.id = p.session_id
        WHERE p.status IN {WORKED} AND NOT s.cancelled
    ) x JOIN activity_programme g ON g.id = x.programme_id
    GROUP BY g.id, g.organisation_id, x.person_id"""


def install(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        for name, (when, body) in SQLITE_TRIGGERS.items():
            schema_editor.execute(f"CREATE TRIGGER {name} {when} BEGIN {body} END;")


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name};")


def rebuild(using=connection) -> None:
    """Recount every row from enrolments and participations (after a bulk load made with
    the triggers off, or to check them: tests compare a recount with the rows)."""
    with using.cursor() as cursor:
        cursor.execute("DELETE FROM activity_programmestat")
        cursor.execute(REBUILD)
