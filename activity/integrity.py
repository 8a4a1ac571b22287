"""What stored programme records must respect (issue 14), as queries that find the records
breaking it: `manage.py check_records` lists them for a coordinator to correct, and the
property tests assert no request leaves one. A rule compares a record with its own
timestamps where "today" would drift; "not in the future" rules may use today, since a date
that was not in the future when saved never becomes so."""

from collections import defaultdict
from datetime import date, datetime

from django.db.models import F, Q
from django.utils import timezone

from activity.models import (
    AlternativeActivity,
    AwarenessSession,
    Contract,
    Enrolment,
    Participation,
    PartnerNote,
    Payment,
    WorkSession,
)
from activity.models.sessions import Attendance
from activity.services.payments import CLOCK_SKEW
from core import integrity
from core.validity import fr_date


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y à %H:%M}"


def _session(session: WorkSession) -> str:
    return f"séance du {fr_date(session.date)} à {session.start_time:%H:%M}"


@integrity.rule(
    "attendance-before-session", "Présence notée avant le début de la séance (30 min près)"
)
def _attendance_before_session(today):
    # Candidates from the database (noted on or before the session's day, or never stamped),
    # the exact instant compared here: a date plus a time is not portable SQL.
    candidates = (
        Participation.objects.exclude(status=Attendance.INVITED)
        .filter(
            Q(recorded_at__date__lte=F("session__date"))
            | Q(recorded_at__isnull=True, session__date__gt=today)
        )
        .select_related("session", "person")
    )
    for p in candidates:
        if p.recorded_at is not None and p.recorded_at >= p.session.opens_at:
            continue
        noted = f"notée le {_when(p.recorded_at)}" if p.recorded_at else "notée sans date"
        yield integrity.finding(
            "attendance-before-session",
            p,
            organisation_id=p.session.organisation_id,
            label=p.person.code,
            message=f"« {p.get_status_display()} » {noted} pour la {_session(p.session)}.",
        )


@integrity.rule("payment-before-session", "Paiement daté avant le début de la séance (30 min près)")
def _payment_before_session(today):
    candidates = Payment.objects.filter(
        kind=Payment.Kind.PAYMENT, paid_at__date__lte=F("participation__session__date")
    ).select_related("participation__session", "participation__person")
    for pay in candidates:
        session = pay.participation.session
        if pay.paid_at >= session.opens_at:
            continue
        yield integrity.finding(
            "payment-before-session",
            pay,
            organisation_id=session.organisation_id,
            label=pay.participation.person.code,
            message=f"Paiement de {pay.amount} € daté du {_when(pay.paid_at)} pour la "
            f"{_session(session)}.",
        )


@integrity.rule("payment-in-future", "Paiement daté après le moment de sa saisie")
def _payment_in_future(today):
    # The service allows a clock a few minutes fast, no more.
    for pay in Payment.objects.filter(
        kind=Payment.Kind.PAYMENT, paid_at__gt=F("recorded_at")
    ).select_related("participation__session", "participation__person"):
        if pay.paid_at <= pay.recorded_at + CLOCK_SKEW:
            continue
        yield integrity.finding(
            "payment-in-future",
            pay,
            organisation_id=pay.participation.session.organisation_id,
            label=pay.participation.person.code,
            message=f"Paiement daté du {_when(pay.paid_at)}, saisi le {_when(pay.recorded_at)}.",
        )


@integrity.rule("enrolment-outside-programme", "Inscription hors des dates de son programme")
def _enrolment_outside_programme(today):
    for e in (
        Enrolment.objects.filter(
            Q(start_date__lt=F("programme__start_date"))
            | Q(start_date__gt=F("programme__end_date"))
            | Q(end_date__gt=F("programme__end_date"))
        )
        .select_related("programme", "person")
        .order_by("pk")
    ):
        p = e.programme
        end = f" au {fr_date(e.end_date)}" if e.end_date else ""
        yield integrity.finding(
            "enrolment-outside-programme",
            e,
            organisation_id=p.organisation_id,
            label=e.person.code,
            message=f"Inscription du {fr_date(e.start_date)}{end} au programme « {p.name} » "
            f"(du {fr_date(p.start_date)} au {fr_date(p.end_date)}).",
        )


def _days(contract: Contract) -> tuple[date, date]:
    if contract.session is not None:
        return contract.session.date, contract.session.date
    assert contract.period_start is not None and contract.period_end is not None
    return contract.period_start, contract.period_end


def _span(contract: Contract) -> str:
    if contract.session is not None:
        return _session(contract.session)
    first, last = _days(contract)
    return f"période du {fr_date(first)} au {fr_date(last)}"


def _live_contracts():
    return (
        Contract.objects.exclude(status=Contract.Status.CANCELLED)
        .select_related("session", "person")
        .order_by("person_id", "pk")
    )


def _clash(a: Contract, b: Contract) -> bool:
    """Two contracts covering a day twice: the same session, a session inside a period, two
    periods meeting. Two different sessions on one day are two contracts, not a clash."""
    if a.session_id and b.session_id:
        return a.session_id == b.session_id
    (a_first, a_last), (b_first, b_last) = _days(a), _days(b)
    return a_first <= b_last and b_first <= a_last


@integrity.rule("contract-overlap", "Deux contrats en cours de la même personne se chevauchent")
def _overlapping_contracts(today):
    by_person = defaultdict(list)
    for c in _live_contracts():
        by_person[c.person_id].append(c)
    for contracts in by_person.values():
        for i, later in enumerate(contracts):
            earlier = next((c for c in contracts[:i] if _clash(c, later)), None)
            if earlier is None:
                continue
            yield integrity.finding(
                "contract-overlap",
                later,
                organisation_id=later.organisation_id,
                label=later.person.code,
                message=f"Contrat ({_span(later)}) qui chevauche le contrat n° {earlier.pk} "
                f"({_span(earlier)}).",
            )


@integrity.rule("contract-not-enrolled", "Contrat d'une personne non inscrite à sa date de début")
def _contracts_not_enrolled(today):
    # Only the start can be checked for good: an exit may later end the enrolment before the
    # contract's last day, and that contract was right when it was prepared.
    starts = defaultdict(list)
    for e in Enrolment.objects.values("person_id", "programme__organisation_id", "start_date"):
        starts[(e["person_id"], e["programme__organisation_id"])].append(e["start_date"])
    for c in _live_contracts():
        first, _ = _days(c)
        if any(start <= first for start in starts[(c.person_id, c.organisation_id)]):
            continue
        yield integrity.finding(
            "contract-not-enrolled",
            c,
            organisation_id=c.organisation_id,
            label=c.person.code,
            message=f"Contrat ({_span(c)}) alors que la personne n'était inscrite à aucun "
            "programme de la structure à cette date.",
        )


def _outside_or_future(queryset, people: str, today):
    """Dated outside its programme, or in the future while people are recorded on it."""
    return (
        queryset.filter(
            Q(date__lt=F("programme__start_date"))
            | Q(date__gt=F("programme__end_date"))
            | Q(**{f"{people}__isnull": False, "date__gt": today})
        )
        .select_related("programme")
        .distinct()
        .order_by("pk")
    )


@integrity.rule(
    "awareness-date", "Sensibilisation hors du programme, ou future avec des présent·es"
)
def _awareness_dates(today):
    for s in _outside_or_future(AwarenessSession.objects.all(), "attendees", today):
        p = s.programme
        yield integrity.finding(
            "awareness-date",
            s,
            organisation_id=p.organisation_id,
            label=s.theme[:60],
            message=f"Séance du {fr_date(s.date)} (programme du {fr_date(p.start_date)} au "
            f"{fr_date(p.end_date)}, présences notées si elle est future).",
        )


@integrity.rule(
    "alternative-date", "Activité alternative hors du programme, ou future avec des participant·es"
)
def _alternative_dates(today):
    for a in _outside_or_future(AlternativeActivity.objects.all(), "participants", today):
        p = a.programme
        yield integrity.finding(
            "alternative-date",
            a,
            organisation_id=p.organisation_id,
            label=a.description[:60],
            message=f"Activité du {fr_date(a.date)} (programme du {fr_date(p.start_date)} au "
            f"{fr_date(p.end_date)}, participant·es noté·es si elle est future).",
        )


@integrity.rule("partner-note-in-future", "Note partenaire datée après le jour de sa saisie")
def _partner_notes_in_future(today):
    for n in PartnerNote.objects.filter(date__gt=F("created_at__date")).select_related("partner"):
        yield integrity.finding(
            "partner-note-in-future",
            n,
            organisation_id=n.partner.organisation_id,
            label=n.partner.name[:60],
            message=f"Note datée du {fr_date(n.date)}, saisie le "
            f"{fr_date(timezone.localdate(n.created_at))}.",
        )


def cancelled_without_reason():
    """Sessions cancelled before a reason was asked (old data): listed for information, not
    a rule -- nothing is wrong with them but a missing explanation."""
    return WorkSession.objects.filter(cancelled=True, cancel_reason="").order_by("date")


@integrity.rule("contract-signed-in-future", "Contrat marqué signé à une date future")
def _contracts_signed_in_future(today):
    for c in Contract.objects.filter(signed_on__gt=today).select_related("person"):
        yield integrity.finding(
            "contract-signed-in-future",
            c,
            organisation_id=c.organisation_id,
            label=c.person.code,
            message=f"Contrat signé le {fr_date(c.signed_on)}.",
        )
