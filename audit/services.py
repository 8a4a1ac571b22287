"""Writing to the audit journal. Views call record(); nothing else writes AuditEvent."""

import ipaddress

from django.conf import settings

from audit.models import Action, AuditEvent


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address. Behind our own proxy, the right-most X-Forwarded-For entry is
    the one that proxy appended (entries to its left are whatever the client sent)."""
    if request is None:
        return None
    if settings.SENTIER_TRUST_X_FORWARDED_FOR:
        forwarded = [p for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p]
        if forwarded:
            ip = _valid_ip(forwarded[-1])
            if ip:
                return ip
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


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
