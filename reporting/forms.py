from django import forms

from core.forms import DateInput, SentierForm, SentierModelForm
from reporting.models import ActionItem, Meeting
from reporting.suppression import DEFAULT_THRESHOLD, MIN_THRESHOLD


class MeetingForm(SentierModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = [
            "date",
            "period_start",
            "period_end",
            "attendee_organisations",
            "attendees",
            "agenda",
            "minutes",
        ]
        widgets = {
            "date": DateInput(),
            "period_start": DateInput(),
            "period_end": DateInput(),
            "attendee_organisations": forms.CheckboxSelectMultiple,
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def clean(self):
        data = super().clean()
        if (
            data.get("period_start")
            and data.get("period_end")
            and (data["period_end"] < data["period_start"])
        ):
            self.add_error("period_end", "La fin de la période précède son début.")
        return data


class ActionItemForm(SentierModelForm):
    class Meta:
        model = ActionItem
        fields = ["text", "owner", "due_date", "status"]
        widgets = {"due_date": DateInput()}


class GenerateForm(SentierForm):
    threshold = forms.IntegerField(
        label="Seuil de secret statistique",
        initial=DEFAULT_THRESHOLD,
        min_value=MIN_THRESHOLD,
        max_value=50,
        help_text="Les effectifs inférieurs sont masqués dans les versions partagées "
        "(5 par défaut ; 11 comme les services de données de santé).",
    )
    free_text = forms.CharField(
        label="Commentaire de la coordination",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
    )
    leads = forms.CharField(
        label="Pistes d'amélioration (RETEX)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
    )
