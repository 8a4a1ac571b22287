from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from dsfr.forms import DsfrBoundField
from dsfr.utils import dsfr_input_class_attr

from core import validity

MIN_YEAR, MAX_YEAR = 1900, 2100
_FIRST_DAY, _LAST_DAY = date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)
INVALID_DATE = "Saisissez une date valide, par exemple 15/03/2026."
INVALID_DATETIME = "Saisissez une date et une heure valides, par exemple 15/03/2026 14:30."


def _plausible_date(value):
    day = value.date() if isinstance(value, datetime) else value
    validity.check_date(day, _FIRST_DAY, _LAST_DAY)


def bound_dates(form) -> None:
    """Every date a user types stays within reach of date arithmetic (a year 9999 would
    overflow a 'plus one month'), and every date field refuses in the same words."""
    for field in form.fields.values():
        if isinstance(field, (forms.DateField, forms.DateTimeField)):
            field.validators.append(_plausible_date)
            datetime_field = isinstance(field, forms.DateTimeField)
            field.error_messages["invalid"] = INVALID_DATETIME if datetime_field else INVALID_DATE


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


def _limit(validators, kind, pick):
    values = [v.limit_value for v in validators if isinstance(v, kind)]
    values = [v() if callable(v) else v for v in values]
    return pick(values) if values else None


def _model_validators(form, name):
    """The range validators of the model field behind a model form's field: checked by the
    form first, so that their refusal reads like every other number's."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is None:
        return []
    try:
        return list(model._meta.get_field(name).validators)
    except Exception:  # not a model field (an extra form field)
        return []


def bound_numbers(form) -> None:
    """No number a user types reaches the database or arithmetic out of range (issue 13 #9):
    integers and decimals get bounds when the field sets none, and a choice among rows refuses
    a key wider than any column before asking the database. Every number field then refuses
    in the same words: "Saisissez un nombre entre … et …." (core/validity.py)."""
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField):  # ModelMultipleChoiceField included
            field.__class__ = _bounded_class(type(field))
        elif isinstance(field, (forms.IntegerField, forms.DecimalField)):
            decimal = isinstance(field, (forms.DecimalField, forms.FloatField))
            bound = DECIMAL_BOUND if decimal else INTEGER_BOUND
            known = field.validators + _model_validators(form, name)
            high = _limit(known, MaxValueValidator, min)
            low = _limit(known, MinValueValidator, max)
            digits = getattr(field, "max_digits", None)
            if decimal and digits is not None:
                places = getattr(field, "decimal_places", None) or 0
                widest = Decimal(10) ** (digits - places) - Decimal(10) ** -places
                high = widest if high is None else min(high, widest)
                low = -widest if low is None else max(low, -widest)
            high = bound if high is None else high
            low = -bound if low is None else low
            message = validity.number_message(low, high)
            field.validators = [
                v
                for v in field.validators
                if not isinstance(v, (MinValueValidator, MaxValueValidator))
            ]
            field.validators += [
                MinValueValidator(low, message=message),
                MaxValueValidator(high, message=message),
            ]
            field.error_messages["invalid"] = (
                "Saisissez un nombre, par exemple 12,5."
                if decimal
                else "Saisissez un nombre entier."
            )
            for key in ("max_digits", "max_whole_digits"):
                field.error_messages[key] = message


class _TextLimit(MaxLengthValidator):
    def __init__(self, limit):
        super().__init__(
            limit,
            message=f"Ce texte dépasse {validity.fr_number(limit)} caractères "
            "(il en compte %(show_value)s) : raccourcissez-le.",
        )


def bound_texts(form) -> None:
    """Every free text has a length limit (validity.TEXT_LIMIT when the field sets none), in
    the same words everywhere; the browser is told the limit too."""
    for field in form.fields.values():
        # A UUID or a JSON value is not a text: its length is not the user's to choose.
        if not isinstance(field, forms.CharField) or isinstance(
            field, (forms.UUIDField, forms.JSONField)
        ):
            continue
        limit = field.max_length or validity.TEXT_LIMIT
        field.max_length = limit
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        field.validators.append(_TextLimit(limit))
        if not field.widget.is_hidden:
            field.widget.attrs["maxlength"] = str(limit)


class DsfrFormMixin:
    """DSFR markup for any form or model form: field groups, error messages by the field."""

    bound_field_class = DsfrBoundField
    template_name = "dsfr/form_snippet.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_dates(self)
        bound_numbers(self)
        bound_texts(self)
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
