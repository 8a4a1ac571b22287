"""Work contracts: prepared and signed by payroll; the PDF is filled with the legal
identity at download time and never stored."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from activity.models import Contract, Enrolment, WorkSession
from audit.models import Action
from audit.services import record
from core.actor import Actor
from core.validity import check_date
from people.models import Identity, Person


def enrolled_over(person, organisation_id: int, first: date, last: date) -> QuerySet[Enrolment]:
    """Enrolments of the person, in a programme of the organisation, covering every day from
    first to last (an open enrolment ends with its programme)."""
    return Enrolment.objects.filter(
        person=person,
        programme__organisation_id=organisation_id,
        start_date__lte=first,
        programme__end_date__gte=last,
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=last))


def overlapping(person, *, session: WorkSession | None, first: date, last: date):
    """The person's contracts, not cancelled, that cover a day of this one: the same
    session, a session inside the period, a period meeting the period or the session."""
    same = Q(session=session) if session is not None else Q(session__date__range=(first, last))
    periods = Q(session__isnull=True, period_start__lte=last, period_end__gte=first)
    return (
        Contract.objects.filter(person=person)
        .exclude(status=Contract.Status.CANCELLED)
        .filter(same | periods)
        .select_related("session")
    )


def create(
    actor: Actor, person, *, session: WorkSession | None, start: date | None, end: date | None
) -> Contract:
    if session is None and (start is None or end is None):
        raise ValidationError("Choisissez une séance, ou une période avec un début et une fin.")
    if session is not None and (start or end):
        raise ValidationError("Choisissez une séance ou une période, pas les deux.")
    if start and end and end < start:
        raise ValidationError({"period_end": "La fin de la période précède son début."})
    field = "session" if session is not None else "period_start"
    if session is not None:
        if session.organisation_id != person.organisation_id:
            raise ValidationError({"session": "Cette séance est celle d'une autre structure."})
        if session.cancelled:
            raise ValidationError({"session": "Cette séance est annulée."})
        first = last = session.date
    else:
        assert start is not None and end is not None
        first, last = start, end
    with transaction.atomic():
        # Serialise contracts of this person, so two overlapping ones cannot both pass.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if not enrolled_over(person, person.organisation_id, first, last).exists():
            _refuse_not_enrolled(person, field, session, first, last)
        clash = overlapping(person, session=session, first=first, last=last).first()
        if clash is not None:
            raise ValidationError(
                {
                    field: f"{person.code} a déjà un contrat ({clash.get_status_display().lower()}"
                    f") qui couvre ces dates : {_span(clash)}. Annulez-le d'abord s'il est faux."
                }
            )
        contract = Contract.objects.create(
            organisation=person.organisation,
            person=person,
            session=session,
            period_start=start,
            period_end=end,
            created_by=actor.user,
        )
    record(actor, Action.CREATE, contract, label=person.code)
    return contract


def _span(contract: Contract) -> str:
    if contract.session is not None:
        return f"séance du {contract.session.date:%d/%m/%Y}"
    return f"du {contract.period_start:%d/%m/%Y} au {contract.period_end:%d/%m/%Y}"


def _refuse_not_enrolled(person, field: str, session, first: date, last: date) -> None:
    """Say which dates the person's enrolment would allow, in the one date message."""
    enrolments = Enrolment.objects.filter(
        person=person, programme__organisation_id=person.organisation_id, start_date__lte=first
    ).select_related("programme")
    if session is None:
        for e in enrolments:
            end = min(e.end_date or e.programme.end_date, e.programme.end_date)
            if first <= end:
                try:
                    check_date(
                        last, first, end, f"{person.code} est inscrit·e jusqu'au {end:%d/%m/%Y}"
                    )
                except ValidationError as error:
                    raise ValidationError({"period_end": error.messages})
    when = "à la date de la séance" if session is not None else "pendant toute la période"
    raise ValidationError(
        {field: f"{person.code} n'est inscrit·e à aucun programme {when} : inscrivez-la d'abord."}
    )


def sign(actor: Actor, contract: Contract, signed_on: date) -> Contract:
    if contract.status != Contract.Status.DRAFT:
        raise ValidationError("Seul un contrat à signer peut être marqué signé.")
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "La date de signature ne peut être future."})
    contract.status = Contract.Status.SIGNED
    contract.signed_on = signed_on
    contract.save(update_fields=["status", "signed_on"])
    record(actor, Action.UPDATE, contract, label=contract.person.code, fields=["signed_on"])
    return contract


def cancel(actor: Actor, contract: Contract) -> Contract:
    contract.status = Contract.Status.CANCELLED
    contract.save(update_fields=["status"])
    record(actor, Action.UPDATE, contract, label=contract.person.code, fields=["status"])
    return contract


def render_pdf(actor: Actor, contract: Contract) -> bytes:
    identity = Identity.objects.filter(person=contract.person).first()
    if identity is None:
        raise ValidationError(
            "L'identité civile de cette personne n'est pas saisie : impossible de remplir le "
            "contrat. Saisissez-la d'abord."
        )
    payload = identity.unseal_or_none(actor)
    if payload is None:
        raise ValidationError(
            "L'identité civile de cette personne est illisible (clé de chiffrement) : "
            "l'administrateur·rice en est averti·e par le journal. Saisissez-la à nouveau."
        )
    try:
        from weasyprint import HTML
    except OSError as exc:  # system libraries (Pango) missing
        raise ValidationError(
            "La génération de PDF n'est pas disponible sur ce serveur (bibliothèque Pango "
            "absente). Prévenez l'administrateur."
        ) from exc
    html = render_to_string(
        "activity/contract_pdf.html",
        {"contract": contract, "identity": payload, "today": timezone.localdate()},
    )
    record(actor, Action.IDENTITY_VIEW, contract.person, purpose="contract", contract=contract.pk)
    record(actor, Action.EXPORT, contract, label=contract.person.code, format="pdf")
    return HTML(string=html).write_pdf()
