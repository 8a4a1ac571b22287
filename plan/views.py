"""The plan as its steering group reads it, and what an action's pilots and operators change.
Each view declares its need once: a decorator of plan.access (who may ask at all) and the
scoped queryset it fetches its object from (404 when out of scope)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import Action as AuditAction
from audit.services import record
from plan import access, services
from plan.forms import BlockerForm, CopyForm, MeetingCreateForm, ValueForm
from plan.models import Action, Blocker, Indicator, Plan, Step, StepStatus
from reporting import render as rendering


@access.reader
def plan_list(request):
    plans = Plan.objects.readable_by(request.user)
    if not plans.exists():
        raise Http404
    return render(request, "plan/list.html", {"title": "Plans", "plans": plans})


@access.reader
def dashboard(request, pk):
    plan = get_object_or_404(Plan.objects.readable_by(request.user), pk=pk)
    today = timezone.localdate()
    rows = services.tracking_rows(plan, today)
    return render(
        request,
        "plan/dashboard.html",
        {
            "title": plan.name,
            "plan": plan,
            "progress": services.progress(plan),
            "attention": [r for r in rows if r["status"] in ("late", "blocked")],
            "rows": rows,
            "labels": services.STATUS_LABELS,
            "today": today,
            "admin": access.administers(request.user, plan),
            "meetings": plan.meetings.order_by("-date")[:24],
            "charts": [
                (i, services.chart(services.series(i, plan)))
                for i in services.followed_indicators(plan)
            ],
            "meeting_form": MeetingCreateForm(initial={"date": today, "kind": "operational"}),
        },
    )


@access.reader
def tracking(request, pk):
    plan = get_object_or_404(Plan.objects.readable_by(request.user), pk=pk)
    today = timezone.localdate()
    fmt = request.GET.get("format")
    if fmt is None:
        return render(
            request,
            "plan/tracking.html",
            {
                "title": f"Tableau de suivi — {plan.name}",
                "plan": plan,
                "rows": services.tracking_rows(plan, today),
                "labels": services.STATUS_LABELS,
                "today": today,
            },
        )
    table = services.presented_table(plan, today)
    if fmt == "xlsx":
        body = rendering.to_xlsx([table])
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "ods":
        body, ctype = rendering.to_ods([table]), "application/vnd.oasis.opendocument.spreadsheet"
    elif fmt == "pdf":
        from django.template.loader import render_to_string
        from weasyprint import HTML

        html = render_to_string("plan/tracking_pdf.html", {"plan": plan, "table": table})
        body, ctype = HTML(string=html).write_pdf(), "application/pdf"
    else:
        raise Http404
    record(request.actor, AuditAction.EXPORT, plan, label=plan.name, format=fmt)
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="suivi-plan-{today:%Y-%m}.{fmt}"'
    return response


@access.reader
def evaluation(request, pk, year):
    plan = get_object_or_404(Plan.objects.readable_by(request.user), pk=pk)
    if not plan.start_year <= year <= plan.end_year:
        raise Http404
    return render(
        request,
        "plan/evaluation.html",
        {
            "title": f"Évaluation {year} — {plan.name}",
            "plan": plan,
            "year": year,
            "axes": services.evaluation(plan, year),
        },
    )


@access.reader
def funding(request, pk):
    plan = get_object_or_404(Plan.objects.readable_by(request.user), pk=pk)
    commitments = plan.funding.select_related("action")
    totals = (
        commitments.values("funder", "year")
        .annotate(total=Sum("amount"))
        .order_by("funder", "year")
    )
    return render(
        request,
        "plan/funding.html",
        {
            "title": f"Financements — {plan.name}",
            "plan": plan,
            "commitments": commitments,
            "totals": totals,
            "admin": access.administers(request.user, plan),
        },
    )


@access.reader
def action_detail(request, pk):
    action = get_object_or_404(
        Action.objects.readable_by(request.user).select_related("objective__axis__plan"), pk=pk
    )
    today = timezone.localdate()
    indicators = []
    for indicator in action.indicators.all():
        latest, previous = services.last_periods(
            indicator, services.reference_day(action.objective.axis.plan, today)
        )
        history = indicator.values.select_related("entered_by").order_by("-entered_at")
        indicator.chart = services.chart(services.series(indicator, action.objective.axis.plan))
        indicators.append(
            (
                indicator,
                services.value_for(indicator, latest),
                latest,
                services.value_for(indicator, previous),
                previous,
                history,
            )
        )
    return render(
        request,
        "plan/action.html",
        {
            "title": f"Action {action.number}",
            "action": action,
            "today": today,
            "steps": action.steps.prefetch_related("blockers"),
            "can_edit": access.can_edit(request.user, action),
            "admin": access.administers(request.user, action.objective.axis.plan),
            "statuses": StepStatus.choices,
            "blocker_form": BlockerForm(),
            "value_form": ValueForm(),
            "indicators": indicators,
        },
    )


@access.editor
@require_POST
def step_status(request, pk):
    step = get_object_or_404(access.editable(Step, request.user).select_related("action"), pk=pk)
    status = request.POST.get("status")
    if status not in StepStatus.values:
        messages.error(request, "État inconnu.")
    else:
        step.status = status
        step.save(update_fields=["status"])
        record(
            request.actor,
            AuditAction.UPDATE,
            step,
            label=f"Action {step.action.number}",
            status=status,
        )
        messages.success(request, "État de l'étape enregistré.")
    return redirect("plan:action", pk=step.action_id)


@access.editor
@require_POST
def blocker_add(request, pk):
    step = get_object_or_404(access.editable(Step, request.user).select_related("action"), pk=pk)
    form = BlockerForm(request.POST)
    if form.is_valid():
        blocker = Blocker.objects.create(step=step, **form.cleaned_data)
        record(request.actor, AuditAction.CREATE, blocker, label=f"Action {step.action.number}")
        messages.success(request, "Frein enregistré.")
    else:
        messages.error(request, "Frein incomplet : description, responsable et date.")
    return redirect("plan:action", pk=step.action_id)


@access.editor
@require_POST
def blocker_resolve(request, pk):
    blocker = get_object_or_404(
        access.editable(Blocker, request.user).select_related("step__action"), pk=pk
    )
    resolution = request.POST.get("resolution", "").strip()
    if blocker.resolved_on:
        messages.error(request, "Ce frein est déjà levé : sa résolution reste dans l'historique.")
    elif not resolution:
        messages.error(request, "Décrivez comment le frein a été levé.")
    else:
        blocker.resolution, blocker.resolved_on = resolution[:2000], timezone.localdate()
        blocker.save(update_fields=["resolution", "resolved_on"])
        record(
            request.actor, AuditAction.UPDATE, blocker, label=f"Action {blocker.step.action.number}"
        )
        messages.success(request, "Frein levé.")
    return redirect("plan:action", pk=blocker.step.action_id)


@access.editor
@require_POST
def value_add(request, pk):
    indicator = get_object_or_404(
        access.editable(Indicator, request.user).select_related("action__objective__axis__plan"),
        pk=pk,
    )
    form = ValueForm(request.POST)
    if not form.is_valid():
        errors = [e for field in form.errors.values() for e in field]
        messages.error(request, " ".join(errors) or "Indiquez une période (date) et une valeur.")
    else:
        try:
            services.enter_value(
                request.actor,
                indicator,
                form.cleaned_data["period_start"],
                form.cleaned_data["value"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            record(request.actor, AuditAction.CREATE, indicator, label=indicator.name[:100])
            messages.success(
                request, "Valeur enregistrée ; les précédentes restent dans l'historique."
            )
    return redirect("plan:action", pk=indicator.action_id)


@access.administrator
@require_POST
def meeting_add(request, pk):
    """Plan committees reuse the committees' meeting: agenda, minutes, decisions carried."""
    plan = get_object_or_404(Plan.objects.administered_by(request.user), pk=pk)
    form = MeetingCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez le comité et une date valide.")
        return redirect("plan:dashboard", pk=plan.pk)
    meeting = services.add_meeting(request.actor, plan, **form.cleaned_data)
    return redirect("reporting:meeting", pk=meeting.pk)


@access.administrator
@require_http_methods(["GET", "POST"])
def copy(request, pk):
    source = get_object_or_404(Plan.objects.administered_by(request.user), pk=pk)
    form = CopyForm(request.POST or None, plan=source)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = services.copy_plan(
            source,
            name=data["name"],
            start_year=data["start_year"],
            end_year=data["end_year"],
            actions=data["actions"],
        )
        record(request.actor, AuditAction.CREATE, new, label=new.name, copied_from=source.pk)
        messages.success(request, "Nouveau plan créé.")
        return redirect("plan:dashboard", pk=new.pk)
    return render(
        request, "activity/form.html", {"title": f"Nouveau plan à partir de {source}", "form": form}
    )
