from django.conf import settings
from django.db import models
from django.db.models.functions import Upper


class Action(models.TextChoices):
    VIEW = "view", "Consultation"
    CREATE = "create", "Création"
    UPDATE = "update", "Modification"
    EXPORT = "export", "Export"
    IDENTITY_VIEW = "identity_view", "Ouverture de l'identité civile"
    IDENTITY_UPDATE = "identity_update", "Modification de l'identité civile"
    LOGIN = "login", "Connexion"
    LOGIN_FAILED = "login_failed", "Échec de connexion"
    LOGOUT = "logout", "Déconnexion"
    LOCKED_OUT = "locked_out", "Compte verrouillé"
    OTP_ENROLLED = "otp_enrolled", "Second facteur enrôlé"
    # A record the keyring does not open (wrong or lost master key, damaged row): shown as
    # unreadable on its page; this line is the administrator's alert.
    UNREADABLE = "unreadable", "Enregistrement illisible"


class AuditEvent(models.Model):
    """One line of the append-only journal. Names and notes never go here: only ids,
    person codes and field names."""

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    actor_email = models.CharField("compte", max_length=254, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    action = models.CharField("action", max_length=20, choices=Action.choices)
    object_type = models.CharField("type d'objet", max_length=60, blank=True)
    object_id = models.CharField("identifiant", max_length=64, blank=True)
    object_label = models.CharField("objet", max_length=120, blank=True)
    ip = models.GenericIPAddressField("adresse IP", null=True)
    path = models.CharField("page", max_length=300, blank=True)
    details = models.JSONField("détails", default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-at"]),
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["actor", "-at"]),
            # Sign-in events belong to no organisation: the journal reads them by account.
            models.Index(
                fields=["actor", "-at"],
                name="audit_signin_actor_at",
                condition=models.Q(organisation__isnull=True),
            ),
            # Failed sign-ins with an unknown account, read by the journal by typed e-mail.
            models.Index(
                Upper("actor_email"),
                "at",
                name="audit_typed_email_at",
                condition=models.Q(actor__isnull=True),
            ),
        ]
        verbose_name = "événement d'audit"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.object_label}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("the audit journal is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("the audit journal is append-only")
