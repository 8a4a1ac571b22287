"""What a record must respect to be true, written once: the bounds of dates, ages, numbers
and free texts, and the words every refusal uses (issue 14).

Every refusal reads the same way, whatever the form: "Saisissez une date entre le … et le … :
<why>." or "Saisissez un nombre entre … et ….". Domain rules (an exit after the entry, an
attendance on or after the session) call `check_date` with their own bounds and reason.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format

# A person followed is between 14 and 100 years old: anything else is a typing error. The
# programme's 18–50 rule is an eligibility question (people/eligibility.py), not a bound.
MIN_AGE, MAX_AGE = 14, 100
# Free texts with no limit of their own (a TextField): enough for a long note, not a book.
TEXT_LIMIT = 5000
# A follow-up note may be long (a full case summary), but not unbounded.
NOTE_LIMIT = 20000


def fr_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def fr_number(value) -> str:
    if isinstance(value, float):
        value = Decimal(str(value))
    return number_format(value, force_grouping=True)


def date_message(first: date | None = None, last: date | None = None, why: str = "") -> str:
    if first and last:
        text = f"Saisissez une date entre le {fr_date(first)} et le {fr_date(last)}"
    elif first:
        text = f"Saisissez une date à partir du {fr_date(first)}"
    elif last:
        text = f"Saisissez une date jusqu'au {fr_date(last)}"
    else:
        text = "Saisissez une date valide"
    return f"{text} : {why}." if why else f"{text}."


def check_date(
    day: date | None, first: date | None = None, last: date | None = None, why: str = ""
) -> None:
    """Raise the one date message when `day` falls outside [first, last] (either may be
    None). A first bound after the last means no date can be right: the message says so."""
    if day is None:
        return
    if first and last and first > last:
        raise ValidationError(f"Aucune date ne convient : {why}." if why else date_message())
    if (first and day < first) or (last and day > last):
        raise ValidationError(date_message(first, last, why))


def number_message(low=None, high=None, why: str = "") -> str:
    if low is not None and high is not None:
        text = f"Saisissez un nombre entre {fr_number(low)} et {fr_number(high)}"
    elif low is not None:
        text = f"Saisissez un nombre supérieur ou égal à {fr_number(low)}"
    elif high is not None:
        text = f"Saisissez un nombre inférieur ou égal à {fr_number(high)}"
    else:
        text = "Saisissez un nombre"
    return f"{text} : {why}." if why else f"{text}."


def birth_year_bounds(today: date) -> tuple[int, int]:
    """The birth years a person followed can have today (aged MIN_AGE to MAX_AGE)."""
    return today.year - MAX_AGE, today.year - MIN_AGE


def check_birth_year(year: int | None, today: date) -> None:
    if year is None:
        return
    first, last = birth_year_bounds(today)
    if not first <= year <= last:
        raise ValidationError(
            f"Saisissez une année entre {first} et {last} : la personne a entre {MIN_AGE} et "
            f"{MAX_AGE} ans (par exemple {today.year - 35})."
        )


def attendance_late_days() -> int:
    """Days after a session during which its supervisor may still record attendance and
    pay; later, only a coordinator corrects (SENTIER_ATTENDANCE_LATE_DAYS)."""
    return settings.ATTENDANCE_LATE_DAYS


def assessment_window_days() -> int:
    """Days before or after its due date a 3/6/9/12-month assessment may be dated
    (SENTIER_ASSESSMENT_WINDOW_DAYS)."""
    return settings.ASSESSMENT_WINDOW_DAYS
