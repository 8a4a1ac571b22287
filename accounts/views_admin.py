"""Organisation administration: teams, accounts and roles. Scoped to the admin's orgs."""

from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.forms import MembershipForm, NewMemberForm, OrganisationSettingsForm, TeamForm
from accounts.models import Membership, Team
from audit.models import Action
from audit.services import record


def _admin_org(request, org_id):
    return get_object_or_404(services.admin_organisations(request.user), pk=org_id)


@login_required
def org_list(request):
    orgs = list(services.admin_organisations(request.user))
    if not orgs:
        raise Http404
    if len(orgs) == 1:
        return redirect("accounts:org_detail", org_id=orgs[0].pk)
    return render(request, "accounts/org_list.html", {"title": "Mes structures", "orgs": orgs})


@login_required
@require_http_methods(["GET", "POST"])
def org_detail(request, org_id):
    org = _admin_org(request, org_id)
    settings_form = OrganisationSettingsForm(request.POST or None, instance=org)
    if request.method == "POST" and settings_form.is_valid():
        settings_form.save()
        record(
            request.actor,
            Action.UPDATE,
            org,
            organisation=org,
            label=org.name,
            fields=list(settings_form.changed_data),
        )
        messages.success(request, "Réglages enregistrés.")
        return redirect("accounts:org_detail", org_id=org.pk)
    members = (
        Membership.objects.filter(organisation=org)
        .select_related("user")
        .prefetch_related("teams")
        .order_by("-is_active", "user__full_name")
    )
    return render(
        request,
        "accounts/org_detail.html",
        {
            "title": org.name,
            "org": org,
            "teams": org.teams.all(),
            "members": members,
            "settings_form": settings_form,
            "team_form": TeamForm(organisation=org),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, org_id, team_id=None):
    org = _admin_org(request, org_id)
    team = get_object_or_404(Team, pk=team_id, organisation=org) if team_id else None
    form = TeamForm(request.POST or None, instance=team, organisation=org)
    if request.method == "POST" and form.is_valid():
        team = form.save()
        action = Action.UPDATE if team_id else Action.CREATE
        record(
            request.actor,
            action,
            team,
            organisation=org,
            label=team.name,
            fields=list(form.changed_data),
        )
        messages.success(request, f"Équipe « {team.name} » enregistrée.")
        return redirect("accounts:org_detail", org_id=org.pk)
    title = f"Équipe {team.name}" if team else "Nouvelle équipe"
    return render(request, "accounts/form_page.html", {"title": title, "form": form, "org": org})


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request, org_id):
    org = _admin_org(request, org_id)
    form = NewMemberForm(request.POST or None, organisation=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        membership, created = services.add_member(
            org,
            email=data["email"],
            full_name=data["full_name"],
            role=data["role"],
            teams=data["teams"],
        )
        record(
            request.actor,
            Action.CREATE,
            membership,
            organisation=org,
            label=membership.user.email,
            role=membership.role,
            new_account=created,
        )
        if created:
            return render(
                request,
                "accounts/activation_link.html",
                {
                    "title": "Compte créé",
                    "org": org,
                    "member": membership.user,
                    "link": request.build_absolute_uri(services.activation_path(membership.user)),
                },
            )
        messages.success(request, f"Rôle attribué à {membership.user.email}.")
        return redirect("accounts:org_detail", org_id=org.pk)
    return render(
        request, "accounts/form_page.html", {"title": "Ajouter un compte", "form": form, "org": org}
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, org_id, membership_id):
    org = _admin_org(request, org_id)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=org)
    own = membership.user_id == request.user.pk
    form = MembershipForm(request.POST or None, instance=membership, organisation=org)
    if own:
        form.fields["role"].disabled = form.fields["is_active"].disabled = True
        form.fields["role"].help_text = "Vous ne pouvez pas modifier votre propre rôle."
    if request.method == "POST" and form.is_valid():
        form.save()
        record(
            request.actor,
            Action.UPDATE,
            membership,
            organisation=org,
            label=membership.user.email,
            fields=list(form.changed_data),
        )
        messages.success(request, "Rôle enregistré.")
        return redirect("accounts:org_detail", org_id=org.pk)
    return render(
        request,
        "accounts/member_edit.html",
        {
            "title": f"Rôle de {membership.user}",
            "form": form,
            "org": org,
            "membership": membership,
            "own": own,
        },
    )


@login_required
@require_POST
def member_reset(request, org_id, membership_id):
    """New activation link (forgotten password, lost phone): also removes the second factor."""
    org = _admin_org(request, org_id)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=org)
    user = membership.user
    if user.pk == request.user.pk:
        raise Http404
    if not services.resettable_by(request.user, user):
        messages.error(
            request,
            "Ce compte a aussi des rôles dans d'autres structures : son accès ne peut être "
            "réinitialisé que par la plateforme. Rien n'a été modifié.",
        )
        return redirect("accounts:member_edit", org_id=org.pk, membership_id=membership.pk)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    services.reset_second_factor(user)
    axes_reset(username=user.email)
    record(
        request.actor,
        Action.UPDATE,
        user,
        organisation=org,
        label=user.email,
        fields=["password", "second_factor"],
    )
    return render(
        request,
        "accounts/activation_link.html",
        {
            "title": "Accès réinitialisé",
            "org": org,
            "member": user,
            "link": request.build_absolute_uri(services.activation_path(user)),
        },
    )
