from django.db.models import Exists, OuterRef, Q

from accounts.models import Membership
from accounts.services import admin_organisations
from audit.models import AuditEvent


def journal_for(user):
    """Events an organisation administrator may read: those of their organisations, and the
    sign-in events (which belong to no organisation) of their members' accounts."""
    orgs = admin_organisations(user)
    memberships = Membership.objects.filter(organisation__in=orgs, created_at__lte=OuterRef("at"))
    # Sign-in events count only from the day the account joined one of the admin's
    # organisations: adding an e-mail must not reveal that account's earlier history.
    member_then = Exists(memberships.filter(user_id=OuterRef("actor_id")))
    typed_then = Exists(memberships.filter(user__email__iexact=OuterRef("actor_email")))
    return AuditEvent.objects.filter(
        Q(organisation__in=orgs)
        | Q(member_then, organisation__isnull=True)
        | Q(typed_then, organisation__isnull=True, actor__isnull=True)
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
