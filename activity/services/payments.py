"""Same-day pay, recorded exactly once, never edited: corrections are reversals."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from activity.models import Contract, Participation, Payment, WorkSession
from activity.services.sessions import check_recording
from audit.models import Action
from audit.services import record
from core.actor import Actor
from core.validity import check_date

# A clock a few minutes ahead on the phone that typed the time is not a future payment.
CLOCK_SKEW = timedelta(minutes=5)


def check_paid_at(session: WorkSession, paid_at: datetime) -> None:
    """A payment is dated from the session's opening (people arrive early) to now."""
    now = timezone.now()
    local = timezone.localtime(paid_at)
    why = "un paiement se date le jour de la séance ou après, jamais dans le futur"
    try:
        check_date(local.date(), session.date, timezone.localdate(), why)
    except ValidationError as error:
        raise ValidationError({"paid_at": error.messages})
    if paid_at < session.opens_at:
        opens = timezone.localtime(session.opens_at)
        raise ValidationError(
            {
                "paid_at": f"Saisissez une heure à partir de {opens:%H:%M} : la séance commence "
                f"à {session.start_time:%H:%M}."
            }
        )
    if paid_at > now + CLOCK_SKEW:
        raise ValidationError(
            {
                "paid_at": f"Saisissez une heure jusqu'à {timezone.localtime(now):%H:%M} : "
                "un paiement ne peut être daté dans le futur."
            }
        )


class AlreadyPaid(Exception):
    def __init__(self, payment: Payment):
        self.payment = payment


def pay(
    actor: Actor,
    participation: Participation,
    *,
    key,
    amount: Decimal,
    method: str,
    paid_at: datetime,
    receipt_number: str = "",
    correction_reason: str = "",
) -> tuple[Payment, bool]:
    """Record the payment. Returns (payment, created); a replay of the same form returns the
    first payment; a concurrent second payment for the same participation raises AlreadyPaid.
    Not before the session opens; after the supervisor's days, only a coordinator, with a
    reason (kept on the payment)."""
    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing:
        if existing.participation_id != participation.pk:
            raise ValidationError("Ce formulaire de paiement a déjà servi pour une autre séance.")
        return existing, False
    session = participation.session
    if session.cancelled:
        raise ValidationError("Cette séance est annulée : elle ne se paie pas.")
    correction_reason = check_recording(actor, session, correction_reason)
    check_paid_at(session, paid_at)
    with transaction.atomic():
        # Lock the participation: an attendance change cannot slip in between the checks and
        # the payment (services.sessions.mark takes the same lock).
        participation = (
            Participation.objects.select_for_update()
            .select_related("session__organisation", "person")
            .get(pk=participation.pk)
        )
        _check_payable(participation, amount)
        slot = participation.payments.filter(kind=Payment.Kind.REVERSAL).count()
        payment = Payment(
            participation=participation,
            slot=slot,
            amount=amount,
            method=method,
            paid_at=paid_at,
            receipt_number=receipt_number.strip(),
            idempotency_key=key,
            reason=correction_reason,
            recorded_by=actor.user,
        )
        try:
            with transaction.atomic():
                payment.save()
        except IntegrityError:
            replay = Payment.objects.filter(idempotency_key=key).first()
            if replay:
                return replay, False
            winner = participation.payments.filter(kind=Payment.Kind.PAYMENT, slot=slot).first()
            if winner is None:
                raise
            raise AlreadyPaid(winner)
    session = participation.session
    record(
        actor,
        Action.CREATE,
        payment,
        organisation=session.organisation,
        label=participation.person.code,
        amount=str(amount),
        method=method,
        **({"correction_reason": correction_reason} if correction_reason else {}),
    )
    return payment, True


def _check_payable(participation: Participation, amount: Decimal) -> None:
    session = participation.session
    errors = []
    if session.cancelled:
        errors.append("Cette séance est annulée : elle ne se paie pas.")
    if not participation.attended:
        errors.append(
            f"{participation.person.code} est noté·e « {participation.get_status_display()} » : "
            "on ne paie que les personnes présentes."
        )
    if amount != participation.pay_due:
        errors.append(
            f"Le montant ({amount} €) diffère de la rémunération due ({participation.pay_due} €) :"
            " corrigez d'abord la rémunération, avec un motif."
        )
    if (
        session.organisation.pay_requires_signed_contract
        and not Contract.signed_cover(participation.person, session).exists()
    ):
        errors.append(
            "Aucun contrat de travail signé ne couvre cette séance : la paie prépare le contrat, "
            "puis enregistre sa signature."
        )
    if errors:
        raise ValidationError(errors)


def reverse(actor: Actor, payment: Payment, *, key, reason: str) -> Payment:
    reason = reason.strip()
    if payment.kind != Payment.Kind.PAYMENT:
        raise ValidationError("Seul un paiement peut être annulé.")
    if len(reason) < 10:
        raise ValidationError({"reason": "Expliquez l'annulation (10 caractères au moins)."})
    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing:
        if existing.reverses_id != payment.pk:
            raise ValidationError("Ce formulaire d'annulation a déjà servi pour un autre paiement.")
        return existing
    reversal = Payment(
        participation=payment.participation,
        kind=Payment.Kind.REVERSAL,
        amount=-payment.amount,
        method=payment.method,
        paid_at=payment.paid_at,
        idempotency_key=key,
        reverses=payment,
        reason=reason,
        recorded_by=actor.user,
    )
    try:
        with transaction.atomic():
            reversal.save()
    except IntegrityError:
        already = Payment.objects.filter(Q(idempotency_key=key) | Q(reverses=payment)).first()
        if already is None:
            raise
        return already
    record(
        actor,
        Action.CREATE,
        reversal,
        organisation=payment.participation.session.organisation,
        label=payment.participation.person.code,
        reverses=payment.pk,
    )
    return reversal


def open_payment(participation: Participation) -> Payment | None:
    """The payment currently standing (not reversed), if any."""
    return (
        participation.payments.filter(kind=Payment.Kind.PAYMENT, reversal__isnull=True)
        .order_by("-slot")
        .first()
    )
