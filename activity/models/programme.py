from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from core.dates import month_start


class Programme(models.Model):
    """A funded remobilisation programme with its targets (call for projects 2023)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField("nom", max_length=200)
    start_date = models.DateField("début")
    end_date = models.DateField("fin")
    funders = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="funded_programmes",
        verbose_name="financeurs",
        limit_choices_to={"kind": "funder"},
    )
    target_persons = models.PositiveIntegerField(
        "objectif : bénéficiaires", default=50, validators=[MinValueValidator(1)]
    )
    target_sessions = models.PositiveIntegerField(
        "objectif : prestations (séances × personnes)",
        default=600,
        validators=[MinValueValidator(1)],
        help_text="600 prestations = 50 personnes × 12 mois × 1 séance par mois.",
    )
    min_sessions_per_month = models.PositiveIntegerField(
        "minimum de séances par personne et par mois", default=1, validators=[MinValueValidator(1)]
    )
    hourly_rate = models.DecimalField(
        "rémunération horaire nette par défaut (€)",
        max_digits=6,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = "programme"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="programme_dates_ordered"
            )
        ]

    def __str__(self):
        return self.name

    def months(self) -> list[date]:
        """First day of every month the programme covers."""
        result: list[date] = []
        while (current := month_start(self.start_date, len(result))) <= self.end_date:
            result.append(current)
        return result


def overlap_q(first: date, last: date) -> Q:
    """An enrolment open at some day between first and last (for filters and aggregates)."""
    return Q(start_date__lte=last) & (Q(end_date__isnull=True) | Q(end_date__gte=first))


class EnrolmentQuerySet(models.QuerySet):
    def active_on(self, day: date):
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )

    def overlapping(self, first: date, last: date):
        """Enrolments open at some day between first and last."""
        return self.filter(overlap_q(first, last))


class Enrolment(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="enrolments")
    start_date = models.DateField("date d'entrée")
    end_date = models.DateField("date de fin", null=True, blank=True)
    override_reason = models.TextField(
        "motif de dérogation à l'éligibilité",
        blank=True,
        help_text="Obligatoire si la personne ne remplit pas les conditions à la date d'entrée.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = "inscription"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"],
                condition=Q(end_date__isnull=True),
                name="one_open_enrolment_per_programme",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="enrolment_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.person.code} — {self.programme}"
