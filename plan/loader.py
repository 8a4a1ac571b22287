"""Load a plan from its JSON transcription (plan/data/). Idempotent: a plan already loaded
under the same name is left as it is."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from plan.models import Action, Axis, FundingCommitment, Indicator, Objective, Plan, Step
from plan.periods import parse

DATA = Path(__file__).resolve().parent / "data" / "plan_crack_2019_2021.json"

# Indicators whose figures Sentier itself holds: computed, never typed.
COMPUTED = {
    (22, 0): Indicator.Source.PERSONS_WORKED,
    (22, 1): Indicator.Source.SESSIONS_HELD,
    (7, 0): Indicator.Source.SYSTEM_EXISTS,
}


@transaction.atomic
def load(path: Path = DATA) -> tuple[Plan, bool]:
    data = json.loads(path.read_text(encoding="utf-8"))
    name = f"{data['name']} {data['period'][0]}-{data['period'][1]}"
    existing = Plan.objects.filter(name=name).first()
    if existing:
        return existing, False
    first, last = data["period"]
    plan = Plan.objects.create(name=name, start_year=first, end_year=last, source=data["source"])
    actions = {}
    for axis_data in data["axes"]:
        axis = Axis.objects.create(plan=plan, number=axis_data["number"], title=axis_data["title"])
        for obj_data in axis_data["objectives"]:
            objective = Objective.objects.create(
                axis=axis, number=obj_data["number"], title=obj_data["title"]
            )
            for a in obj_data["actions"]:
                action = Action.objects.create(
                    objective=objective,
                    number=a["number"],
                    title=a["title"],
                    objective_text=a["objective"],
                    pilots_funders=a["pilots_funders"],
                    operators=a["operators"],
                )
                actions[a["number"]] = action
                for position, step in enumerate(a["steps"]):
                    start, end = parse(step["period"], first, last)
                    Step.objects.create(
                        action=action,
                        period_label=step["period"],
                        planned_start=start,
                        planned_end=end,
                        text=step["text"],
                        position=position,
                    )
                for i, indicator in enumerate(a["indicators"]):
                    source = COMPUTED.get((a["number"], i), Indicator.Source.ENTERED)
                    unit = (
                        Indicator.Unit.YES_NO
                        if source == Indicator.Source.SYSTEM_EXISTS
                        else Indicator.Unit.COUNT
                    )
                    Indicator.objects.create(
                        action=action, name=indicator, source=source, unit=unit
                    )
    for f in data["funding"]:
        FundingCommitment.objects.create(
            plan=plan,
            funder=f["funder"],
            year=f["year"],
            amount=Decimal(f["amount_eur"]),
            label=f["label"],
            action=actions.get(f["action"]),
        )
    return plan, True
