"""Rules every stored record must respect, as queries that find the records breaking them.

Each app registers its rules here, in its own `integrity.py` (found by `discover()`):
the `check_records` command lists what breaks them so a coordinator can correct it — nothing
is deleted — and the property tests assert that no request, valid or hostile, ever leaves a
record breaking one (tests/test_property_forms.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Finding:
    rule: str  # the rule's code, e.g. "attendance-before-session"
    model: str  # "app_label.model"
    pk: int
    organisation_id: int | None
    label: str  # an identifier a coordinator can look up: a person code, a session
    message: str  # what is wrong, in French


@dataclass(frozen=True)
class Rule:
    code: str
    title: str  # the rule, in French, as the command prints it
    find: Callable[[date], Iterable[Finding]]


RULES: dict[str, Rule] = {}


def rule(code: str, title: str):
    """Register `find(today)`, which yields a Finding for every record breaking the rule."""

    def register(find: Callable[[date], Iterable[Finding]]):
        RULES[code] = Rule(code, title, find)
        return find

    return register


def finding(rule_code: str, obj, *, organisation_id, label: str, message: str) -> Finding:
    return Finding(
        rule=rule_code,
        model=obj._meta.label_lower,
        pk=obj.pk,
        organisation_id=organisation_id,
        label=label,
        message=message,
    )


def discover() -> dict[str, Rule]:
    """Import every installed app's integrity module, which registers its rules."""
    autodiscover_modules("integrity")
    return RULES


def run(today: date, codes: Iterable[str] | None = None) -> list[Finding]:
    discover()
    selected = [RULES[c] for c in codes] if codes is not None else list(RULES.values())
    return [found for r in selected for found in r.find(today)]
