"""The report's gender × age table (activity/profile.py computes it)."""

from datetime import date

from activity.profile import COLUMNS, OUTSIDE, UNKNOWN_AGE, band, profile
from reporting.table import table

__all__ = ["COLUMNS", "OUTSIDE", "UNKNOWN_AGE", "band", "profile_table"]


def profile_table(programme, end: date) -> dict:
    return table(
        "profile",
        "Bénéficiaires par genre et par âge à l'entrée",
        ["Âge à l'entrée"] + [name for name, _genders in COLUMNS],
        profile(programme, end),
        "grid",
    )
