"""Month arithmetic shared by the programme, the pathways, the reports and the plan."""

import calendar
from datetime import date


def month_start(day: date, offset: int = 0) -> date:
    """First day of the month `offset` months after the one of `day`."""
    index = day.year * 12 + day.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_bounds(day: date) -> tuple[date, date]:
    first = month_start(day)
    return first, month_end(first)


def add_months(day: date, months: int) -> date:
    """Same day `months` later, kept within the target month (31 January + 1 → 28 February)."""
    target = month_start(day, months)
    return target.replace(day=min(day.day, month_end(target).day))
