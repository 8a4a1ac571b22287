"""Committees and frozen reports. Each view declares its need once: a decorator of
reporting.access and the scoped queryset its object comes from (404 when out of scope)."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import Action
from audit.services import record
from core.concurrency import StaleEdit, claim_version
from reporting import access, ledger, services
from reporting import render as rendering
from reporting.forms import ActionItemForm, GenerateForm, MeetingForm
from reporting.models import ActionItem, Meeting, Report


@access.reader
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


@access.manager
@require_POST
def calendar(request, programme_id):
    programme = get_object_or_404(access.managed_programmes(request.user), pk=programme_id)
    created = services.create_calendar(request.actor, programme)
    messages.success(request, f"{len(created)} comité(s) ajouté(s) au calendrier.")
    return redirect("reporting:list")


@access.meeting_manager
@require_http_methods(["GET", "POST"])
def meeting(request, pk):
    meeting = get_object_or_404(Meeting.objects.managed_by(request.user), pk=pk)
    form = MeetingForm(request.POST or None, instance=meeting, initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                claim_version(form.instance, form.cleaned_data.get("version"))
                form.save()
        except StaleEdit as stale:
            form.add_error(None, stale.message)
        else:
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
    return _meeting_page(request, meeting, form)


def _meeting_page(request, meeting, form, generate_form=None):
    """The committee's page; generate_form is the refused one when generation was refused,
    re-rendered with what was typed and its message by the field."""
    if generate_form is None:
        threshold = ledger.threshold_of(meeting.programme) if meeting.programme_id else None
        generate_form = GenerateForm(initial={"threshold": threshold} if threshold else None)
    return render(
        request,
        "reporting/meeting.html",
        {
            "title": str(meeting),
            "meeting": meeting,
            "form": form,
            "decision_form": ActionItemForm(initial={"due_date": meeting.date}),
            "carried": services.carried_actions(meeting),
            "generate_form": generate_form,
            "reports": meeting.reports.all(),
        },
    )


@access.meeting_manager
@require_POST
def decision_add(request, pk):
    meeting = get_object_or_404(Meeting.objects.managed_by(request.user), pk=pk)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        item = form.save(commit=False)
        item.meeting = meeting
        item.save()
        record(
            request.actor, Action.CREATE, item, organisation=meeting.organisation, label=item.text
        )
        messages.success(request, "Décision ajoutée.")
    else:
        messages.error(request, "Décision incomplète : texte, responsable et échéance.")
    return redirect("reporting:meeting", pk=meeting.pk)


@access.meeting_manager
@require_POST
def decision_status(request, pk):
    item = get_object_or_404(
        ActionItem.objects.filter(
            meeting__in=Meeting.objects.managed_by(request.user)
        ).select_related("meeting"),
        pk=pk,
    )
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


@access.manager
@require_POST
def generate(request, pk):
    meeting = get_object_or_404(Meeting.objects.managed_by(request.user), pk=pk)
    form = GenerateForm(request.POST)
    if form.is_valid():
        try:
            report = services.generate(
                request.actor,
                meeting,
                threshold=form.cleaned_data["threshold"],
                free_text=form.cleaned_data["free_text"],
                leads=form.cleaned_data["leads"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field_name, errors in error.error_dict.items():
                    for e in errors:
                        form.add_error(field_name if field_name in form.fields else None, e)
            else:
                form.add_error(None, error)
    if form.errors:
        page = MeetingForm(instance=meeting, initial={"version": meeting.version})
        return _meeting_page(request, meeting, page, form)
    messages.success(request, "Rapport généré et figé.")
    return redirect("reporting:report", pk=report.pk)


def _shared(request, report) -> tuple[bool, bool]:
    """Funders always get the shared version; a coordinator asks for it with ?partage=1."""
    manager = access.manages(request.user, report.meeting.programme)
    return manager, not manager or request.GET.get("partage") == "1"


@access.reader
def report(request, pk):
    report = get_object_or_404(
        Report.objects.readable_by(request.user).select_related("meeting__programme"), pk=pk
    )
    manager, shared = _shared(request, report)
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
            "tables": _tables(report, shared),
            "intact": report.intact(),
        },
    )


FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
}


@access.reader
def download(request, pk, fmt):
    report = get_object_or_404(
        Report.objects.readable_by(request.user).select_related("meeting__programme"), pk=pk
    )
    manager, shared = _shared(request, report)
    if fmt not in FORMATS:
        raise Http404
    if not report.intact():
        messages.error(
            request,
            "L'empreinte de ce rapport ne correspond plus : téléchargement "
            "refusé. Prévenez l'administrateur.",
        )
        return redirect("reporting:report", pk=report.pk)
    presented = _tables(report, shared)
    name = f"rapport-{report.meeting.kind}-{report.meeting.date:%Y-%m-%d}"
    if fmt == "csv":
        keys = [t["key"] for t in report.data["tables"]]
        key = request.GET.get("table", keys[0])
        if key not in keys:
            raise Http404
        body = rendering.to_csv(presented[keys.index(key)])
        name = f"{name}-{key}"
    elif fmt == "xlsx":
        body = rendering.to_xlsx(presented, report.data.get("definitions", ()))
    elif fmt == "ods":
        body = rendering.to_ods(presented, report.data.get("definitions", ()))
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


def _tables(report, shared):
    """The team's exact figures, or the shared version frozen in the publication ledger
    (published when the report was generated, or now for a report generated before)."""
    if shared:
        return ledger.for_report(report).tables
    return rendering.tables(report, False)


def _pdf(request, report, presented, shared):
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string(
        "reporting/report_pdf.html",
        {
            "report": report,
            "tables": presented,
            "shared": shared,
            "bars": _hour_bars(report, presented, shared),
            "now": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf()


def _hour_bars(report, presented, shared):
    """The hours chart: drawn from the table printed beside it, so the shared version has no
    bar where the table hides a month ("s")."""
    keys = [t["key"] for t in report.data["tables"]]
    if "pay" not in keys:
        return []
    if shared:
        hours = [(row[0], _amount(row[1])) for row in presented[keys.index("pay")]["rows"]]
    else:
        hours = [(row[0], row[1]) for row in report.data["tables"][keys.index("pay")]["rows"]]
    peak = max([v for _, v in hours if v is not None] + [1])
    return [
        (label, "s", 0)
        if value is None
        else (label, f"{value:.1f}".replace(".", ","), round(300 * value / peak))
        for label, value in hours
    ]


def _amount(text):
    try:
        return float(str(text).replace(",", "."))
    except ValueError:
        return None


@access.reader
def funder_dashboard(request, programme_id):
    """What the programme's funders see: closed months only, published once per closed
    month in the ledger and suppressed jointly with the shared reports."""
    programme = get_object_or_404(access.readable_programmes(request.user), pk=programme_id)
    publication = ledger.for_dashboard(programme, timezone.localdate())
    record(request.actor, Action.VIEW, programme, label=programme.name, view="aggregates")
    return render(
        request,
        "reporting/dashboard.html",
        {
            "title": f"Indicateurs — {programme.name}",
            "programme": programme,
            "publication": publication,
            "tables": publication.tables if publication else [],
            "threshold": publication.threshold if publication else None,
        },
    )
