"""The home page: what each signed-in person can do, by role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts import access
from accounts.roles import Perm


@login_required
def home(request):
    user = request.user
    memberships = user.active_memberships()
    return render(
        request,
        "core/home.html",
        {
            "title": "Accueil",
            "memberships": memberships,
            "funder_only": not access.holds(user, perm=Perm.PERSON_VIEW)
            and access.holds(user, perm=Perm.AGGREGATES),
        },
    )
