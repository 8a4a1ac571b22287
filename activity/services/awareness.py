"""Awareness sessions and alternative activities: when they may be dated."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from activity.models import Programme
from core.validity import check_date


def check_day(programme: Programme, day: date | None, with_people: bool) -> None:
    """Within the programme's dates; and not in the future once someone is recorded as
    attending: a presence is noted after the fact."""
    if day is None or programme is None:
        return
    last = programme.end_date
    why = "pendant le programme"
    if with_people:
        last = min(last, timezone.localdate())
        why += ", et pas après aujourd'hui puisque des présences sont notées"
    try:
        check_date(day, programme.start_date, last, why)
    except ValidationError as error:
        raise ValidationError({"date": error.messages})
