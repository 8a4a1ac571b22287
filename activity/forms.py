import uuid
from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, User
from accounts.roles import Perm, roles_with
from activity.models import (
    AlternativeActivity,
    AlternativeKind,
    AwarenessSession,
    Domain,
    Partner,
    PartnerNote,
    PaymentMethod,
    Programme,
    WorkSession,
    Worksite,
)
from activity.models.partners import ALLOWED_DEPARTMENTS
from activity.models.sessions import Attendance
from activity.services import awareness
from activity.services.programmes import programme_span
from core.forms import DateInput, SentierForm, SentierModelForm, bound_dates
from core.validity import check_date


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class ProgrammeForm(SentierModelForm):
    class Meta:
        model = Programme
        fields = [
            "name",
            "start_date",
            "end_date",
            "funders",
            "target_persons",
            "target_sessions",
            "min_sessions_per_month",
            "hourly_rate",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "funders": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funders"].queryset = Organisation.objects.filter(kind=OrganisationKind.FUNDER)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "La fin du programme précède son début.")
        elif self.instance.pk:
            # What is already recorded must stay within the programme's dates.
            first, last = programme_span(self.instance)
            for name, day, bounds in (
                ("start_date", start, (None, first)),
                ("end_date", end, (last, None)),
            ):
                try:
                    check_date(
                        day,
                        *bounds,
                        why="des inscriptions ou des séances sont déjà enregistrées à ces dates",
                    )
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data


class EnrolForm(SentierForm):
    person = forms.CharField(
        label="Code de la personne", max_length=10, help_text="Par exemple 7KQ-2MF."
    )
    start_date = forms.DateField(label="Date d'entrée", widget=DateInput())
    override_reason = forms.CharField(
        label="Motif de dérogation (si la personne n'est pas éligible)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class EndEnrolmentForm(SentierForm):
    end_date = forms.DateField(label="Date de fin", widget=DateInput())


class CancelSessionForm(SentierForm):
    reason = forms.CharField(
        label="Motif de l'annulation",
        help_text="Par exemple : intempéries, encadrant·e absent·e (10 caractères au moins).",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CorrectionMixin:
    """A late correction (after the supervisor's days) needs a reason: the field is shown
    only then."""

    def drop_correction(self, late: bool) -> None:
        if not late:
            del self.fields["correction_reason"]  # type: ignore[attr-defined]


def correction_field() -> forms.CharField:
    return forms.CharField(
        label="Motif de la correction tardive",
        help_text="La séance est passée depuis plus de quelques jours : dites pourquoi vous "
        "corrigez (10 caractères au moins).",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PartnerForm(SentierModelForm):
    class Meta:
        model = Partner
        fields = [
            "name",
            "kind",
            "status",
            "contact_name",
            "contact_role",
            "contact_email",
            "contact_phone",
        ]


class PartnerNoteForm(SentierModelForm):
    class Meta:
        model = PartnerNote
        fields = ["date", "text"]
        widgets = {"date": DateInput(), "text": forms.Textarea(attrs={"rows": 3})}

    def clean_date(self):
        day = self.cleaned_data["date"]
        check_date(day, None, timezone.localdate(), "une note rapporte ce qui a eu lieu")
        return day


class DomainForm(SentierModelForm):
    class Meta:
        model = Domain
        fields = ["name"]


class WorksiteForm(SentierModelForm):
    class Meta:
        model = Worksite
        fields = [
            "name",
            "kind",
            "domain",
            "partner",
            "address",
            "postal_code",
            "commune",
            "station",
            "walking_minutes",
            "is_active",
        ]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["domain"].queryset = Domain.objects.filter(
            Q(organisation=organisation) | Q(organisation__isnull=True)
        )
        self.fields["partner"].queryset = organisation.partners.all()

    def clean_postal_code(self):
        code = self.cleaned_data["postal_code"].strip()
        if not (len(code) == 5 and code.isdigit()):
            raise forms.ValidationError("Le code postal compte 5 chiffres.")
        if code[:2] not in ALLOWED_DEPARTMENTS:
            raise forms.ValidationError(
                "Les chantiers et ateliers ont lieu à Paris ou en petite couronne "
                "(Hauts-de-Seine, Seine-Saint-Denis, Val-de-Marne) : le code postal doit "
                "commencer par 75, 92, 93 ou 94."
            )
        return code


class WorkSessionForm(SentierModelForm):
    weeks = forms.IntegerField(
        label="Répéter chaque semaine pendant",
        help_text="Nombre de semaines, séance comprise (1 = séance unique).",
        initial=1,
        min_value=1,
        max_value=52,
    )

    class Meta:
        model = WorkSession
        fields = [
            "programme",
            "worksite",
            "partner",
            "supervisor",
            "date",
            "start_time",
            "end_time",
            "places",
            "hourly_rate",
        ]
        widgets = {"date": DateInput(), "start_time": TimeInput(), "end_time": TimeInput()}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["programme"].queryset = organisation.programmes.all()
        self.fields["worksite"].queryset = organisation.worksites.filter(is_active=True)
        self.fields["partner"].queryset = organisation.partners.all()
        self.fields["supervisor"].queryset = User.objects.filter(
            memberships__organisation=organisation,
            memberships__is_active=True,
            memberships__role__in=roles_with(Perm.SESSION_MANAGE),
        ).distinct()
        self.fields["hourly_rate"].required = False
        self.fields["hourly_rate"].help_text = "Vide : le taux du programme."
        if self.instance.pk:
            del self.fields["weeks"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "La séance doit finir après son début.")
        if not data.get("hourly_rate") and data.get("programme"):
            data["hourly_rate"] = data["programme"].hourly_rate
            self.instance.hourly_rate = data["hourly_rate"]
        if data.get("worksite") and not data.get("partner"):
            data["partner"] = data["worksite"].partner
            self.instance.partner = data["partner"]
        return data


class InviteForm(SentierForm):
    person = forms.ChoiceField(label="Personne inscrite au programme")

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—")] + [
            (p.pk, f"{p.code} {p.nickname}".strip()) for p in persons
        ]


class AttendanceForm(CorrectionMixin, SentierForm):
    status = forms.ChoiceField(
        label="Présence",
        choices=[c for c in Attendance.choices if c[0] != Attendance.INVITED],
        widget=forms.RadioSelect,
    )
    hours = forms.DecimalField(
        label="Heures travaillées",
        required=False,
        min_value=0,
        max_digits=5,
        decimal_places=2,
        help_text="Vide : la durée de la séance.",
    )
    pay = forms.DecimalField(
        label="Rémunération (€)",
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text="Vide : heures × taux horaire.",
    )
    pay_reason = forms.CharField(
        label="Motif si la rémunération est ajustée", required=False, max_length=500
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    correction_reason = correction_field()

    def __init__(self, *args, late=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.drop_correction(late)


class PaymentForm(CorrectionMixin, SentierForm):
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    amount = forms.DecimalField(
        label="Montant versé (€)", min_value=Decimal("0.01"), max_digits=8, decimal_places=2
    )
    method = forms.ChoiceField(
        label="Mode de paiement", choices=PaymentMethod.choices, widget=forms.RadioSelect
    )
    paid_at = forms.DateTimeField(
        label="Payé le",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
    )
    receipt_number = forms.CharField(label="Numéro de reçu", required=False, max_length=40)
    correction_reason = correction_field()

    def __init__(self, *args, late=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.drop_correction(late)


class ReversalForm(SentierForm):
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    reason = forms.CharField(
        label="Motif de l'annulation", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ContractForm(SentierForm):
    person = forms.CharField(label="Code de la personne", max_length=10)
    session: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Séance", required=False, queryset=None, empty_label="— (contrat sur une période)"
    )
    period_start = forms.DateField(label="Début de la période", required=False, widget=DateInput())
    period_end = forms.DateField(label="Fin de la période", required=False, widget=DateInput())

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions


class SignForm(SentierForm):
    signed_on = forms.DateField(label="Signé le", widget=DateInput(), initial=timezone.localdate)


class PayrollExportForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_dates(self)

    month = forms.DateField(
        label="Mois",
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("xlsx", "XLSX")])


class AwarenessForm(SentierModelForm):
    class Meta:
        model = AwarenessSession
        fields = ["programme", "date", "theme", "facilitator"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, organisation, with_people=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = organisation.programmes.all()
        self.with_people = with_people

    def clean(self):
        data = super().clean()
        try:
            awareness.check_day(data.get("programme"), data.get("date"), self.with_people)
        except forms.ValidationError as error:
            self.add_error(None, error)
        return data


class AlternativeForm(SentierModelForm):
    class Meta:
        model = AlternativeActivity
        fields = ["programme", "kind", "date", "description", "participants"]
        widgets = {"date": DateInput(), "participants": forms.CheckboxSelectMultiple}

    def __init__(self, *args, organisation, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = organisation.programmes.all()
        self.fields["kind"].queryset = AlternativeKind.objects.filter(
            Q(organisation=organisation) | Q(organisation__isnull=True)
        )
        self.fields["participants"].queryset = persons

    def clean(self):
        data = super().clean()
        try:
            awareness.check_day(
                data.get("programme"), data.get("date"), bool(data.get("participants"))
            )
        except forms.ValidationError as error:
            self.add_error(None, error)
        return data
