"""The floor for a committee report's figures (reporting/figures.py): hand-written SQL, the
numbers of every table in the order the report shows them."""

from activity.models.sessions import Attendance
from bench.floors import WORKED, _all, monthly
from pathways.models import Exit, Referral, Service

PERIOD = "s.programme_id = %(p)s AND NOT s.cancelled AND s.date BETWEEN %(start)s AND %(end)s"
ENROLLED_THAT_DAY = """x.person_id IN (SELECT person_id FROM activity_enrolment
                     WHERE programme_id = %(p)s)
    AND EXISTS (SELECT 1 FROM activity_enrolment e
    WHERE e.programme_id = %(p)s AND e.person_id = x.person_id AND e.start_date <= x.date
      AND (e.end_date IS NULL OR e.end_date >= x.date))"""


def build(programme, start, end):
    p = {"p": programme.pk, "start": start, "end": end, "pstart": programme.start_date}
    (enrolled, in_period, cumulative, aw, aw_people, alt, alt_people) = _all(
        f"""SELECT
              (SELECT count(DISTINCT person_id) FROM activity_enrolment
               WHERE programme_id = %(p)s AND start_date <= %(end)s),
              count(*) FILTER (WHERE s.date >= %(start)s),
              count(*),
              (SELECT count(*) FROM activity_awarenesssession
               WHERE programme_id = %(p)s AND date BETWEEN %(start)s AND %(end)s),
              (SELECT count(DISTINCT a.person_id) FROM activity_awarenessattendance a
               JOIN activity_awarenesssession s ON s.id = a.session_id
               WHERE s.programme_id = %(p)s AND s.date BETWEEN %(start)s AND %(end)s),
              (SELECT count(*) FROM activity_alternativeactivity
               WHERE programme_id = %(p)s AND date BETWEEN %(start)s AND %(end)s),
              (SELECT count(DISTINCT ap.person_id) FROM activity_alternativeactivity_participants ap
               JOIN activity_alternativeactivity a ON a.id = ap.alternativeactivity_id
               WHERE a.programme_id = %(p)s AND a.date BETWEEN %(start)s AND %(end)s)
            FROM activity_participation p JOIN activity_worksession s ON s.id = p.session_id
            WHERE s.programme_id = %(p)s AND NOT s.cancelled AND {WORKED}
              AND s.date BETWEEN %(pstart)s AND %(end)s""",
        p,
    )[0]
    first_month = start.replace(day=1)
    months = [
        m
        for m in monthly(programme.pk, end, programme.min_sessions_per_month)
        if first_month <= m[0] <= end
    ]
    status = dict(
        _all(
            f"""SELECT p.status, count(*) FROM activity_participation p
                JOIN activity_worksession s ON s.id = p.session_id
                WHERE {PERIOD} AND p.status <> 'invited' GROUP BY p.status""",
            p,
        )
    )
    by_label = _all(
        f"""SELECT 'domains', d.name, count(*) FROM activity_participation p
            JOIN activity_worksession s ON s.id = p.session_id
            JOIN activity_worksite w ON w.id = s.worksite_id
            JOIN activity_domain d ON d.id = w.domain_id
            WHERE {PERIOD} AND {WORKED} GROUP BY d.name
            UNION ALL
            SELECT 'partners', coalesce(r.name, 'Sans partenaire'), count(*)
            FROM activity_participation p JOIN activity_worksession s ON s.id = p.session_id
            LEFT JOIN activity_partner r ON r.id = s.partner_id
            WHERE {PERIOD} AND {WORKED} GROUP BY 2 ORDER BY 1, 2""",
        p,
    )
    grid = {
        (kind, outcome): n
        for kind, outcome, n in _all(
            f"""SELECT v.kind, COALESCE(
                  (SELECT o.outcome FROM pathways_referraloutcome o WHERE o.referral_id = x.id
                     AND o.recorded_at < %(day_after)s ORDER BY o.recorded_at DESC, o.id DESC
                     LIMIT 1),
                  (SELECT o.outcome FROM pathways_referraloutcome o WHERE o.referral_id = x.id
                     ORDER BY o.recorded_at, o.id LIMIT 1),
                  x.outcome) AS outcome, count(*)
                FROM pathways_referral x
                JOIN pathways_service v ON v.id = x.service_id
                WHERE x.date BETWEEN %(start)s AND %(end)s AND {ENROLLED_THAT_DAY}
                GROUP BY 1, 2""",
            {**p, "day_after": _day_after(p["end"])},
        )
    }
    exits = dict(
        _all(
            f"""SELECT x.kind, count(*) FROM pathways_exit x
                WHERE x.date BETWEEN %(start)s AND %(end)s AND {ENROLLED_THAT_DAY}
                GROUP BY x.kind""",
            p,
        )
    )
    base, using, not_using, less, stopped, sleep, health = cohort(p)
    # Paid: payments net of reversals on worked participations, by month of the session.
    paid = dict(
        _all(
            f"""SELECT date_trunc('month', s.date)::date, sum(y.amount)
                FROM activity_payment y JOIN activity_participation p ON p.id = y.participation_id
                JOIN activity_worksession s ON s.id = p.session_id
                WHERE {PERIOD} AND {WORKED} GROUP BY 1""",
            p,
        )
    )
    return {
        "targets": [
            [enrolled, programme.target_persons],
            [in_period, None],
            [cumulative, programme.target_sessions],
        ],
        "coverage": [[e, r, n] for _, e, r, n, _, _ in months],
        "pay": [[h, pay, paid.get(m, 0), pay - paid.get(m, 0)] for m, *_, h, pay in months],
        "attendance": [
            [status.get(v, 0)] for v, _ in Attendance.choices if v != Attendance.INVITED
        ],
        "awareness": [[aw, aw_people], [alt, alt_people]],
        "domains": [[n] for key, _, n in by_label if key == "domains"],
        "partners": [[n] for key, _, n in by_label if key == "partners"],
        "referrals": [
            [grid.get((kind, o), 0) for o, _ in Referral.Outcome.choices]
            for kind, _ in Service.Kind.choices
        ],
        "exits": [[exits.get(kind, 0)] for kind, _ in Exit.Kind.choices],
        "cohort": [
            [using, base],
            [not_using, base],
            [less, using],
            [stopped, using],
            [sleep, base],
            [health, base],
        ],
        "profile": profile(p),
    }


def profile(p):
    """Persons enrolled since the start, by age band at their first enrolment (rows) and
    gender (columns), as reporting/figures_profile.py lays them out."""
    cells = [[0] * 3 for _ in range(5)]
    for band, col, n in _all(
        """WITH firsts AS (
             SELECT person_id, min(start_date) AS first FROM activity_enrolment
             WHERE programme_id = %(p)s AND start_date <= %(end)s GROUP BY person_id),
           aged AS (
             SELECT x.gender, x.birth_year IS NULL OR x.birth_month IS NULL AS unknown,
                    floor(((extract(year FROM f.first) - x.birth_year) * 12
                           + extract(month FROM f.first) - x.birth_month) / 12) AS age
             FROM firsts f JOIN people_person x ON x.id = f.person_id)
           SELECT CASE WHEN unknown THEN 4 WHEN age BETWEEN 18 AND 24 THEN 0
                       WHEN age BETWEEN 25 AND 34 THEN 1 WHEN age BETWEEN 35 AND 50 THEN 2
                       ELSE 3 END,
                  CASE gender WHEN 'female' THEN 0 WHEN 'male' THEN 1 ELSE 2 END, count(*)
           FROM aged GROUP BY 1, 2""",
        p,
    ):
        cells[band][col] = n
    return cells


def _day_after(end):
    """Midnight after the period's last day, local time: the outcome known by then."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    return timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))


def cohort(p):
    """Per enrolled person, the intake of their latest pathway against that pathway's
    latest later assessment."""
    return _all(
        """WITH persons AS (
             SELECT DISTINCT person_id FROM activity_enrolment WHERE programme_id = %(p)s),
           intake AS (
             SELECT a.* FROM pathways_assessment a JOIN persons USING (person_id)
             WHERE a.kind = 'intake' AND a.date <= %(end)s AND NOT EXISTS (
               SELECT 1 FROM pathways_assessment b WHERE b.person_id = a.person_id
                 AND b.kind = 'intake' AND b.cycle > a.cycle AND b.date <= %(end)s)),
           pairs AS (
             SELECT i.person_id, i.sleep, i.self_rated_health, i.crack_days_last7 AS intake_days,
                    l.crack_days_last7 AS last_days,
                    l.sleep AS last_sleep, l.self_rated_health AS last_health
             FROM intake i CROSS JOIN LATERAL (
               SELECT * FROM pathways_assessment l
               WHERE l.person_id = i.person_id AND l.cycle = i.cycle AND l.kind <> 'intake'
                 AND l.date >= i.date AND l.date <= %(end)s
               ORDER BY l.date DESC, l.id DESC LIMIT 1) l)
           SELECT count(DISTINCT person_id),
                  count(DISTINCT person_id) FILTER (WHERE intake_days > 0),
                  count(DISTINCT person_id) FILTER (WHERE intake_days = 0),
                  count(DISTINCT person_id) FILTER (WHERE intake_days > 0
                                                     AND last_days < intake_days),
                  count(DISTINCT person_id) FILTER (WHERE intake_days > 0 AND last_days = 0),
                  count(DISTINCT person_id) FILTER (WHERE last_sleep > sleep),
                  count(DISTINCT person_id) FILTER (WHERE last_health > self_rated_health)
           FROM pairs""",
        p,
    )[0]
