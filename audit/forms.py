from django import forms

from audit.models import Action
from core import validity
from core.forms import DateInput, bound_dates


class JournalFilterForm(forms.Form):
    actor = forms.CharField(label="Compte (adresse)", required=False, max_length=254)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Toutes")] + Action.choices
    )
    object_label = forms.CharField(label="Objet (code de personne…)", required=False, max_length=60)
    start = forms.DateField(label="Du", required=False, widget=DateInput())
    end = forms.DateField(label="Au", required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_dates(self)

    def clean(self):
        data = super().clean()
        try:
            validity.check_date(data.get("end"), data.get("start"), why="la fin précède le début")
        except forms.ValidationError as error:
            self.add_error("end", error)
        return data
