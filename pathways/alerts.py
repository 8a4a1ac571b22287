"""Alerts for the persons a user follows: no news for 30 days, assessments late,
enrolment ending within a month. Computed by the database for the whole list."""

from datetime import timedelta

from django.db.models import DateField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncDate

from accounts import access
from accounts.roles import FOLLOW_LEVELS
from activity.models import Enrolment, Participation
from pathways.models import Assessment, Note
from pathways.services.followup import schedule
from people.models import Person, Status

QUIET_DAYS = 30


def readable_notes(user) -> Q:
    """The notes whose date may count as news for this user: those at their levels (a
    recent health note must not show through a social worker's alert list)."""
    scope = Q(pk__in=[])
    for membership in access.memberships(user):
        levels = FOLLOW_LEVELS.get(membership.role)
        if levels:
            scope |= Q(organisation_id=membership.organisation_id, level__in=levels)
    return scope


def quiet(persons, today, notes_scope: Q):
    """Persons followed whose last real contact is older than 30 days (or who have none
    since registration). A contact is a session worked (activity.models.worked_q: never an
    absence, an excuse or an invitation), a note of the viewer's levels or an assessment,
    dated on or before today: a session planned next week is no news. A referral is not a
    contact (issue 14): the person may never have gone, so referrals are left out."""
    epoch = TruncDate("created_at")

    def latest(queryset, field="date"):
        newest = (
            queryset.filter(person=OuterRef("pk"), **{f"{field}__lte": today})
            .order_by(f"-{field}")
            .values(field)[:1]
        )
        return Coalesce(Subquery(newest, output_field=DateField()), epoch)

    last = Greatest(
        latest(Note.objects.filter(notes_scope)),
        latest(Participation.objects.worked(), "session__date"),
        latest(Assessment.objects),
        output_field=DateField(),
    )
    return (
        persons.exclude(status=Status.EXITED)
        .annotate(last_news=last)
        .filter(last_news__lt=today - timedelta(days=QUIET_DAYS))
        .order_by("last_news")
    )


def enrolments_ending(persons, today):
    soon = today + timedelta(days=31)
    return (
        Enrolment.objects.filter(person__in=persons)
        .filter(
            Q(end_date__range=(today, soon))
            | Q(end_date__isnull=True, programme__end_date__range=(today, soon))
        )
        .select_related("person", "programme")
        .order_by("end_date", "programme__end_date")
    )


def late_assessments(persons: "list[Person]", today):
    rows = []
    for person in persons:
        for item in schedule(person, today):
            if item["state"] in ("late", "due"):
                rows.append({"person": person, **item})
    return sorted(rows, key=lambda r: r["due"])
