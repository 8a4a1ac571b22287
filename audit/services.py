"""Writing to the audit journal. Views call record(); nothing else writes AuditEvent."""

from django.conf import settings

from audit.models import Action, AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    if settings.SENTIER_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def record(request, action: Action, obj=None, *, organisation=None, user=None, label="", **details):
    user = user if user is not None else getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    if organisation is None and obj is not None:
        organisation = getattr(obj, "organisation", None)
    object_label = label or (getattr(obj, "audit_label", None) or "")
    if obj is not None and not object_label:
        object_label = str(getattr(obj, "code", "")) or f"#{obj.pk}"
    return AuditEvent.objects.create(
        actor=user,
        actor_email=(user.email if user else details.pop("email", ""))[:254],
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=object_label[:120],
        ip=client_ip(request),
        path=(request.path[:300] if request is not None else ""),
        details=details,
    )
