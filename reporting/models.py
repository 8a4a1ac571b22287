import hashlib
import json

from django.conf import settings
from django.db import models


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
PROGRAMME_CALENDAR = [
    (MeetingKind.COSTRAT, 0, None),
    (MeetingKind.COSUI, 1, (0, 0)),
    (MeetingKind.COSUI, 4, (1, 3)),
    (MeetingKind.COSUI, 7, (4, 6)),
    (MeetingKind.COSUI, 10, (7, 9)),
    (MeetingKind.RETEX, 11, "all"),
]


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

    class Meta:
        ordering = ["date"]
        verbose_name = "comité"

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"


class ActionItem(models.Model):
    """A decision that became a follow-up action; open ones are carried to the next meeting."""

    class Status(models.TextChoices):
        OPEN = "open", "À faire"
        ONGOING = "ongoing", "En cours"
        DONE = "done", "Fait"
        DROPPED = "dropped", "Abandonné"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField("décision / action", max_length=300)
    owner = models.CharField("responsable", max_length=150)
    due_date = models.DateField("échéance")
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["due_date"]

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
