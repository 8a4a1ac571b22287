"""What bench/run times: each page's database work as the application does it, next to the
hand-written SQL floor, and a way to check that both found the same figures."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.paginator import Paginator

from accounts.journal import journal_for
from accounts.models import Membership, Organisation
from accounts.roles import Role
from activity import indicators
from activity.models import Participation, Programme
from bench import floors
from bench.world import TODAY
from core.dates import month_bounds
from pathways import timeline, visibility
from people.codes import normalise_code
from people.models import Person
from reporting import figures


@dataclass
class Scenario:
    name: str
    goal_ms: float
    app: object  # callable returning comparable figures
    floor: object  # callable returning the same figures from hand-written SQL, or None
    max_ratio: float | None = None
    setup: object = None  # callable run once before timing a scenario without a floor


def _num(value):
    return Decimal(value or 0).quantize(Decimal("0.01"))


class Subjects:
    """One organisation of median size, its busiest current programme and staff."""

    def __init__(self):
        org = Organisation.objects.exclude(kind="funder").order_by("pk")
        self.org = org[org.count() // 2]
        busiest = (
            Participation.objects.filter(
                session__programme__organisation=self.org, session__date__lte=TODAY
            )
            .values("session__programme")
            .order_by("-session__programme__end_date", "session__programme")
            .first()
        )
        self.programme = Programme.objects.get(pk=busiest["session__programme"])

        def member(role):
            m = Membership.objects.filter(organisation=self.org, role=role).order_by("pk")[0]
            return m.user

        self.coordinator = member(Role.COORDINATOR)
        self.social_worker = member(Role.SOCIAL_WORKER)
        self.admin = member(Role.ORG_ADMIN)
        self.person = (
            Person.objects.filter(organisation=self.org, enrolments__programme=self.programme)
            .order_by("pk")
            .first()
        )
        self.code_typed = self.person.code.replace("-", "").lower()
        self.nickname = (
            Person.objects.filter(organisation=self.org).exclude(nickname="").first().nickname
        )
        self.nickname_part = self.nickname.split()[0].lower()


def overview_app(organisations, by="programme"):
    data = indicators.overview(TODAY, organisations, by)
    return {
        pk: (r["enrolled"], r["persons"], r["prestations"], _num(r["hours"]), _num(r["pay"]),
             r["held"])
        for pk, r in (*data["groups"].items(), (None, data["totals"]))
    }  # fmt: skip


def overview_floor(org_id, by="programme"):
    stats, held = floors.overview(org_id, TODAY, by)
    held = dict(held)
    held[None] = sum(held.values())
    result = {pk: (0, 0, 0, _num(0), _num(0), n) for pk, n in held.items()}
    for pk, enrolled, persons, n, hours, pay in stats:
        result[pk] = (enrolled, persons, n or 0, _num(hours), _num(pay), held.get(pk, 0))
    return result


def dashboard_app(programme):
    current = min(max(TODAY, programme.start_date), programme.end_date).replace(day=1)
    s = indicators.summary(programme, TODAY)
    months = indicators.monthly(programme, TODAY)
    breakdowns = [
        (kind, r["label"], r["prestations"], r["persons"], _num(r["hours"]))
        for kind, field, label in (
            ("domain", "session__worksite__domain__name", "—"),
            ("partner", "session__partner__name", "Sans partenaire"),
        )
        for r in indicators.breakdown(programme, field, label)
    ]
    todo = [
        (r["person__code"], r["person__nickname"], r["sessions"])
        for r in indicators.below_minimum(programme, current)
    ]
    return (
        (s["attendance_recorded"], s["prestations"], _num(s["hours"]), _num(s["pay"]),
         s["persons_worked"], s["sessions_held"], s["sessions_planned"], s["enrolled"],
         s["awareness_sessions"], s["awareness_people"]),
        [(m.month, m.enrolled, m.reached_minimum, m.prestations, _num(m.hours), _num(m.pay))
         for m in months],
        sorted(breakdowns),
        todo,
    )  # fmt: skip


def dashboard_floor(programme):
    current = min(max(TODAY, programme.start_date), programme.end_date).replace(day=1)
    first, last = month_bounds(current)
    summary, months, breakdowns, todo = floors.programme_dashboard(
        programme.pk, TODAY, first, last, programme.min_sessions_per_month
    )
    s = list(summary[0])
    s[2], s[3] = _num(s[2]), _num(s[3])
    return (
        tuple(s),
        [(m, e, r, n, _num(h), _num(p)) for m, e, r, n, h, p in months],
        sorted((k, label, n, persons, _num(h)) for k, label, n, persons, h in breakdowns),
        [tuple(r) for r in todo],
    )


def quarter(programme):
    """The last quarter of the programme that has begun."""
    end = min(TODAY, programme.end_date)
    start = month_bounds(date(end.year, (end.month - 1) // 3 * 3 + 1, 1))[0]
    return max(start, programme.start_date), end


def report_app(programme):
    start, end = quarter(programme)
    data = figures.build(programme, start, end)
    return {t["key"]: [[_cell(c) for c in row] for row in t["rows"]] for t in data["tables"]}


def _cell(value):
    return _num(value) if isinstance(value, float | Decimal) else value


def person_list_app(user, query=None):
    persons = (
        Person.objects.visible_to(user)
        .with_eligibility(TODAY)
        .select_related("organisation", "team")
        .order_by("-created_at", "-pk")
    )
    if query:
        persons = persons.search(query)
    page = Paginator(persons, 25).get_page(1)
    rows = [
        (p.code, p.nickname, p.organisation.name, p.team.name if p.team else None, p.is_eligible)
        for p in page.object_list
    ]
    return page.paginator.count, rows


def person_search_floor(org_id, query):
    return floors.person_list(org_id, TODAY, query, normalise_code(query))


def timeline_app(user, person):
    access = visibility.access(user, person)
    return [(e.day, e.kind, e.title, e.detail) for e in timeline.build(person, access)]


def journal_app(admin):
    page = Paginator(journal_for(admin), 50).get_page(1)
    return page.paginator.count, [e.pk for e in page.object_list]


def year_programme():
    """The busiest programme with a whole year closed before the bench's day: the largest
    ledger a RETEX is published against."""
    from django.db.models import Count

    from core.dates import add_months

    return (
        Programme.objects.filter(start_date__lte=add_months(month_bounds(TODAY)[0], -12))
        .annotate(n=Count("work_sessions"))
        .order_by("-n", "pk")
        .first()
    )


def ledger_year(programme, user):
    """The subject programme's ledger as a year of committees leaves it: the funders'
    dashboard at each closed month and the COSUI reports whose period is over. Written in
    the bench database the first time (each is published once), then reused."""
    from core.dates import month_start
    from reporting import ledger
    from reporting.models import PROGRAMME_CALENDAR, Meeting, MeetingKind, Report

    if programme is None:
        return
    first = programme.start_date.replace(day=1)
    for offset in range(len(programme.months())):
        if month_start(first, offset + 1) <= TODAY:  # months closed by the bench's day
            ledger.for_dashboard(programme, month_start(first, offset + 1))
    for kind, offset, covered in PROGRAMME_CALENDAR:
        if kind != MeetingKind.COSUI or not isinstance(covered, tuple):
            continue
        start = max(month_start(first, covered[0]), programme.start_date)
        end = month_start(first, covered[1] + 1) - timedelta(days=1)
        if (
            end > min(TODAY, programme.end_date)
            or Report.objects.filter(
                meeting__programme=programme, period_start=start, period_end=end
            ).exists()
        ):
            continue
        meeting = Meeting.objects.create(
            organisation=programme.organisation,
            programme=programme,
            kind=kind,
            date=month_start(first, offset),
            period_start=start,
            period_end=end,
        )
        report = Report.objects.create(
            meeting=meeting,
            generated_by=user,
            period_start=start,
            period_end=end,
            threshold=ledger.policy(programme).threshold,
            data=figures.build(programme, start, end),
        )
        ledger.for_report(report)


def retex_publish_app(programme, user):
    """Generate the RETEX (the programme up to its last closed month) and publish its
    shared version against the ledger — rolled back, so every run publishes against the
    same year. Returns the number of cells released."""
    from django.db import transaction

    from reporting import ledger
    from reporting.models import Meeting, MeetingKind, Report

    end = ledger.last_closed_day(programme, TODAY) if programme else None
    if end is None:
        return 0
    with transaction.atomic():
        meeting = Meeting.objects.create(
            organisation=programme.organisation,
            programme=programme,
            kind=MeetingKind.RETEX,
            date=TODAY,
            period_start=programme.start_date,
            period_end=end,
        )
        report = Report.objects.create(
            meeting=meeting,
            generated_by=user,
            period_start=programme.start_date,
            period_end=end,
            threshold=ledger.policy(programme).threshold,
            data=figures.build(programme, programme.start_date, end),
        )
        released = len(ledger.for_report(report).cells["cells"])
        transaction.set_rollback(True)
    return released
