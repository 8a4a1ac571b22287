from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm

from accounts.models import Membership, Organisation, OrganisationKind, Team, User
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


def allowed_roles(organisation: Organisation) -> list[tuple[str, str]]:
    """A funder's organisation holds funders and its administrators; no one else does."""
    if organisation.kind == OrganisationKind.FUNDER:
        keep = {Role.FUNDER, Role.ORG_ADMIN, Role.STEERING_ADMIN}
    else:
        keep = set(Role.values) - {Role.FUNDER}
    return [(value, label) for value, label in Role.choices if value in keep]


class MembershipForm(SentierModelForm):
    class Meta:
        model = Membership
        fields = ["role", "teams", "is_active"]
        widgets = {"teams": forms.CheckboxSelectMultiple}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["role"].choices = allowed_roles(organisation)
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


class NewMemberForm(MembershipForm):
    email = forms.EmailField(label="Adresse électronique professionnelle")
    full_name = forms.CharField(label="Nom et prénom", max_length=150)

    class Meta(MembershipForm.Meta):
        fields = ["email", "full_name", "role", "teams"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if Membership.objects.filter(
            organisation=self.organisation, user__email__iexact=email
        ).exists():
            raise forms.ValidationError("Ce compte a déjà un rôle dans cette structure.")
        return email

    def existing_user(self) -> User | None:
        return User.objects.filter(email__iexact=self.cleaned_data["email"]).first()
