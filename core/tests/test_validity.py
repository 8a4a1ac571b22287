"""Every number, date and text field of every form refuses in the same words (issue 14)."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError

from core import validity
from core.forms import SentierForm


class Sample(SentierForm):
    count = forms.IntegerField(min_value=0, max_value=7)
    amount = forms.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("0.01"))
    day = forms.DateField()
    text = forms.CharField()
    short = forms.CharField(max_length=10)


def errors(**data):
    base = {"count": "3", "amount": "1", "day": "2026-01-05", "text": "ok", "short": "ok"}
    form = Sample({**base, **data})
    form.is_valid()
    return {name: " ".join(messages) for name, messages in form.errors.items()}


@pytest.mark.parametrize("value", ["-1", "8", "99999999999999999999"])
def test_an_integer_out_of_range_names_both_bounds(value):
    assert errors(count=value) == {"count": "Saisissez un nombre entre 0 et 7."}


def test_a_decimal_names_the_widest_value_its_column_holds():
    message = errors(amount="123456")["amount"]
    assert message.startswith("Saisissez un nombre entre 0,01 et 999")
    assert errors(amount="abc") == {"amount": "Saisissez un nombre, par exemple 12,5."}
    assert errors(count="abc") == {"count": "Saisissez un nombre entier."}


def test_dates_out_of_reach_or_unreadable_read_alike():
    assert errors(day="1800-01-01") == {
        "day": "Saisissez une date entre le 01/01/1900 et le 31/12/2100."
    }
    assert errors(day="2025-02-30") == {"day": "Saisissez une date valide, par exemple 15/03/2026."}


def test_every_free_text_has_a_limit_said_the_same_way():
    assert "dépasse 5" in errors(text="x" * (validity.TEXT_LIMIT + 1))["text"]
    assert errors(short="x" * 11) == {
        "short": "Ce texte dépasse 10 caractères (il en compte 11) : raccourcissez-le."
    }
    assert Sample().fields["text"].widget.attrs["maxlength"] == str(validity.TEXT_LIMIT)
    assert errors() == {}  # the twin: values in range pass


def test_check_date_says_the_bounds_and_why():
    with pytest.raises(ValidationError) as refused:
        validity.check_date(date(2026, 5, 1), last=date(2026, 4, 30), why="pas dans le futur")
    assert refused.value.messages == ["Saisissez une date jusqu'au 30/04/2026 : pas dans le futur."]
    validity.check_date(date(2026, 4, 30), last=date(2026, 4, 30))  # the bound itself is fine
    with pytest.raises(ValidationError, match="Aucune date ne convient"):
        validity.check_date(date(2026, 1, 1), date(2026, 2, 1), date(2026, 1, 1), why="x")
