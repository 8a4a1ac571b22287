from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
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


# The widest integer any database column of the project holds (PostgreSQL and SQLite bigint).
BIGINT_MAX = 2**63 - 1
# What a number typed in a form may reach when the field sets no bound of its own: the
# PostgreSQL integer column, and twelve digits before the decimal point for amounts.
INTEGER_BOUND = 2**31 - 1
DECIMAL_BOUND = Decimal(10) ** 12
_INTEGER_KEYS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


def _has(field, validator_class) -> bool:
    return any(isinstance(v, validator_class) for v in field.validators)


class BoundedKeysMixin:
    """A choice among database rows whose key is an integer: a key no column can hold
    (9999999999999999999999) is an invalid choice, not an OverflowError from the database."""

    # Given by the ModelChoiceField it is mixed into.
    queryset: Any
    to_field_name: str | None
    empty_values: list[Any]
    error_messages: dict[str, Any]

    def _key_out_of_range(self, value) -> bool:
        model = self.queryset.model
        key = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        if key.get_internal_type() not in _INTEGER_KEYS:
            return False
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            return False  # Django's own check answers "not a valid choice"
        return not -BIGINT_MAX <= number <= BIGINT_MAX

    def to_python(self, value):
        if value not in self.empty_values and self._key_out_of_range(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)

    def _check_values(self, value):
        for key in value if isinstance(value, (list, tuple)) else ():
            if self._key_out_of_range(key):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": key},
                )
        return super()._check_values(value)


_BOUNDED_CLASSES: dict[type, type] = {}


def _bounded_class(cls: type) -> type:
    if issubclass(cls, BoundedKeysMixin):
        return cls
    if cls not in _BOUNDED_CLASSES:
        _BOUNDED_CLASSES[cls] = type(f"Bounded{cls.__name__}", (BoundedKeysMixin, cls), {})
    return _BOUNDED_CLASSES[cls]


def bound_numbers(form) -> None:
    """No number a user types reaches the database or arithmetic out of range (issue 13 #9):
    integers and decimals get bounds when the field sets none, and a choice among rows refuses
    a key wider than any column before asking the database."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):  # ModelMultipleChoiceField included
            field.__class__ = _bounded_class(type(field))
        elif isinstance(field, (forms.IntegerField, forms.DecimalField)):
            decimal = isinstance(field, (forms.DecimalField, forms.FloatField))
            bound = DECIMAL_BOUND if decimal else INTEGER_BOUND
            if not _has(field, MaxValueValidator):
                field.validators.append(MaxValueValidator(bound))
            if not _has(field, MinValueValidator):
                field.validators.append(MinValueValidator(-bound))


class DsfrFormMixin:
    """DSFR markup for any form or model form: field groups, error messages by the field."""

    bound_field_class = DsfrBoundField
    template_name = "dsfr/form_snippet.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_dates(self)
        bound_numbers(self)
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
