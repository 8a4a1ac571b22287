"""Who reaches which programme's committees: its organisation's coordinators (everything),
its funders' staff (frozen reports and the aggregate dashboard, always suppressed)."""

from django.db.models import Q
from django.http import Http404

from accounts import access as access_rules
from accounts.roles import Role
from activity.models import Programme


def _orgs(user, role):
    return [m.organisation_id for m in access_rules.memberships(user) if m.role == role]


def managed_programmes(user):
    return Programme.objects.filter(organisation_id__in=_orgs(user, Role.COORDINATOR))


def funded_programmes(user):
    return Programme.objects.filter(funders__in=_orgs(user, Role.FUNDER)).distinct()


def readable_programmes(user):
    return Programme.objects.filter(
        Q(pk__in=managed_programmes(user)) | Q(pk__in=funded_programmes(user))
    )


def must_manage(user, programme):
    if not managed_programmes(user).filter(pk=programme.pk).exists():
        raise Http404


def is_manager(user, programme) -> bool:
    return managed_programmes(user).filter(pk=programme.pk).exists()
