"""The floor: for each benchmarked page, hand-written SQL returning the same figures, the
best a person writing PostgreSQL by hand would do. bench/run checks both give the same
answer before it compares their times."""

from django.db import connection

from activity.models.sessions import WORKED_STATUSES_SQL

# The status half of activity.models.sessions.worked_sql; each query says how the session
# must be held (in its WHERE, or in a LEFT JOIN's ON).
WORKED = f"p.status IN {WORKED_STATUSES_SQL}"


def _all(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def overview(org_id=None, today=None, by="programme"):
    """Per programme or per organisation and in total, over one organisation's programmes
    or all of them, from the same summary table the application reads."""
    key = {"programme": "programme_id", "organisation": "organisation_id"}[by]
    scope = "WHERE organisation_id = %(org)s" if org_id else ""
    params = {"org": org_id, "today": today}
    stats = _all(
        f"""SELECT {key}, count(DISTINCT person_id) FILTER (WHERE enrolled),
                   count(DISTINCT person_id) FILTER (WHERE prestations > 0),
                   sum(prestations), sum(hours), sum(pay)
            FROM activity_programmestat {scope} GROUP BY GROUPING SETS (({key}), ())""",
        params,
    )
    held = _all(
        f"""SELECT {key}, count(*) FROM activity_worksession
            WHERE NOT cancelled AND date <= %(today)s {scope.replace("WHERE", "AND")}
            GROUP BY {key}""",
        params,
    )
    return stats, held


def programme_dashboard(programme_id, today, month_first, month_last, min_sessions):
    p = {
        "p": programme_id,
        "today": today,
        "first": month_first,
        "last": month_last,
        "min": min_sessions,
    }
    summary = _all(
        f"""SELECT count(*) FILTER (WHERE p.status <> 'invited'),
                   count(*) FILTER (WHERE {WORKED}),
                   coalesce(sum(p.hours) FILTER (WHERE {WORKED}), 0),
                   coalesce(sum(p.pay_due) FILTER (WHERE {WORKED}), 0),
                   count(DISTINCT p.person_id) FILTER (WHERE {WORKED}),
                   (SELECT count(*) FILTER (WHERE date <= %(today)s) FROM activity_worksession
                    WHERE programme_id = %(p)s AND NOT cancelled),
                   (SELECT count(*) FILTER (WHERE date > %(today)s) FROM activity_worksession
                    WHERE programme_id = %(p)s AND NOT cancelled),
                   (SELECT count(DISTINCT person_id) FROM activity_enrolment
                    WHERE programme_id = %(p)s),
                   (SELECT count(*) FROM activity_awarenesssession WHERE programme_id = %(p)s),
                   (SELECT count(DISTINCT a.person_id) FROM activity_awarenessattendance a
                    JOIN activity_awarenesssession s ON s.id = a.session_id
                    WHERE s.programme_id = %(p)s)
            FROM activity_participation p JOIN activity_worksession s ON s.id = p.session_id
            WHERE s.programme_id = %(p)s AND NOT s.cancelled""",
        p,
    )
    breakdowns = _all(
        f"""SELECT 'domain', d.name, count(*), count(DISTINCT p.person_id), sum(p.hours)
            FROM activity_participation p JOIN activity_worksession s ON s.id = p.session_id
            JOIN activity_worksite w ON w.id = s.worksite_id
            JOIN activity_domain d ON d.id = w.domain_id
            WHERE s.programme_id = %(p)s AND NOT s.cancelled AND {WORKED} GROUP BY d.name
            UNION ALL
            SELECT 'partner', coalesce(r.name, 'Sans partenaire'), count(*),
                   count(DISTINCT p.person_id), sum(p.hours)
            FROM activity_participation p JOIN activity_worksession s ON s.id = p.session_id
            LEFT JOIN activity_partner r ON r.id = s.partner_id
            WHERE s.programme_id = %(p)s AND NOT s.cancelled AND {WORKED} GROUP BY r.name""",
        p,
    )
    todo = _all(
        f"""SELECT x.code, x.nickname, count(DISTINCT p.id) FILTER (WHERE s.id IS NOT NULL)
            FROM activity_enrolment e JOIN people_person x ON x.id = e.person_id
            LEFT JOIN activity_participation p ON p.person_id = e.person_id AND {WORKED}
            LEFT JOIN activity_worksession s ON s.id = p.session_id AND s.programme_id = %(p)s
                 AND NOT s.cancelled AND s.date BETWEEN %(first)s AND %(last)s
            WHERE e.programme_id = %(p)s AND e.start_date <= %(last)s
              AND (e.end_date IS NULL OR e.end_date >= %(first)s)
            GROUP BY x.code, x.nickname
            HAVING count(DISTINCT p.id) FILTER (WHERE s.id IS NOT NULL) < %(min)s
            ORDER BY 3, 1""",
        p,
    )
    return summary, monthly(programme_id, today, min_sessions), breakdowns, todo


def monthly(programme_id, until, min_sessions):
    """Month by month: enrolled, at the minimum, prestations, hours, pay."""
    return _all(
        f"""WITH g AS (SELECT start_date, end_date FROM activity_programme WHERE id = %(p)s),
            months AS (
              SELECT m::date AS m, (m + interval '1 month - 1 day')::date AS last
              FROM g, generate_series(date_trunc('month', g.start_date),
                                      least(g.end_date, %(until)s), interval '1 month') AS m),
            w AS (SELECT date_trunc('month', s.date)::date AS m, p.person_id, p.hours, p.pay_due
                  FROM activity_participation p JOIN activity_worksession s ON s.id = p.session_id
                  WHERE s.programme_id = %(p)s AND NOT s.cancelled AND {WORKED}),
            per AS (SELECT m, count(*) AS n, sum(hours) AS h, sum(pay_due) AS pay
                    FROM w GROUP BY m),
            reach AS (SELECT m, count(*) AS n FROM
                        (SELECT m, person_id FROM w GROUP BY m, person_id
                         HAVING count(*) >= %(min)s) x GROUP BY m)
            SELECT months.m,
                   (SELECT count(DISTINCT e.person_id) FROM activity_enrolment e
                    WHERE e.programme_id = %(p)s AND e.start_date <= months.last
                      AND (e.end_date IS NULL OR e.end_date >= months.m)),
                   coalesce(reach.n, 0), coalesce(per.n, 0), coalesce(per.h, 0),
                   coalesce(per.pay, 0)
            FROM months LEFT JOIN per USING (m) LEFT JOIN reach USING (m) ORDER BY months.m""",
        {"p": programme_id, "until": until, "min": min_sessions},
    )


PERSON_SCOPE = "(x.organisation_id = %(org)s OR x.id = ANY(%(shared)s))"
SHARED = """SELECT h.person_id FROM people_share h JOIN people_person hp ON hp.id = h.person_id
    WHERE h.organisation_id = %(org)s AND h.revoked_at IS NULL AND hp.consent_share_partners"""


def person_list(org_id, today, query=None, code=None, limit=25):
    """Persons a coordinator of the organisation may open (its own, and files shared with
    it), newest first, with eligibility, as the list shows them; query: code or nickname."""
    search = ""
    params = {"org": org_id, "today": today, "limit": limit}
    params["shared"] = [r[0] for r in _all(SHARED, params)]
    if query:
        search = "AND (x.code = %(code)s OR x.code ILIKE %(like)s OR x.nickname ILIKE %(like)s)"
        params["like"] = f"%{query}%"
        params["code"] = code or query
    count = _all(f"SELECT count(*) FROM people_person x WHERE {PERSON_SCOPE} {search}", params)
    age = """(extract(year FROM %(today)s::date) * 12 + extract(month FROM %(today)s::date) - 1
              - (x.birth_year * 12 + x.birth_month - 1))"""
    rows = _all(
        f"""SELECT x.code, x.nickname, o.name, t.name,
                   coalesce({age} >= 216 AND {age} < 612
                    AND (x.right_to_work IN ('french', 'eu')
                         OR (x.right_to_work = 'permit' AND x.permit_valid_until >= %(today)s))
                    AND x.assore_housed
                    AND (x.housed_since IS NULL OR x.housed_since <= %(today)s), false)
                   OR EXISTS (SELECT 1 FROM people_eligibilityoverride v
                              WHERE v.person_id = x.id AND v.revoked_at IS NULL)
            FROM people_person x JOIN accounts_organisation o ON o.id = x.organisation_id
            LEFT JOIN accounts_team t ON t.id = x.team_id
            WHERE {PERSON_SCOPE} {search}
            ORDER BY x.created_at DESC, x.id DESC LIMIT %(limit)s""",
        params,
    )
    return count[0][0], rows


# An administrator reads the organisation's events and, from the day an account joined the
# organisation, that account's sign-in events (which belong to no organisation): three
# branches, each read through its own index.
JOURNAL_BRANCHES = [
    "SELECT e.id, e.at FROM audit_auditevent e WHERE e.organisation_id = %(org)s",
    """SELECT e.id, e.at FROM audit_auditevent e
       JOIN accounts_membership m ON m.user_id = e.actor_id
       WHERE m.organisation_id = %(org)s AND e.organisation_id IS NULL AND m.created_at <= e.at""",
    """SELECT e.id, e.at FROM accounts_membership m JOIN accounts_user u ON u.id = m.user_id
       JOIN audit_auditevent e ON upper(e.actor_email) = upper(u.email)
       WHERE m.organisation_id = %(org)s AND e.actor_id IS NULL AND e.organisation_id IS NULL
         AND m.created_at <= e.at""",
]


def journal(org_id, limit=50):
    """An organisation administrator's first page of the audit journal, and its count."""
    params = {"org": org_id, "limit": limit}
    count = _all(
        "SELECT " + " + ".join(f"(SELECT count(*) FROM ({b}) x)" for b in JOURNAL_BRANCHES),
        params,
    )
    page = " UNION ALL ".join(
        f"({b} ORDER BY e.at DESC, e.id DESC LIMIT %(limit)s)" for b in JOURNAL_BRANCHES
    )
    rows = _all(f"SELECT id FROM ({page}) x ORDER BY at DESC, id DESC LIMIT %(limit)s", params)
    return count[0][0], [r[0] for r in rows]


def timeline(person_id, levels):
    """Everything the viewer sees on one person's timeline (own organisation, clinical
    role): one UNION for the plain entries, then the notes, opened as the app opens them."""
    from core import crypto

    entries = _all(
        """SELECT e.start_date, 'enrolment' FROM activity_enrolment e
             JOIN activity_programme g ON g.id = e.programme_id WHERE e.person_id = %(x)s
           UNION ALL SELECT s.date, 'session' FROM activity_participation p
             JOIN activity_worksession s ON s.id = p.session_id
             JOIN activity_worksite w ON w.id = s.worksite_id WHERE p.person_id = %(x)s
           UNION ALL SELECT (y.paid_at AT TIME ZONE 'UTC')::date, 'payment'
             FROM activity_payment y JOIN activity_participation p ON p.id = y.participation_id
             WHERE p.person_id = %(x)s
           UNION ALL SELECT s.date, 'awareness' FROM activity_awarenessattendance a
             JOIN activity_awarenesssession s ON s.id = a.session_id WHERE a.person_id = %(x)s
           UNION ALL SELECT date, 'assessment' FROM pathways_assessment WHERE person_id = %(x)s
           UNION ALL SELECT (created_at AT TIME ZONE 'UTC')::date, 'goal' FROM pathways_goal
             WHERE person_id = %(x)s
           UNION ALL SELECT r.date, 'referral' FROM pathways_referral r
             JOIN pathways_service v ON v.id = r.service_id WHERE r.person_id = %(x)s
           UNION ALL SELECT date, 'case' FROM pathways_casemeeting WHERE person_id = %(x)s
           UNION ALL SELECT date, 'exit' FROM pathways_exit WHERE person_id = %(x)s""",
        {"x": person_id},
    )
    for day, uid, key_id, wrapped, sealed in _all(
        """SELECT date, uid, key_id, wrapped_key, ciphertext FROM pathways_note
           WHERE person_id = %s AND level = ANY(%s)""",
        [person_id, list(levels)],
    ):
        envelope = crypto.Envelope(key_id, bytes(wrapped), bytes(sealed))
        crypto.decrypt(envelope, f"pathways.note:{uid}".encode())
        entries.append((day, "note"))
    return sorted(entries)
