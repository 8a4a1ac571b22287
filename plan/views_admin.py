"""Steering administration: a plan is data, and its administrators edit all of it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from audit.models import Action as AuditAction
from audit.services import record
from plan import access
from plan.forms import ActionForm, FundingForm, IndicatorForm, PlanForm, StepForm
from plan.models import Indicator, Step


def _admin(request):
    if not access.is_admin(request.user):
        raise Http404


def _save(request, form, title, back, created_label=""):
    if request.method == "POST" and form.is_valid():
        obj = form.save()
        action = AuditAction.CREATE if created_label else AuditAction.UPDATE
        record(request.actor, action, obj, label=str(obj)[:120], fields=sorted(form.changed_data))
        messages.success(request, created_label or "Modifications enregistrées.")
        return redirect(back)
    return render(request, "activity/form.html", {"title": title, "form": form, "back": back})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    _admin(request)
    plan = access.readable_plan(request.user, pk)
    form = PlanForm(request.POST or None, instance=plan)
    return _save(request, form, f"Modifier {plan}", f"/plan/{plan.pk}/")


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    _admin(request)
    action = access.readable_action(request.user, pk)
    form = ActionForm(request.POST or None, instance=action)
    return _save(request, form, f"Modifier l'action {action.number}", f"/plan/actions/{pk}/")


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request, action_pk, pk=None):
    _admin(request)
    action = access.readable_action(request.user, action_pk)
    indicator = (
        get_object_or_404(Indicator, action=action, pk=pk) if pk else Indicator(action=action)
    )
    form = IndicatorForm(request.POST or None, instance=indicator)
    title = "Modifier l'indicateur" if pk else "Nouvel indicateur"
    return _save(
        request, form, title, f"/plan/actions/{action.pk}/", "" if pk else "Indicateur ajouté."
    )


@login_required
@require_http_methods(["GET", "POST"])
def step_add(request, action_pk):
    _admin(request)
    action = access.readable_action(request.user, action_pk)
    form = StepForm(
        request.POST or None, instance=Step(action=action, position=action.steps.count())
    )
    return _save(request, form, "Nouvelle étape", f"/plan/actions/{action.pk}/", "Étape ajoutée.")


@login_required
@require_http_methods(["GET", "POST"])
def funding_add(request, pk):
    _admin(request)
    plan = access.readable_plan(request.user, pk)
    form = FundingForm(request.POST or None, plan=plan)
    form.instance.plan = plan
    return _save(
        request,
        form,
        "Nouvel engagement de financement",
        f"/plan/{plan.pk}/financements/",
        "Engagement enregistré.",
    )
