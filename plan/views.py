from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access as access_rules
from audit.models import Action as AuditAction
from audit.services import record
from core.forms import DateInput, SentierForm
from plan import access, services
from plan.models import Blocker, Indicator, Plan, Step, StepStatus


class BlockerForm(SentierForm):
    description = forms.CharField(
        label="Frein", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label="Responsable", max_length=150)
    raised_on = forms.DateField(label="Signalé le", widget=DateInput(), initial=date.today)


class ValueForm(SentierForm):
    period_start = forms.DateField(label="Période (premier jour)", widget=DateInput())
    value = forms.CharField(label="Valeur", max_length=30)


class CopyForm(SentierForm):
    name = forms.CharField(label="Nom du nouveau plan", max_length=200)
    start_year = forms.IntegerField(label="Première année", min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label="Dernière année", min_value=2000, max_value=2100)
    actions = forms.ModelMultipleChoiceField(
        label="Actions reprises", queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        from plan.models import Action

        self.fields["actions"].queryset = Action.objects.filter(objective__axis__plan=plan)

    def clean(self):
        data = super().clean()
        if (
            data.get("start_year")
            and data.get("end_year")
            and data["end_year"] < data["start_year"]
        ):
            self.add_error("end_year", "La dernière année précède la première.")
        if data.get("name") and Plan.objects.filter(name=data["name"]).exists():
            self.add_error("name", "Un plan porte déjà ce nom.")
        return data


@login_required
def plan_list(request):
    plans = access.readable_plans(request.user)
    if not plans.exists() and not access.is_admin(request.user):
        raise Http404
    return render(request, "plan/list.html", {"title": "Plans", "plans": plans})


@login_required
def dashboard(request, pk):
    plan = access.readable_plan(request.user, pk)
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
            "admin": access.is_admin(request.user),
            "meetings": plan.meetings.order_by("-date")[:24],
            "charts": [
                (i, services.chart(services.series(i, plan)))
                for i in services.followed_indicators(plan)
            ],
            "meeting_form": MeetingCreateForm(initial={"date": today, "kind": "operational"}),
        },
    )


@login_required
def tracking(request, pk):
    plan = access.readable_plan(request.user, pk)
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
    from reporting import render as rendering

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


@login_required
def evaluation(request, pk, year):
    plan = access.readable_plan(request.user, pk)
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


@login_required
def funding(request, pk):
    from django.db.models import Sum

    plan = access.readable_plan(request.user, pk)
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
            "admin": access.is_admin(request.user),
        },
    )


@login_required
def action_detail(request, pk):
    action = access.readable_action(request.user, pk)
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
            "admin": access.is_admin(request.user),
            "statuses": StepStatus.choices,
            "blocker_form": BlockerForm(),
            "value_form": ValueForm(),
            "indicators": indicators,
        },
    )


def _editable_step(request, pk):
    step = get_object_or_404(Step.objects.select_related("action"), pk=pk)
    access.readable_action(request.user, step.action_id)
    access.must_edit(request.user, step.action)
    return step


@login_required
@require_POST
def step_status(request, pk):
    step = _editable_step(request, pk)
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


@login_required
@require_POST
def blocker_add(request, pk):
    step = _editable_step(request, pk)
    form = BlockerForm(request.POST)
    if form.is_valid():
        blocker = Blocker.objects.create(step=step, **form.cleaned_data)
        record(request.actor, AuditAction.CREATE, blocker, label=f"Action {step.action.number}")
        messages.success(request, "Frein enregistré.")
    else:
        messages.error(request, "Frein incomplet : description, responsable et date.")
    return redirect("plan:action", pk=step.action_id)


@login_required
@require_POST
def blocker_resolve(request, pk):
    blocker = get_object_or_404(Blocker.objects.select_related("step__action"), pk=pk)
    _editable_step(request, blocker.step_id)
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


@login_required
@require_POST
def value_add(request, pk):
    indicator = get_object_or_404(Indicator.objects.select_related("action"), pk=pk)
    access.readable_action(request.user, indicator.action_id)
    access.must_edit(request.user, indicator.action)
    form = ValueForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez une période (date) et une valeur.")
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


class MeetingCreateForm(SentierForm):
    kind = forms.ChoiceField(
        label="Comité",
        choices=[
            ("operational", "Comité opérationnel (mensuel)"),
            ("technical", "Comité technique (mensuel)"),
            ("strategic", "Comité stratégique (au moins annuel)"),
        ],
    )
    date = forms.DateField(label="Date", widget=DateInput())


@login_required
@require_POST
def meeting_add(request, pk):
    """Plan committees reuse the committees' meeting: agenda, minutes, decisions carried."""
    from reporting.models import Meeting

    if not access.is_admin(request.user):
        raise Http404
    plan = access.readable_plan(request.user, pk)
    form = MeetingCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez le comité et une date valide.")
        return redirect("plan:dashboard", pk=plan.pk)
    org = next(
        m.organisation for m in access_rules.memberships(request.user) if m.role == "steering_admin"
    )
    meeting = Meeting.objects.create(organisation=org, plan=plan, **form.cleaned_data)
    meeting.attendee_organisations.set(plan.organisations.all())
    record(request.actor, AuditAction.CREATE, meeting, label=str(meeting))
    return redirect("reporting:meeting", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def copy(request, pk):
    if not access.is_admin(request.user):
        raise Http404
    source = access.readable_plan(request.user, pk)
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
