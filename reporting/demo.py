"""Demo committees: the programme's calendar and a frozen report for the last COSUI held."""

from types import SimpleNamespace

from django.utils import timezone

from reporting import services
from reporting.models import Meeting, MeetingKind


def load(programme, coordinator):
    # Demo writes go through the same services as the pages; the "request" only names
    # the author for the audit journal.
    request = SimpleNamespace(user=coordinator, META={}, path="")
    services.create_calendar(request, programme)
    today = timezone.localdate()
    last = (
        Meeting.objects.filter(programme=programme, kind=MeetingKind.COSUI, date__lte=today)
        .order_by("-date")
        .first()
    )
    if last is not None:
        services.generate(
            request,
            last,
            threshold=5,
            leads="",
            free_text="Rapport de démonstration, données fictives.",
        )
