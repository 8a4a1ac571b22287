from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts import access
from accounts.roles import PLAN_ADMIN_ROLES, PLAN_EDITOR_ROLES

# Who reaches what in a plan (rules: accounts/roles.py, mechanism: accounts/access.py).
# Views fetch every object through these querysets, so anything out of scope is a 404.


class PlanQuerySet(models.QuerySet):
    def readable_by(self, user):
        """Plans whose steering group or funders include one of the user's organisations."""
        orgs = access.org_ids(user)
        inside = Plan.objects.filter(Q(organisations__in=orgs) | Q(funders__in=orgs))
        return self.filter(pk__in=inside.values("pk"))

    def administered_by(self, user):
        """Plans whose steering group includes an organisation where the user is a plan
        administrator: a steering body administers its own plans, no other."""
        orgs = access.org_ids(user, roles=PLAN_ADMIN_ROLES)
        return self.filter(pk__in=Plan.objects.filter(organisations__in=orgs).values("pk"))


class ActionQuerySet(models.QuerySet):
    def readable_by(self, user):
        return self.filter(objective__axis__plan__in=Plan.objects.readable_by(user))

    def editable_by(self, user):
        """Steps, blockers and values of an action change through a writing role in one of
        its pilot or operator organisations, or through the plan's administrator."""
        writers = access.org_ids(user, roles=PLAN_EDITOR_ROLES)
        named = Action.objects.filter(editors__in=writers).values("pk")
        return self.readable_by(user).filter(
            Q(pk__in=named) | Q(objective__axis__plan__in=Plan.objects.administered_by(user))
        )

    def administered_by(self, user):
        return self.filter(objective__axis__plan__in=Plan.objects.administered_by(user))


class Plan(models.Model):
    """A plan of actions (e.g. the 2019–2021 Plan crack, then its 'étape 2')."""

    name = models.CharField("nom", max_length=200, unique=True)
    start_year = models.PositiveSmallIntegerField("première année")
    end_year = models.PositiveSmallIntegerField("dernière année")
    source = models.CharField("texte de référence", max_length=200, blank=True)
    organisations = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="plans",
        verbose_name="structures du comité de pilotage",
    )
    funders = models.ManyToManyField(
        "accounts.Organisation", blank=True, related_name="funded_plans", verbose_name="financeurs"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year"]
        verbose_name = "plan"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="plan_years_ordered"
            )
        ]

    def __str__(self):
        return self.name


class Axis(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="axes")
    number = models.PositiveSmallIntegerField("numéro")
    title = models.TextField("intitulé")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="axis_once")]

    def __str__(self):
        return f"Axe {self.number}"


class Objective(models.Model):
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="objectives")
    number = models.CharField("numéro", max_length=10)
    title = models.TextField("intitulé")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["axis", "number"], name="objective_once")]

    def __str__(self):
        return f"{self.number} {self.title}"


class Action(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveSmallIntegerField("numéro")
    title = models.TextField("intitulé")
    objective_text = models.TextField("objectif", blank=True)
    pilots_funders = models.TextField("pilotes et financeurs", blank=True)
    operators = models.TextField("opérateurs", blank=True)
    editors = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="plan_actions",
        verbose_name="structures pilotes et opératrices (peuvent modifier l'action)",
    )
    copied_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return f"Action {self.number} : {self.title}"


class StepStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Pas commencée"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Faite"
    BLOCKED = "blocked", "Bloquée"


class Step(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="steps")
    period_label = models.CharField("période prévue", max_length=120, blank=True)
    planned_start = models.DateField("début prévu")
    planned_end = models.DateField("fin prévue")
    text = models.TextField("étape")
    status = models.CharField(
        "état", max_length=12, choices=StepStatus.choices, default=StepStatus.NOT_STARTED
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "planned_start"]

    def __str__(self):
        return self.text[:60]

    def display_status(self, today: date | None = None) -> str:
        """'En retard' is derived from the planned period, never typed."""
        today = today or date.today()
        if self.status not in (StepStatus.DONE, StepStatus.BLOCKED) and self.planned_end < today:
            return "late"
        return self.status


class Blocker(models.Model):
    """A 'frein': what stops a step, who deals with it, how it was resolved."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="blockers")
    description = models.TextField("frein")
    owner = models.CharField("responsable", max_length=150)
    raised_on = models.DateField("signalé le")
    resolution = models.TextField("résolution", blank=True)
    resolved_on = models.DateField("levé le", null=True, blank=True)

    class Meta:
        ordering = ["-raised_on"]

    def __str__(self):
        return self.description[:60]


class Indicator(models.Model):
    class Unit(models.TextChoices):
        COUNT = "count", "Nombre"
        PERCENT = "percent", "Pourcentage"
        EUROS = "euros", "Euros"
        YES_NO = "yes_no", "Oui / non"

    class Periodicity(models.TextChoices):
        MONTHLY = "monthly", "Mensuelle"
        QUARTERLY = "quarterly", "Trimestrielle"
        YEARLY = "yearly", "Annuelle"

    class Source(models.TextChoices):
        ENTERED = "entered", "Saisi par l'opérateur"
        PERSONS_WORKED = "persons_worked", "Calculé par Sentier : personnes ayant travaillé"
        SESSIONS_HELD = "sessions_held", "Calculé par Sentier : séances de travail tenues"
        SYSTEM_EXISTS = "system_exists", "Calculé par Sentier : le système d'information existe"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField("indicateur", max_length=300)
    unit = models.CharField("unité", max_length=10, choices=Unit.choices, default=Unit.COUNT)
    periodicity = models.CharField(
        "périodicité", max_length=10, choices=Periodicity.choices, default=Periodicity.YEARLY
    )
    responsible = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="structure qui fournit le chiffre",
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.ENTERED)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class IndicatorValue(models.Model):
    """An entered value. A correction is a new row for the same period: the history stays,
    the latest row is the value."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField("période (premier jour)")
    value = models.DecimalField("valeur", max_digits=14, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period_start", "entered_at"]
        indexes = [models.Index(fields=["indicator", "period_start", "-entered_at"])]

    def __str__(self):
        return f"{self.indicator} {self.period_start}: {self.value}"


class FundingCommitment(models.Model):
    """Article 3: what each funder committed, per year and (where stated) per action."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="funding")
    funder = models.CharField("financeur", max_length=100)
    year = models.PositiveSmallIntegerField("année", null=True, blank=True)
    action = models.ForeignKey(Action, on_delete=models.SET_NULL, null=True, blank=True)
    amount = models.DecimalField(
        "montant (€)", max_digits=14, decimal_places=2, default=Decimal("0")
    )
    label = models.TextField("objet", blank=True)

    class Meta:
        ordering = ["funder", "year"]

    def __str__(self):
        return f"{self.funder} {self.year or ''} {self.amount} €"
