"""Lists across persons: alerts, assessments due, the service directory."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.roles import CLINICAL_ROLES, WRITER_ROLES
from accounts.vocabulary import add_term
from activity.models import Enrolment
from audit.models import Action
from audit.services import record
from pathways import alerts as alert_rules
from pathways.forms import ServiceForm
from pathways.models import ExitReason, Service
from people.models import Person


@access.requires(roles=CLINICAL_ROLES)
def alerts(request):
    orgs = access.require_organisations(request.user, roles=CLINICAL_ROLES)
    persons = Person.objects.visible_to(request.user).filter(organisation__in=orgs)
    today = timezone.localdate()
    enrolled = persons.filter(pk__in=Enrolment.objects.values("person")).exclude(status="exited")
    return render(
        request,
        "pathways/alerts.html",
        {
            "title": "Alertes",
            "quiet": alert_rules.quiet(persons, today, alert_rules.readable_notes(request.user))[
                :200
            ],
            "ending": alert_rules.enrolments_ending(persons, today)[:200],
            "assessments": alert_rules.late_assessments(
                list(enrolled.prefetch_related("exits", "enrolments", "assessments")[:500]), today
            ),
            "quiet_days": alert_rules.QUIET_DAYS,
        },
    )


@access.requires(roles=WRITER_ROLES)
@require_POST
def exit_reason_add(request):
    org = access.home_organisation(request.user, roles=WRITER_ROLES)
    add_term(request, ExitReason, org, request.POST.get("name"), noun="motif de sortie")
    return redirect("pathways:services")


@access.requires(roles=WRITER_ROLES)
@require_http_methods(["GET", "POST"])
def services(request):
    orgs = access.require_organisations(request.user, roles=WRITER_ROLES)
    org = access.home_organisation(request.user, roles=WRITER_ROLES)
    form = ServiceForm(request.POST or None)
    form.instance.organisation = org
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                service = form.save()
        except IntegrityError:
            form.add_error("name", "Ce service est déjà dans l'annuaire.")
        else:
            record(request.actor, Action.CREATE, service, organisation=org, label=service.name)
            messages.success(request, "Service ajouté à l'annuaire.")
            return redirect("pathways:services")
    return render(
        request,
        "pathways/services.html",
        {
            "title": "Annuaire des services",
            "form": form,
            "services": Service.objects.filter(organisation__in=orgs),
            "reasons": ExitReason.objects.filter(
                Q(organisation__in=orgs) | Q(organisation__isnull=True)
            ),
        },
    )
