"""Writing to the audit journal. Services call record(); nothing else writes AuditEvent."""

from audit.models import Action, AuditEvent
from core.actor import Actor


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
    object_label = label or (getattr(obj, "audit_label", None) or "")
    if obj is not None and not object_label:
        object_label = str(getattr(obj, "code", "")) or f"#{obj.pk}"
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
