"""Every CSV, XLSX and ODS export of the project, opened the way a funder's spreadsheet would:
a hostile text typed into any free-text field that reaches an export (through the real forms,
or written directly where no form exists) is never a formula there, and no text cell begins
with = + - @, a tab or a carriage return. Its twin: an ordinary name is written as typed."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activity.models import Domain, Participation, Partner, WorkSession
from plan import loader
from plan.models import Action, Blocker, Step
from reporting.models import ActionItem, Meeting, Report

pytestmark = pytest.mark.django_db

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
# A number written as text in a CSV (a spreadsheet reads it as a number): "-1,5" is harmless.
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")

# Each field gets its own hostile text; the part after the first characters tells which
# field reached which export.
HOSTILE = {
    "partner": '=HYPERLINK("http://x","partenaire")',
    "worksite": "-1+2 atelier",
    "domain": "@SUM(A1) domaine",
    "action": "+1 action",
    "step": "\t=1+1 étape",
    "blocker": "\r=2+2 frein",
    "blocker_owner": "-3 responsable",
    "indicator": '=HYPERLINK("http://x","indicateur")',
    "minutes": '=HYPERLINK("http://x","compte rendu")',
    "decision": "@SUM(A1) décision",
    "free_text": "+33 commentaire",
    "leads": "-1+2 pistes",
    "last_name": '\t=HYPERLINK("http://x","nom")',
    "first_name": "\r@prénom",
}
ORDINARY = "Jardins partagés"


def _marker(text: str) -> str:
    """What must survive of the hostile text: all but its dangerous start."""
    return text.lstrip("\t\r ")[1:]


def _form_data(form, **override):
    """The form's current values as a browser would post them, with some fields retyped."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        else:
            data[name] = str(getattr(value, "pk", value))
    data.update(override)
    return data


def _edit(client, url, **override):
    page = client.get(url)
    assert page.status_code == 200, url
    response = client.post(url, _form_data(page.context["form"], **override))
    assert response.status_code == 302, (url, response.context and response.context["form"].errors)
    return response


# --- reading exports back ----------------------------------------------------------------


def _xlsx(body: bytes) -> list:
    book = load_workbook(io.BytesIO(body))
    cells = [c for ws in book for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells, "an empty workbook proves nothing"
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert not formulas, formulas
    return [c.value for c in cells if c.data_type in ("s", "inlineStr")]


def _ods(body: bytes) -> list:
    from odf.namespaces import TABLENS
    from odf.opendocument import load
    from odf.table import TableCell

    cells = load(io.BytesIO(body)).spreadsheet.getElementsByType(TableCell)
    assert cells
    formulas = [str(c) for c in cells if c.attributes.get((TABLENS, "formula"))]
    assert not formulas, formulas
    return [str(c) for c in cells if c.getAttribute("valuetype") in (None, "string")]


def _csv(body: bytes) -> list:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows
    return [v for row in rows for v in row if not NUMBER.fullmatch(v)]


def _assert_inert(texts, where):
    bad = [t for t in texts if t and t.lstrip(" ")[:1] in DANGEROUS]
    assert not bad, (where, bad)


# --- the data, typed through the forms ---------------------------------------------------


@pytest.fixture
def typed(world, carrier, users, funder_org, login):
    coordinator = login("coordinator")
    programme, partner, worksite = world["programme"], world["partner"], world["worksite"]
    programme.funders.add(funder_org)

    _edit(
        coordinator,
        reverse("activity:partner_edit", args=[partner.pk]),
        name=HOSTILE["partner"],
    )
    coordinator.post(reverse("activity:domain_add"), {"name": HOSTILE["domain"]})
    domain = Domain.objects.get(name=HOSTILE["domain"])
    _edit(
        coordinator,
        reverse("activity:worksite_edit", args=[worksite.pk]),
        name=HOSTILE["worksite"],
        domain=str(domain.pk),
    )
    # The twin: a partner with an ordinary name, on a session of its own.
    coordinator.post(
        reverse("activity:partner_add"),
        _form_data(
            coordinator.get(reverse("activity:partner_add")).context["form"],
            name=ORDINARY,
            kind="association",
            status=Partner.Status.choices[0][0],
        ),
    )
    ordinary = Partner.objects.get(name=ORDINARY)
    session = world["session"]
    other = WorkSession.objects.create(
        organisation=carrier,
        programme=programme,
        worksite=session.worksite,
        partner=ordinary,
        supervisor=session.supervisor,
        date=programme.start_date,
        start_time=session.start_time,
        end_time=session.end_time,
        places=8,
        hourly_rate=Decimal("10.00"),
        created_by=session.created_by,
    )
    person = world["participation"].person
    Participation.objects.filter(pk=world["participation"].pk).update(
        status="present", hours=3, pay_due=30
    )
    Participation.objects.create(
        session=other, person=person, status="present", hours=3, pay_due=30
    )

    # Where no form exists for payroll's identity in this test: sealed directly.
    from people.models import Identity

    identity = Identity(person=person, updated_by=users["payroll"])
    identity.seal(
        {
            "last_name": HOSTILE["last_name"],
            "first_name": HOSTILE["first_name"],
            "birth_date": "1990-06-02",
            "nir": "",
            "address": "",
            "postal_code": "",
            "city": "",
            "phone": "",
        }
    )
    identity.save()

    meeting = Meeting.objects.create(
        organisation=carrier, programme=programme, kind="cosui", date=timezone.localdate()
    )
    meeting_url = reverse("reporting:meeting", args=[meeting.pk])
    _edit(coordinator, meeting_url, minutes=HOSTILE["minutes"], agenda="Ordre du jour")
    coordinator.post(
        reverse("reporting:decision_add", args=[meeting.pk]),
        {
            "text": HOSTILE["decision"],
            "owner": "Coordination",
            "due_date": timezone.localdate().isoformat(),
            "status": ActionItem.Status.choices[0][0],
        },
    )
    assert ActionItem.objects.filter(text=HOSTILE["decision"]).exists()
    coordinator.post(
        reverse("reporting:generate", args=[meeting.pk]),
        {"threshold": 5, "free_text": HOSTILE["free_text"], "leads": HOSTILE["leads"]},
    )
    report = Report.objects.get(meeting=meeting)
    assert report.data["free_text"] == HOSTILE["free_text"]
    return {"report": report, "month": session.date}


@pytest.fixture
def steered_plan(carrier, login):
    plan, _ = loader.load()
    plan.organisations.add(carrier)
    admin = login("steering_admin")
    action = Action.objects.get(objective__axis__plan=plan, number=1)
    _edit(admin, reverse("plan:action_edit", args=[action.pk]), title=HOSTILE["action"])
    # The hostile step is the action's only step due, so it begins its cell.
    for step in action.steps.all():
        admin.post(reverse("plan:step_status", args=[step.pk]), {"status": "done"})
    admin.post(
        reverse("plan:step_add", args=[action.pk]),
        {
            "period_label": "1er semestre 2019",
            "planned_start": "2019-01-01",
            "planned_end": "2019-06-30",
            "text": HOSTILE["step"],
        },
    )
    step = Step.objects.get(action=action, text=HOSTILE["step"].strip())
    admin.post(
        reverse("plan:blocker_add", args=[step.pk]),
        {
            "description": HOSTILE["blocker"],
            "owner": HOSTILE["blocker_owner"],
            "raised_on": "2019-05-02",
        },
    )
    assert Blocker.objects.filter(step=step).exists()
    indicator = action.indicators.order_by("pk").first()
    _edit(
        admin,
        reverse("plan:indicator_edit", args=[action.pk, indicator.pk]),
        name=HOSTILE["indicator"],
    )
    return plan


# --- the exports -------------------------------------------------------------------------


def _report_exports(client, report, shared: bool):
    extra = {"partage": "1"} if shared else {}
    url = lambda fmt: reverse("reporting:download", args=[report.pk, fmt])  # noqa: E731
    out = {}
    for key in [t["key"] for t in report.data["tables"]]:
        response = client.get(url("csv"), {"table": key, **extra})
        assert response.status_code == 200, key
        out[f"csv {key}"] = _csv(response.content)
    for fmt, read in (("xlsx", _xlsx), ("ods", _ods)):
        response = client.get(url(fmt), extra)
        assert response.status_code == 200, fmt
        out[fmt] = read(response.content)
    return out


def test_no_export_holds_a_formula_or_a_text_a_spreadsheet_would_run(typed, steered_plan, login):
    report, texts = typed["report"], {}
    coordinator = login("coordinator")
    for name, cells in _report_exports(coordinator, report, shared=False).items():
        texts[f"report {name}"] = cells
    for name, cells in _report_exports(coordinator, report, shared=True).items():
        texts[f"report shared {name}"] = cells
    for name, cells in _report_exports(login("funder"), report, shared=True).items():
        texts[f"report funder {name}"] = cells

    reader = login("steering_admin")
    for fmt, read in (("xlsx", _xlsx), ("ods", _ods)):
        response = reader.get(reverse("plan:tracking", args=[steered_plan.pk]), {"format": fmt})
        assert response.status_code == 200
        texts[f"plan {fmt}"] = read(response.content)

    payroll = login("payroll")
    month = f"{typed['month']:%Y-%m}"
    for fmt, read in (("csv", _csv), ("xlsx", _xlsx)):
        response = payroll.get(reverse("activity:payroll_export"), {"month": month, "format": fmt})
        assert response.status_code == 200
        texts[f"payroll {fmt}"] = read(response.content)

    for where, cells in texts.items():
        _assert_inert(cells, where)

    # Each hostile text did reach the exports it belongs to (else the test proves nothing),
    # kept whole behind the apostrophe that makes it text.
    def reached(field, where):
        marker = _marker(HOSTILE[field])
        return any(marker in str(t) for t in texts[where])

    for where in ("report csv partners", "report xlsx", "report ods", "report shared xlsx"):
        assert reached("partner", where), where
    for where in ("report csv domains", "report xlsx", "report ods", "report funder ods"):
        assert reached("domain", where), where
    assert f"'{HOSTILE['partner']}" in texts["report csv partners"]
    for field in ("action", "step", "blocker", "blocker_owner", "indicator"):
        assert reached(field, "plan xlsx") and reached(field, "plan ods"), field
    assert f"'{HOSTILE['action']}" in texts["plan xlsx"]
    for field in ("last_name", "first_name"):
        assert reached(field, "payroll csv") and reached(field, "payroll xlsx"), field
    assert "'" + HOSTILE["last_name"] in texts["payroll xlsx"]


def test_an_ordinary_name_is_written_as_typed(typed, login):
    """The twin: neutralising touches only what a spreadsheet would run."""
    report, coordinator = typed["report"], login("coordinator")
    exports = _report_exports(coordinator, report, shared=False)
    assert ORDINARY in exports["csv partners"]
    assert ORDINARY in exports["xlsx"] and ORDINARY in exports["ods"]
    assert "'" + ORDINARY not in exports["xlsx"]


def test_the_check_would_see_a_formula():
    """The reader used above does tell a formula: a workbook written without the one writer
    (openpyxl directly) is caught."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append([HOSTILE["partner"], date(2026, 1, 1)])
    body = io.BytesIO()
    book.save(body)
    with pytest.raises(AssertionError):
        _xlsx(body.getvalue())
    with pytest.raises(AssertionError):
        _assert_inert(["+1 action"], "csv")
