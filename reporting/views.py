from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import Action
from audit.services import record
from reporting import access, figures, services
from reporting import render as rendering
from reporting.forms import ActionItemForm, GenerateForm, MeetingForm
from reporting.models import ActionItem, Meeting, Report


@login_required
def meeting_list(request):
    programmes = list(access.readable_programmes(request.user).order_by("-start_date"))
    if not programmes:
        raise Http404
    managed = set(access.managed_programmes(request.user).values_list("pk", flat=True))
    # Grouped in Python from two queries, whatever the number of programmes.
    meetings, reports = defaultdict(list), defaultdict(list)
    for m in Meeting.objects.filter(programme__in=managed).annotate(n_reports=Count("reports")):
        meetings[m.programme_id].append(m)
    published = (
        Report.objects.filter(meeting__programme__in=[p.pk for p in programmes])
        .exclude(meeting__programme__in=managed)
        .select_related("meeting")
        .defer("data")
    )
    for r in published:
        reports[r.meeting.programme_id].append(r)
    return render(
        request,
        "reporting/list.html",
        {
            "title": "Comités et rapports",
            "programmes": [(p, p.pk in managed, meetings[p.pk], reports[p.pk]) for p in programmes],
        },
    )


@login_required
@require_POST
def calendar(request, programme_id):
    programme = get_object_or_404(access.managed_programmes(request.user), pk=programme_id)
    created = services.create_calendar(request.actor, programme)
    messages.success(request, f"{len(created)} comité(s) ajouté(s) au calendrier.")
    return redirect("reporting:list")


def _managed_meeting(request, pk):
    """A programme's committee for its coordinators; a plan's committee for the steering
    administrators."""
    from plan.access import is_admin

    scope = Q(programme__in=access.managed_programmes(request.user))
    if is_admin(request.user):
        scope |= Q(plan__isnull=False)
    return get_object_or_404(Meeting.objects.filter(scope), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def meeting(request, pk):
    meeting = _managed_meeting(request, pk)
    form = MeetingForm(request.POST or None, instance=meeting, initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version")
        updated = Meeting.objects.filter(pk=meeting.pk, version=version).update(
            version=F("version") + 1
        )
        if not updated:
            form.add_error(
                None,
                "Ce comité vient d'être modifié par quelqu'un d'autre : rien n'a "
                "été enregistré ; votre saisie est conservée ci-dessous.",
            )
        else:
            form.instance.version = version + 1
            form.save()
            record(
                request.actor,
                Action.UPDATE,
                meeting,
                organisation=meeting.organisation,
                label=str(meeting),
                fields=sorted(form.changed_data),
            )
            messages.success(request, "Comité enregistré.")
            return redirect("reporting:meeting", pk=meeting.pk)
    return render(
        request,
        "reporting/meeting.html",
        {
            "title": str(meeting),
            "meeting": meeting,
            "form": form,
            "action_form": ActionItemForm(initial={"due_date": meeting.date}),
            "carried": services.carried_actions(meeting),
            "generate_form": GenerateForm(),
            "reports": meeting.reports.all(),
        },
    )


@login_required
@require_POST
def action_add(request, pk):
    meeting = _managed_meeting(request, pk)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        item = form.save(commit=False)
        item.meeting = meeting
        item.save()
        record(
            request.actor, Action.CREATE, item, organisation=meeting.organisation, label=item.text
        )
        messages.success(request, "Action ajoutée.")
    else:
        messages.error(request, "Action incomplète : texte, responsable et échéance.")
    return redirect("reporting:meeting", pk=meeting.pk)


@login_required
@require_POST
def action_status(request, pk):
    item = get_object_or_404(ActionItem.objects.select_related("meeting"), pk=pk)
    _managed_meeting(request, item.meeting_id)
    status = request.POST.get("status")
    if status in ActionItem.Status.values:
        item.status = status
        item.save(update_fields=["status"])
        record(
            request.actor,
            Action.UPDATE,
            item,
            organisation=item.meeting.organisation,
            label=item.text,
            fields=["status"],
        )
    back = request.POST.get("back", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    return redirect(back if safe and back.startswith("/comites/") else "reporting:list")


@login_required
@require_POST
def generate(request, pk):
    meeting = _managed_meeting(request, pk)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Le seuil doit être un nombre entier, au moins 3.")
        return redirect("reporting:meeting", pk=meeting.pk)
    try:
        report = services.generate(
            request.actor,
            meeting,
            threshold=form.cleaned_data["threshold"],
            free_text=form.cleaned_data["free_text"],
            leads=form.cleaned_data["leads"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reporting:meeting", pk=meeting.pk)
    messages.success(request, "Rapport généré et figé.")
    return redirect("reporting:report", pk=report.pk)


def _report(request, pk):
    report = get_object_or_404(
        Report.objects.select_related("meeting__programme").filter(
            meeting__programme__in=access.readable_programmes(request.user)
        ),
        pk=pk,
    )
    manager = access.is_manager(request.user, report.meeting.programme)
    # Funders always get the shared version; a coordinator asks for it with ?partage=1.
    shared = not manager or request.GET.get("partage") == "1"
    return report, manager, shared


@login_required
def report(request, pk):
    report, manager, shared = _report(request, pk)
    record(
        request.actor,
        Action.VIEW,
        report,
        organisation=report.meeting.organisation,
        label=str(report.meeting),
        shared=shared,
    )
    return render(
        request,
        "reporting/report.html",
        {
            "title": f"Rapport — {report.meeting}",
            "report": report,
            "manager": manager,
            "shared": shared,
            "tables": rendering.tables(report, shared),
            "intact": report.intact(),
        },
    )


FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
}


@login_required
def download(request, pk, fmt):
    report, manager, shared = _report(request, pk)
    if fmt not in FORMATS:
        raise Http404
    if not report.intact():
        messages.error(
            request,
            "L'empreinte de ce rapport ne correspond plus : téléchargement "
            "refusé. Prévenez l'administrateur.",
        )
        return redirect("reporting:report", pk=report.pk)
    presented = rendering.tables(report, shared)
    name = f"rapport-{report.meeting.kind}-{report.meeting.date:%Y-%m-%d}"
    if fmt == "csv":
        keys = [t["key"] for t in report.data["tables"]]
        key = request.GET.get("table", keys[0])
        if key not in keys:
            raise Http404
        body = rendering.to_csv(presented[keys.index(key)])
        name = f"{name}-{key}"
    elif fmt == "xlsx":
        body = rendering.to_xlsx(presented)
    elif fmt == "ods":
        body = rendering.to_ods(presented)
    else:
        body = _pdf(request, report, presented, shared)
    record(
        request.actor,
        Action.EXPORT,
        report,
        organisation=report.meeting.organisation,
        label=str(report.meeting),
        format=fmt,
        shared=shared,
    )
    response = HttpResponse(body, content_type=FORMATS[fmt])
    suffix = "-partage" if shared else ""
    response["Content-Disposition"] = f'attachment; filename="{name}{suffix}.{fmt}"'
    return response


def _pdf(request, report, presented, shared):
    from django.template.loader import render_to_string
    from weasyprint import HTML

    hours = next(t for t in report.data["tables"] if t["key"] == "pay")["rows"]
    peak = max([row[1] for row in hours] + [1])
    html = render_to_string(
        "reporting/report_pdf.html",
        {
            "report": report,
            "tables": presented,
            "shared": shared,
            "bars": [(row[0], row[1], round(300 * row[1] / peak)) for row in hours],
            "now": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf()


@login_required
def funder_dashboard(request, programme_id):
    """Live aggregates for a programme's funders and coordinators, suppressed as shared."""
    programme = get_object_or_404(access.readable_programmes(request.user), pk=programme_id)
    today = timezone.localdate()
    data = figures.build(programme, programme.start_date, min(today, programme.end_date))
    threshold = 5
    presented = rendering.present_all(data["tables"], True, threshold)
    record(request.actor, Action.VIEW, programme, label=programme.name, view="aggregates")
    return render(
        request,
        "reporting/dashboard.html",
        {
            "title": f"Indicateurs — {programme.name}",
            "programme": programme,
            "tables": presented,
            "threshold": threshold,
        },
    )
