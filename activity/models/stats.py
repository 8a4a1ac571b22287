from django.db import models


class ProgrammeStat(models.Model):
    """One person in one programme: enrolled or not, and the prestations, hours and pay of
    their worked participations (Participation.objects.worked()).

    Written only by database triggers (installed by migration activity/0004, which holds
    their SQL; activity/stats.py recounts), in the transaction that enrols someone, records
    attendance or cancels a session, so the figures are exact the moment it commits.
    Overviews over thousands of programmes read these rows instead of a million
    participations; the organisation is copied here so that they group without a join."""

    programme = models.ForeignKey(
        "activity.Programme", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    enrolled = models.BooleanField(default=False)
    prestations = models.IntegerField(default=0)
    hours = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    pay = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "person"], name="one_stat_per_pair")
        ]
        indexes = [
            # Read alone (index-only) by the overviews, grouped by organisation or in total.
            models.Index(
                fields=["organisation", "person"],
                include=["programme", "enrolled", "prestations", "hours", "pay"],
                name="programmestat_org_person",
            ),
            models.Index(
                fields=["person"],
                include=["organisation", "enrolled", "prestations"],
                name="programmestat_person",
            ),
        ]

    def __str__(self):
        return f"{self.person_id} @ {self.programme_id}: {self.prestations}"
