"""Writing to the audit journal. Services call record(); nothing else writes AuditEvent."""

import re

from audit.models import Action, AuditEvent
from core.actor import Actor

# The journal names objects by identifiers the system made, never by text someone typed
# (a partner's name, a team name, a decision's wording): a person code, an account's
# e-mail, a plan action's number, a payroll month. Anything else is named by its id.
_IDENTIFIER = re.compile(
    r"^(?:[A-Z0-9]{3}-[A-Z0-9]{3}|[^@\s]+@[^@\s]+|Action \d+|paie \d{4}-\d{2})$"
)


def journal_label(obj, label: str = "") -> str:
    for candidate in (label, str(getattr(obj, "code", "") or "")):
        if candidate and _IDENTIFIER.match(candidate):
            return candidate
    return f"#{obj.pk}" if obj is not None else ""


def record(
    actor: Actor | None,
    action: Action,
    obj=None,
    *,
    organisation=None,
    label: str = "",
    **details,
) -> AuditEvent:
    actor = actor if actor is not None else Actor()
    user = actor.user
    if organisation is None and obj is not None:
        organisation = getattr(obj, "organisation", None)
    object_label = journal_label(obj, label)
    return AuditEvent.objects.create(
        actor=user,
        actor_email=(user.email if user is not None else actor.email)[:254],
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=object_label[:120],
        ip=actor.ip,
        path=actor.where,
        details=details,
    )
