from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from accounts.models import Membership, Organisation, OrganisationKind, Team
from accounts.roles import Role
from core.forms import DsfrFormMixin, SentierForm, SentierModelForm


class LoginForm(DsfrFormMixin, AuthenticationForm):
    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect. Après cinq essais "
        "manqués, le compte est verrouillé pendant un moment.",
        "inactive": "Ce compte est désactivé.",
    }


class TokenForm(SentierForm):
    token = forms.CharField(
        label="Code à 6 chiffres",
        help_text="Le code affiché par votre application d'authentification.",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError("Le code doit compter 6 chiffres.")
        return token


class ActivationForm(DsfrFormMixin, SetPasswordForm):
    pass


class TeamForm(SentierModelForm):
    class Meta:
        model = Team
        fields = ["name", "is_active"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = Team.objects.filter(organisation=self.instance.organisation, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Une équipe porte déjà ce nom dans la structure.")
        return name


class OrganisationSettingsForm(SentierModelForm):
    class Meta:
        model = Organisation
        fields = ["restrict_by_team", "pay_requires_signed_contract"]


# Granted only by a plan administrator, inside the plan's steering organisations (plan app):
# never offered by an organisation's administrator, and refused if posted.
PLAN_GRANTED_ROLES = frozenset({Role.STEERING_ADMIN})
PLAN_ROLE_REFUSED = (
    "Le rôle « Administrateur·rice du pilotage du plan » est attribué par l'administration "
    "du plan, pas par la structure."
)


def allowed_roles(organisation: Organisation) -> list[tuple[str, str]]:
    """A funder's organisation holds funders and its administrators; no one else does.
    Plan roles are never offered here."""
    keep: set[str]
    if organisation.kind == OrganisationKind.FUNDER:
        keep = {Role.FUNDER, Role.ORG_ADMIN}
    else:
        keep = set(Role.values) - {Role.FUNDER}
    keep -= PLAN_GRANTED_ROLES
    return [(value, label) for value, label in Role.choices if value in keep]


class MembershipForm(SentierModelForm):
    class Meta:
        model = Membership
        fields = ["role", "teams", "is_active"]
        widgets = {"teams": forms.CheckboxSelectMultiple}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        choices = allowed_roles(organisation)
        self.initial_role = self.instance.role if self.instance.pk else None
        self.initial_active = self.instance.is_active if self.instance.pk else None
        if self.initial_role in PLAN_GRANTED_ROLES:
            # Shown as it is so the form stays valid; it can be withdrawn, not granted again.
            choices.append((self.initial_role, Role(self.initial_role).label))
            self.fields["role"].help_text = (
                "Rôle attribué par l'administration du plan : vous pouvez le retirer ou "
                "désactiver le compte, pas l'attribuer de nouveau."
            )
        self.fields["role"].choices = choices
        current = self.instance.teams.all() if self.instance.pk else Team.objects.none()
        # Inactive teams the member already has stay listed, so saving does not drop them.
        self.fields["teams"].queryset = (
            organisation.teams.filter(is_active=True) | current
        ).distinct()
        self.fields[
            "teams"
        ].help_text = (
            "Les équipes dont la personne voit les dossiers, si la structure cloisonne par équipe."
        )
        if "is_active" in self.fields and self.instance.approval_pending:
            self.fields["is_active"].disabled = True
            self.fields["is_active"].help_text = (
                "Approbation en attente : un·e deuxième administrateur·rice de la structure "
                "doit approuver ce rôle."
            )
        elif "is_active" in self.fields and self.instance.invitation_pending:
            self.fields["is_active"].disabled = True
            self.fields[
                "is_active"
            ].help_text = (
                "Invitation en attente : la personne l'accepte elle-même après s'être connectée."
            )

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role in PLAN_GRANTED_ROLES:
            granting = role != self.initial_role or (
                cleaned.get("is_active") and not self.initial_active
            )
            if granting:
                raise forms.ValidationError(PLAN_ROLE_REFUSED)
        return cleaned


class NewMemberForm(MembershipForm):
    email = forms.EmailField(label="Adresse électronique professionnelle")
    full_name = forms.CharField(
        label="Nom et prénom",
        max_length=150,
        help_text="Utilisé seulement si l'adresse n'a pas encore de compte Sentier.",
    )

    class Meta(MembershipForm.Meta):
        fields = ["email", "full_name", "role", "teams"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if Membership.objects.filter(
            organisation=self.organisation, user__email__iexact=email
        ).exists():
            raise forms.ValidationError(
                "Cette adresse a déjà un rôle ou une invitation dans cette structure."
            )
        return email


class SelfPasswordResetForm(DsfrFormMixin, PasswordResetForm):
    """ "Mot de passe oublié": the link goes to the address typed, if it is an account's."""

    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class SelfSetPasswordForm(DsfrFormMixin, SetPasswordForm):
    pass
