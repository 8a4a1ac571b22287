"""A person's pathway: timeline, notes, assessments, project, referrals, exit, sharing."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import access as access_rules
from accounts.roles import CLINICAL_ROLES, FOLLOW_ROLES, REFERRAL_ROLES, WRITER_ROLES
from audit.models import Action
from audit.services import record
from core import validity
from core.concurrency import STALE_MESSAGE, StaleEdit
from core.models import UNREADABLE
from pathways import timeline, visibility
from pathways.forms import (
    AssessmentForm,
    CaseMeetingForm,
    ExitForm,
    GoalForm,
    GoalStepForm,
    NoteForm,
    ReferralForm,
    ShareForm,
    TimelineFilterForm,
)
from pathways.models import CaseMeeting, Goal, Note, NoteVersion, Referral
from pathways.services import followup
from pathways.services import notes as note_service
from people.models import Person, Share

# What each per-person capability needs first: a role of accounts/roles.py somewhere.
NEEDS = {
    "any": FOLLOW_ROLES,
    "note_writer": FOLLOW_ROLES,
    "clinical": CLINICAL_ROLES,
    "writer": WRITER_ROLES,
    "referrals": REFERRAL_ROLES,
}


def follows(need="any", methods=None):
    """View decorator, the one declaration of a follow-up page. In this order: signed in
    (else the login page); asked with one of `methods` when given (else 405, the same for
    every object); a role of NEEDS[need] held somewhere (accounts.access.requires); the
    person visible to the user (Person.objects.visible_to); the user's access to that person
    having the capability `need` (people/visibility.py). Else 404. The view receives
    (request, person, access); each entry it shows is then read through its model's
    visible_entries(person, access), the rule the timeline applies."""

    def decorate(view):
        @wraps(view)
        def followed(request, code, **kwargs):
            person = get_object_or_404(
                Person.objects.visible_to(request.user).select_related("organisation"), code=code
            )
            access = visibility.access(request.user, person)
            if not getattr(access, need):
                raise Http404
            return view(request, person, access, **kwargs)

        guarded = access_rules.requires(roles=NEEDS[need])(followed)
        if methods is not None:
            guarded = require_http_methods(list(methods))(guarded)
        return login_required(guarded)

    return decorate


def _page(request, template, person, access, **context):
    return render(request, f"pathways/{template}", {"person": person, "access": access, **context})


@never_cache
@follows()
def person_timeline(request, person, access):
    form = TimelineFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    entries = timeline.build(person, access, data.get("kinds"), data.get("start"), data.get("end"))
    record(request.actor, Action.VIEW, person, view="timeline")
    return _page(
        request,
        "timeline.html",
        person,
        access,
        title=f"Parcours de {person.code}",
        form=form,
        entries=entries,
        schedule=followup.schedule(person, timezone.localdate()) if access.clinical else None,
    )


@never_cache
@follows("note_writer", methods=["GET", "POST"])
def note_add(request, person, access):
    form = NoteForm(
        request.POST or None,
        levels=access.levels,
        initial={"date": timezone.localdate(), "level": "team"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            note_service.write(
                request.actor,
                person,
                access,
                level=form.cleaned_data["level"],
                date=form.cleaned_data["date"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Note enregistrée.")
            return redirect("pathways:timeline", code=person.code)
    return _page(request, "form.html", person, access, title="Nouvelle note", form=form)


@never_cache
@follows("any", methods=["GET", "POST"])
def note_edit(request, person, access, pk):
    # A note above the viewer's levels does not exist for them.
    note = get_object_or_404(
        Note.objects.visible_entries(person, access).select_related("author"), pk=pk
    )
    if request.method == "POST" and not access.own:
        raise Http404  # partners read shared notes, they never write them
    sealed = note.unseal_or_none(request.actor)  # an unreadable note shows as such
    text = sealed["text"] if sealed is not None else UNREADABLE
    initial = {"date": note.date, "level": note.level, "version": note.version}
    initial["text"] = text if sealed is not None else ""
    form = NoteForm(request.POST or None, levels=access.levels, initial=initial)
    if request.method == "POST" and sealed is None:
        messages.error(request, "Cette note est illisible : elle ne peut pas être modifiée.")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            note_service.edit(
                request.actor,
                note,
                access,
                level=data["level"],
                date=data["date"],
                text=data["text"],
                version=data["version"],
            )
        except StaleEdit:
            form.add_error(None, STALE_MESSAGE)
            note.refresh_from_db()
            form.data = form.data.copy()
            form.data["version"] = note.version
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Note modifiée ; la version précédente est conservée.")
            return redirect("pathways:timeline", code=person.code)
    # An earlier version written at a level the viewer lacks stays sealed for them.
    versions = [
        (v, (v.unseal_or_none(request.actor) or {"text": UNREADABLE})["text"])
        for v in NoteVersion.visible_versions(note, access)
    ]
    record(request.actor, Action.VIEW, note, organisation=note.organisation, label=person.code)
    return _page(
        request,
        "note.html",
        person,
        access,
        title="Note",
        form=form,
        note=note,
        text=text,
        versions=versions,
        can_edit=access.own and note.level in access.levels and sealed is not None,
    )


@follows("clinical", methods=["GET", "POST"])
def assessment_add(request, person, access):
    form = AssessmentForm(
        request.POST or None, person=person, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            followup.record_assessment(request.actor, person, form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Bilan enregistré.")
            return redirect("pathways:timeline", code=person.code)
    return _page(
        request,
        "form.html",
        person,
        access,
        title="Nouveau bilan",
        form=form,
        schedule=followup.schedule(person, timezone.localdate()),
        window=validity.assessment_window_days(),
    )


@follows("any", methods=["GET", "POST"])
def goals(request, person, access, pk=None):
    visible = Goal.objects.visible_entries(person, access)
    goal = get_object_or_404(visible, pk=pk) if pk else None
    form = GoalForm(
        request.POST or None, instance=goal, initial={"version": goal.version if goal else None}
    )
    if request.method == "POST":
        if not access.writer:
            raise Http404
        if form.is_valid():
            saved = form.save(commit=False)
            saved.person = person
            saved.author_id = saved.author_id or request.user.pk
            try:
                followup.save_goal(request.actor, saved, form.cleaned_data.get("version"))
            except StaleEdit:
                form.add_error(None, STALE_MESSAGE)
                form.data = form.data.copy()
                form.data["version"] = Goal.objects.get(pk=goal.pk).version
            else:
                messages.success(request, "Objectif enregistré.")
                return redirect("pathways:goals", code=person.code)
    return _goals_page(request, person, access, visible, form, goal)


def _goals_page(request, person, access, visible, form, goal=None, step_form=None, step_goal=None):
    """The project page; a refused step shows its form again, errors by its fields."""
    return _page(
        request,
        "goals.html",
        person,
        access,
        title=f"Projet de {person.code}",
        form=form,
        goal=goal,
        step_form=step_form or GoalStepForm(initial={"date": timezone.localdate()}),
        step_goal=step_goal,
        goals=visible.prefetch_related("steps"),
    )


@follows("writer", methods=["POST"])
def goal_step(request, person, access, pk):
    visible = Goal.objects.visible_entries(person, access)
    goal = get_object_or_404(visible, pk=pk)
    form = GoalStepForm(request.POST)
    if not form.is_valid():
        return _goals_page(
            request, person, access, visible, GoalForm(), step_form=form, step_goal=goal.pk
        )
    step = form.save(commit=False)
    step.goal = goal
    step.save()
    record(request.actor, Action.CREATE, step, organisation=person.organisation, label=person.code)
    messages.success(request, "Étape ajoutée.")
    return redirect("pathways:goals", code=person.code)


@follows("referrals", methods=["GET", "POST"])
def referral(request, person, access, pk=None):
    # A referral the viewer's timeline hides (to care, for an outreach worker) is a 404.
    visible = Referral.objects.visible_entries(person, access)
    instance = get_object_or_404(visible, pk=pk) if pk else None
    form = ReferralForm(
        request.POST or None,
        instance=instance,
        organisation=person.organisation,
        initial={"date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.person = person
        saved.author_id = saved.author_id or request.user.pk
        followup.save_referral(request.actor, saved)
        messages.success(request, "Orientation enregistrée.")
        return redirect("pathways:timeline", code=person.code)
    # Earlier outcomes stay readable, with who recorded them and when.
    history = instance.history.select_related("recorded_by") if instance else None
    return _page(
        request, "form.html", person, access, title="Orientation", form=form, history=history
    )


@follows("writer", methods=["GET", "POST"])
def exit_person(request, person, access):
    form = ExitForm(
        request.POST or None,
        organisation=person.organisation,
        person=person,
        initial={"date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            followup.close(request.actor, person, form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Sortie enregistrée. La personne pourra être réinscrite.")
            return redirect("pathways:timeline", code=person.code)
    return _page(request, "form.html", person, access, title="Sortie du dispositif", form=form)


@follows("writer", methods=["GET", "POST"])
def shares(request, person, access):
    form = ShareForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            followup.share(
                request.actor, person, form.cleaned_data["organisation"], form.cleaned_data["team"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Suivi partagé.")
            return redirect("pathways:shares", code=person.code)
    return _page(
        request,
        "shares.html",
        person,
        access,
        title="Partages du suivi",
        form=form,
        shares=Share.objects.visible_entries(person, access).select_related(
            "organisation", "team", "granted_by", "revoked_by"
        ),
    )


@follows("writer", methods=["POST"])
def share_revoke(request, person, access, pk):
    followup.revoke(
        request.actor, get_object_or_404(Share.objects.visible_entries(person, access), pk=pk)
    )
    messages.success(request, "Partage retiré.")
    return redirect("pathways:shares", code=person.code)


@never_cache
@follows("clinical", methods=["GET", "POST"])
def complex_case(request, person, access):
    form = CaseMeetingForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and "flag" in request.POST:
        person.complex_case = request.POST["flag"] == "on"
        Person.objects.filter(pk=person.pk).update(complex_case=person.complex_case)
        record(request.actor, Action.UPDATE, person, fields=["complex_case"])
        return redirect("pathways:complex", code=person.code)
    if request.method == "POST" and form.is_valid():
        meeting = CaseMeeting(person=person, date=form.cleaned_data["date"], author=request.user)
        meeting.seal(
            {
                "participants": form.cleaned_data["participants"],
                "decisions": form.cleaned_data["decisions"],
            }
        )
        meeting.save()
        record(
            request.actor,
            Action.CREATE,
            meeting,
            organisation=person.organisation,
            label=person.code,
        )
        messages.success(request, "Réunion enregistrée.")
        return redirect("pathways:complex", code=person.code)
    unreadable = {"participants": UNREADABLE, "decisions": ""}
    meetings = [
        (m, m.unseal_or_none(request.actor) or unreadable)
        for m in CaseMeeting.objects.visible_entries(person, access)
    ]
    return _page(
        request,
        "complex.html",
        person,
        access,
        title="Situation complexe",
        form=form,
        meetings=meetings,
    )
