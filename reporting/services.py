"""Committee calendar, follow-up actions and frozen reports."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import Action
from audit.services import record
from core.actor import Actor
from core.dates import month_end, month_start
from reporting import figures, ledger
from reporting.models import PROGRAMME_CALENDAR, ActionItem, Meeting, Report


def create_calendar(actor: Actor, programme, day_of_month: int = 15) -> list[Meeting]:
    """COSTRAT in the programme's first month, a COSUI one, four, seven and ten months in
    (each on the period before it), a RETEX in the twelfth month on the whole programme —
    January to December gives the call's dates. Dates stay editable; existing kept."""
    first = programme.start_date.replace(day=1)
    created = []
    with transaction.atomic():
        for kind, offset, covered in PROGRAMME_CALENDAR:
            month = month_start(first, offset)
            if Meeting.objects.filter(
                programme=programme, kind=kind, date__year=month.year, date__month=month.month
            ).exists():
                continue
            if isinstance(covered, tuple):
                start = max(month_start(first, covered[0]), programme.start_date)
                end = month_end(month_start(first, covered[1]))
            elif covered == "all":
                start, end = programme.start_date, programme.end_date
            else:
                start = end = None
            meeting = Meeting.objects.create(
                organisation=programme.organisation,
                programme=programme,
                kind=kind,
                date=month.replace(day=day_of_month),
                period_start=start,
                period_end=end,
            )
            meeting.attendee_organisations.set(programme.funders.all())
            created.append(meeting)
    record(actor, Action.CREATE, programme, label=programme.name, calendar=len(created))
    return created


def carried_actions(meeting: Meeting):
    """Open actions decided at earlier meetings of the same programme (or plan): the
    agenda's first item."""
    if meeting.programme_id:
        same_series = Q(meeting__programme=meeting.programme)
    else:
        same_series = Q(meeting__plan=meeting.plan)
    return ActionItem.objects.filter(
        same_series,
        meeting__date__lt=meeting.date,
        status__in=[ActionItem.Status.OPEN, ActionItem.Status.ONGOING],
    ).select_related("meeting")


def generate(
    actor: Actor, meeting: Meeting, *, threshold: int, free_text: str, leads: str
) -> Report:
    if meeting.programme is None:
        raise ValidationError("Ce comité n'est rattaché à aucun programme.")
    programme = meeting.programme
    start = meeting.period_start or programme.start_date
    end = meeting.period_end or min(programme.end_date, timezone.localdate())
    with transaction.atomic():
        # The programme's one threshold (issue 15): set here until something is published,
        # refused by its field afterwards.
        threshold = ledger.set_threshold(programme, threshold).threshold
        data = figures.build(programme, start, end, free_text=free_text, leads=leads)
        report = Report.objects.create(
            meeting=meeting,
            generated_by=actor.user,
            period_start=start,
            period_end=end,
            threshold=threshold,
            data=data,
        )
        # Its shared version is published now, once, jointly with everything funders saw.
        ledger.for_report(report)
    record(
        actor,
        Action.CREATE,
        report,
        organisation=meeting.organisation,
        label=str(meeting),
        checksum=report.checksum,
    )
    return report
