"""Plan access. The plan holds no personal data: every member of a steering-group
organisation reads it, the plan's funders too; the organisations named pilots or operators
of an action change that action; steering administrators change everything."""

from django.db.models import Q
from django.http import Http404

from accounts import access as access_rules
from accounts.roles import Role
from plan.models import Action, Plan


def _org_ids(user):
    return [m.organisation_id for m in access_rules.memberships(user)]


def is_admin(user) -> bool:
    return any(m.role == Role.STEERING_ADMIN for m in access_rules.memberships(user))


def readable_plans(user):
    if is_admin(user):
        return Plan.objects.all()
    orgs = _org_ids(user)
    return Plan.objects.filter(Q(organisations__in=orgs) | Q(funders__in=orgs)).distinct()


def readable_plan(user, pk) -> Plan:
    plan = readable_plans(user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def readable_action(user, pk) -> Action:
    action = (
        Action.objects.filter(objective__axis__plan__in=readable_plans(user), pk=pk)
        .select_related("objective__axis__plan")
        .first()
    )
    if action is None:
        raise Http404
    return action


def can_edit(user, action) -> bool:
    if is_admin(user):
        return True
    return action.editors.filter(pk__in=_org_ids(user)).exists()


def must_edit(user, action):
    if not can_edit(user, action):
        raise Http404
