"""Lists across persons: alerts, assessments due, the service directory."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organisation
from accounts.vocabulary import add_term
from activity.models import Enrolment
from audit.models import Action
from audit.services import record
from pathways import alerts as alert_rules
from pathways.forms import ServiceForm
from pathways.models import ExitReason, Service
from pathways.visibility import CLINICAL_ROLES, WRITER_ROLES
from people.models import Person


def _orgs(request, roles):
    orgs = Organisation.objects.filter(
        memberships__user=request.user, memberships__is_active=True, memberships__role__in=roles
    ).distinct()
    if not orgs.exists():
        raise Http404
    return orgs


def _followed_persons(request, roles):
    return Person.objects.visible_to(request.user).filter(organisation__in=_orgs(request, roles))


@login_required
def alerts(request):
    persons = _followed_persons(request, CLINICAL_ROLES)
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


@login_required
@require_POST
def exit_reason_add(request):
    org = _orgs(request, WRITER_ROLES).order_by("pk").first()
    add_term(request, ExitReason, org, request.POST.get("name"), noun="motif de sortie")
    return redirect("pathways:services")


@login_required
@require_http_methods(["GET", "POST"])
def services(request):
    orgs = _orgs(request, WRITER_ROLES)
    org = orgs.order_by("pk").first()
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
