from django import forms

from audit.models import Action
from core.forms import DateInput


class JournalFilterForm(forms.Form):
    actor = forms.CharField(label="Compte (adresse)", required=False, max_length=254)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Toutes")] + Action.choices
    )
    object_label = forms.CharField(label="Objet (code de personne…)", required=False, max_length=60)
    start = forms.DateField(label="Du", required=False, widget=DateInput())
    end = forms.DateField(label="Au", required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "La date de fin précède la date de début.")
        return data
