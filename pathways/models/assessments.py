from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.validity import number_message
from pathways import visibility


class AssessmentQuerySet(visibility.EntryQuerySet):
    rule = staticmethod(visibility.clinical)


class AssessmentKind(models.TextChoices):
    INTAKE = "intake", "Entrée"
    M3 = "m3", "3 mois"
    M6 = "m6", "6 mois"
    M9 = "m9", "9 mois"
    M12 = "m12", "12 mois"


# Months after intake at which each assessment falls due.
DUE_MONTHS = {
    AssessmentKind.INTAKE: 0,
    AssessmentKind.M3: 3,
    AssessmentKind.M6: 6,
    AssessmentKind.M9: 9,
    AssessmentKind.M12: 12,
}


class Assessment(models.Model):
    """Structured assessment at intake, then 3, 6, 9 and 12 months (social and health
    staff only: it describes substance use)."""

    class Trend(models.TextChoices):
        MORE = "more", "Plus"
        SAME = "same", "Pareil"
        LESS = "less", "Moins"
        STOPPED = "stopped", "Arrêt"

    class Sleep(models.IntegerChoices):
        BAD = 1, "Mauvais"
        AVERAGE = 2, "Moyen"
        GOOD = 3, "Bon"

    class Ties(models.IntegerChoices):
        ISOLATED = 1, "Isolé·e"
        SOME = 2, "Quelques liens"
        GOOD = 3, "Liens solides"

    class Housing(models.TextChoices):
        STREET = "street", "Rue"
        SHELTER = "shelter", "Hébergement d'urgence"
        ASSORE = "assore", "Hôtel ASSORE"
        STABLE = "stable", "Logement ou hébergement stable"

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="assessments"
    )
    kind = models.CharField("bilan", max_length=10, choices=AssessmentKind.choices)
    # Which pathway: a person re-enrolled after an exit starts a new cycle of assessments.
    cycle = models.PositiveSmallIntegerField(default=1, editable=False)
    date = models.DateField("date")
    # Measured use (issue 15): the cohort's change is computed from these days, never from
    # the self-reported trend.
    crack_days_last7 = models.PositiveSmallIntegerField(
        "jours de consommation de crack sur les 7 derniers jours",
        validators=[MaxValueValidator(7)],
    )
    crack_days_last30 = models.PositiveSmallIntegerField(
        "jours de consommation de crack sur les 30 derniers jours",
        validators=[MaxValueValidator(30)],
        null=True,
        blank=True,
        help_text="Facultatif. Au moins autant que sur les 7 derniers jours.",
    )
    # Kept as the person's own words, optional, and refused when it contradicts the days
    # (trend_contradiction); no figure reads it.
    trend = models.CharField(
        "évolution ressentie",
        max_length=10,
        choices=Trend.choices,
        blank=True,
        help_text="Facultatif, pas au bilan d'entrée. Doit s'accorder avec les jours de "
        "consommation comparés au bilan d'entrée.",
    )
    other_substances = models.CharField("autres produits", max_length=200, blank=True)
    sleep = models.PositiveSmallIntegerField("sommeil", choices=Sleep.choices)
    meals_per_day = models.PositiveSmallIntegerField(
        "repas par jour", validators=[MaxValueValidator(6)]
    )
    self_rated_health = models.PositiveSmallIntegerField(
        "santé ressentie (1 à 5)", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    social_ties = models.PositiveSmallIntegerField("liens sociaux", choices=Ties.choices)
    housing = models.CharField("situation de logement", max_length=10, choices=Housing.choices)
    project = models.CharField("projet de travail ou de formation", max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = "bilan"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "cycle", "kind"], name="one_assessment_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(crack_days_last7__lte=7), name="assessment_days_in_week"
            ),
            models.CheckConstraint(
                condition=models.Q(crack_days_last30__isnull=True)
                | models.Q(
                    crack_days_last30__lte=30,
                    crack_days_last30__gte=models.F("crack_days_last7"),
                ),
                name="assessment_days_in_month",
            ),
            models.CheckConstraint(
                condition=models.Q(self_rated_health__gte=1, self_rated_health__lte=5),
                name="assessment_health_1_5",
            ),
        ]

    def __str__(self):
        return f"Bilan {self.get_kind_display()} du {self.date:%d/%m/%Y}"

    def clean(self):
        week, month = self.crack_days_last7, self.crack_days_last30
        if week is not None and month is not None and month < week:
            raise ValidationError(
                {
                    "crack_days_last30": number_message(
                        week, 30, f"les 30 derniers jours comprennent les 7 derniers ({week} j)"
                    )
                }
            )


def trend_contradiction(trend: str, days: int | None, intake_days: int | None) -> str | None:
    """Why a self-reported trend contradicts the days of use measured now and at the
    pathway's intake, or None. The rule (issue 15): "Arrêt" with any day of use; "Moins"
    with more days than at intake; "Plus" with fewer; "Pareil" when one of the two is 0 and
    not the other (stopping or starting is not "the same")."""
    if not trend or days is None:
        return None
    if trend == Assessment.Trend.STOPPED and days > 0:
        return f"« Arrêt » ne s'accorde pas avec {days} jour(s) de consommation sur 7."
    if intake_days is None:
        return None
    at_intake = f"{intake_days} jour(s) au bilan d'entrée"
    if trend == Assessment.Trend.LESS and days > intake_days:
        return f"« Moins » ne s'accorde pas avec {days} jour(s) sur 7, contre {at_intake}."
    if trend == Assessment.Trend.MORE and days < intake_days:
        return f"« Plus » ne s'accorde pas avec {days} jour(s) sur 7, contre {at_intake}."
    if trend == Assessment.Trend.SAME and (days == 0) != (intake_days == 0):
        return f"« Pareil » ne s'accorde pas avec {days} jour(s) sur 7, contre {at_intake}."
    return None
