import hashlib
import json

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts import access
from accounts.roles import COMMITTEE_MANAGER_ROLES, COMMITTEE_READER_ROLES, PLAN_ADMIN_ROLES
from activity.models import Programme


class MeetingKind(models.TextChoices):
    COSTRAT = "costrat", "Comité stratégique (COSTRAT)"
    COSUI = "cosui", "Comité de suivi (COSUI)"
    RETEX = "retex", "Retour d'expérience (RETEX)"
    OPERATIONAL = "operational", "Comité opérationnel"
    TECHNICAL = "technical", "Comité technique"
    STRATEGIC = "strategic", "Comité stratégique du plan"


# The call for projects' calendar for a January–December year: launch in January,
# follow-up in February, May, August and November, review in December. Counted in months
# from the programme's first month: (kind, month offset, months covered as offsets, or
# None for the launch, or "all" for the whole programme).
PROGRAMME_CALENDAR: list[tuple[str, int, tuple[int, int] | str | None]] = [
    (MeetingKind.COSTRAT, 0, None),
    (MeetingKind.COSUI, 1, (0, 0)),
    (MeetingKind.COSUI, 4, (1, 3)),
    (MeetingKind.COSUI, 7, (4, 6)),
    (MeetingKind.COSUI, 10, (7, 9)),
    (MeetingKind.RETEX, 11, "all"),
]


def programmes_managed_q(user, path: str = "") -> Q:
    """A programme's coordinators (COMMITTEE_MANAGER_ROLES in its organisation) manage it."""
    return Q(**{f"{path}organisation__in": access.org_ids(user, roles=COMMITTEE_MANAGER_ROLES)})


def programmes_funded_q(user, path: str = "") -> Q:
    """Its funders' staff (COMMITTEE_READER_ROLES) read its frozen reports and dashboard."""
    return Q(**{f"{path}funders__in": access.org_ids(user, roles=COMMITTEE_READER_ROLES)})


class MeetingQuerySet(models.QuerySet):
    def managed_by(self, user):
        """A programme's committees for its coordinators; a plan's committees for the
        administrators of that plan's steering body (plan.Plan.objects.administered_by,
        written here by path: reporting sits below plan and does not import it)."""
        plan_admin_orgs = access.org_ids(user, roles=PLAN_ADMIN_ROLES)
        scope = Meeting.objects.filter(
            Q(programme__isnull=False) & programmes_managed_q(user, "programme__")
            | Q(plan__isnull=False, plan__organisations__in=plan_admin_orgs)
        )
        return self.filter(pk__in=scope.values("pk"))


class ReportQuerySet(models.QuerySet):
    def readable_by(self, user):
        """Reports of the programmes the user manages or funds."""
        programmes = Programme.objects.filter(
            programmes_managed_q(user) | programmes_funded_q(user)
        ).values("pk")
        return self.filter(meeting__programme__in=programmes)


class Meeting(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="meetings"
    )
    programme = models.ForeignKey(
        "activity.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    plan = models.ForeignKey(
        "plan.Plan", on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    kind = models.CharField("comité", max_length=12, choices=MeetingKind.choices)
    date = models.DateField("date")
    period_start = models.DateField("période couverte : début", null=True, blank=True)
    period_end = models.DateField("période couverte : fin", null=True, blank=True)
    attendee_organisations = models.ManyToManyField(
        "accounts.Organisation", blank=True, related_name="+", verbose_name="structures présentes"
    )
    attendees = models.TextField("personnes présentes", blank=True)
    agenda = models.TextField("ordre du jour", blank=True)
    minutes = models.TextField("compte rendu", blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = "comité"

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"


class ActionItem(models.Model):
    """A committee's decision to follow up (« décision à suivre »): who does what by when;
    open ones are carried to the next meeting. Not a plan action (plan.Action)."""

    class Status(models.TextChoices):
        OPEN = "open", "À faire"
        ONGOING = "ongoing", "En cours"
        DONE = "done", "Fait"
        DROPPED = "dropped", "Abandonné"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField("décision", max_length=300)
    owner = models.CharField("responsable", max_length=150)
    due_date = models.DateField("échéance")
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["due_date"]
        verbose_name = "décision à suivre"
        verbose_name_plural = "décisions à suivre"

    def __str__(self):
        return self.text


class Report(models.Model):
    """A report frozen at generation: its figures are stored with a checksum and every
    download is rendered from them, so it reads the same forever."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="reports")
    generated_at = models.DateTimeField(auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    threshold = models.PositiveSmallIntegerField(default=5)
    data = models.JSONField()
    checksum = models.CharField(max_length=64)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-generated_at"]
        verbose_name = "rapport figé"

    def __str__(self):
        return f"Rapport — {self.meeting}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("a frozen report is never modified")
        self.checksum = self.digest(self.data)
        super().save(*args, **kwargs)

    @staticmethod
    def digest(data) -> str:
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def intact(self) -> bool:
        return self.digest(self.data) == self.checksum


class DisclosurePolicy(models.Model):
    """A programme's one threshold of statistical disclosure control (issue 15): every
    figure its funders can see is suppressed with it. It can change only until something
    was published for the programme, since the ledger's cells were suppressed with it."""

    programme = models.OneToOneField(
        "activity.Programme", on_delete=models.CASCADE, related_name="disclosure_policy"
    )
    threshold = models.PositiveSmallIntegerField("seuil de secret statistique", default=5)

    class Meta:
        verbose_name = "règle de secret statistique"

    def __str__(self):
        return f"Seuil {self.threshold} — {self.programme}"


class Publication(models.Model):
    """Everything a programme's funders were shown, frozen once (issue 15): the tables as
    presented (suppressed) and each released cell with the atomic counts it sums, so that
    the next publication is suppressed jointly with all the earlier ones."""

    class Kind(models.TextChoices):
        REPORT = "report", "Rapport partagé"
        DASHBOARD = "dashboard", "Tableau de bord des financeurs"

    programme = models.ForeignKey(
        "activity.Programme", on_delete=models.PROTECT, related_name="publications"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    report = models.OneToOneField(
        Report, on_delete=models.PROTECT, null=True, blank=True, related_name="publication"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    threshold = models.PositiveSmallIntegerField()
    tables = models.JSONField()
    cells = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "publication"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period_end"],
                condition=Q(kind="dashboard"),
                name="one_dashboard_publication_per_closed_month",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.period_start} au {self.period_end}"
