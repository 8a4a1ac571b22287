"""Planning sessions, inviting persons and taking attendance."""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import access
from accounts.roles import Perm
from activity.models import Contract, Enrolment, Participation, WorkSession
from activity.models.sessions import WORKED, Attendance
from audit.models import Action
from audit.services import record
from core.actor import Actor
from core.concurrency import claim_version
from core.validity import attendance_late_days
from people.models import Identity, Person

CONTRACT_MISSING = "contrat à signer"
IDENTITY_MISSING = "identité manquante"

MAX_WEEKS = 52
# A written reason: a few words at least, like every other reason of the project.
MIN_REASON = 10
# Who corrects attendance and pay once the supervisor's days are over: coordination holds
# the programme, the supervisor does not (accounts/roles.py).
CORRECTOR_PERM = Perm.PROGRAMME_MANAGE


def may_correct_late(user, session: WorkSession) -> bool:
    return user is not None and access.holds_in(user, session.organisation_id, perm=CORRECTOR_PERM)


def recording_block(user, session: WorkSession) -> str:
    """Why attendance and pay cannot be recorded now by this user ("" when they can)."""
    if session.cancelled:
        return "Cette séance est annulée : on n'y note ni présence ni paiement."
    if timezone.now() < session.opens_at:
        opens = timezone.localtime(session.opens_at)
        return (
            f"La séance commence le {session.date:%d/%m/%Y} à {session.start_time:%H:%M} : "
            f"présences et paiements se notent à partir de {opens:%H:%M} ce jour-là."
        )
    if session.is_late(timezone.localdate()) and not may_correct_late(user, session):
        return late_message(session)
    return ""


def late_message(session: WorkSession) -> str:
    days = attendance_late_days()
    return (
        f"La séance date du {session.date:%d/%m/%Y} : passé {days} jours, seul·e un·e "
        "chargé·e de projet corrige les présences et la paie, avec un motif écrit."
    )


def needs_correction_reason(session: WorkSession) -> bool:
    return session.is_late(timezone.localdate())


def check_recording(actor: Actor, session: WorkSession, reason: str) -> str:
    """Refuse attendance or pay before the session opens, or after the supervisor's days
    without a coordinator's written reason. Returns the reason to keep ("" when not late)."""
    block = recording_block(actor.user, session)
    if block:
        raise ValidationError(block)
    if not needs_correction_reason(session):
        return ""
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {
                "correction_reason": f"Séance du {session.date:%d/%m/%Y}, passé "
                f"{attendance_late_days()} jours : écrivez le motif de la correction "
                f"({MIN_REASON} caractères au moins)."
            }
        )
    return reason


def plan(actor: Actor, session: WorkSession, weeks: int = 1) -> list[WorkSession]:
    """Save the session, and as many weekly copies as asked (one series)."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValidationError({"weeks": f"Répétez de 1 à {MAX_WEEKS} semaines."})
    programme = session.programme
    last_date = session.date + timedelta(weeks=weeks - 1)
    if session.date < programme.start_date or last_date > programme.end_date:
        raise ValidationError(
            {
                "date": f"Les séances doivent avoir lieu pendant le programme (du "
                f"{programme.start_date:%d/%m/%Y} au {programme.end_date:%d/%m/%Y})."
            }
        )
    series = uuid.uuid4() if weeks > 1 else None
    created = []
    for week in range(weeks):
        copy = WorkSession(
            **{
                f.attname: getattr(session, f.attname)
                for f in WorkSession._meta.concrete_fields
                if f.attname not in ("id", "created_at", "series", "date")
            },
            date=session.date + timedelta(weeks=week),
            series=series,
        )
        copy.save()
        created.append(copy)
    record(
        actor,
        Action.CREATE,
        created[0],
        organisation=session.organisation,
        label=str(created[0]),
        weeks=weeks,
    )
    return created


def overlapping_bookings(person: Person, session: WorkSession):
    return Participation.objects.filter(
        person=person,
        session__date=session.date,
        session__cancelled=False,
        session__start_time__lt=session.end_time,
        session__end_time__gt=session.start_time,
    ).exclude(session=session)


def invite(actor: Actor, session: WorkSession, person: Person) -> Participation:
    with transaction.atomic():
        # Serialise bookings of this person so two overlapping invitations cannot both pass.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        errors = []
        if session.cancelled:
            errors.append("Cette séance est annulée.")
        if (
            not Enrolment.objects.filter(programme=session.programme, person=person)
            .active_on(session.date)
            .exists()
        ):
            errors.append(f"{person.code} n'est pas inscrit·e au programme à la date de la séance.")
        clash = overlapping_bookings(person, session).select_related("session__worksite").first()
        if clash:
            other = clash.session
            errors.append(
                f"{person.code} est déjà inscrit·e le {other.date:%d/%m/%Y} de "
                f"{other.start_time:%H:%M} à {other.end_time:%H:%M} ({other.worksite.name}) : "
                "les deux séances se chevauchent."
            )
        if session.participations.count() >= session.places:
            errors.append(f"La séance est complète ({session.places} places).")
        if errors:
            raise ValidationError({"person": errors})
        try:
            with transaction.atomic():
                participation = Participation.objects.create(session=session, person=person)
        except IntegrityError:
            raise ValidationError({"person": f"{person.code} est déjà invité·e à cette séance."})
    record(
        actor,
        Action.CREATE,
        participation,
        organisation=session.organisation,
        label=person.code,
        session=session.pk,
    )
    return participation


def mark(
    actor: Actor,
    participation: Participation,
    *,
    status: str,
    hours: Decimal | None,
    pay: Decimal | None,
    pay_reason: str,
    version: int | None,
    correction_reason: str = "",
) -> Participation:
    """Record attendance; hours come from the session times unless corrected, pay is
    hours × rate unless adjusted with a written reason. Not before the session opens; after
    the supervisor's days (attendance_late_days), only a coordinator, with a reason. Raises
    StaleEdit when `version` is not the stored one (someone recorded it meanwhile)."""
    session = participation.session
    if session.cancelled:
        raise ValidationError("Cette séance est annulée : on n'y note plus de présence.")
    correction_reason = check_recording(actor, session, correction_reason)
    duration = session.duration_hours
    errors = {}
    if status not in Attendance.values or status == Attendance.INVITED:
        errors["status"] = "Choisissez présent·e, parti·e plus tôt, absent·e ou excusé·e."
    if status in WORKED:
        if hours is None:
            if status == Attendance.LEFT_EARLY:
                errors["hours"] = "Indiquez les heures travaillées avant le départ."
            hours = duration
        elif hours <= 0:
            errors["hours"] = "Les heures travaillées doivent être positives."
        elif hours > duration:
            errors["hours"] = (
                f"La séance dure {duration} h : impossible de compter {hours} h travaillées."
            )
        elif status == Attendance.LEFT_EARLY and hours >= duration:
            errors["hours"] = "Parti·e plus tôt : les heures doivent être inférieures à la séance."
    else:
        hours = Decimal("0")
    if errors:
        raise ValidationError(errors)
    computed = participation.computed_pay(hours)
    pay_reason = pay_reason.strip()
    if pay is None or pay == computed:
        pay, pay_reason = computed, ""
    elif pay < 0:
        raise ValidationError({"pay": "La rémunération ne peut être négative."})
    elif len(pay_reason) < 10:
        raise ValidationError(
            {
                "pay_reason": f"La rémunération calculée est {computed} € ({hours} h × "
                f"{session.hourly_rate} €) : expliquez l'ajustement."
            }
        )
    with transaction.atomic():
        locked = Participation.objects.select_for_update().get(pk=participation.pk)
        if locked.net_paid() > 0 and (status not in WORKED or pay != locked.pay_due):
            raise ValidationError(
                {
                    "status": "Cette personne a déjà été payée pour la séance : annulez d'abord le "
                    "paiement (avec un motif) avant de changer sa présence ou sa paie."
                }
            )
        if version is not None:  # None: written without a form (a command, an import)
            claim_version(participation, version)
        participation.status = status
        participation.hours = hours
        participation.pay_due = pay
        participation.pay_reason = pay_reason
        participation.correction_reason = correction_reason
        participation.recorded_by = actor.user
        participation.recorded_at = timezone.now()
        participation.save()
    record(
        actor,
        Action.UPDATE,
        participation,
        organisation=session.organisation,
        label=participation.person.code,
        status=status,
        **({"correction_reason": correction_reason} if correction_reason else {}),
    )
    return participation


def cancel(actor: Actor, session: WorkSession, reason: str) -> WorkSession:
    """Cancel the session, with the reason it is not held: it then counts nowhere."""
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {"reason": f"Écrivez le motif de l'annulation ({MIN_REASON} caractères au moins)."}
        )
    with transaction.atomic():
        locked = WorkSession.objects.select_for_update().get(pk=session.pk)
        if locked.cancelled:
            raise ValidationError({"reason": "Cette séance est déjà annulée."})
        if Participation.objects.filter(session=session, payments__isnull=False).exists():
            raise ValidationError(
                {
                    "reason": "Des paiements sont enregistrés pour cette séance : "
                    "annulez-les d'abord."
                }
            )
        session.cancelled = True
        session.cancel_reason = reason
        session.cancelled_by = actor.user
        session.cancelled_at = timezone.now()
        session.save(update_fields=["cancelled", "cancel_reason", "cancelled_by", "cancelled_at"])
    record(
        actor,
        Action.UPDATE,
        session,
        organisation=session.organisation,
        label=str(session),
        fields=["cancelled"],
        reason=reason,
    )
    return session


def missing_paperwork(session: WorkSession, person_ids) -> dict[int, list[str]]:
    """What payroll will lack to pay these persons for the session (a signed contract when
    the organisation requires one, a civil identity), by person id: told at invitation
    time, so that it is ready before pay day. Two queries, whatever the number of persons."""
    person_ids = set(person_ids)
    with_identity = set(
        Identity.objects.filter(person_id__in=person_ids).values_list("person_id", flat=True)
    )
    covered = person_ids
    if session.organisation.pay_requires_signed_contract:
        covered = set(
            Contract.objects.filter(person_id__in=person_ids, status=Contract.Status.SIGNED)
            .filter(
                Q(session=session) | Q(period_start__lte=session.date, period_end__gte=session.date)
            )
            .values_list("person_id", flat=True)
        )
    missing: dict[int, list[str]] = {}
    for pk in person_ids:
        lacks = [CONTRACT_MISSING] if pk not in covered else []
        lacks += [IDENTITY_MISSING] if pk not in with_identity else []
        if lacks:
            missing[pk] = lacks
    return missing


def paperwork_warning(session: WorkSession, person: Person) -> str:
    lacks = missing_paperwork(session, [person.pk]).get(person.pk)
    if not lacks:
        return ""
    return (
        f"{person.code} est invité·e, mais la paie ne pourra pas l'indemniser en l'état "
        f"({', '.join(lacks)}) : prévenez la paie avant le jour de la séance."
    )


def sessions_on(organisations, day):
    return (
        WorkSession.objects.filter(organisation__in=organisations, date=day, cancelled=False)
        .select_related("worksite")
        .order_by("start_time")
    )
