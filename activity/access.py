"""Organisation scope for the programme's objects: out of scope is a 404, always."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts import access as access_rules
from accounts.models import Organisation


def organisations(request, perm):
    orgs = access_rules.organisations(request.user, perm=perm)
    if not orgs.exists():
        raise Http404
    return orgs


def single_organisation(request, perm) -> Organisation:
    """The organisation new objects go to: the first where the user holds the permission."""
    return organisations(request, perm).order_by("pk").first()


def scoped(request, queryset, perm, org_path="organisation", **lookup):
    """get_object_or_404 restricted to objects of the organisations where perm is held."""
    orgs = organisations(request, perm)
    return get_object_or_404(queryset, **{f"{org_path}__in": orgs}, **lookup)
