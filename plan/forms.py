from django import forms

from accounts.models import Organisation
from core.forms import DateInput, SentierModelForm
from plan.models import Action, FundingCommitment, Indicator, Plan, Step


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
        if (
            data.get("start_year")
            and data.get("end_year")
            and data["end_year"] < data["start_year"]
        ):
            self.add_error("end_year", "La dernière année précède la première.")
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
        if (
            data.get("planned_start")
            and data.get("planned_end")
            and (data["planned_end"] < data["planned_start"])
        ):
            self.add_error("planned_end", "La fin prévue précède le début.")
        return data


class FundingForm(SentierModelForm):
    class Meta:
        model = FundingCommitment
        fields = ["funder", "year", "action", "amount", "label"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = Action.objects.filter(objective__axis__plan=plan)
        self.fields["amount"].min_value = 0
