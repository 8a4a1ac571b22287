import uuid

from django.conf import settings
from django.db import models

from core.models import EncryptedRecord
from pathways import visibility


class ReferralQuerySet(visibility.EntryQuerySet):
    rule = staticmethod(visibility.referrals)


class GoalQuerySet(visibility.EntryQuerySet):
    rule = staticmethod(visibility.goals)


class ExitQuerySet(visibility.EntryQuerySet):
    rule = staticmethod(visibility.everyone)


class CaseMeetingQuerySet(visibility.EntryQuerySet):
    rule = staticmethod(visibility.clinical)


class Service(models.Model):
    """The organisation's directory of services persons are referred to."""

    class Kind(models.TextChoices):
        EMPLOYMENT = "employment", "Service public de l'emploi (France Travail)"
        YOUTH = "youth", "Mission locale"
        SIAE = "siae", "Structure d'insertion par l'activité économique (SIAE)"
        CHRS = "chrs", "Hébergement (CHRS)"
        CSAPA = "csapa", "CSAPA"
        WITHDRAWAL = "withdrawal", "Lits de sevrage hospitaliers"
        AFTERCARE = "aftercare", "Soins résidentiels, postcure"
        RIGHTS = "rights", "Accès aux droits, juridique"
        OTHER = "other", "Autre"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=12, choices=Kind.choices)
    address = models.CharField("adresse", max_length=250, blank=True)
    contact = models.CharField("contact", max_length=250, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "service (annuaire)"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="service_unique_name")
        ]

    def __str__(self):
        return self.name


class Referral(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", "En attente"
        ACCEPTED = "accepted", "Acceptée"
        REFUSED = "refused", "Refusée"
        NO_SHOW = "no_show", "Personne non venue"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, verbose_name="service")
    date = models.DateField("date de l'orientation")
    outcome = models.CharField(
        "suite", max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_date = models.DateField("date de la suite", null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = "orientation"

    def __str__(self):
        return f"Orientation vers {self.service} le {self.date:%d/%m/%Y}"


class ReferralOutcome(models.Model):
    """One recorded state of a referral's outcome (issue 15), kept like a note's versions:
    each save that sets or changes the outcome or its date adds a row, none is ever
    changed, so a report reads the outcome as it was known at the end of its period."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="history")
    outcome = models.CharField("suite", max_length=10, choices=Referral.Outcome.choices)
    outcome_date = models.DateField("date de la suite", null=True, blank=True)
    recorded_at = models.DateTimeField("enregistrée le")
    # Empty only for the rows the history started from (migrated).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # The state found when the history was introduced: recorded_at is the migration's time,
    # not the day the outcome was learnt.
    migrated = models.BooleanField("reprise de l'existant", default=False)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = "suite d'orientation (historique)"
        indexes = [models.Index(fields=["referral", "recorded_at"])]

    def __str__(self):
        return f"{self.get_outcome_display()} (enregistrée le {self.recorded_at:%d/%m/%Y})"


class Goal(models.Model):
    """A goal of the person's individual project."""

    class Area(models.TextChoices):
        WORK = "work", "Emploi"
        TRAINING = "training", "Formation"
        HOUSING = "housing", "Logement"
        HEALTH = "health", "Santé"
        RIGHTS = "rights", "Droits"

    class Status(models.TextChoices):
        OPEN = "open", "À engager"
        ONGOING = "ongoing", "En cours"
        DONE = "done", "Atteint"
        DROPPED = "dropped", "Abandonné"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="goals")
    area = models.CharField("domaine", max_length=10, choices=Area.choices)
    title = models.CharField("objectif", max_length=200)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.OPEN)
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["area", "created_at"]
        verbose_name = "objectif du projet individuel"

    def __str__(self):
        return self.title


class GoalStep(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    date = models.DateField("date")
    text = models.CharField("étape", max_length=300)
    done = models.BooleanField("faite", default=False)

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return self.text


class ExitReason(models.Model):
    """Reasons for leaving; shared defaults have no organisation, organisations add theirs."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField("motif", max_length=120)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="exit_reason_unique")
        ]

    def __str__(self):
        return self.name


class Exit(models.Model):
    class Kind(models.TextChoices):
        EMPLOYMENT = "employment", "Positive — emploi"
        TRAINING = "training", "Positive — formation"
        SIAE = "siae", "Positive — structure d'insertion (SIAE)"
        HOUSING = "housing", "Positive — logement"
        COMMON_LAW = "common_law", "Positive — relais vers le droit commun"
        NEUTRAL = "neutral", "Neutre"
        DROPPED = "dropped", "Négative — abandon"
        PRISON = "prison", "Négative — incarcération"
        HOSPITAL = "hospital", "Négative — hospitalisation longue"
        DEATH = "death", "Négative — décès"
        LOST = "lost", "Négative — perdu·e de vue"

    POSITIVE = {"employment", "training", "siae", "housing", "common_law"}

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="exits")
    # The pathway this exit closes (1 for the first, 2 after a re-enrolment...): the same
    # number as the assessments of that pathway. Unique per person, so that two exits saved
    # at once for one pathway cannot both land.
    cycle = models.PositiveSmallIntegerField(default=1, editable=False)
    date = models.DateField("date de sortie")
    kind = models.CharField("type de sortie", max_length=12, choices=Kind.choices)
    reasons = models.ManyToManyField(ExitReason, blank=True, verbose_name="motifs")
    comment = models.CharField("précision", max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ExitQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = "sortie du dispositif"
        constraints = [
            models.UniqueConstraint(fields=["person", "cycle"], name="one_exit_per_pathway")
        ]

    def __str__(self):
        return f"Sortie du {self.date:%d/%m/%Y} ({self.get_kind_display()})"

    @property
    def outcome(self) -> str:
        if self.kind in self.POSITIVE:
            return "positive"
        return "neutral" if self.kind == self.Kind.NEUTRAL else "negative"


class CaseMeeting(EncryptedRecord):
    """A multi-professional meeting about a complex case (psychiatric, addiction and
    somatic needs together). Who attended and what was decided are sealed."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="case_meetings"
    )
    date = models.DateField("date")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = "réunion de synthèse"

    def __str__(self):
        return f"Réunion du {self.date:%d/%m/%Y}"

    def aad_context(self) -> bytes:
        return f"pathways.casemeeting:{self.uid}".encode()
