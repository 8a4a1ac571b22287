from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from accounts.roles import Role


class OrganisationKind(models.TextChoices):
    CARRIER = "carrier", "Porteur de projet"
    ASSORE = "assore", "Opérateur d'hébergement ASSORE"
    CAARUD = "caarud", "CAARUD"
    CSAPA = "csapa", "CSAPA"
    HOSPITAL = "hospital", "Équipe hospitalière"
    FUNDER = "funder", "Financeur"
    CITY = "city", "Service de la Ville"


class Organisation(models.Model):
    name = models.CharField("nom", max_length=200, unique=True)
    kind = models.CharField("type", max_length=20, choices=OrganisationKind.choices)
    restrict_by_team = models.BooleanField(
        "cloisonner les dossiers par équipe",
        default=False,
        help_text="Si coché, chaque membre ne voit que les personnes suivies par ses équipes.",
    )
    pay_requires_signed_contract = models.BooleanField(
        "exiger un contrat signé avant tout paiement",
        default=True,
        help_text="Décoché, une séance peut être payée sans contrat signé enregistré.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "structure"

    def __str__(self):
        return self.name


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField("nom", max_length=120)
    is_active = models.BooleanField("active", default=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name")
        ]
        verbose_name = "équipe"

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff. Users are deactivated, never deleted: the audit journal names them."""

    email = models.EmailField("adresse électronique", unique=True)
    full_name = models.CharField("nom et prénom", max_length=150)
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = "utilisateur·rice"

    def __str__(self):
        return self.full_name or self.email

    def active_memberships(self):
        return self.memberships.filter(is_active=True).select_related("organisation")


class Membership(models.Model):
    """One role for one user in one organisation, optionally limited to some teams."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    teams = models.ManyToManyField(Team, blank=True, related_name="memberships")
    is_active = models.BooleanField("actif", default=True)
    # An administrator's addition is an invitation: inactive until the account's owner
    # accepts it after signing in. Only the owner clears this flag.
    invitation_pending = models.BooleanField(
        "invitation en attente", default=False, db_default=False
    )  # db_default: the benchmark bulk-loads memberships without it
    created_at = models.DateTimeField(auto_now_add=True)
    # A role of TWO_ADMIN_ROLES given by one administrator waits for a second one: no e-mail
    # goes out and the role stays inactive until then (accounts.services.approve_grant).
    approval_pending = models.BooleanField(
        "approbation en attente", default=False, db_default=False
    )
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # When the owner accepted the invitation (empty for memberships made directly): the
    # organisation's journal shows the account's sign-ins from then on, not before.
    joined_at = models.DateTimeField("a rejoint la structure le", null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_one_role_per_org"
            )
        ]
        verbose_name = "rôle dans une structure"

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.organisation})"


class AccessReset(models.Model):
    """An administrator's request to reset a member's access (password and second factor).
    A health professional's reset waits for a second, different administrator of the same
    organisation; the approval (or, for other roles, the request itself) sends the link to
    the member's own address. Nothing changes on the account until then."""

    class Status(models.TextChoices):
        PENDING = "pending", "En attente d'approbation"
        SENT = "sent", "Lien envoyé"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_resets")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="access_resets"
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "réinitialisation d'accès"

    def __str__(self):
        return f"{self.user} ({self.get_status_display()})"
