from datetime import date

from django import forms

from accounts.models import Organisation
from core import validity
from core.forms import DateInput, SentierForm, SentierModelForm
from plan.models import Action, FundingCommitment, Indicator, Plan, Step


def _years_in_order(form, data) -> None:
    """A plan's last year cannot precede its first (plan settings and the next plan's copy)."""
    if data.get("start_year") and data.get("end_year") and data["end_year"] < data["start_year"]:
        form.add_error("end_year", "La dernière année précède la première.")


class PlanForm(SentierModelForm):
    start_year = forms.IntegerField(label="Première année", min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label="Dernière année", min_value=2000, max_value=2100)

    class Meta:
        model = Plan
        fields = ["name", "start_year", "end_year", "source", "organisations", "funders"]
        widgets = {
            "organisations": forms.CheckboxSelectMultiple,
            "funders": forms.CheckboxSelectMultiple,
        }

    def clean(self):
        data = super().clean()
        _years_in_order(self, data)
        return data


class ActionForm(SentierModelForm):
    class Meta:
        model = Action
        fields = ["title", "objective_text", "pilots_funders", "operators", "editors"]
        widgets = {
            "editors": forms.CheckboxSelectMultiple,
            "objective_text": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["editors"].queryset = Organisation.objects.order_by("name")


class IndicatorForm(SentierModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "periodicity", "responsible"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.values.exists():
            # Values already entered were checked against this unit and periodicity.
            for name in ("unit", "periodicity"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Des valeurs sont saisies : ne change plus."


class StepForm(SentierModelForm):
    class Meta:
        model = Step
        fields = ["period_label", "planned_start", "planned_end", "text"]
        widgets = {"planned_start": DateInput(), "planned_end": DateInput()}

    def clean(self):
        data = super().clean()
        try:
            validity.check_date(
                data.get("planned_end"),
                data.get("planned_start"),
                why="la fin prévue précède le début",
            )
        except forms.ValidationError as error:
            self.add_error("planned_end", error)
        return data


class FundingForm(SentierModelForm):
    class Meta:
        model = FundingCommitment
        fields = ["funder", "year", "action", "amount", "label"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = Action.objects.filter(objective__axis__plan=plan)
        self.fields["amount"].min_value = 0


class BlockerForm(SentierForm):
    description = forms.CharField(
        label="Frein", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.CharField(label="Responsable", max_length=150)
    raised_on = forms.DateField(label="Signalé le", widget=DateInput(), initial=date.today)

    def clean_raised_on(self):
        raised_on = self.cleaned_data["raised_on"]
        validity.check_date(raised_on, last=date.today(), why="un frein se signale une fois apparu")
        return raised_on


class ValueForm(SentierForm):
    """The value stays text here: plan.services.parse_value reads it against the indicator's
    unit (oui / non, a count, a percentage) and says what is wrong, in French."""

    period_start = forms.DateField(label="Période (premier jour)", widget=DateInput())
    value = forms.CharField(
        label="Valeur",
        max_length=30,
        error_messages={"max_length": "Ce nombre est trop long pour être une valeur plausible."},
    )


class CopyForm(SentierForm):
    name = forms.CharField(label="Nom du nouveau plan", max_length=200)
    start_year = forms.IntegerField(label="Première année", min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label="Dernière année", min_value=2000, max_value=2100)
    actions = forms.ModelMultipleChoiceField(
        label="Actions reprises",
        queryset=Action.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = Action.objects.filter(objective__axis__plan=plan)

    def clean(self):
        data = super().clean()
        _years_in_order(self, data)
        if data.get("name") and Plan.objects.filter(name=data["name"]).exists():
            self.add_error("name", "Un plan porte déjà ce nom.")
        return data


class MeetingCreateForm(SentierForm):
    kind = forms.ChoiceField(
        label="Comité",
        choices=[
            ("operational", "Comité opérationnel (mensuel)"),
            ("technical", "Comité technique (mensuel)"),
            ("strategic", "Comité stratégique (au moins annuel)"),
        ],
    )
    date = forms.DateField(label="Date", widget=DateInput())


class PlanAdminForm(SentierForm):
    """Invite an address to administer the plan, in a steering-group organisation."""

    email = forms.EmailField(label="Adresse électronique", max_length=254)
    full_name = forms.CharField(
        label="Nom et prénom",
        max_length=150,
        help_text="Utilisé seulement si l'adresse n'a pas encore de compte.",
    )
    organisation = forms.ModelChoiceField(
        label="Structure du comité de pilotage", queryset=Organisation.objects.none()
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = plan.organisations.order_by("name")
