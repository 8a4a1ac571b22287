from django import forms
from dsfr.forms import DsfrBoundField
from dsfr.utils import dsfr_input_class_attr

MIN_YEAR, MAX_YEAR = 1900, 2100


def _plausible_date(value):
    if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
        raise forms.ValidationError(f"Saisissez une date entre {MIN_YEAR} et {MAX_YEAR}.")


def bound_dates(form) -> None:
    """Every date a user types stays within reach of date arithmetic (a year 9999 would
    overflow a 'plus one month')."""
    for field in form.fields.values():
        if isinstance(field, (forms.DateField, forms.DateTimeField)):
            field.validators.append(_plausible_date)


class DsfrFormMixin:
    """DSFR markup for any form or model form: field groups, error messages by the field."""

    bound_field_class = DsfrBoundField
    template_name = "dsfr/form_snippet.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_dates(self)
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)

    def get_context(self):
        context = super().get_context()
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class SentierForm(DsfrFormMixin, forms.Form):
    pass


class SentierModelForm(DsfrFormMixin, forms.ModelForm):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
