"""The publication ledger (issue 15): everything a funder can see is suppressed jointly —
tables of one report, successive reports, the RETEX and the dashboard — and read frozen."""

import itertools
from datetime import date, time
from decimal import Decimal

import pytest
from django.urls import reverse

from activity.models import (
    Domain,
    Enrolment,
    Participation,
    Partner,
    Programme,
    WorkSession,
    Worksite,
)
from core.dates import month_end
from people.models import Gender
from reporting import figures, ledger
from reporting.models import Meeting, Publication, Report
from reporting.views import _hour_bars
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

YEAR = date.today().year - 1  # a whole year, every month of it closed


class Year:
    """A programme of last year, built row by row: `sessions(month, n, ...)` adds n sessions
    in a month, each worked by the persons given."""

    def __init__(self, carrier, users, name="Programme du registre", persons=6):
        self.carrier, self.users = carrier, users
        self.programme = Programme.objects.create(
            organisation=carrier,
            name=name,
            start_date=date(YEAR, 1, 1),
            end_date=date(YEAR, 12, 31),
        )
        self.places = {}
        genders = itertools.cycle([Gender.FEMALE, Gender.MALE, Gender.OTHER])
        ages = itertools.cycle([20, 30, 40, 45, 60])
        self.persons = []
        for _ in range(persons):
            person = PersonFactory(
                organisation=carrier,
                created_by=users["coordinator"],
                gender=next(genders),
                birth_year=YEAR - next(ages),
            )
            self.persons.append(person)
        self.counter = itertools.count()

    def enrol(self, person, month):
        Enrolment.objects.create(
            programme=self.programme,
            person=person,
            start_date=date(YEAR, month, 1),
            created_by=self.users["coordinator"],
        )

    def worksite(self, domain, partner):
        if (domain, partner) not in self.places:
            p = Partner.objects.get_or_create(
                organisation=self.carrier, name=partner, defaults={"kind": "association"}
            )[0]
            self.places[(domain, partner)] = Worksite.objects.create(
                organisation=self.carrier,
                name=f"{domain} / {partner} / {self.programme.pk}",
                kind="workshop",
                domain=Domain.objects.get_or_create(name=domain, organisation=None)[0],
                partner=p,
                address="1 rue Fictive",
                postal_code="75019",
                commune="Paris",
                station="Stalingrad",
                walking_minutes=5,
            )
        return self.places[(domain, partner)]

    def sessions(self, month, n, persons, domain="Couture", partner="Régie", status="present"):
        site = self.worksite(domain, partner)
        for _ in range(n):
            day = date(YEAR, month, 1 + next(self.counter) % 27)
            session = WorkSession.objects.create(
                organisation=self.carrier,
                programme=self.programme,
                worksite=site,
                partner=site.partner,
                supervisor=self.users["supervisor"],
                date=day,
                start_time=time(9, 0),
                end_time=time(12, 0),
                places=8,
                hourly_rate=Decimal("10.00"),
                created_by=self.users["supervisor"],
            )
            for person in persons:
                Participation.objects.create(
                    session=session, person=person, status=status, hours=3, pay_due=30
                )

    def report(self, kind, first, last):
        """A committee report on months first..last, generated and published as the
        application does (its shared version published at generation)."""
        start, end = date(YEAR, first, 1), month_end(date(YEAR, last, 1))
        meeting = Meeting.objects.create(
            organisation=self.carrier,
            programme=self.programme,
            kind=kind,
            date=end,
            period_start=start,
            period_end=end,
        )
        report = Report.objects.create(
            meeting=meeting,
            generated_by=self.users["coordinator"],
            period_start=start,
            period_end=end,
            threshold=ledger.policy(self.programme).threshold,
            data=figures.build(self.programme, start, end),
        )
        return ledger.for_report(report)

    def dashboard(self, closed_month):
        """The funders' dashboard as seen in the month after `closed_month`."""
        seen_on = date(YEAR + (closed_month == 12), closed_month % 12 + 1, 10)
        return ledger.for_dashboard(self.programme, seen_on)


def table(publication, key):
    return next(t for t in publication.tables if t["key"] == key)


def cell(publication, key, label, column=1):
    return next(row[column] for row in table(publication, key)["rows"] if row[0] == label)


def test_a_two_session_month_cannot_be_recovered_from_the_other_tables(carrier, users):
    y = Year(carrier, users)
    one = y.persons[:1]
    for p in y.persons:
        y.enrol(p, 1)
    y.sessions(1, 10, one)
    y.sessions(2, 2, one)
    y.sessions(3, 8, one)
    q1 = y.report("cosui", 1, 3)
    assert cell(q1, "coverage", f"02/{YEAR}", 3) == "< 5"
    # The other months are shown; the period's total — the same cell in the targets, the
    # domain, partner and attendance tables — is hidden everywhere, so 10 + x + 8 is unknown.
    assert cell(q1, "coverage", f"01/{YEAR}", 3) == "10"
    assert cell(q1, "coverage", f"03/{YEAR}", 3) == "8"
    assert cell(q1, "targets", "Prestations sur la période") == "s"
    assert cell(q1, "domains", "Total") == "s" and cell(q1, "domains", "Couture") == "s"
    assert cell(q1, "partners", "Total") == "s" and cell(q1, "attendance", "Présent·e") == "s"
    pay = {row[0]: row[1:] for row in table(q1, "pay")["rows"]}
    assert pay[f"02/{YEAR}"] == ["s"] * 4 and pay[f"01/{YEAR}"][0] == "30,00"
    from reporting.tests.test_intruder import exact_cells

    assert exact_cells([q1.tables]) == []


def test_a_month_of_six_sessions_leaves_every_total_shown(carrier, users):
    """The twin: nothing small, nothing hidden."""
    y = Year(carrier, users)
    for p in y.persons:
        y.enrol(p, 1)
    for month, n in ((1, 10), (2, 6), (3, 8)):
        y.sessions(month, n, y.persons[:1])
    q1 = y.report("cosui", 1, 3)
    assert cell(q1, "coverage", f"02/{YEAR}", 3) == "6"
    assert cell(q1, "targets", "Prestations sur la période") == "24"
    assert cell(q1, "domains", "Total") == "24"


def test_successive_reports_the_retex_and_the_dashboard_cannot_be_differenced(carrier, users):
    y = Year(carrier, users)
    for p in y.persons:
        y.enrol(p, 1)
    y.sessions(1, 7, y.persons[:1])
    y.sessions(2, 6, y.persons[:1], partner="Mairie")
    y.sessions(3, 2, y.persons[:1], domain="Cuisine")
    y.sessions(5, 9, y.persons[:1])
    publications = [y.dashboard(1), y.report("cosui", 1, 1), y.dashboard(3)]
    publications += [y.report("cosui", 2, 4), y.dashboard(6), y.report("cosui", 5, 7)]
    publications += [y.report("retex", 1, 12), y.dashboard(12)]
    from reporting.tests.test_intruder import exact_cells

    assert exact_cells([p.tables for p in publications]) == []
    # The small month reads "< 5" in every publication that shows it…
    retex = publications[-2]
    assert cell(retex, "coverage", f"03/{YEAR}", 3) == "< 5"
    assert cell(publications[3], "coverage", f"03/{YEAR}", 3) == "< 5"
    # …and what is safe stays shown, identically, wherever it is repeated (the twin).
    assert cell(retex, "coverage", f"01/{YEAR}", 3) == "7"
    assert cell(publications[1], "coverage", f"01/{YEAR}", 3) == "7"
    # A month's count, where shown, is the true one in every publication.
    truth = {f"0{m}/{YEAR}": str(n) for m, n in ((1, 7), (2, 6), (4, 0), (5, 9))}
    for p in publications:
        for row in table(p, "coverage")["rows"]:
            assert row[3] in (truth.get(row[0], "0"), "s", "< 5"), row


def test_the_dashboard_shows_closed_months_and_agrees_with_the_report(carrier, users):
    y = Year(carrier, users)
    for p in y.persons:
        y.enrol(p, 1)
    y.sessions(1, 7, y.persons[:1])
    y.sessions(2, 3, y.persons[:2])
    y.sessions(3, 9, y.persons[:1])
    y.sessions(4, 6, y.persons[:1])  # April: not closed when the dashboard is seen in April
    q1 = y.report("cosui", 1, 3)
    dash = ledger.for_dashboard(y.programme, date(YEAR, 4, 20))
    assert dash.period_end == date(YEAR, 3, 31)
    months = [row[0] for row in table(dash, "coverage")["rows"]]
    assert months == [f"0{m}/{YEAR}" for m in (1, 2, 3)]
    assert table(dash, "coverage")["rows"] == table(q1, "coverage")["rows"]
    assert ledger.for_dashboard(y.programme, date(YEAR, 4, 28)).pk == dash.pk  # reused
    assert ledger.for_dashboard(y.programme, date(YEAR, 1, 20)) is None  # nothing closed yet


def test_the_funder_dashboard_page_reads_the_publication(login, world, funder_org):
    programme = world["programme"]
    programme.funders.add(funder_org)
    Programme.objects.filter(pk=programme.pk).update(
        start_date=date(YEAR, 1, 1), end_date=date(YEAR, 12, 31)
    )
    page = login("funder").get(reverse("reporting:dashboard", args=[programme.pk]))
    assert page.status_code == 200 and "Mois clos du 01/01/" in page.content.decode()
    assert Publication.objects.filter(programme=programme, kind="dashboard").count() == 1
    login("funder").get(reverse("reporting:dashboard", args=[programme.pk]))
    assert Publication.objects.filter(programme=programme, kind="dashboard").count() == 1


def test_the_shared_report_reads_the_same_a_month_later(login, world, funder_org):
    programme = world["programme"]
    programme.funders.add(funder_org)
    p = world["participation"]
    p.status, p.hours, p.pay_due = "present", 3, 30
    p.save()
    meeting = Meeting.objects.create(
        organisation=programme.organisation,
        programme=programme,
        kind="cosui",
        date=world["session"].date,
    )
    login("coordinator").post(
        reverse("reporting:generate", args=[meeting.pk]), {"threshold": 5, "free_text": ""}
    )
    report = Report.objects.get()
    url = reverse("reporting:report", args=[report.pk])
    before = login("funder").get(url).context["tables"]
    # A month later: more work recorded, and the small count would now be safe to show.
    for _ in range(6):
        person = PersonFactory(organisation=programme.organisation)
        Participation.objects.create(session=world["session"], person=person, status="present")
    after = login("funder").get(url).context["tables"]
    assert after == before
    assert Publication.objects.filter(report=report).count() == 1
    # The twin: a report generated now is published with the new figures.
    meeting2 = Meeting.objects.create(
        organisation=programme.organisation,
        programme=programme,
        kind="retex",
        date=world["session"].date,
    )
    login("coordinator").post(
        reverse("reporting:generate", args=[meeting2.pk]), {"threshold": 5, "free_text": ""}
    )
    newer = Publication.objects.get(report__meeting=meeting2)
    assert newer.tables != before


def test_threshold_below_three_is_refused_by_its_field(login, world):
    meeting = Meeting.objects.create(
        organisation=world["programme"].organisation,
        programme=world["programme"],
        kind="cosui",
        date=world["session"].date,
    )
    client = login("coordinator")
    page = client.post(
        reverse("reporting:generate", args=[meeting.pk]), {"threshold": 2, "free_text": "Mot"}
    )
    assert page.status_code == 200
    assert page.context["generate_form"].errors["threshold"] == [
        "Le seuil ne peut être inférieur à 3."
    ]
    assert "Mot" in page.content.decode()  # what was typed is kept
    assert not Report.objects.exists() and not Publication.objects.exists()
    # The twin: 3 is accepted and becomes the programme's threshold.
    done = client.post(reverse("reporting:generate", args=[meeting.pk]), {"threshold": 3})
    assert done.status_code == 302 and Report.objects.get().threshold == 3
    assert ledger.threshold_of(world["programme"]) == 3


def test_threshold_is_frozen_after_a_first_publication(login, world):
    meeting = Meeting.objects.create(
        organisation=world["programme"].organisation,
        programme=world["programme"],
        kind="cosui",
        date=world["session"].date,
    )
    client = login("coordinator")
    client.post(reverse("reporting:generate", args=[meeting.pk]), {"threshold": 7})
    assert Publication.objects.get().threshold == 7
    page = client.post(reverse("reporting:generate", args=[meeting.pk]), {"threshold": 5})
    assert page.status_code == 200
    [message] = page.context["generate_form"].errors["threshold"]
    assert message.startswith("Le seuil de ce programme est de 7 depuis sa première publication")
    assert Report.objects.count() == 1
    # The twin: the programme's own threshold is accepted, and offered by the form.
    assert (
        client.get(reverse("reporting:meeting", args=[meeting.pk]))
        .context["generate_form"]
        .initial["threshold"]
        == 7
    )
    done = client.post(reverse("reporting:generate", args=[meeting.pk]), {"threshold": 7})
    assert done.status_code == 302 and Report.objects.count() == 2


def test_the_shared_hours_chart_has_no_bar_for_a_hidden_month(carrier, users):
    y = Year(carrier, users)
    y.enrol(y.persons[0], 1)
    y.sessions(1, 6, y.persons[:1])
    y.sessions(2, 2, y.persons[:1])
    publication = y.report("cosui", 1, 2)
    report = publication.report
    shared = dict(
        (label, (text, width))
        for label, text, width in _hour_bars(report, publication.tables, True)
    )
    assert shared[f"02/{YEAR}"] == ("s", 0) and shared[f"01/{YEAR}"][0] == "18,0"
    # The team's own version keeps the exact figure (the twin).
    exact = dict((label, (text, width)) for label, text, width in _hour_bars(report, None, False))
    assert exact[f"02/{YEAR}"][0] == "6,0" and exact[f"02/{YEAR}"][1] > 0


def test_every_released_count_is_the_sum_of_its_atoms(carrier, users):
    """Each count of every table — referrals and their outcomes, exits, awareness,
    coverage, profile — is written with the atoms it sums, none left as an unknown of its
    own (which would let two publications be differenced unseen). The twin: a count whose
    atoms do not add up (a table frozen in another shape) becomes an unknown of its own."""
    from activity.models import AwarenessAttendance, AwarenessSession
    from pathways.models import Exit, Referral, Service

    y = Year(carrier, users)
    for p in y.persons:
        y.enrol(p, 1)
    y.sessions(1, 6, y.persons[:2])
    y.sessions(2, 3, y.persons[:1], domain="Cuisine", status="left_early")
    service = Service.objects.create(organisation=carrier, name="FT", kind="employment")
    for i, person in enumerate(y.persons[:4]):
        Referral.objects.create(
            person=person,
            service=service,
            date=date(YEAR, 1 + i % 2, 10),
            outcome="accepted" if i % 2 else "pending",
            author=users["social_worker"],
        )
    Exit.objects.create(
        person=y.persons[5], date=date(YEAR, 2, 20), kind="employment", author=users["coordinator"]
    )
    awareness = AwarenessSession.objects.create(
        programme=y.programme,
        date=date(YEAR, 2, 3),
        theme="t",
        facilitator="f",
        created_by=users["coordinator"],
    )
    AwarenessAttendance.objects.create(session=awareness, person=y.persons[2])
    start, end = date(YEAR, 1, 1), date(YEAR, 3, 31)
    raw = figures.build(y.programme, start, end)["tables"]
    released = ledger.release(y.programme, raw, start, end)
    unknowns = [
        (raw[i]["key"], pos)
        for i, positions in enumerate(released.positions)
        for pos, (atoms, _value) in positions.items()
        if any(a.startswith("raw|") for a in atoms)
    ]
    assert unknowns == []
    keys = {raw[i]["key"] for i, p in enumerate(released.positions) if p}
    assert {"referrals", "exits", "awareness", "coverage", "profile", "cohort"} <= keys
    referrals = released.positions[[t["key"] for t in raw].index("referrals")]
    assert any(v == 4 for _atoms, v in referrals.values())  # the grand total
    # The twin: the same table with a figure that its atoms do not make.
    raw[[t["key"] for t in raw].index("exits")]["rows"][0][1] = 9
    odd = ledger.release(y.programme, raw, start, end)
    exits = odd.positions[[t["key"] for t in raw].index("exits")]
    assert any(a.startswith("raw|") for atoms, _v in exits.values() for a in atoms)
