"""Demo steering: the 2019-2021 plan, its steering group, a few statuses, a blocker, values."""

from datetime import date

from plan import loader
from plan.models import Blocker, IndicatorValue, Step, StepStatus


def load(orgs: dict, users: dict):
    plan, created = loader.load()
    if not created:
        return plan
    plan.organisations.set(orgs.values())
    plan.funders.set([o for o in orgs.values() if o.kind == "funder"])
    caarud = next(o for o in orgs.values() if o.kind == "caarud")
    for action in plan.axes.get(number=1).objectives.get(number="1.1").actions.all():
        action.editors.add(caarud)
    steps = Step.objects.filter(action__objective__axis__plan=plan, planned_end__year=2019)
    steps.filter(action__number__in=[1, 2, 3, 9, 14]).update(status=StepStatus.DONE)
    blocked = Step.objects.filter(action__objective__axis__plan=plan, action__number=12).first()
    if blocked:
        blocked.status = StepStatus.BLOCKED
        blocked.save()
        Blocker.objects.create(
            step=blocked,
            description="Local pressenti refusé par le bailleur",
            owner="Ville de Paris",
            raised_on=date(2019, 10, 1),
        )
    maraudes = plan.axes.get(number=1).objectives.get(number="1.1").actions.get(number=1)
    first = maraudes.indicators.order_by("pk")[0]
    for year, value in ((2019, 1450), (2020, 1820), (2021, 2110)):
        IndicatorValue.objects.create(
            indicator=first,
            period_start=date(year, 1, 1),
            value=value,
            entered_by=users["caarud@demo.sentier.test"],
        )
    return plan
