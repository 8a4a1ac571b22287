from django import forms

from core import validity
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
        try:
            validity.check_date(
                data.get("period_end"), data.get("period_start"), why="la fin précède le début"
            )
        except forms.ValidationError as error:
            self.add_error("period_end", error)
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
        help_text="Seuil du programme, commun à ses rapports partagés et à son tableau de bord "
        "des financeurs : les effectifs inférieurs y sont masqués (5 par défaut ; 11 comme les "
        "services de données de santé). Il ne peut plus changer après une première publication.",
        error_messages={
            "min_value": f"Le seuil ne peut être inférieur à {MIN_THRESHOLD}.",
            "invalid": "Le seuil doit être un nombre entier, au moins 3.",
            "required": "Indiquez le seuil de secret statistique du programme.",
        },
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
