from django.conf import settings
from django.db import models


class AwarenessSession(models.Model):
    """Sensibilisation au retour à l'activité: counted apart from work sessions."""

    programme = models.ForeignKey(
        "activity.Programme", on_delete=models.PROTECT, related_name="awareness_sessions"
    )
    date = models.DateField("date")
    theme = models.CharField("thème", max_length=200)
    facilitator = models.CharField("animé par", max_length=150)
    attendees: models.ManyToManyField = models.ManyToManyField(
        "people.Person", through="AwarenessAttendance", related_name="awareness_sessions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-date"]
        verbose_name = "séance de sensibilisation"

    def __str__(self):
        return f"{self.theme} — {self.date:%d/%m/%Y}"


class AwarenessAttendance(models.Model):
    session = models.ForeignKey(AwarenessSession, on_delete=models.CASCADE)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="awareness_once")]

    def __str__(self):
        return f"{self.person_id} @ {self.session_id}"


class AlternativeKind(models.Model):
    """Kinds of alternative remobilisation (sport, culture, volunteering…): shared
    defaults have no organisation; an organisation adds its own."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField("type d'activité", max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="alt_kind_unique")
        ]

    def __str__(self):
        return self.name


class AlternativeActivity(models.Model):
    programme = models.ForeignKey(
        "activity.Programme", on_delete=models.PROTECT, related_name="alternatives"
    )
    kind = models.ForeignKey(AlternativeKind, on_delete=models.PROTECT, verbose_name="type")
    date = models.DateField("date")
    description = models.CharField("description", max_length=200)
    participants = models.ManyToManyField(
        "people.Person", related_name="alternative_activities", verbose_name="participant·es"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-date"]
        verbose_name = "activité de remobilisation alternative"

    def __str__(self):
        return f"{self.kind} — {self.date:%d/%m/%Y}"
