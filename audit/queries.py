from django.db.models import Q

from accounts.models import Membership
from accounts.services import admin_organisations
from audit.models import AuditEvent


def journal_for(user):
    """Events an organisation administrator may read: those of their organisations, and the
    sign-in events (which belong to no organisation) of their members' accounts."""
    orgs = admin_organisations(user)
    members = Membership.objects.filter(organisation__in=orgs).values("user_id")
    emails = Membership.objects.filter(organisation__in=orgs).values("user__email")
    return AuditEvent.objects.filter(
        Q(organisation__in=orgs)
        | Q(organisation__isnull=True, actor_id__in=members)
        | Q(organisation__isnull=True, actor__isnull=True, actor_email__in=emails)
    )


def apply_filters(events, data):
    if data.get("actor"):
        events = events.filter(actor_email__icontains=data["actor"].strip())
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("object_label"):
        events = events.filter(object_label__icontains=data["object_label"].strip())
    if data.get("start"):
        events = events.filter(at__date__gte=data["start"])
    if data.get("end"):
        events = events.filter(at__date__lte=data["end"])
    return events
