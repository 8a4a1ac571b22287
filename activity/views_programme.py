"""Programmes, enrolments and the live dashboard."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.roles import Perm
from activity import indicators, profile
from activity.forms import EndEnrolmentForm, EnrolForm, ProgrammeForm
from activity.models import Enrolment, Programme
from activity.services import programmes as service
from audit.models import Action
from audit.services import record
from people.codes import normalise_code
from people.models import Person


def form_page(request, form, title, back, **extra):
    return render(
        request, "activity/form.html", {"title": title, "form": form, "back": back, **extra}
    )


@access.requires(perm=Perm.DASHBOARD)
def programme_list(request):
    orgs = access.require_organisations(request.user, perm=Perm.DASHBOARD)
    programmes = Programme.objects.filter(organisation__in=orgs).select_related("organisation")
    overview = indicators.overview(timezone.localdate(), orgs)
    return render(
        request,
        "activity/programme_list.html",
        {
            "title": "Programmes",
            "programmes": programmes,
            "figures": overview["groups"],
            "totals": overview["totals"],
            "can_manage": access.holds(request.user, perm=Perm.PROGRAMME_MANAGE),
        },
    )


@access.requires(perm=Perm.PROGRAMME_MANAGE)
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk=None):
    if pk:
        programme = access.get_scoped(
            request.user, Programme.objects, perm=Perm.PROGRAMME_MANAGE, pk=pk
        )
    else:
        programme = Programme(
            organisation=access.home_organisation(request.user, perm=Perm.PROGRAMME_MANAGE)
        )
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        programme = form.save()
        record(
            request.actor,
            Action.UPDATE if pk else Action.CREATE,
            programme,
            label=programme.name,
            fields=sorted(form.changed_data),
        )
        messages.success(request, "Programme enregistré.")
        return redirect("activity:programme", pk=programme.pk)
    back = redirect("activity:programmes").url
    return form_page(request, form, "Modifier le programme" if pk else "Nouveau programme", back)


@access.requires(perm=Perm.DASHBOARD)
def programme_dashboard(request, pk):
    programme = access.get_scoped(request.user, Programme.objects, perm=Perm.DASHBOARD, pk=pk)
    today = timezone.localdate()
    current_month = min(max(today, programme.start_date), programme.end_date).replace(day=1)
    months = indicators.monthly(programme, today)
    summary = indicators.summary(programme, today)
    return render(
        request,
        "activity/dashboard.html",
        {
            "title": programme.name,
            "programme": programme,
            "s": summary,
            "months": months,
            "max_prestations": max([m.prestations for m in months] + [1]),
            "current_month": current_month,
            "todo": indicators.below_minimum(programme, current_month),
            "domains": indicators.breakdown(programme, "session__worksite__domain__name", "—"),
            "partners": indicators.breakdown(
                programme, "session__partner__name", "Sans partenaire"
            ),
            "profile": profile.profile(programme, today),
            "profile_columns": [name for name, _genders in profile.COLUMNS],
            "can_manage": access.holds_in(
                request.user, programme.organisation.pk, perm=Perm.PROGRAMME_MANAGE
            ),
            "persons_pct": _pct(summary["enrolled"], programme.target_persons),
            "sessions_pct": _pct(summary["prestations"], programme.target_sessions),
        },
    )


def _pct(value, target):
    return min(round(100 * value / target), 100) if target else 0


@access.requires(perm=Perm.PROGRAMME_MANAGE)
def enrolment_list(request, pk):
    programme = access.get_scoped(
        request.user, Programme.objects, perm=Perm.PROGRAMME_MANAGE, pk=pk
    )
    enrolments = programme.enrolments.select_related("person").order_by("end_date", "-start_date")
    return render(
        request,
        "activity/enrolment_list.html",
        {
            "title": f"Inscriptions — {programme.name}",
            "programme": programme,
            "enrolments": enrolments,
            "form": EnrolForm(initial={"start_date": timezone.localdate()}),
        },
    )


@access.requires(perm=Perm.PROGRAMME_MANAGE)
@require_http_methods(["GET", "POST"])
def enrol(request, pk):
    programme = access.get_scoped(
        request.user, Programme.objects, perm=Perm.PROGRAMME_MANAGE, pk=pk
    )
    form = EnrolForm(
        request.POST or None,
        initial={"start_date": timezone.localdate(), "person": request.GET.get("code", "")},
    )
    if request.method == "POST" and form.is_valid():
        code = normalise_code(form.cleaned_data["person"])
        person = Person.objects.visible_to(request.user).filter(code=code).first()
        if person is None:
            form.add_error("person", f"Aucune personne de code {code} dans vos dossiers.")
        else:
            try:
                service.enrol(
                    request.actor,
                    programme,
                    person,
                    form.cleaned_data["start_date"],
                    form.cleaned_data["override_reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"{person.code} est inscrit·e au programme.")
                return redirect("activity:enrolments", pk=programme.pk)
    back = redirect("activity:enrolments", pk=programme.pk).url
    return form_page(request, form, f"Inscrire au programme {programme.name}", back)


@access.requires(perm=Perm.PROGRAMME_MANAGE)
@require_http_methods(["GET", "POST"])
def enrolment_end(request, pk):
    enrolment = access.get_scoped(
        request.user,
        Enrolment.objects.select_related("programme", "person"),
        perm=Perm.PROGRAMME_MANAGE,
        org_path="programme__organisation",
        pk=pk,
    )
    form = EndEnrolmentForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            service.end_enrolment(request.actor, enrolment, form.cleaned_data["end_date"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Fin d'inscription enregistrée.")
            return redirect("activity:enrolments", pk=enrolment.programme_id)
    back = redirect("activity:enrolments", pk=enrolment.programme_id).url
    return form_page(request, form, f"Fin d'inscription de {enrolment.person.code}", back)
