"""Organisation administration: teams, accounts and roles. Scoped to the admin's orgs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access, services
from accounts.forms import MembershipForm, NewMemberForm, OrganisationSettingsForm, TeamForm
from accounts.models import AccessReset, Membership, Organisation, Team
from accounts.roles import TWO_ADMIN_ROLES, Perm
from audit.models import Action
from audit.services import record


def _admin_org(request, org_id) -> Organisation:
    return access.get_scoped(
        request.user, Organisation.objects, perm=Perm.MANAGE_ORG, org_path="pk", pk=org_id
    )


def _base_url(request) -> str:
    """Scheme and host of the links e-mailed (the Host header is checked by ALLOWED_HOSTS)."""
    return request.build_absolute_uri("/").rstrip("/")


@access.requires(perm=Perm.MANAGE_ORG)
def org_list(request):
    orgs = list(access.organisations(request.user, perm=Perm.MANAGE_ORG))
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
            "pending_resets": AccessReset.objects.filter(
                organisation=org, status=AccessReset.Status.PENDING
            )
            .select_related("user", "requested_by")
            .annotate(
                membership_id=Subquery(
                    Membership.objects.filter(organisation=org, user=OuterRef("user")).values("pk")[
                        :1
                    ]
                )
            ),
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
        try:
            services.add_member(
                request.actor,
                org,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                teams=data["teams"],
                base_url=_base_url(request),
            )
        except services.MailNotSent as error:
            messages.error(request, error.message)
            return redirect("accounts:org_detail", org_id=org.pk)
        # The same words whether the address already had an account or not.
        if data["role"] in TWO_ADMIN_ROLES:
            messages.success(
                request,
                f"Rôle demandé pour {data['email']} : un·e deuxième administrateur·rice de la "
                "structure doit l'approuver avant que l'invitation parte.",
            )
        else:
            messages.success(
                request,
                f"Invitation envoyée par courriel à {data['email']}. Le rôle sera actif quand "
                "la personne l'aura acceptée.",
            )
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
    pending = membership.invitation_pending
    form = MembershipForm(request.POST or None, instance=membership, organisation=org)
    if own:
        form.fields["role"].disabled = form.fields["is_active"].disabled = True
        form.fields["role"].help_text = "Vous ne pouvez pas modifier votre propre rôle."
    if request.method == "POST" and form.is_valid():
        was = form.initial_role
        form.save()
        record(
            request.actor,
            Action.UPDATE,
            membership,
            organisation=org,
            label=membership.user.email,
            fields=list(form.changed_data),
        )
        if membership.role in TWO_ADMIN_ROLES and was != membership.role:
            services.hold_for_approval(request.actor, membership)
            messages.success(
                request,
                "Rôle enregistré : il sera actif quand un·e deuxième administrateur·rice de la "
                "structure l'aura approuvé.",
            )
            return redirect("accounts:org_detail", org_id=org.pk)
        messages.success(request, "Rôle enregistré.")
        return redirect("accounts:org_detail", org_id=org.pk)
    return render(
        request,
        "accounts/member_edit.html",
        {
            # An invitation not yet accepted shows the address only: the account's name would
            # tell whether it existed before.
            "title": f"Rôle de {membership.user.email if pending else membership.user}",
            "form": form,
            "org": org,
            "membership": membership,
            "own": own,
            "pending_reset": services.pending_reset(org, membership.user),
            "needs_second_admin": services.needs_second_admin(membership.user),
        },
    )


def _resettable_membership(request, org, membership_id) -> Membership:
    membership = get_object_or_404(Membership, pk=membership_id, organisation=org)
    if membership.user_id == request.user.pk or membership.invitation_pending:
        raise Http404
    return membership


@login_required
@require_POST
def member_reset(request, org_id, membership_id):
    """Forgotten password, lost phone: a link goes to the member's own address. For a health
    professional the request waits for a second administrator's approval."""
    org = _admin_org(request, org_id)
    membership = _resettable_membership(request, org, membership_id)
    user = membership.user
    if not services.resettable_by(request.user, user):
        messages.error(
            request,
            "Ce compte a aussi des rôles dans d'autres structures : son accès ne peut être "
            "réinitialisé que par la plateforme. Rien n'a été modifié.",
        )
        return redirect("accounts:member_edit", org_id=org.pk, membership_id=membership.pk)
    try:
        sent = services.request_reset(request.actor, org, user, base_url=_base_url(request))
    except services.MailNotSent as error:
        messages.error(request, error.message)
        return redirect("accounts:member_edit", org_id=org.pk, membership_id=membership.pk)
    if sent:
        messages.success(
            request,
            f"Un courriel a été envoyé à {user.email} avec un lien pour choisir un nouveau mot "
            "de passe ; l'ancien ne fonctionne plus. Le second facteur sera remplacé quand la "
            "personne utilisera ce lien.",
        )
    else:
        messages.info(
            request,
            "L'accès d'un·e professionnel·le de santé ne se réinitialise qu'avec l'accord d'un·e "
            "deuxième administrateur·rice de la structure : la demande l'attend. La personne "
            "peut aussi utiliser « Mot de passe oublié » sur la page de connexion.",
        )
    return redirect("accounts:member_edit", org_id=org.pk, membership_id=membership.pk)


@login_required
@require_POST
def member_reset_approve(request, org_id, membership_id):
    """A second administrator of the same organisation approves a pending reset."""
    org = _admin_org(request, org_id)
    membership = _resettable_membership(request, org, membership_id)
    reset = services.pending_reset(org, membership.user)
    back = redirect("accounts:member_edit", org_id=org.pk, membership_id=membership.pk)
    if reset is None:
        messages.info(request, "Aucune demande de réinitialisation n'attend pour ce compte.")
        return back
    if not services.resettable_by(request.user, membership.user):
        messages.error(request, "Ce compte ne peut être réinitialisé que par la plateforme.")
        return back
    try:
        services.approve_reset(request.actor, reset, base_url=_base_url(request))
    except services.ApprovalRefused as refusal:
        messages.error(request, str(refusal))
        return back
    except services.MailNotSent as error:
        messages.error(request, error.message)
        return back
    messages.success(
        request,
        f"Demande approuvée : un courriel a été envoyé à {membership.user.email} avec un lien "
        "pour choisir un nouveau mot de passe.",
    )
    return back


@login_required
@require_POST
def member_grant_approve(request, org_id, membership_id):
    """A second administrator of the same organisation approves a health role."""
    org = _admin_org(request, org_id)
    membership = get_object_or_404(
        Membership, pk=membership_id, organisation=org, approval_pending=True
    )
    back = redirect("accounts:member_edit", org_id=org.pk, membership_id=membership.pk)
    try:
        services.approve_grant(request.actor, membership, base_url=_base_url(request))
    except services.ApprovalRefused as refusal:
        messages.error(request, str(refusal))
        return back
    except services.MailNotSent as error:
        messages.error(request, error.message)
        return back
    messages.success(request, f"Rôle approuvé pour {membership.user.email}.")
    return back
