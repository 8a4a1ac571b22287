"""The one access module: applies the rules of accounts/roles.py to a user.

Everything is scoped by the organisations where the user holds a role; anything out of
scope answers 404, never 403, so a page does not even confirm that an object exists.
Domain apps call these functions (in their querysets and views) and never read a user's
memberships themselves."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Membership, Organisation
from accounts.roles import ROLE_PERMS, SECOND_FACTOR_ROLES


def memberships(user) -> list[Membership]:
    """The user's active memberships, read once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_sentier_memberships", None)
    if cache is None:
        cache = list(user.memberships.filter(is_active=True).select_related("organisation"))
        user._sentier_memberships = cache
    return cache


def forget(user) -> None:
    """Drop the cached memberships (after a role change in the same request)."""
    if hasattr(user, "_sentier_memberships"):
        del user._sentier_memberships


def _grants(membership: Membership, perm: str | None, roles: Iterable[str] | None) -> bool:
    if perm is not None and perm not in ROLE_PERMS.get(membership.role, ()):
        return False
    return roles is None or membership.role in roles


def roles(user) -> set[str]:
    return {m.role for m in memberships(user)}


def holds(user, *, perm: str | None = None, roles: Iterable[str] | None = None) -> bool:
    """The user holds the permission (or one of the roles) in at least one organisation."""
    return any(_grants(m, perm, roles) for m in memberships(user))


def holds_in(user, organisation_id: int | None, *, perm: str | None = None, roles=None) -> bool:
    return any(
        m.organisation_id == organisation_id and _grants(m, perm, roles) for m in memberships(user)
    )


def memberships_with(
    user, *, perm: str | None = None, roles: Iterable[str] | None = None
) -> list[Membership]:
    """The memberships that grant the permission (or one of the roles)."""
    return [m for m in memberships(user) if _grants(m, perm, roles)]


def org_ids(user, *, perm: str | None = None, roles: Iterable[str] | None = None) -> list[int]:
    """Ids of the organisations where the user holds the permission (or one of the roles)."""
    return [m.organisation_id for m in memberships_with(user, perm=perm, roles=roles)]


def organisations(user, *, perm: str | None = None, roles=None) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=org_ids(user, perm=perm, roles=roles))


def require_organisations(user, *, perm: str | None = None, roles=None) -> QuerySet[Organisation]:
    """The organisations where the permission is held; 404 when there are none."""
    ids = org_ids(user, perm=perm, roles=roles)
    if not ids:
        raise Http404
    return Organisation.objects.filter(pk__in=ids)


def home_organisation(user, *, perm: str | None = None, roles=None) -> Organisation:
    """Where new objects go: the first organisation where the permission is held; else 404."""
    organisation = require_organisations(user, perm=perm, roles=roles).order_by("pk").first()
    if organisation is None:  # the membership was removed meanwhile
        raise Http404
    return organisation


def get_scoped(
    user,
    queryset,
    *,
    perm: str | None = None,
    roles: Iterable[str] | None = None,
    org_path: str = "organisation",
    **lookup,
):
    """The object if it belongs to an organisation where the permission is held; else 404."""
    ids = org_ids(user, perm=perm, roles=roles)
    if not ids:
        raise Http404
    manager = getattr(queryset, "all", None)
    queryset = manager() if callable(manager) else queryset
    obj = queryset.filter(**{f"{org_path}__in": ids}, **lookup).first()
    if obj is None:
        raise Http404
    return obj


def requires(*, perm: str | None = None, roles: Iterable[str] | None = None) -> Callable:
    """View decorator: sign-in required, then 404 unless the permission (or one of the roles)
    is held in some organisation. Object-level scope is still the view's get_scoped call."""
    roles = frozenset(roles) if roles is not None else None

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not holds(request.user, perm=perm, roles=roles):
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.sentier_access = {"perm": perm, "roles": roles}
        return wrapper

    return decorate


def needs_second_factor(user) -> bool:
    """Every role but the funder's must pass TOTP before anything else (accounts/roles.py)."""
    return bool(user.is_superuser) or holds(user, roles=SECOND_FACTOR_ROLES)
