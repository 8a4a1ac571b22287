"""Demo committees: the programme's calendar and a frozen report for the last COSUI held."""

from django.utils import timezone

from core.actor import Actor
from reporting import services
from reporting.models import Meeting, MeetingKind


def load(programme, coordinator):
    # Demo writes go through the same services as the pages, signed by the coordinator.
    actor = Actor.command("load_demo", user=coordinator)
    services.create_calendar(actor, programme)
    today = timezone.localdate()
    last = (
        Meeting.objects.filter(programme=programme, kind=MeetingKind.COSUI, date__lte=today)
        .order_by("-date")
        .first()
    )
    if last is not None:
        services.generate(
            actor,
            last,
            threshold=5,
            leads="",
            free_text="Rapport de démonstration, données fictives.",
        )
