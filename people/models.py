from datetime import date

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, Value, When

from accounts.models import Organisation, Team
from core.models import EncryptedRecord
from people import eligibility, visibility
from people.codes import generate_code, normalise_code
from people.eligibility import RightToWork

__all__ = ["Person", "Share", "EligibilityOverride", "Identity", "RightToWork", "Status", "Gender"]


class Gender(models.TextChoices):
    FEMALE = "female", "Femme"
    MALE = "male", "Homme"
    OTHER = "other", "Autre"
    UNSTATED = "unstated", "Non renseigné"


class Status(models.TextChoices):
    WAITING = "waiting", "En attente"
    ACTIVE = "active", "Suivi en cours"
    PAUSED = "paused", "Suivi suspendu"
    EXITED = "exited", "Sorti·e du dispositif"


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Persons the user may open (people/visibility.py): their organisations' (their
        teams' where files are restricted by team), and those a partner shared with them.
        Everything else does not exist for them."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        # Read now, as a list: "organisation = x OR id IN (list)" lets the database
        # combine two index scans, where a subquery made it read every person.
        shared = Share.objects.active().filter(visibility.share_scope(user))
        shared_ids = list(shared.values_list("person_id", flat=True))
        return self.filter(visibility.own_scope(user) | Q(pk__in=shared_ids))

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(code=normalise_code(text)) | Q(code__icontains=text) | Q(nickname__icontains=text)
        )

    def with_eligibility(self, on: date):
        month_index = on.year * 12 + on.month - 1
        age_months = Value(month_index) - (F("birth_year") * 12 + F("birth_month") - 1)
        rules = (
            Q(_age_months__gte=eligibility.MIN_AGE * 12)
            & Q(_age_months__lt=(eligibility.MAX_AGE + 1) * 12)
            & (
                Q(right_to_work__in=[RightToWork.FRENCH, RightToWork.EU])
                | Q(right_to_work=RightToWork.PERMIT, permit_valid_until__gte=on)
            )
            & Q(assore_housed=True)
            & (Q(housed_since__isnull=True) | Q(housed_since__lte=on))
        )
        overridden = Exists(
            EligibilityOverride.objects.filter(person=OuterRef("pk"), revoked_at__isnull=True)
        )
        return self.annotate(_age_months=age_months).annotate(
            is_eligible=Case(
                When(rules | Q(overridden), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )


class Person(models.Model):
    """A person followed by Sentier: a code and an optional nickname, never a legal name."""

    code = models.CharField("code", max_length=7, unique=True, editable=False)
    nickname = models.CharField(
        "surnom (facultatif)",
        max_length=60,
        blank=True,
        help_text="Un surnom choisi par la personne. Jamais le nom ni le prénom à l'état civil.",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="persons", verbose_name="structure"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        verbose_name="équipe de suivi",
    )
    birth_year = models.PositiveSmallIntegerField("année de naissance", null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField("mois de naissance", null=True, blank=True)
    gender = models.CharField(
        "genre", max_length=10, choices=Gender.choices, default=Gender.UNSTATED
    )
    referred_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_persons",
        verbose_name="structure qui a orienté",
    )
    assore_housed = models.BooleanField("hébergé·e par le dispositif ASSORE", default=False)
    housed_since = models.DateField("hébergé·e depuis le", null=True, blank=True)
    right_to_work = models.CharField(
        "droit au travail", max_length=10, choices=RightToWork.choices, default=RightToWork.NONE
    )
    permit_valid_until = models.DateField("titre de séjour valide jusqu'au", null=True, blank=True)
    consent_date = models.DateField("consentement au suivi recueilli le", null=True, blank=True)
    consent_share_partners = models.BooleanField(
        "accepte le partage avec les structures partenaires", default=False
    )
    consent_share_health = models.BooleanField(
        "accepte le partage entre professionnel·les de santé", default=False
    )
    status = models.CharField(
        "statut", max_length=10, choices=Status.choices, default=Status.WAITING
    )
    complex_case = models.BooleanField(
        "situation complexe",
        default=False,
        help_text="Besoins psychiatriques, addictologiques et somatiques à la fois.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # One per registration form: a resent or double-clicked form creates one person.
    creation_key = models.UUIDField(null=True, unique=True, editable=False)
    # Optimistic locking: an edit based on an old version is refused, not silently applied.
    version = models.PositiveIntegerField(default=1)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "personne suivie"
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["organisation", "team"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_month__isnull=True) | Q(birth_month__gte=1, birth_month__lte=12),
                name="person_birth_month_range",
            ),
        ]

    def __str__(self):
        return f"{self.code} ({self.nickname})" if self.nickname else self.code

    def save(self, *args, **kwargs):
        if self.code:
            return super().save(*args, **kwargs)
        # A fresh random code; on the rare collision, draw again.
        for _ in range(10):
            self.code = generate_code()
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                if Person.objects.filter(code=self.code).exists():
                    continue
                raise
        raise RuntimeError("could not draw a free person code")

    def current_override(self):
        if self.pk is None:
            return None
        return self.eligibility_overrides.filter(revoked_at__isnull=True).first()

    def eligibility(self, on: date | None = None) -> eligibility.Eligibility:
        return eligibility.check(self, on or date.today())


class ShareQuerySet(models.QuerySet):
    def open(self):
        """Not revoked (what consent withdrawal revokes)."""
        return self.filter(revoked_at__isnull=True)

    def active(self):
        """In force: open, and the person still consents to sharing with partners."""
        return self.open().filter(person__consent_share_partners=True)

    def visible_entries(self, person, access):
        """The person's shares, revoked ones included, for who manages them (the shares
        page and its revoke buttons): the file's writers."""
        return self.filter(person=person) if access.writer else self.none()


class Share(models.Model):
    """A person's follow-up shared with a partner organisation, with the person's consent.
    Dated, revocable, logged; withdrawing consent revokes every open share at once, and
    consent given again grants nothing until a new share is made."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="shares")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="structure partenaire",
    )
    # Where the partner restricts files by team, the share reaches this team only.
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="équipe destinataire",
    )
    # The person agreed to share with health professionals when the share was made; health
    # consent withdrawn clears it, and giving it again does not set it back.
    # (A database default too: bulk loaders such as bench/world.py write shares without it.)
    health = models.BooleanField(
        "avec les professionnel·les de santé", default=False, db_default=False
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = "partage du suivi"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"],
                condition=Q(revoked_at__isnull=True),
                name="one_open_share_per_partner",
            )
        ]

    def __str__(self):
        return f"{self.person.code} → {self.organisation}"


class EligibilityOverride(models.Model):
    """A coordinator's written decision to admit a person who does not meet the rules."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="eligibility_overrides"
    )
    reason = models.TextField("motif de la dérogation")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_override_per_person",
            )
        ]

    def __str__(self):
        return f"Dérogation du {self.decided_at:%d/%m/%Y}"


class Identity(EncryptedRecord):
    """Legal identity, for contracts and pay only. Every field is inside the ciphertext."""

    FIELDS = (
        "first_name",
        "last_name",
        "birth_date",
        "nir",
        "address",
        "postal_code",
        "city",
        "phone",
    )

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="identity")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "identité civile"

    def __str__(self):
        return f"Identité chiffrée de {self.person_id}"

    def aad_context(self) -> bytes:
        return f"people.identity:person={self.person_id}".encode()
