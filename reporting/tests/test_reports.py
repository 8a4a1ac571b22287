import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from activity.models import Participation
from audit.models import Action, AuditEvent
from reporting import figures, figures_followup
from reporting.models import ActionItem, Meeting, Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(world, funder_org):
    world["programme"].funders.add(funder_org)
    p = world["participation"]
    p.status, p.hours, p.pay_due = "present", 3, 30
    p.save()
    return world


def test_calendar_has_the_call_for_projects_dates(login, world):
    login("coordinator").post(reverse("reporting:calendar", args=[world["programme"].pk]))
    meetings = list(Meeting.objects.filter(programme=world["programme"]).order_by("date"))
    year = world["programme"].start_date.year
    assert [(m.kind, m.date.month) for m in meetings] == [
        ("costrat", 1),
        ("cosui", 2),
        ("cosui", 5),
        ("cosui", 8),
        ("cosui", 11),
        ("retex", 12),
    ]
    assert meetings[2].period_start.isoformat() == f"{year}-02-01"
    assert meetings[2].period_end.isoformat() == f"{year}-04-30"
    assert meetings[-1].period_end.isoformat() == f"{year}-12-31"
    login("coordinator").post(reverse("reporting:calendar", args=[world["programme"].pk]))
    assert Meeting.objects.filter(programme=world["programme"]).count() == 6


def test_open_actions_are_carried_to_the_next_meeting(login, world):
    client = login("coordinator")
    client.post(reverse("reporting:calendar", args=[world["programme"].pk]))
    first, second = Meeting.objects.filter(programme=world["programme"]).order_by("date")[:2]
    client.post(
        reverse("reporting:decision_add", args=[first.pk]),
        {
            "text": "Trouver deux partenaires",
            "owner": "Coordination",
            "due_date": second.date.isoformat(),
            "status": "open",
        },
    )
    page = client.get(reverse("reporting:meeting", args=[second.pk]))
    assert "Trouver deux partenaires" in page.content.decode()
    item = ActionItem.objects.get()
    client.post(
        reverse("reporting:decision_status", args=[item.pk]),
        {"status": "done", "back": "https://evil.example/"},
    )
    item.refresh_from_db()
    assert item.status == "done"
    assert (
        "Trouver deux partenaires"
        not in client.get(reverse("reporting:meeting", args=[second.pk])).content.decode()
    )


def _generate(client, meeting, **extra):
    return client.post(
        reverse("reporting:generate", args=[meeting.pk]),
        {"threshold": 5, "free_text": "Bonne dynamique", **extra},
    )


def _main(page: str) -> str:
    """The page's content, without the scripts (they carry a fresh nonce each time)."""
    return page.split("<main")[1].split("</main>")[0]


def test_frozen_report_reads_the_same_forever(login, funded):
    meeting = Meeting.objects.create(
        organisation=funded["programme"].organisation,
        programme=funded["programme"],
        kind="cosui",
        date=timezone.localdate(),
    )
    client = login("coordinator")
    response = _generate(client, meeting)
    report = Report.objects.get()
    assert response["Location"] == reverse("reporting:report", args=[report.pk])
    client.get(response["Location"])  # consumes the flash message
    before = client.get(response["Location"]).content.decode()
    Participation.objects.update(hours=1, pay_due=10)  # live data moves on
    after = client.get(response["Location"]).content.decode()
    assert _main(before) == _main(after) and "30,00" in before
    with pytest.raises(RuntimeError):
        report.save()
    Report.objects.filter(pk=report.pk).update(data={**report.data, "free_text": "falsifié"})
    refused = client.get(reverse("reporting:download", args=[report.pk, "pdf"]), follow=True)
    assert "empreinte" in refused.content.decode().lower()
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="reporting.report").exists()


def test_figures_equal_an_independent_recount(funded):
    programme = funded["programme"]
    start, end = programme.start_date, programme.end_date
    data = figures.build(programme, start, end)
    tables = {t["key"]: t for t in data["tables"]}
    worked = [
        p
        for p in Participation.objects.select_related("session")
        if p.status in ("present", "left_early") and not p.session.cancelled
    ]
    assert tables["targets"]["rows"][1][1] == len(worked)
    assert sum(r[1] for r in tables["pay"]["rows"]) == float(sum(p.hours for p in worked))
    assert sum(r[1] for r in tables["domains"]["rows"]) == len(worked)
    statuses = dict((r[0], r[1]) for r in tables["attendance"]["rows"])
    assert statuses["Présent·e"] == len(worked)


def test_funder_sees_only_the_shared_version(login, funded, client, users):
    meeting = Meeting.objects.create(
        organisation=funded["programme"].organisation,
        programme=funded["programme"],
        kind="cosui",
        date=timezone.localdate(),
    )
    _generate(login("coordinator"), meeting)
    report = Report.objects.get()
    raw = login("coordinator").get(reverse("reporting:report", args=[report.pk])).context
    assert any("1" in row for t in raw["tables"] for row in t["rows"])
    funder = login("funder")
    page = funder.get(reverse("reporting:report", args=[report.pk]))
    assert page.context["shared"] is True
    html = page.content.decode()
    assert "&lt; 5" in html
    person = funded["participation"].person
    assert person.code not in html and person.nickname not in html
    for t in page.context["tables"]:
        for row in t["rows"]:
            for cell in row[1:]:
                assert cell not in ("1", "2", "3", "4"), (t["title"], row)
    dash = funder.get(reverse("reporting:dashboard", args=[funded["programme"].pk]))
    assert dash.status_code == 200 and person.code not in dash.content.decode()
    assert funder.get(reverse("reporting:meeting", args=[meeting.pk])).status_code == 404


def test_funder_of_another_programme_gets_404(login, world):
    meeting = Meeting.objects.create(
        organisation=world["programme"].organisation,
        programme=world["programme"],
        kind="cosui",
        date=timezone.localdate(),
    )
    _generate(login("coordinator"), meeting)
    report = Report.objects.get()
    funder = login("funder")  # its organisation does not fund this programme
    assert funder.get(reverse("reporting:report", args=[report.pk])).status_code == 404
    assert funder.get(reverse("reporting:download", args=[report.pk, "xlsx"])).status_code == 404


def test_downloads_in_every_format(login, funded):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    meeting = Meeting.objects.create(
        organisation=funded["programme"].organisation,
        programme=funded["programme"],
        kind="retex",
        date=timezone.localdate() + timedelta(days=1),
    )
    client = login("coordinator")
    _generate(client, meeting, leads="Recruter un second encadrant")
    report = Report.objects.get()
    pdf = client.get(reverse("reporting:download", args=[report.pk, "pdf"]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Retour d'expérience" in text and "Recruter un second encadrant" in text
    assert "Couverture mensuelle" in text
    book = load_workbook(
        io.BytesIO(client.get(reverse("reporting:download", args=[report.pk, "xlsx"])).content)
    )
    # One sheet per table, then the annex of definitions; each sheet opens on its scope.
    assert len(book.sheetnames) == len(report.data["tables"]) + 1
    assert book.sheetnames[-1] == "Définitions"
    first = book[book.sheetnames[0]]
    assert first["A2"].value.startswith("Depuis le début du programme : du ")
    assert "Annexe — définitions" in text and "Sur la période : du " in text
    ods = client.get(reverse("reporting:download", args=[report.pk, "ods"]))
    content = zipfile.ZipFile(io.BytesIO(ods.content)).read("content.xml").decode()
    assert "Orientations et leurs suites" in content
    csv = client.get(reverse("reporting:download", args=[report.pk, "csv"]), {"table": "exits"})
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Sorties par type" and lines[1].startswith("Sur la période : du ")
    assert lines[3].startswith("Type de sortie;Nombre")
    assert client.get(reverse("reporting:download", args=[report.pk, "doc"])).status_code == 404
    assert (
        client.get(
            reverse("reporting:download", args=[report.pk, "csv"]), {"table": "nope"}
        ).status_code
        == 404
    )
    exports = AuditEvent.objects.filter(action=Action.EXPORT, object_type="reporting.report")
    assert exports.count() == 4


def test_cohort_change_is_per_person_and_latest_pathway(funded, users):
    from datetime import date as d

    from pathways.models import Assessment

    person = funded["participation"].person
    common = {
        "sleep": 1,
        "meals_per_day": 1,
        "social_ties": 1,
        "housing": "assore",
        "author": users["health"],
        "person": person,
    }
    year = funded["programme"].start_date.year
    Assessment.objects.create(
        kind="intake",
        cycle=1,
        date=d(year, 1, 5),
        crack_days_last7=6,
        trend="same",
        self_rated_health=2,
        **common,
    )
    Assessment.objects.create(
        kind="m3",
        cycle=1,
        date=d(year, 4, 5),
        crack_days_last7=0,
        trend="stopped",
        self_rated_health=4,
        **common,
    )
    Assessment.objects.create(
        kind="intake",
        cycle=2,
        date=d(year, 6, 5),
        crack_days_last7=5,
        trend="same",
        self_rated_health=2,
        **common,
    )
    Assessment.objects.create(
        kind="m3",
        cycle=2,
        date=d(year, 9, 5),
        crack_days_last7=6,
        trend="more",
        self_rated_health=2,
        **common,
    )
    rows = {
        r[0]: r
        for r in figures_followup.cohort_change(
            Participation.objects.values("person"), d(year, 12, 31)
        )["rows"]
    }
    stopped = next(row for label, row in rows.items() if label.startswith("Ont arrêté"))
    assert stopped[1:] == [0, 1]  # base is one person, their latest pathway says "more"


def test_first_month_counts_when_the_period_starts_mid_month(funded):
    programme = funded["programme"]
    day = funded["session"].date
    data = figures.build(programme, day, day)
    coverage = {t["key"]: t for t in data["tables"]}["coverage"]["rows"]
    assert [row[0] for row in coverage] == [f"{day:%m/%Y}"]
    assert coverage[0][3] == 1


def test_calendar_follows_a_programme_that_starts_in_march(login, world):
    from datetime import date as d

    programme = world["programme"]
    year = programme.start_date.year
    programme.start_date, programme.end_date = d(year, 3, 10), d(year + 1, 3, 9)
    programme.save()
    login("coordinator").post(reverse("reporting:calendar", args=[programme.pk]))
    meetings = list(Meeting.objects.filter(programme=programme).order_by("date"))
    assert [(m.kind, m.date.month) for m in meetings] == [
        ("costrat", 3),
        ("cosui", 4),
        ("cosui", 7),
        ("cosui", 10),
        ("cosui", 1),
        ("retex", 2),
    ]
    assert meetings[1].period_start == d(year, 3, 10)
    assert (meetings[-1].period_start, meetings[-1].period_end) == (
        programme.start_date,
        programme.end_date,
    )


def test_a_meeting_edited_on_an_old_copy_is_refused_and_the_typing_kept(login, world):
    from core.concurrency import STALE_MESSAGE

    meeting = Meeting.objects.create(
        organisation=world["programme"].organisation,
        programme=world["programme"],
        kind="cosui",
        date=timezone.localdate(),
    )
    client = login("coordinator")
    url = reverse("reporting:meeting", args=[meeting.pk])
    form = {"date": meeting.date.isoformat(), "minutes": "Compte rendu A", "version": 1}
    assert client.post(url, form).status_code == 302  # the first writer saves
    stale = client.post(url, {**form, "minutes": "Compte rendu B"})  # opened on version 1
    assert stale.status_code == 200
    page = stale.content.decode()
    assert "Compte rendu B" in page and "a modifié cette fiche" in page
    assert stale.context["form"].non_field_errors() == [STALE_MESSAGE]
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.version) == ("Compte rendu A", 2)
    fresh = client.post(url, {**form, "minutes": "Compte rendu B", "version": 2})
    assert fresh.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Compte rendu B"


def test_committee_decisions_are_managed_by_the_programme_coordinators_only(
    client, login, world, other_org
):
    from conftest import verified_client
    from tests.factories import UserFactory

    meeting = Meeting.objects.create(
        organisation=world["programme"].organisation,
        programme=world["programme"],
        kind="cosui",
        date=timezone.localdate(),
    )
    decision = {"text": "Relancer", "owner": "X", "due_date": "2026-01-01", "status": "open"}
    stranger = UserFactory()
    from accounts.models import Membership

    Membership.objects.create(user=stranger, organisation=other_org, role="coordinator")
    outsider = verified_client(client, stranger)
    url = reverse("reporting:decision_add", args=[meeting.pk])
    assert outsider.post(url, decision).status_code == 404
    assert login("supervisor").post(url, decision).status_code == 404
    assert not ActionItem.objects.exists()
    response = login("coordinator").post(url, decision, follow=True)
    assert "Décision ajoutée." in response.content.decode()
    assert ActionItem.objects.get().meeting == meeting
