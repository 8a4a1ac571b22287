from django.conf import settings
from django.db import models
from django.db.models import F, Q

from activity.models.sessions import worked_q


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Espèces"
    TRANSFER = "transfer", "Virement"
    PREPAID_CARD = "prepaid_card", "Carte prépayée"


class PaymentQuerySet(models.QuerySet):
    def on_worked(self):
        """Payments and their reversals (negative) on participations that count as work:
        summed, the money actually paid — "paid" beside "due" (pay_due of the same worked
        participations). A payment is only taken for a worked participation and its status
        cannot change while it stands, so nothing paid is left out."""
        return self.filter(worked_q("participation__"))


class Payment(models.Model):
    """Same-day pay for a participation. Never edited nor deleted: a correction is a
    reversal (negative amount) that points at the payment it cancels.

    Exactly-once: the form's idempotency key is unique, and so is (participation, slot)
    for payments, where slot counts the reversals before it. Two supervisors paying the
    same participation at the same moment compute the same slot; the database keeps one.
    """

    class Kind(models.TextChoices):
        PAYMENT = "payment", "Paiement"
        REVERSAL = "reversal", "Annulation"

    participation = models.ForeignKey(
        "activity.Participation", on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PAYMENT)
    slot = models.PositiveIntegerField(default=0)
    amount = models.DecimalField("montant (€)", max_digits=8, decimal_places=2)
    method = models.CharField("mode de paiement", max_length=15, choices=PaymentMethod.choices)
    paid_at = models.DateTimeField("payé le")
    receipt_number = models.CharField("numéro de reçu", max_length=40, blank=True)
    idempotency_key = models.UUIDField(unique=True, editable=False)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal"
    )
    reason = models.TextField("motif", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["paid_at", "id"]
        verbose_name = "paiement"
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "slot"],
                condition=Q(kind="payment"),
                name="one_payment_per_participation_slot",
            ),
            models.CheckConstraint(
                condition=(Q(kind="payment", amount__gt=0, reverses__isnull=True))
                | (Q(kind="reversal", amount__lt=0, reverses__isnull=False) & ~Q(reason="")),
                name="payment_or_reasoned_reversal",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} € — {self.participation}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("payments are never edited: record a reversal")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("payments are never deleted: record a reversal")


class Contract(models.Model):
    """A work contract for one session or a period. It holds no identity: the PDF is
    filled with the encrypted legal identity when payroll downloads it, and never stored."""

    class Status(models.TextChoices):
        DRAFT = "draft", "À signer"
        SIGNED = "signed", "Signé"
        CANCELLED = "cancelled", "Annulé"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="contracts"
    )
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="contracts")
    session = models.ForeignKey(
        "activity.WorkSession",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name="séance",
    )
    period_start = models.DateField("début de la période", null=True, blank=True)
    period_end = models.DateField("fin de la période", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    signed_on = models.DateField("signé le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "contrat de travail"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(session__isnull=False, period_start__isnull=True, period_end__isnull=True)
                    | Q(
                        session__isnull=True,
                        period_start__isnull=False,
                        period_end__isnull=False,
                        period_end__gte=F("period_start"),
                    )
                ),
                name="contract_session_or_period",
            ),
            models.CheckConstraint(
                condition=Q(status="signed", signed_on__isnull=False) | ~Q(status="signed"),
                name="signed_contract_has_date",
            ),
        ]

    def __str__(self):
        if self.session_id:
            return f"Contrat {self.person.code} — séance du {self.session.date:%d/%m/%Y}"
        return (
            f"Contrat {self.person.code} — du {self.period_start:%d/%m/%Y} "
            f"au {self.period_end:%d/%m/%Y}"
        )

    @classmethod
    def signed_cover(cls, person, session):
        """Signed contracts under which this person may be paid for this session."""
        return cls.objects.filter(person=person, status=cls.Status.SIGNED).filter(
            Q(session=session) | Q(period_start__lte=session.date, period_end__gte=session.date)
        )
