"""Contracts and the monthly payroll export: payroll only."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.roles import Perm
from activity.forms import ContractForm, PayrollExportForm, SignForm
from activity.models import Contract, WorkSession
from activity.services import contracts as service
from activity.services import payroll
from activity.views_programme import form_page
from audit.models import Action
from audit.services import record
from people.codes import normalise_code
from people.models import Person

CONTRACT = Perm.CONTRACT_MANAGE


@access.requires(perm=CONTRACT)
def contract_list(request):
    orgs = access.require_organisations(request.user, perm=CONTRACT)
    contracts = Contract.objects.filter(
        organisation__in=orgs, person__in=Person.objects.visible_to(request.user)
    ).select_related("person", "session__worksite")
    status = request.GET.get("statut")
    if status in Contract.Status.values:
        contracts = contracts.filter(status=status)
    return render(
        request,
        "activity/contract_list.html",
        {
            "title": "Contrats de travail",
            "contracts": contracts[:300],
            "status": status,
            "statuses": Contract.Status.choices,
            "export_form": PayrollExportForm(
                initial={"month": timezone.localdate(), "format": "csv"}
            ),
        },
    )


@access.requires(perm=CONTRACT)
@require_http_methods(["GET", "POST"])
def contract_create(request):
    orgs = access.require_organisations(request.user, perm=CONTRACT)
    recent = timezone.localdate() - timedelta(days=90)
    sessions = (
        WorkSession.objects.filter(organisation__in=orgs, cancelled=False, date__gte=recent)
        .select_related("worksite")
        .order_by("-date")
    )
    form = ContractForm(
        request.POST or None, sessions=sessions, initial={"person": request.GET.get("code", "")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        code = normalise_code(data["person"])
        person = (
            Person.objects.visible_to(request.user).filter(code=code, organisation__in=orgs).first()
        )
        if person is None:
            form.add_error("person", f"Aucune personne de code {code} dans vos dossiers.")
        else:
            try:
                service.create(
                    request.actor,
                    person,
                    session=data["session"],
                    start=data["period_start"],
                    end=data["period_end"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Contrat préparé : téléchargez-le pour signature.")
                return redirect("activity:contracts")
    return form_page(request, form, "Préparer un contrat", redirect("activity:contracts").url)


def _contract(request, pk):
    # Team restriction applies to payroll too: a contract of a person one may not see is 404.
    return access.get_scoped(
        request.user,
        Contract.objects.select_related("person", "session__worksite", "organisation"),
        perm=CONTRACT,
        pk=pk,
        person__in=Person.objects.visible_to(request.user),
    )


@access.requires(perm=CONTRACT)
def contract_pdf(request, pk):
    contract = _contract(request, pk)
    try:
        pdf = service.render_pdf(request.actor, contract)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("activity:contracts")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="contrat-{contract.person.code}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@access.requires(perm=CONTRACT)
@require_http_methods(["GET", "POST"])
def contract_sign(request, pk):
    contract = _contract(request, pk)
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service.sign(request.actor, contract, form.cleaned_data["signed_on"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Signature enregistrée.")
            return redirect("activity:contracts")
    return form_page(request, form, f"Signature — {contract}", redirect("activity:contracts").url)


@access.requires(perm=CONTRACT)
@require_POST
def contract_cancel(request, pk):
    service.cancel(request.actor, _contract(request, pk))
    messages.success(request, "Contrat annulé.")
    return redirect("activity:contracts")


@access.requires(perm=Perm.PAYROLL_EXPORT)
def payroll_export(request):
    orgs = access.require_organisations(request.user, perm=Perm.PAYROLL_EXPORT)
    form = PayrollExportForm(request.GET or None)
    if not form.is_valid():
        messages.error(request, "Choisissez un mois (AAAA-MM) et un format.")
        return redirect("activity:contracts")
    month, fmt = form.cleaned_data["month"], form.cleaned_data["format"]
    org = orgs.order_by("pk").first()
    rows = payroll.month_rows(org, month, Person.objects.visible_to(request.user))
    record(
        request.actor,
        Action.EXPORT,
        org,
        organisation=org,
        label=f"paie {month:%Y-%m}",
        format=fmt,
        rows=len(rows),
    )
    record(
        request.actor,
        Action.IDENTITY_VIEW,
        org,
        organisation=org,
        label=f"paie {month:%Y-%m}",
        persons=len(rows),
    )
    name = f"paie-{month:%Y-%m}"
    if fmt == "xlsx":
        body = payroll.to_xlsx(rows, name)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, ctype = payroll.to_csv(rows), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
