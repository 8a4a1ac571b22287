"""Planning sessions, inviting, attendance on a phone, same-day payment."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.roles import Perm
from activity.forms import (
    AttendanceForm,
    CancelSessionForm,
    InviteForm,
    PaymentForm,
    ReversalForm,
    WorkSessionForm,
)
from activity.models import Enrolment, Participation, Payment, WorkSession
from activity.services import payments as pay_service
from activity.services import sessions as service
from activity.views_programme import form_page
from core.concurrency import StaleEdit
from people.models import Person

SESSION = Perm.SESSION_MANAGE


@access.requires(perm=SESSION)
def session_list(request):
    orgs = access.require_organisations(request.user, perm=SESSION)
    today = timezone.localdate()
    past = request.GET.get("passees") == "1"
    sessions = WorkSession.objects.filter(organisation__in=orgs).select_related("worksite")
    sessions = (
        sessions.filter(date__lt=today).order_by("-date")
        if past
        else sessions.filter(date__gte=today)
    )
    return render(
        request,
        "activity/session_list.html",
        {
            "title": "Séances de travail",
            "sessions": sessions[:200],
            "past": past,
        },
    )


@access.requires(perm=SESSION)
def today(request):
    orgs = access.require_organisations(request.user, perm=SESSION)
    day = timezone.localdate()
    return render(
        request,
        "activity/today.html",
        {
            "title": "Séances du jour",
            "day": day,
            "sessions": service.sessions_on(orgs, day),
        },
    )


@access.requires(perm=SESSION)
@require_http_methods(["GET", "POST"])
def session_create(request):
    org = access.home_organisation(request.user, perm=SESSION)
    form = WorkSessionForm(
        request.POST or None, organisation=org, initial={"supervisor": request.user, "places": 8}
    )
    if request.method == "POST" and form.is_valid():
        session = form.save(commit=False)
        session.created_by = request.user
        try:
            created = service.plan(request.actor, session, form.cleaned_data["weeks"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{len(created)} séance(s) planifiée(s).")
            return redirect("activity:session", pk=created[0].pk)
    return form_page(request, form, "Planifier une séance", redirect("activity:sessions").url)


def _invitable(request, session):
    enrolled = Enrolment.objects.filter(programme=session.programme).active_on(session.date)
    return (
        Person.objects.visible_to(request.user)
        .filter(pk__in=enrolled.values("person"))
        .exclude(participations__session=session)
        .order_by("code")
    )


@access.requires(perm=SESSION)
def session_detail(request, pk):
    session = access.get_scoped(
        request.user,
        WorkSession.objects.select_related("worksite", "programme", "supervisor", "organisation"),
        perm=SESSION,
        pk=pk,
    )
    return _detail_page(request, session, CancelSessionForm())


def _detail_page(request, session, cancel_form, status=200):
    participations = list(
        session.participations.select_related("person")
        .prefetch_related("payments")
        .annotate(paid=Coalesce(Sum("payments__amount"), Decimal("0")))
    )
    missing = {}
    if not session.cancelled:
        missing = service.missing_paperwork(session, [p.person_id for p in participations])
    for p in participations:
        p.missing = missing.get(p.person_id, [])
    cancelled_by = session.cancelled_by if session.cancelled_by_id else None
    return render(
        request,
        "activity/session_detail.html",
        {
            "title": str(session),
            "session": session,
            "participations": participations,
            "invite_form": InviteForm(persons=_invitable(request, session)),
            "cancel_form": cancel_form,
            "cancelled_by": cancelled_by,
            # Why attendance and pay cannot be recorded now ("" when they can).
            "blocked": service.recording_block(request.user, session),
            # A coordinator's late correction needs a reason: no one-tap buttons then.
            "late": service.needs_correction_reason(session),
            "quick": [("present", "Présent·e"), ("absent", "Absent·e")],
        },
        status=status,
    )


@access.requires(perm=SESSION)
@require_POST
def session_invite(request, pk):
    session = access.get_scoped(
        request.user, WorkSession.objects.select_related("organisation"), perm=SESSION, pk=pk
    )
    persons = _invitable(request, session)
    form = InviteForm(request.POST, persons=persons)
    if form.is_valid():
        person = persons.get(pk=form.cleaned_data["person"])
        try:
            service.invite(request.actor, session, person)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            warning = service.paperwork_warning(session, person)
            if warning:
                messages.warning(request, warning)
            else:
                messages.success(request, f"{person.code} est invité·e.")
    else:
        messages.error(request, "Choisissez une personne inscrite au programme.")
    return redirect("activity:session", pk=session.pk)


@access.requires(perm=SESSION)
@require_POST
def session_cancel(request, pk):
    """The confirmation of the session page's cancel form: a reason is required; a refused
    form comes back on the session page with what was typed."""
    session = access.get_scoped(
        request.user,
        WorkSession.objects.select_related("worksite", "programme", "supervisor", "organisation"),
        perm=SESSION,
        pk=pk,
    )
    form = CancelSessionForm(request.POST)
    if form.is_valid():
        try:
            service.cancel(request.actor, session, form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Séance annulée : elle ne compte plus dans les objectifs.")
            return redirect("activity:session", pk=session.pk)
    return _detail_page(request, session, form)


def _participation(request, pk, perm=SESSION):
    return access.get_scoped(
        request.user,
        Participation.objects.select_related("session", "person", "session__worksite"),
        perm=perm,
        org_path="session__organisation",
        pk=pk,
    )


@access.requires(perm=SESSION)
@require_http_methods(["GET", "POST"])
def attendance(request, pk):
    participation = _participation(request, pk)
    session = participation.session
    initial = {
        "status": participation.status if participation.status != "invited" else "present",
        "version": participation.version,
    }
    late = service.needs_correction_reason(session)
    form = AttendanceForm(request.POST or None, initial=initial, late=late)
    blocked = service.recording_block(request.user, session)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.mark(
                request.actor,
                participation,
                status=data["status"],
                hours=data["hours"],
                pay=data["pay"],
                pay_reason=data["pay_reason"],
                version=data["version"],
                correction_reason=data.get("correction_reason", ""),
            )
        except StaleEdit as stale:
            form.add_error(None, stale.message)
            # Saving again means saving over what is stored now.
            form.data = form.data.copy()
            form.data["version"] = Participation.objects.get(pk=participation.pk).version
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Présence de {participation.person.code} enregistrée.")
            return redirect("activity:session", pk=participation.session_id)
    return render(
        request,
        "activity/attendance.html",
        {
            "title": f"Présence — {participation.person.code}",
            "form": None if blocked else form,
            "blocked": blocked,
            "participation": participation,
            "session": session,
        },
    )


@access.requires(perm=Perm.PAYMENT_RECORD)
@require_http_methods(["GET", "POST"])
def payment(request, pk):
    participation = _participation(request, pk, Perm.PAYMENT_RECORD)
    standing = pay_service.open_payment(participation)
    session = participation.session
    late = service.needs_correction_reason(session)
    form = PaymentForm(request.POST or None, initial={"amount": participation.pay_due}, late=late)
    blocked = service.recording_block(request.user, session)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            paid, created = pay_service.pay(
                request.actor,
                participation,
                key=data["key"],
                amount=data["amount"],
                method=data["method"],
                paid_at=data["paid_at"],
                receipt_number=data["receipt_number"],
                correction_reason=data.get("correction_reason", ""),
            )
        except pay_service.AlreadyPaid as already:
            messages.warning(request, _already_paid_message(already.payment))
            return redirect("activity:session", pk=participation.session_id)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                messages.success(
                    request, f"Paiement de {number_format(paid.amount, 2)} € enregistré."
                )
            else:
                messages.info(request, "Ce paiement était déjà enregistré : rien n'a changé.")
            return redirect("activity:session", pk=participation.session_id)
    return render(
        request,
        "activity/payment.html",
        {
            "title": f"Paiement — {participation.person.code}",
            "form": None if blocked else form,
            "blocked": blocked,
            "participation": participation,
            "standing": standing,
        },
    )


def _already_paid_message(payment):
    when = timezone.localtime(payment.recorded_at)
    return (
        f"Déjà payé : {number_format(payment.amount, 2)} € enregistrés par {payment.recorded_by} à "
        f"{when:%H:%M}. Aucun second paiement n'a été fait."
    )


@access.requires(perm=Perm.PAYMENT_RECORD)
@require_http_methods(["GET", "POST"])
def payment_reverse(request, pk):
    payment = access.get_scoped(
        request.user,
        Payment.objects.select_related("participation__person"),
        perm=Perm.PAYMENT_RECORD,
        org_path="participation__session__organisation",
        pk=pk,
        kind=Payment.Kind.PAYMENT,
    )
    form = ReversalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pay_service.reverse(
                request.actor,
                payment,
                key=form.cleaned_data["key"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Paiement annulé par une écriture inverse.")
            return redirect("activity:session", pk=payment.participation.session_id)
    back = redirect("activity:session", pk=payment.participation.session_id).url
    return form_page(
        request,
        form,
        f"Annuler le paiement de {payment.amount} € ({payment.participation.person.code})",
        back,
    )
