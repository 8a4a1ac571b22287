from django.conf import settings
from django.db import models
from django.db.models import Q

# Paris and the inner suburbs (petite couronne): the call for projects' territory.
ALLOWED_DEPARTMENTS = {
    "75": "Paris",
    "92": "Hauts-de-Seine",
    "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne",
}


class Domain(models.Model):
    """Activity domain. Shared defaults have no organisation; an organisation adds its own."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField("domaine d'activité", max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = "domaine d'activité"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="domain_unique_name")
        ]

    def __str__(self):
        return self.name


class Partner(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", "Entreprise"
        AUTHORITY = "authority", "Collectivité"
        ASSOCIATION = "association", "Association"

    class Status(models.TextChoices):
        TO_CONTACT = "to_contact", "À contacter"
        DISCUSSION = "discussion", "En discussion"
        AGREEMENT = "agreement", "Convention signée"
        ACTIVE = "active", "Actif"
        INACTIVE = "inactive", "Inactif"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="partners"
    )
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    status = models.CharField(
        "état de la prospection", max_length=20, choices=Status.choices, default=Status.TO_CONTACT
    )
    contact_name = models.CharField("contact", max_length=150, blank=True)
    contact_role = models.CharField("fonction du contact", max_length=150, blank=True)
    contact_email = models.EmailField("adresse électronique du contact", blank=True)
    contact_phone = models.CharField("téléphone du contact", max_length=30, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "partenaire"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="partner_unique_name")
        ]

    def __str__(self):
        return self.name


class PartnerNote(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="notes")
    date = models.DateField("date")
    text = models.TextField("note")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created_at"]

    def __str__(self):
        return f"{self.partner} — {self.date:%d/%m/%Y}"


class Worksite(models.Model):
    class Kind(models.TextChoices):
        WORKSITE = "worksite", "Chantier"
        WORKSHOP = "workshop", "Atelier"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="worksites"
    )
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=10, choices=Kind.choices)
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, verbose_name="domaine d'activité")
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, verbose_name="partenaire"
    )
    address = models.CharField("adresse", max_length=200)
    postal_code = models.CharField("code postal", max_length=5)
    commune = models.CharField("commune", max_length=100)
    station = models.CharField("station de transport en commun la plus proche", max_length=100)
    walking_minutes = models.PositiveSmallIntegerField("minutes à pied depuis la station")
    is_active = models.BooleanField("en service", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "chantier ou atelier"
        constraints = [
            models.CheckConstraint(
                condition=Q(postal_code__regex=r"^(75|92|93|94)[0-9]{3}$"),
                name="worksite_in_allowed_territory",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.commune})"
