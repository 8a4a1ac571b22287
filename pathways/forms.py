from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from accounts.models import Organisation, Team
from core import validity
from core.forms import DateInput, SentierForm, SentierModelForm
from pathways.models import Assessment, Exit, ExitReason, Goal, GoalStep, Referral, Service
from pathways.services import followup
from pathways.timeline import KINDS
from pathways.visibility import Level


def not_after_today(form, field: str, why: str) -> None:
    """Refuse a date after today on `field`, in the one date message."""
    day = form.cleaned_data.get(field)
    try:
        validity.check_date(day, None, timezone.localdate(), why)
    except ValidationError as error:
        form.add_error(field, error)


class NoteForm(SentierForm):
    date = forms.DateField(label="Date", widget=DateInput())
    level = forms.ChoiceField(label="Confidentialité", widget=forms.RadioSelect)
    text = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 8}), max_length=validity.NOTE_LIMIT
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [c for c in Level.choices if c[0] in levels]


class TimelineFilterForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Afficher", choices=KINDS, required=False, widget=forms.CheckboxSelectMultiple
    )
    start = forms.DateField(label="Du", required=False, widget=DateInput())
    end = forms.DateField(label="Au", required=False, widget=DateInput())


class AssessmentForm(SentierModelForm):
    class Meta:
        model = Assessment
        fields = [
            "kind",
            "date",
            "crack_days_last7",
            "crack_days_last30",
            "trend",
            "other_substances",
            "sleep",
            "meals_per_day",
            "self_rated_health",
            "social_ties",
            "housing",
            "project",
        ]
        widgets = {"date": DateInput()}

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean(self):
        data = super().clean()
        # The order and window of the pathway's assessments (followup.check_assessment),
        # told next to the field; the service checks again under lock.
        if self.person is not None and data.get("kind") and data.get("date"):
            try:
                followup.check_assessment(
                    self.person, data["kind"], data["date"], timezone.localdate()
                )
            except ValidationError as error:
                self.add_error(None, error)
        # A trend that contradicts the days entered, told by the trend field.
        if self.person is not None and data.get("kind") and "crack_days_last7" in data:
            try:
                followup.check_trend(
                    self.person, data["kind"], data["crack_days_last7"], data.get("trend", "")
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


class GoalForm(SentierModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Goal
        fields = ["area", "title", "status"]


class GoalStepForm(SentierModelForm):
    class Meta:
        model = GoalStep
        fields = ["date", "text", "done"]
        widgets = {"date": DateInput()}

    def clean(self):
        data = super().clean()
        if data.get("done"):
            not_after_today(self, "date", "une étape faite ne peut être datée dans le futur")
        return data


class ReferralForm(SentierModelForm):
    class Meta:
        model = Referral
        fields = ["service", "date", "outcome", "outcome_date"]
        widgets = {"date": DateInput(), "outcome_date": DateInput()}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(organisation=organisation)

    def clean(self):
        data = super().clean()
        not_after_today(self, "date", "une orientation ne peut être datée dans le futur")
        if data.get("outcome_date") and data.get("date") and data["outcome_date"] < data["date"]:
            self.add_error("outcome_date", "La suite ne peut précéder l'orientation.")
        else:
            not_after_today(self, "outcome_date", "une suite ne peut être datée dans le futur")
        return data


class ServiceForm(SentierModelForm):
    class Meta:
        model = Service
        fields = ["name", "kind", "address", "contact"]


class ExitForm(SentierModelForm):
    class Meta:
        model = Exit
        fields = ["date", "kind", "reasons", "comment"]
        widgets = {"date": DateInput(), "reasons": forms.CheckboxSelectMultiple}

    def __init__(self, *args, organisation, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["reasons"].queryset = ExitReason.objects.filter(
            Q(organisation=organisation) | Q(organisation__isnull=True)
        )

    def clean_date(self):
        day = self.cleaned_data["date"]
        # Told next to the field; followup.close checks again with the person locked.
        if self.person is not None:
            try:
                followup.check_exit(self.person, day, timezone.localdate())
            except ValidationError as error:
                raise ValidationError(error.message_dict["date"])
        return day


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.organisation.name} — {obj.name}"


class ShareForm(SentierForm):
    organisation = forms.ModelChoiceField(
        label="Structure partenaire", queryset=Organisation.objects.none()
    )
    team = TeamChoiceField(
        label="Équipe destinataire",
        help_text="Obligatoire si la structure partenaire cloisonne ses dossiers par équipe : "
        "seuls les membres de cette équipe verront le dossier.",
        queryset=Team.objects.none(),
        required=False,
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        partners = Organisation.objects.exclude(pk=person.organisation_id).exclude(kind="funder")
        self.fields["organisation"].queryset = partners
        self.fields["team"].queryset = (
            Team.objects.filter(organisation__in=partners, is_active=True)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )

    def clean(self):
        data = super().clean()
        organisation, team = data.get("organisation"), data.get("team")
        if organisation and team and team.organisation_id != organisation.pk:
            self.add_error("team", "Cette équipe n'appartient pas à la structure choisie.")
        return data


class CaseMeetingForm(SentierForm):
    date = forms.DateField(label="Date", widget=DateInput())
    participants = forms.CharField(label="Participant·es", max_length=500)
    decisions = forms.CharField(
        label="Décisions", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
    )

    def clean(self):
        data = super().clean()
        not_after_today(self, "date", "une réunion ne peut être datée dans le futur")
        return data
