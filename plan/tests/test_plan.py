import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import Membership
from accounts.roles import Role
from activity.models import Participation
from plan import loader, services
from plan.models import Action, Blocker, Indicator, IndicatorValue, Plan, Step
from plan.periods import parse
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
# The protocol as published (a copy of shared/seeds/001_…, kept beside its transcription).
SEED = (Path(__file__).resolve().parents[1] / "data" / "protocole_plan_crack_2019.txt").read_text(
    encoding="utf-8"
)


@pytest.fixture
def plan():
    plan, _ = loader.load()
    return plan


def test_the_protocol_is_transcribed_whole(plan):
    actions = Action.objects.filter(objective__axis__plan=plan).order_by("number")
    assert [a.number for a in actions] == list(range(1, 34))
    assert plan.axes.count() == 4
    numbers = sorted(o.number for a in plan.axes.all() for o in a.objectives.all())
    assert numbers == [
        "1.1",
        "1.2",
        "1.3",
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "2.5",
        "3.1",
        "3.2",
        "3.3",
        "3.4",
        "4.1",
        "4.2",
    ]
    for action in actions:  # every title is the seed's, word for word
        assert f"Action {action.number} : {action.title}" in SEED, action.number
    sample = actions.get(number=1)
    assert sample.pilots_funders == "ARS, Ville de Paris, MILDECA"
    assert sample.operators == "CAARUD"
    assert "Nombre de maraudes" in [i.name for i in sample.indicators.all()]
    assert sample.objective_text.split("\n")[0] in SEED
    assert loader.load()[1] is False  # loading twice changes nothing


def test_periods_are_read_from_the_wording():
    assert parse("1er semestre 2019", 2019, 2021) == (date(2019, 1, 1), date(2019, 6, 30))
    assert parse("2ème semestre 2019", 2019, 2021) == (date(2019, 7, 1), date(2019, 12, 31))
    assert parse("2020/2021", 2019, 2021) == (date(2020, 1, 1), date(2021, 12, 31))
    assert parse("Septembre 2019", 2019, 2021) == (date(2019, 9, 1), date(2019, 9, 30))
    assert parse("", 2019, 2021) == (date(2019, 1, 1), date(2021, 12, 31))


def test_late_is_derived_not_typed(plan):
    step = Step.objects.filter(action__objective__axis__plan=plan).first()
    assert step.display_status(step.planned_end) == "not_started"
    assert step.display_status(date(2030, 1, 1)) == "late"
    step.status = "done"
    assert step.display_status(date(2030, 1, 1)) == "done"


@pytest.fixture
def steered(plan, carrier):
    """The plan with the carrier in its steering group: the carrier's steering
    administrator (conftest's users) administers it."""
    plan.organisations.add(carrier)
    return plan


@pytest.fixture
def pilot(plan, client):
    org = OrganisationFactory(name="ARS (démo)")
    user = UserFactory(email="pilote@test.sentier")
    Membership.objects.create(user=user, organisation=org, role=Role.COORDINATOR)
    action = Action.objects.get(objective__axis__plan=plan, number=1)
    action.editors.add(org)
    plan.organisations.add(org)
    from conftest import verified_client

    return verified_client(client, user), action


def test_values_are_checked_and_corrections_keep_history(pilot):
    client, action = pilot
    indicator = action.indicators.first()  # yearly count
    url = reverse("plan:value_add", args=[indicator.pk])
    bad_type = client.post(url, {"period_start": "2020-01-01", "value": "beaucoup"}, follow=True)
    assert (
        "n&#x27;est pas un nombre" in bad_type.content.decode()
        or "pas un nombre" in bad_type.content.decode()
    )
    bad_period = client.post(url, {"period_start": "2020-03-01", "value": "12"}, follow=True)
    assert "commence le 1er janvier" in bad_period.content.decode()
    fraction = client.post(url, {"period_start": "2020-01-01", "value": "12,5"}, follow=True)
    assert "entiers" in fraction.content.decode()
    assert not IndicatorValue.objects.exists()
    client.post(url, {"period_start": "2020-01-01", "value": "120"})
    client.post(url, {"period_start": "2020-01-01", "value": "125"})
    assert IndicatorValue.objects.count() == 2
    assert services.value_for(indicator, date(2020, 1, 1)) == 125


def test_action_22_figures_are_computed_from_sentier(plan, world):
    p = world["participation"]
    Participation.objects.filter(pk=p.pk).update(status="present", hours=3, pay_due=30)
    action = Action.objects.get(objective__axis__plan=plan, number=22)
    persons, sessions = action.indicators.order_by("pk")
    assert persons.source == Indicator.Source.PERSONS_WORKED
    year = date(p.session.date.year, 1, 1)
    # One person: shown under the small-count rule, like every figure readers outside the
    # team see; the underlying computation is exact.
    assert services.value_for(persons, year) == "< 5"
    assert services.computed_value(persons, year) == 1
    assert services.value_for(sessions, year) == 1
    seven = Action.objects.get(objective__axis__plan=plan, number=7).indicators.first()
    assert services.value_for(seven, year) == 1
    with pytest.raises(Exception, match="calculé par Sentier"):
        services.enter_value(None, persons, year, "4")


def test_only_named_organisations_change_an_action(pilot, plan, login):
    client, action = pilot
    step = action.steps.first()
    client.post(reverse("plan:step_status", args=[step.pk]), {"status": "in_progress"})
    step.refresh_from_db()
    assert step.status == "in_progress"
    other = Action.objects.get(objective__axis__plan=plan, number=2).steps.first()
    assert (
        client.post(reverse("plan:step_status", args=[other.pk]), {"status": "done"}).status_code
        == 404
    )
    assert client.get(reverse("plan:action", args=[other.action_id])).status_code == 200
    outsider = login("coordinator")  # a carrier coordinator, not in the steering group
    assert outsider.get(reverse("plan:dashboard", args=[plan.pk])).status_code == 404


def test_funders_of_the_plan_read_it(plan, login, funder_org):
    plan.funders.add(funder_org)
    client = login("funder")
    assert client.get(reverse("plan:dashboard", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plan:tracking", args=[plan.pk])).status_code == 200
    step = Step.objects.filter(action__objective__axis__plan=plan).first()
    assert (
        client.post(reverse("plan:step_status", args=[step.pk]), {"status": "done"}).status_code
        == 404
    )


def test_blocked_step_reaches_the_tracking_exports(pilot, plan):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    client, action = pilot
    step = action.steps.first()
    client.post(reverse("plan:step_status", args=[step.pk]), {"status": "blocked"})
    client.post(
        reverse("plan:blocker_add", args=[step.pk]),
        {
            "description": "Recrutement infirmier en échec",
            "owner": "CAARUD Nord",
            "raised_on": "2019-05-02",
        },
    )
    assert Blocker.objects.count() == 1
    xlsx = client.get(reverse("plan:tracking", args=[plan.pk]), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    row = next(r for r in rows if r[0] == 1)  # numbers stay numbers in the sheet
    assert row[2] == "Bloquée" and "Recrutement infirmier en échec" in row[4]
    pdf = client.get(reverse("plan:tracking", args=[plan.pk]), {"format": "pdf"})
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Recrutement infirmier" in re.sub(r"\s+", " ", text)
    ods = client.get(reverse("plan:tracking", args=[plan.pk]), {"format": "ods"})
    assert ods.status_code == 200 and ods.content[:2] == b"PK"


def test_funding_totals_per_funder_and_year(plan, login, funder_org):
    plan.funders.add(funder_org)
    page = login("funder").get(reverse("plan:funding", args=[plan.pk]))
    totals = {(t["funder"], t["year"]): t["total"] for t in page.context["totals"]}
    assert totals[("ARS", 2019)] >= 360000


def test_steering_admin_copies_actions_into_a_next_plan(plan, steered, login):
    client = login("steering_admin")
    chosen = Action.objects.filter(objective__axis__plan=plan, number__in=[1, 22])
    response = client.post(
        reverse("plan:copy", args=[plan.pk]),
        {
            "name": "Plan crack étape 2",
            "start_year": 2023,
            "end_year": 2025,
            "actions": [a.pk for a in chosen],
        },
    )
    assert response.status_code == 302
    new = Plan.objects.get(name="Plan crack étape 2")
    copied = Action.objects.filter(objective__axis__plan=new)
    assert sorted(a.number for a in copied) == [1, 22]
    assert copied.get(number=22).indicators.first().source == Indicator.Source.PERSONS_WORKED
    assert login("coordinator").get(reverse("plan:copy", args=[plan.pk])).status_code == 404


def test_yearly_evaluation_per_axis(plan, login, funder_org):
    plan.funders.add(funder_org)
    Step.objects.filter(action__objective__axis__plan=plan, action__number=1).update(status="done")
    page = login("funder").get(reverse("plan:evaluation", args=[plan.pk, 2019]))
    first = page.context["axes"][0]
    assert first["done"] >= 1 and first["planned"] >= first["done"]
    assert login("funder").get(reverse("plan:evaluation", args=[plan.pk, 1990])).status_code == 404


def test_plan_committees_reuse_meetings_and_carry_decisions(plan, steered, login):
    from reporting.models import ActionItem, Meeting

    client = login("steering_admin")
    client.post(
        reverse("plan:meeting_add", args=[plan.pk]), {"kind": "operational", "date": "2019-06-05"}
    )
    client.post(
        reverse("plan:meeting_add", args=[plan.pk]), {"kind": "operational", "date": "2019-07-03"}
    )
    june, july = Meeting.objects.filter(plan=plan).order_by("date")
    client.post(
        reverse("reporting:decision_add", args=[june.pk]),
        {
            "text": "Relancer le bailleur",
            "owner": "Ville de Paris",
            "due_date": "2019-07-01",
            "status": "open",
        },
    )
    assert ActionItem.objects.filter(meeting=june).count() == 1
    page = client.get(reverse("reporting:meeting", args=[july.pk])).content.decode()
    assert "Relancer le bailleur" in page and "Tableau de suivi mensuel" in page
    assert login("coordinator").get(reverse("reporting:meeting", args=[july.pk])).status_code == 404


def test_dashboard_charts_show_the_latest_value_per_period(pilot, plan):
    client, action = pilot
    indicator = action.indicators.first()
    url = reverse("plan:value_add", args=[indicator.pk])
    client.post(url, {"period_start": "2019-01-01", "value": "10"})
    client.post(url, {"period_start": "2019-01-01", "value": "12"})  # correction
    client.post(url, {"period_start": "2020-01-01", "value": "20"})
    page = client.get(reverse("plan:dashboard", args=[plan.pk]))
    charts = dict(page.context["charts"])
    points = [(p["period"].year, p["value"]) for p in charts[indicator]]
    assert points == [(2019, 12), (2020, 20)]


def test_steering_admin_edits_everything(plan, steered, login):
    from plan.models import FundingCommitment

    ars = OrganisationFactory(name="ARS Île-de-France (démo)")
    client = login("steering_admin")
    action = Action.objects.get(objective__axis__plan=plan, number=7)
    response = client.post(
        reverse("plan:action_edit", args=[action.pk]),
        {
            "title": action.title,
            "objective_text": action.objective_text,
            "pilots_funders": action.pilots_funders,
            "operators": action.operators,
            "editors": [ars.pk],
        },
    )
    assert response.status_code == 302 and list(action.editors.all()) == [ars]
    indicator = action.indicators.first()
    client.post(
        reverse("plan:indicator_edit", args=[action.pk, indicator.pk]),
        {
            "name": indicator.name,
            "unit": "yes_no",
            "periodicity": "quarterly",
            "responsible": ars.pk,
        },
    )
    indicator.refresh_from_db()
    assert indicator.periodicity == "quarterly" and indicator.responsible == ars
    client.post(
        reverse("plan:step_add", args=[action.pk]),
        {
            "period_label": "2021",
            "planned_start": "2021-01-01",
            "planned_end": "2021-12-31",
            "text": "Généralisation",
        },
    )
    assert action.steps.filter(text="Généralisation").exists()
    client.post(
        reverse("plan:funding_add", args=[plan.pk]),
        {
            "funder": "ARS",
            "year": 2021,
            "action": action.pk,
            "amount": "50000",
            "label": "SI",
        },
    )
    assert FundingCommitment.objects.filter(year=2021, action=action).exists()
    assert (
        login("coordinator").get(reverse("plan:action_edit", args=[action.pk])).status_code == 404
    )


def test_a_finished_plan_is_read_as_of_its_end(plan):
    from plan.models import IndicatorValue

    indicator = Action.objects.get(objective__axis__plan=plan, number=1).indicators.first()
    user = UserFactory()
    for year, value in ((2020, 5), (2021, 8)):
        IndicatorValue.objects.create(
            indicator=indicator, period_start=date(year, 1, 1), value=value, entered_by=user
        )
    row = next(
        r for r in services.tracking_rows(plan, date(2026, 11, 22)) if r["action"].number == 1
    )
    figures = {i.pk: (v, p) for i, v, p in row["figures"]}
    assert figures[indicator.pk] == (8, 5)


def test_review_rules_on_values_years_blockers_and_definitions(pilot, plan, steered, login):
    client, action = pilot
    indicator = action.indicators.first()
    url = reverse("plan:value_add", args=[indicator.pk])
    huge = client.post(url, {"period_start": "2020-01-01", "value": "1000000000000"}, follow=True)
    assert huge.status_code == 200 and "trop grande" in huge.content.decode()
    outside = client.post(url, {"period_start": "2099-01-01", "value": "3"}, follow=True)
    assert "pendant le plan" in outside.content.decode()
    assert not IndicatorValue.objects.exists()
    assert client.get(reverse("plan:dashboard", args=[plan.pk])).status_code == 200

    step = action.steps.first()
    blocker = Blocker.objects.create(
        step=step, description="F", owner="O", raised_on=date(2019, 3, 1)
    )
    resolve = reverse("plan:blocker_resolve", args=[blocker.pk])
    client.post(resolve, {"resolution": "Première résolution"})
    client.post(resolve, {"resolution": "Réécriture"})
    blocker.refresh_from_db()
    assert blocker.resolution == "Première résolution"

    admin = login("steering_admin")
    IndicatorValue.objects.create(
        indicator=indicator, period_start=date(2020, 1, 1), value=3, entered_by=UserFactory()
    )
    admin.post(
        reverse("plan:indicator_edit", args=[action.pk, indicator.pk]),
        {"name": indicator.name, "unit": "yes_no", "periodicity": "monthly"},
    )
    indicator.refresh_from_db()
    assert (indicator.unit, indicator.periodicity) == ("count", "yearly")
    far = admin.post(
        reverse("plan:plan_edit", args=[plan.pk]),
        {"name": plan.name, "start_year": 2019, "end_year": 9999},
    )
    assert far.status_code == 200
    plan.refresh_from_db()
    assert plan.end_year == 2021


def test_evaluation_counts_steps_ending_on_the_last_day_as_late(plan, login, funder_org):
    plan.funders.add(funder_org)
    page = login("funder").get(reverse("plan:evaluation", args=[plan.pk, 2021]))
    assert sum(a["late"] for a in page.context["axes"]) > 0
