"""Committee access, declared once per view: a decorator of this module (who may ask at all)
and a scoped queryset (404 when out of scope). The rules are COMMITTEE_MANAGER_ROLES and
COMMITTEE_READER_ROLES in accounts/roles.py: a programme's coordinators run its committees;
its funders' staff read frozen reports and the aggregate dashboard, always in the shared
version. A plan's committees belong to that plan's administrators (PLAN_ADMIN_ROLES in an
organisation of its steering group): `Meeting.objects.managed_by`."""

from accounts import access
from accounts.roles import COMMITTEE_MANAGER_ROLES, COMMITTEE_READER_ROLES, PLAN_ADMIN_ROLES
from activity.models import Programme
from reporting.models import programmes_funded_q, programmes_managed_q

manager = access.requires(roles=COMMITTEE_MANAGER_ROLES)
meeting_manager = access.requires(roles=COMMITTEE_MANAGER_ROLES | PLAN_ADMIN_ROLES)
reader = access.requires(roles=COMMITTEE_MANAGER_ROLES | COMMITTEE_READER_ROLES)


def managed_programmes(user):
    return Programme.objects.filter(programmes_managed_q(user))


def readable_programmes(user):
    scope = Programme.objects.filter(programmes_managed_q(user) | programmes_funded_q(user))
    return Programme.objects.filter(pk__in=scope.values("pk"))


def manages(user, programme) -> bool:
    return managed_programmes(user).filter(pk=programme.pk).exists()
