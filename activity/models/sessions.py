from datetime import date as calendar_date
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from core.validity import attendance_late_days

# People arrive early: attendance and pay may be recorded from this long before the start.
EARLY_ARRIVAL = timedelta(minutes=30)


class WorkSession(models.Model):
    """One chantier or atelier on a date, with its places and its hourly pay."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="work_sessions"
    )
    programme = models.ForeignKey(
        "activity.Programme", on_delete=models.PROTECT, related_name="work_sessions"
    )
    worksite = models.ForeignKey(
        "activity.Worksite", on_delete=models.PROTECT, verbose_name="chantier ou atelier"
    )
    partner = models.ForeignKey(
        "activity.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="partenaire",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="supervised_sessions",
        verbose_name="encadrant·e",
    )
    date = models.DateField("date")
    start_time = models.TimeField("début")
    end_time = models.TimeField("fin")
    places = models.PositiveSmallIntegerField("places", validators=[MinValueValidator(1)])
    hourly_rate = models.DecimalField(
        "rémunération horaire nette (€)",
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    series = models.UUIDField(null=True, blank=True, editable=False)
    cancelled = models.BooleanField("annulée", default=False)
    cancel_reason = models.TextField("motif de l'annulation", blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = "séance de travail"
        indexes = [models.Index(fields=["organisation", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="session_has_places"),
            models.CheckConstraint(condition=Q(hourly_rate__gt=0), name="session_rate_positive"),
        ]

    def __str__(self):
        return f"{self.worksite.name} — {self.date:%d/%m/%Y} {self.start_time:%H:%M}"

    @property
    def starts_at(self) -> datetime:
        """The session's start, an aware datetime in the project's time zone."""
        return timezone.make_aware(datetime.combine(self.date, self.start_time))

    @property
    def opens_at(self) -> datetime:
        """From when attendance and pay may be recorded: people arrive a little early."""
        return self.starts_at - EARLY_ARRIVAL

    def is_late(self, day: calendar_date) -> bool:
        """Past the days its supervisor has to record attendance and pay: after that, only a
        coordinator corrects, with a reason."""
        return day > self.date + timedelta(days=attendance_late_days())

    @property
    def duration_hours(self) -> Decimal:
        start = datetime.combine(self.date, self.start_time)
        end = datetime.combine(self.date, self.end_time)
        return (Decimal((end - start).total_seconds()) / 3600).quantize(Decimal("0.01"))


class Attendance(models.TextChoices):
    INVITED = "invited", "Invité·e"
    PRESENT = "present", "Présent·e"
    LEFT_EARLY = "left_early", "Parti·e plus tôt"
    ABSENT = "absent", "Absent·e"
    EXCUSED = "excused", "Excusé·e"


# A worked participation -- the one definition behind every figure (prestations, hours, pay,
# persons who worked): the person was marked present or left early, at a session that was
# held (not cancelled). Three spellings of the same rule, for three kinds of query:
#   Participation.objects.worked()   a queryset of participations;
#   worked_q(prefix)                 a Q, for filters and aggregates reached across relations;
#   worked_sql(p, s)                 SQL, for hand-written queries (activity/stats.py, bench).
# The triggers of migration activity/0004 hold a frozen copy of the SQL;
# activity/tests/test_worked.py proves all of them agree.
WORKED = (Attendance.PRESENT, Attendance.LEFT_EARLY)
WORKED_STATUSES_SQL = "(" + ", ".join(f"'{status}'" for status in WORKED) + ")"


def worked_q(prefix: str = "") -> Q:
    """The rule as a Q; prefix reaches participations from another model, for example
    "person__participations__" or "participation__"."""
    return Q(**{f"{prefix}status__in": WORKED, f"{prefix}session__cancelled": False})


def worked_sql(participation: str = "p", session: str = "s") -> str:
    """The rule as SQL, for a participation row and its session row joined under these
    aliases."""
    return f"{participation}.status IN {WORKED_STATUSES_SQL} AND NOT {session}.cancelled"


class ParticipationQuerySet(models.QuerySet):
    def worked(self):
        """Participations that count as work (see worked_q)."""
        return self.filter(worked_q())


class Participation(models.Model):
    """A person booked on a session, then their attendance, hours and pay due."""

    session = models.ForeignKey(
        WorkSession, on_delete=models.PROTECT, related_name="participations"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="participations"
    )
    status = models.CharField(
        "présence", max_length=12, choices=Attendance.choices, default=Attendance.INVITED
    )
    hours = models.DecimalField("heures travaillées", max_digits=5, decimal_places=2, default=0)
    pay_due = models.DecimalField("rémunération due (€)", max_digits=8, decimal_places=2, default=0)
    pay_reason = models.TextField("motif de l'ajustement de la rémunération", blank=True)
    correction_reason = models.TextField("motif de la correction tardive", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True)
    version = models.PositiveIntegerField(default=1)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        ordering = ["session__date", "person__code"]
        verbose_name = "participation"
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_booking_per_session"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="participation_hours_positive"),
            models.CheckConstraint(condition=Q(pay_due__gte=0), name="participation_pay_positive"),
        ]
        indexes = [models.Index(fields=["person", "status"])]

    def __str__(self):
        return f"{self.person.code} — {self.session}"

    @property
    def attended(self) -> bool:
        """Marked present or left early. Whether it counts as work also depends on the
        session being held: that is Participation.objects.worked()."""
        return self.status in WORKED

    def net_paid(self) -> Decimal:
        """Payments minus reversals, summed by the database."""
        total = self.payments.aggregate(total=models.Sum("amount"))["total"]
        return total or Decimal("0")

    def computed_pay(self, hours: Decimal | None = None) -> Decimal:
        hours = self.hours if hours is None else hours
        return (hours * self.session.hourly_rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
