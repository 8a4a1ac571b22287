"""Partners offering work, worksites and workshops, activity domains."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.roles import Perm
from accounts.vocabulary import add_term
from activity.forms import DomainForm, PartnerForm, PartnerNoteForm, WorksiteForm
from activity.models import Domain, Partner, Worksite
from activity.views_programme import form_page
from audit.models import Action
from audit.services import record

MANAGE = Perm.PROGRAMME_MANAGE


@access.requires(perm=MANAGE)
def partner_list(request):
    orgs = access.require_organisations(request.user, perm=MANAGE)
    partners = Partner.objects.filter(organisation__in=orgs)
    status = request.GET.get("etat")
    if status in Partner.Status.values:
        partners = partners.filter(status=status)
    return render(
        request,
        "activity/partner_list.html",
        {
            "title": "Partenaires",
            "partners": partners,
            "status": status,
            "statuses": Partner.Status.choices,
        },
    )


def _save_unique(form, message):
    """Save, turning a unique-name clash into a message by the name field."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        form.add_error("name", message)
        return None


@access.requires(perm=MANAGE)
@require_http_methods(["GET", "POST"])
def partner_edit(request, pk=None):
    partner = access.get_scoped(request.user, Partner.objects, perm=MANAGE, pk=pk) if pk else None
    form = PartnerForm(request.POST or None, instance=partner)
    if partner is None:
        form.instance.organisation = access.home_organisation(request.user, perm=MANAGE)
    if request.method == "POST" and form.is_valid():
        saved = _save_unique(form, "Un partenaire porte déjà ce nom.")
        if saved:
            record(
                request.actor,
                Action.UPDATE if pk else Action.CREATE,
                saved,
                label=saved.name,
                fields=sorted(form.changed_data),
            )
            messages.success(request, "Partenaire enregistré.")
            return redirect("activity:partner", pk=saved.pk)
    return form_page(
        request,
        form,
        "Modifier le partenaire" if pk else "Nouveau partenaire",
        redirect("activity:partners").url,
    )


@access.requires(perm=MANAGE)
@require_http_methods(["GET", "POST"])
def partner_detail(request, pk):
    partner = access.get_scoped(request.user, Partner.objects, perm=MANAGE, pk=pk)
    form = PartnerNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        note = form.save(commit=False)
        note.partner, note.author = partner, request.user
        note.save()
        record(
            request.actor,
            Action.CREATE,
            note,
            organisation=partner.organisation,
            label=partner.name,
        )
        messages.success(request, "Note ajoutée.")
        return redirect("activity:partner", pk=partner.pk)
    return render(
        request,
        "activity/partner_detail.html",
        {
            "title": partner.name,
            "partner": partner,
            "form": form,
            "notes": partner.notes.select_related("author"),
            "worksites": partner.worksite_set.all(),
        },
    )


@access.requires(perm=MANAGE)
def worksite_list(request):
    orgs = access.require_organisations(request.user, perm=MANAGE)
    org = access.home_organisation(request.user, perm=MANAGE)
    return render(
        request,
        "activity/worksite_list.html",
        {
            "title": "Chantiers et ateliers",
            "worksites": Worksite.objects.filter(organisation__in=orgs).select_related(
                "domain", "partner"
            ),
            "domains": Domain.objects.filter(Q(organisation=org) | Q(organisation__isnull=True)),
            "domain_form": DomainForm(),
        },
    )


@access.requires(perm=MANAGE)
@require_http_methods(["GET", "POST"])
def worksite_edit(request, pk=None):
    worksite = access.get_scoped(request.user, Worksite.objects, perm=MANAGE, pk=pk) if pk else None
    org = worksite.organisation if worksite else access.home_organisation(request.user, perm=MANAGE)
    form = WorksiteForm(request.POST or None, instance=worksite, organisation=org)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        record(
            request.actor,
            Action.UPDATE if pk else Action.CREATE,
            saved,
            label=saved.name,
            fields=sorted(form.changed_data),
        )
        messages.success(request, "Lieu enregistré.")
        return redirect("activity:worksites")
    title = "Modifier le lieu" if pk else "Nouveau chantier ou atelier"
    return form_page(request, form, title, redirect("activity:worksites").url)


@access.requires(perm=MANAGE)
@require_POST
def domain_add(request):
    org = access.home_organisation(request.user, perm=MANAGE)
    add_term(request, Domain, org, request.POST.get("name"), noun="nom du domaine")
    return redirect("activity:worksites")
