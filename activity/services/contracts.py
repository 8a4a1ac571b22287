"""Work contracts: prepared and signed by payroll; the PDF is filled with the legal
identity at download time and never stored."""

from datetime import date

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from activity.models import Contract, WorkSession
from audit.models import Action
from audit.services import record
from core.actor import Actor
from people.models import Identity


def create(
    actor: Actor, person, *, session: WorkSession | None, start: date | None, end: date | None
) -> Contract:
    if session is None and (start is None or end is None):
        raise ValidationError("Choisissez une séance, ou une période avec un début et une fin.")
    if session is not None and (start or end):
        raise ValidationError("Choisissez une séance ou une période, pas les deux.")
    if start and end and end < start:
        raise ValidationError({"period_end": "La fin de la période précède son début."})
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
