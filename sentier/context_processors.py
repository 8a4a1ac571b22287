"""Navigation for the signed-in user: what the menu offers. Lives at the top of the project
because it asks several apps (accounts for roles, plan for plan readers)."""

from accounts import access
from accounts.roles import Perm


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can": {perm.name.lower(): access.holds(user, perm=perm) for perm in Perm},
        "nav_ready": user.is_verified() or not access.needs_second_factor(user),
        "plan_reader": _reads_a_plan(user),
    }


def _reads_a_plan(user) -> bool:
    from plan.access import reads_a_plan

    return reads_a_plan(user)
