"""Awareness sessions and alternative remobilisation activities."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.roles import Perm
from accounts.vocabulary import add_term
from activity.forms import AlternativeForm, AwarenessForm
from activity.models import (
    AlternativeActivity,
    AlternativeKind,
    AwarenessAttendance,
    AwarenessSession,
    Enrolment,
)
from activity.views_programme import form_page
from audit.models import Action
from audit.services import record
from people.models import Person

MANAGE = Perm.PROGRAMME_MANAGE


def _enrolled_persons(request, orgs):
    enrolled = Enrolment.objects.filter(programme__organisation__in=orgs).values("person")
    return Person.objects.visible_to(request.user).filter(pk__in=enrolled).order_by("code")


@access.requires(perm=MANAGE)
def awareness_list(request):
    orgs = access.require_organisations(request.user, perm=MANAGE)
    return render(
        request,
        "activity/awareness_list.html",
        {
            "title": "Sensibilisation et activités alternatives",
            "sessions": AwarenessSession.objects.filter(programme__organisation__in=orgs)
            .select_related("programme")
            .prefetch_related("attendees"),
            "kinds": AlternativeKind.objects.filter(
                Q(organisation__in=orgs) | Q(organisation__isnull=True)
            ),
            "alternatives": AlternativeActivity.objects.filter(programme__organisation__in=orgs)
            .select_related("kind", "programme")
            .prefetch_related("participants"),
        },
    )


@access.requires(perm=MANAGE)
@require_http_methods(["GET", "POST"])
def awareness_edit(request, pk=None):
    orgs = access.require_organisations(request.user, perm=MANAGE)
    session = (
        access.get_scoped(
            request.user,
            AwarenessSession.objects,
            perm=MANAGE,
            org_path="programme__organisation",
            pk=pk,
        )
        if pk
        else None
    )
    org = (
        session.programme.organisation
        if session
        else access.home_organisation(request.user, perm=MANAGE)
    )
    persons = _enrolled_persons(request, orgs)
    chosen = {str(p) for p in request.POST.getlist("attendees")}
    keep = persons.filter(pk__in=[int(c) for c in chosen if c.isdigit() and len(c) < 19])
    # Attendees this editor cannot see stay: they count as people recorded too.
    hidden = session.attendees.exclude(pk__in=persons.values("pk")).exists() if session else False
    with_people = request.method == "POST" and (hidden or keep.exists())
    form = AwarenessForm(
        request.POST or None, instance=session, organisation=org, with_people=with_people
    )
    if request.method == "POST" and form.is_valid():
        session = form.save(commit=False)
        if not pk:
            session.created_by = request.user
        session.save()
        # Only persons this editor can see are touched: others' attendance stays as it was.
        AwarenessAttendance.objects.filter(session=session, person__in=persons).exclude(
            person__in=keep
        ).delete()
        for person in keep:
            AwarenessAttendance.objects.get_or_create(session=session, person=person)
        record(
            request.actor,
            Action.UPDATE if pk else Action.CREATE,
            session,
            organisation=org,
            label=session.theme,
            attendees=keep.count(),
        )
        messages.success(request, "Séance de sensibilisation enregistrée.")
        return redirect("activity:awareness")
    if request.method == "POST":  # a refused form keeps the boxes that were ticked
        present = set(keep.values_list("pk", flat=True))
    else:
        present = set(session.attendees.values_list("pk", flat=True)) if session else set()
    return form_page(
        request,
        form,
        "Séance de sensibilisation",
        redirect("activity:awareness").url,
        persons=persons,
        present=present,
    )


@access.requires(perm=MANAGE)
@require_POST
def alternative_kind_add(request):
    org = access.home_organisation(request.user, perm=MANAGE)
    add_term(request, AlternativeKind, org, request.POST.get("name"), noun="type d'activité")
    return redirect("activity:awareness")


@access.requires(perm=MANAGE)
@require_http_methods(["GET", "POST"])
def alternative_create(request):
    orgs = access.require_organisations(request.user, perm=MANAGE)
    org = access.home_organisation(request.user, perm=MANAGE)
    form = AlternativeForm(
        request.POST or None, organisation=org, persons=_enrolled_persons(request, orgs)
    )
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        activity.created_by = request.user
        activity.save()
        form.save_m2m()
        record(request.actor, Action.CREATE, activity, organisation=org, label=str(activity))
        messages.success(request, "Activité enregistrée.")
        return redirect("activity:awareness")
    return form_page(
        request, form, "Activité de remobilisation alternative", redirect("activity:awareness").url
    )
