from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper

from accounts.models import Membership
from accounts.services import admin_organisations
from audit.models import AuditEvent


def journal_for(user):
    """Events an organisation administrator may read: those of their organisations, and the
    sign-in events (which belong to no organisation) of their members' accounts."""
    orgs = list(admin_organisations(user).values_list("pk", flat=True))
    members = Membership.objects.filter(organisation__in=orgs)
    # Sign-in events count only from the day the account joined one of the admin's
    # organisations: adding an e-mail must not reveal that account's earlier history.
    since = members.filter(created_at__lte=OuterRef("at"))
    member_then = Exists(since.filter(user_id=OuterRef("actor_id")))
    typed_then = Exists(since.filter(user__email__iexact=OuterRef("actor_email")))
    # The member ids and e-mails are spelled out so that each branch of the OR reads its own
    # index (organisation, actor, typed e-mail): no scan of the whole journal.
    member_ids = list(members.values_list("user_id", flat=True).distinct())
    emails = [e.upper() for e in members.values_list("user__email", flat=True).distinct()]
    return AuditEvent.objects.alias(typed=Upper("actor_email")).filter(
        Q(organisation__in=orgs)
        | Q(member_then, organisation__isnull=True, actor_id__in=member_ids)
        | Q(typed_then, organisation__isnull=True, actor__isnull=True, typed__in=emails)
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
