"""Plan access, declared once per view: a decorator says which roles may ask at all, and the
view fetches its object through a scoped queryset of plan/models.py (404 when out of scope).

The rules are the role sets of accounts/roles.py; the mechanism is accounts/access.py:
- reader: any member of a steering-group or funder organisation of the plan
  (`Plan.objects.readable_by`, `Action.objects.readable_by`);
- editor: a writing role (PLAN_EDITOR_ROLES) in one of the action's pilot or operator
  organisations, or the plan's administrator (`Action.objects.editable_by`);
- administrator: a plan administrator (PLAN_ADMIN_ROLES) in an organisation of the plan's
  steering group (`Plan.objects.administered_by`)."""

from accounts import access
from accounts.roles import PLAN_ADMIN_ROLES, PLAN_EDITOR_ROLES
from plan.models import Action, Blocker, Indicator, Plan, Step

reader = access.requires()
editor = access.requires(roles=PLAN_EDITOR_ROLES | PLAN_ADMIN_ROLES)
administrator = access.requires(roles=PLAN_ADMIN_ROLES)


def reads_a_plan(user) -> bool:
    return Plan.objects.readable_by(user).exists()


def administers(user, plan: Plan) -> bool:
    return Plan.objects.administered_by(user).filter(pk=plan.pk).exists()


def can_edit(user, action: Action) -> bool:
    return Action.objects.editable_by(user).filter(pk=action.pk).exists()


def editable(model, user):
    """The steps, blockers or indicators of the actions the user may change."""
    path = {Step: "action", Blocker: "step__action", Indicator: "action"}[model]
    return model.objects.filter(**{f"{path}__in": Action.objects.editable_by(user)})
