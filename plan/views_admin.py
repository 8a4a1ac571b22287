"""Steering administration: a plan is data, and the administrators of its steering body
edit all of it, and name its other administrators. Every view: plan.access.administrator,
then its object from `administered_by` (404 for any other plan)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts import services as account_services
from audit.models import Action as AuditAction
from audit.services import record
from plan import access, services
from plan.forms import ActionForm, FundingForm, IndicatorForm, PlanAdminForm, PlanForm, StepForm
from plan.models import Action, Indicator, Plan, Step


def _save(request, form, title, back, created_label=""):
    if request.method == "POST" and form.is_valid():
        obj = form.save()
        action = AuditAction.CREATE if created_label else AuditAction.UPDATE
        record(request.actor, action, obj, label=str(obj)[:120], fields=sorted(form.changed_data))
        messages.success(request, created_label or "Modifications enregistrées.")
        return redirect(back)
    return render(request, "activity/form.html", {"title": title, "form": form, "back": back})


@access.administrator
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = get_object_or_404(Plan.objects.administered_by(request.user), pk=pk)
    form = PlanForm(request.POST or None, instance=plan)
    return _save(request, form, f"Modifier {plan}", f"/plan/{plan.pk}/")


@access.administrator
@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    action = get_object_or_404(Action.objects.administered_by(request.user), pk=pk)
    form = ActionForm(request.POST or None, instance=action)
    return _save(request, form, f"Modifier l'action {action.number}", f"/plan/actions/{pk}/")


@access.administrator
@require_http_methods(["GET", "POST"])
def indicator_edit(request, action_pk, pk=None):
    action = get_object_or_404(Action.objects.administered_by(request.user), pk=action_pk)
    indicator = (
        get_object_or_404(Indicator, action=action, pk=pk) if pk else Indicator(action=action)
    )
    form = IndicatorForm(request.POST or None, instance=indicator)
    title = "Modifier l'indicateur" if pk else "Nouvel indicateur"
    return _save(
        request, form, title, f"/plan/actions/{action.pk}/", "" if pk else "Indicateur ajouté."
    )


@access.administrator
@require_http_methods(["GET", "POST"])
def step_add(request, action_pk):
    action = get_object_or_404(Action.objects.administered_by(request.user), pk=action_pk)
    form = StepForm(
        request.POST or None, instance=Step(action=action, position=action.steps.count())
    )
    return _save(request, form, "Nouvelle étape", f"/plan/actions/{action.pk}/", "Étape ajoutée.")


@access.administrator
@require_http_methods(["GET", "POST"])
def funding_add(request, pk):
    plan = get_object_or_404(Plan.objects.administered_by(request.user), pk=pk)
    form = FundingForm(request.POST or None, plan=plan)
    form.instance.plan = plan
    return _save(
        request,
        form,
        "Nouvel engagement de financement",
        f"/plan/{plan.pk}/financements/",
        "Engagement enregistré.",
    )


@access.administrator
@require_http_methods(["GET", "POST"])
def administrators(request, pk):
    """Administrateur·rices du plan: a plan administrator invites an address to the role (in
    a steering-group organisation; active once accepted) or takes it back."""
    plan = get_object_or_404(Plan.objects.administered_by(request.user), pk=pk)
    form = PlanAdminForm(request.POST or None, plan=plan)
    if request.method == "POST" and "withdraw" in request.POST:
        membership = (
            services.plan_administrators(plan).filter(pk=_int(request.POST["withdraw"])).first()
        )
        try:
            if membership is None:
                raise ValidationError("Ce rôle a déjà été retiré.")
            services.withdraw_plan_admin(request.actor, plan, membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Rôle retiré à {membership.user.email}.")
        return redirect("plan:administrators", pk=plan.pk)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.grant_plan_admin(
                request.actor,
                plan,
                data["organisation"],
                data["email"],
                full_name=data["full_name"],
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        except account_services.MailNotSent as error:
            messages.error(request, error.message)
            return redirect("plan:administrators", pk=plan.pk)
        else:
            # The same words whether the address already had an account or not.
            messages.success(
                request,
                f"Invitation envoyée par courriel à {data['email']}. Le rôle sera actif quand "
                "la personne l'aura acceptée.",
            )
            return redirect("plan:administrators", pk=plan.pk)
    return render(
        request,
        "plan/administrators.html",
        {
            "title": f"Administrateur·rices du plan — {plan.name}",
            "plan": plan,
            "administrators": services.plan_administrators(plan),
            "form": form,
        },
    )


def _int(text) -> int | None:
    return int(text) if str(text).isdigit() and len(str(text)) < 12 else None
