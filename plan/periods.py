"""Planned periods as the protocol writes them ("1er semestre 2019", "2020/2021",
"Septembre 2019"…) turned into a first and last day; unknown wording falls back to the plan."""

import re
from datetime import date

from core.dates import month_end

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def parse(label: str, plan_start: int, plan_end: int) -> tuple[date, date]:
    text = label.lower().strip()
    years = [int(y) for y in re.findall(r"20\d\d", text)]
    fallback = (date(plan_start, 1, 1), date(plan_end, 12, 31))
    if not years:
        return fallback
    first, last = min(years), max(years)
    if "semestre" in text and len(years) == 1:
        if "1er" in text and "2ème" in text:
            return date(first, 1, 1), date(first, 12, 31)
        if "2ème" in text or "2e " in text:
            return date(first, 7, 1), date(first, 12, 31)
        return date(first, 1, 1), date(first, 6, 30)
    for number, name in enumerate(MONTHS, start=1):
        if name in text and len(years) == 1:
            return date(first, number, 1), month_end(date(first, number, 1))
    return date(first, 1, 1), date(last, 12, 31)
