import uuid
from datetime import date

from django import forms
from django.db.models import Min, Q
from django.utils import timezone

from accounts import access
from accounts.models import Organisation, Team
from accounts.roles import Perm
from core import validity
from core.dates import add_months
from core.forms import DateInput, SentierForm, SentierModelForm
from people import nir as nir_rules
from people import visibility
from people.models import Identity, Person, RightToWork, Status

MONTHS: list[tuple[object, str]] = [
    (1, "janvier"),
    (2, "février"),
    (3, "mars"),
    (4, "avril"),
    (5, "mai"),
    (6, "juin"),
    (7, "juillet"),
    (8, "août"),
    (9, "septembre"),
    (10, "octobre"),
    (11, "novembre"),
    (12, "décembre"),
]


def writable_teams(user, organisations, current=None):
    """Teams the user may file a person under: in an organisation that restricts by team,
    only their own teams (else they would create files nobody, themselves included, sees)."""
    org_ids = {org.pk for org in organisations}
    scope = Q(pk__in=[])
    for membership in access.memberships_with(user, perm=Perm.PERSON_EDIT):
        if membership.organisation_id not in org_ids:
            continue
        if membership.organisation.restrict_by_team:
            scope |= Q(pk__in=visibility.team_ids(membership), is_active=True)
        else:
            scope |= Q(organisation_id=membership.organisation_id, is_active=True)
    if current is not None:
        scope |= Q(pk=current.pk)  # an inactive team stays valid on the file that has it
    return Team.objects.filter(scope).select_related("organisation")


def _check_month(month):
    if month is not None and not 1 <= month <= 12:
        raise forms.ValidationError("Choisissez un mois de janvier à décembre.")


class PersonForm(SentierModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    creation_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = [
            "organisation",
            "team",
            "nickname",
            "birth_year",
            "birth_month",
            "gender",
            "referred_by",
            "assore_housed",
            "housed_since",
            "right_to_work",
            "permit_valid_until",
            "consent_date",
            "consent_share_partners",
            "consent_share_health",
            "status",
        ]
        widgets = {
            "housed_since": DateInput(),
            "permit_valid_until": DateInput(),
            "consent_date": DateInput(),
            "birth_month": forms.Select(choices=[("", "—"), *MONTHS]),
        }

    def __init__(self, *args, organisations, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = list(organisations)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[org.pk for org in organisations]
        )
        self.fields["organisation"].empty_label = None
        self.fields["consent_share_partners"].help_text = (
            "Décocher retire aussitôt tous les partages en cours ; cocher à nouveau ne les "
            "rétablit pas : il faudra partager de nouveau."
        )
        self.fields[
            "consent_share_health"
        ].help_text = (
            "Vaut pour les partages faits ensuite ; décocher retire la santé des partages en cours."
        )
        self.fields["consent_date"].required = True
        self.fields["consent_date"].error_messages["required"] = (
            "Le suivi commence par le consentement de la personne : indiquez sa date."
        )
        if not self.instance.pk:
            self.fields["creation_key"].initial = uuid.uuid4()
        if self.instance.pk:
            # A file never moves to another organisation by an edit.
            self.fields["organisation"].disabled = True
            self.fields["version"].initial = self.instance.version
        elif len(organisations) == 1:
            del self.fields["organisation"]
            self.instance.organisation = organisations[0]
        self.fields["team"].queryset = writable_teams(user, organisations, self.instance.team)
        self.fields["referred_by"].queryset = Organisation.objects.all()
        # The plausible ages are the one bound of a birth year (core/validity.py): a year
        # -5 or 1800 gets the same message as 1800, not "a number between 0 and 32767".
        first, last = validity.birth_year_bounds(date.today())
        year_field = self.fields["birth_year"]
        year_field.validators = [lambda year: validity.check_birth_year(year, date.today())]
        year_field.widget.attrs.update({"min": first, "max": last, "inputmode": "numeric"})
        self.fields["birth_month"].validators = [_check_month]

    def clean(self):
        data = super().clean()
        today = date.today()
        if (data.get("birth_year") is None) != (data.get("birth_month") is None):
            self.add_error("birth_month", "Saisissez l'année et le mois de naissance ensemble.")
        org_id = data["organisation"].pk if data.get("organisation") else None
        org_id = org_id or self.instance.organisation_id
        team = data.get("team")
        if team and team.organisation_id != org_id:
            self.add_error("team", "Cette équipe n'appartient pas à la structure choisie.")
        org = data.get("organisation") or self.instance.organisation
        if team is None and org is not None and org.restrict_by_team:
            self.add_error(
                "team",
                "Votre structure cloisonne les dossiers par équipe : choisissez l'équipe qui "
                "suivra la personne.",
            )
        if data.get("right_to_work") == RightToWork.PERMIT:
            if not data.get("permit_valid_until"):
                self.add_error(
                    "permit_valid_until", "Indiquez jusqu'à quand le titre de séjour est valide."
                )
        else:
            data["permit_valid_until"] = None
        if not data.get("assore_housed"):
            data["housed_since"] = None
        for name, why in (
            ("housed_since", "l'entrée à l'hôtel ne peut être future"),
            ("consent_date", "le consentement ne peut être daté dans le futur"),
        ):
            try:
                validity.check_date(data.get(name), last=today, why=why)
            except forms.ValidationError as error:
                self.add_error(name, error)
        self._consent_after_notes(data.get("consent_date"))
        return data

    def _consent_after_notes(self, consent):
        """A person is known from the earlier of the consent and the file's creation; notes
        cannot be dated before (pathways' rule note-before-known). Moving the consent later
        must not leave notes already written before the day the person was known. The notes
        are reached through the reverse relation: people sits below pathways."""
        if consent is None or self.instance.pk is None or "consent_date" in self.errors:
            return
        known = min(consent, timezone.localtime(self.instance.created_at).date())
        earliest = self.instance.notes.aggregate(first=Min("date"))["first"]
        if earliest is not None and earliest < known:
            self.add_error(
                "consent_date",
                validity.date_message(
                    last=earliest, why="le suivi comporte des notes datées d'avant"
                ),
            )


class OverrideForm(SentierForm):
    reason = forms.CharField(
        label="Motif de la dérogation",
        help_text="Expliquez pourquoi la personne est admise malgré tout. Ce motif est conservé.",
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=20,
        max_length=2000,
        error_messages={"min_length": "Le motif doit faire au moins 20 caractères."},
    )


class IdentityForm(SentierForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    last_name = forms.CharField(label="Nom de naissance", max_length=100)
    first_name = forms.CharField(label="Prénom(s)", max_length=100)
    birth_date = forms.DateField(label="Date de naissance", widget=DateInput())
    nir = forms.CharField(
        label="Numéro de sécurité sociale (NIR)",
        help_text="15 chiffres, clé comprise. Espaces acceptés.",
        max_length=25,
        required=False,
    )
    address = forms.CharField(label="Adresse", max_length=200, required=False)
    postal_code = forms.RegexField(
        label="Code postal",
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": "Le code postal compte 5 chiffres."},
    )
    city = forms.CharField(label="Commune", max_length=100, required=False)
    phone = forms.RegexField(
        label="Téléphone",
        regex=r"^\+?[\d .]{10,17}$",
        required=False,
        error_messages={"invalid": "Saisissez un numéro de téléphone, par exemple 06 12 34 56 78."},
    )

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        for field in self.fields.values():
            # Nothing of a legal identity stays in the browser's form history.
            field.widget.attrs["autocomplete"] = "off"

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        today = date.today()
        validity.check_date(
            born,
            add_months(today, -12 * validity.MAX_AGE),
            add_months(today, -12 * validity.MIN_AGE),
            why=f"la personne a entre {validity.MIN_AGE} et {validity.MAX_AGE} ans",
        )
        p = self.person
        if p.birth_year and (born.year, born.month) != (p.birth_year, p.birth_month):
            raise forms.ValidationError(
                f"Le dossier de suivi indique une naissance en {p.birth_month:02d}/{p.birth_year} :"
                " corrigez l'une ou l'autre."
            )
        return born

    def clean(self):
        data = super().clean()
        if data.get("nir"):
            try:
                data["nir"] = nir_rules.validate_nir(data["nir"], data.get("birth_date"))
            except forms.ValidationError as error:
                self.add_error("nir", error)
        return data

    def payload(self) -> dict:
        data = dict(self.cleaned_data)
        data["birth_date"] = data["birth_date"].isoformat()
        return {key: data.get(key) or "" for key in Identity.FIELDS}


class PersonFilterForm(forms.Form):
    q = forms.CharField(label="Code ou surnom", required=False, max_length=60)
    status = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous")] + Status.choices
    )
    team = forms.ModelChoiceField(
        label="Équipe", required=False, queryset=Team.objects.none(), empty_label="Toutes"
    )
    eligible = forms.ChoiceField(
        label="Éligibilité aujourd'hui",
        required=False,
        choices=[("", "Toutes"), ("yes", "Éligibles"), ("no", "Non éligibles")],
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
