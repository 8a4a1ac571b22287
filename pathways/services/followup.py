"""Assessments due, referrals, goals, exits, sharing and complex cases."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from activity.models import Enrolment
from audit.models import Action
from audit.services import record
from core import validity
from core.actor import Actor
from core.concurrency import claim_version
from core.dates import add_months
from core.validity import fr_date
from pathways.models import Assessment, AssessmentKind, Exit, Goal, Referral, ReferralOutcome
from pathways.models.assessments import DUE_MONTHS, trend_contradiction
from people import services as people_services
from people.models import Person, Share, Status

GRACE_DAYS = 15  # an assessment is late this long after its due date


def cycle(person) -> int:
    # .all() so that a prefetched list serves (the alerts page prefetches for many persons).
    return len(person.exits.all()) + 1


def pathway_start(person) -> date | None:
    """Start of the current pathway: the first enrolment since the last exit."""
    exits = [x.date for x in person.exits.all()]
    last_exit = max(exits) if exits else None
    starts = [
        e.start_date
        for e in person.enrolments.all()
        if last_exit is None or e.start_date > last_exit
    ]
    return min(starts) if starts else None


def known_since(person) -> date:
    """The first day the person was known: consent collected or file created, the earlier.
    Nothing about them (a note) can be dated before."""
    created = timezone.localdate(person.created_at)
    return min(person.consent_date, created) if person.consent_date else created


def _on_field(field: str, error: ValidationError) -> ValidationError:
    return ValidationError({field: error.messages})


def check_exit(person, day: date, today: date) -> None:
    """Refuse an exit that cannot be true (issue 14): in the future, before the current
    pathway, after the end of the enrolment it closes, or a second exit for one pathway
    (a re-enrolment after an exit opens a new pathway, which a new exit closes). Reads the
    database, not a prefetch: close() calls it with the person's row locked."""
    last_exit = (
        Exit.objects.filter(person=person).order_by("-date").values_list("date", flat=True).first()
    )
    current = Enrolment.objects.filter(person=person).select_related("programme")
    if last_exit is not None:
        current = current.filter(start_date__gt=last_exit)
    enrolments = list(current)
    if last_exit is not None and not enrolments:
        raise ValidationError(
            {
                "date": f"La personne est sortie du dispositif le {fr_date(last_exit)} et n'a "
                "pas été réinscrite depuis : une seule sortie par parcours."
            }
        )
    if enrolments:
        first = min(e.start_date for e in enrolments)
        why_first = f"le parcours commence le {fr_date(first)}"
        # The enrolment it closes ends on its own end date, or with its programme when open.
        end = max(e.end_date or e.programme.end_date for e in enrolments)
    else:  # never enrolled: leaving from the waiting list
        first, end = known_since(person), None
        why_first = f"la personne est connue depuis le {fr_date(first)}"
    if end is not None and end < today:
        last, why_last = end, f"l'inscription se termine le {fr_date(end)}"
    else:
        last, why_last = today, "une sortie ne peut être datée dans le futur"
    try:
        validity.check_date(day, first, last, f"{why_first} et {why_last}")
    except ValidationError as error:
        raise _on_field("date", error)


def _assessment_name(kind) -> str:
    kind = AssessmentKind(kind)
    return "bilan d'entrée" if kind == AssessmentKind.INTAKE else f"bilan à {kind.label}"


def check_assessment(person, kind, day: date, today: date) -> None:
    """Refuse an assessment out of its place (issue 14): without a current pathway, a
    follow-up before this pathway's intake, out of order with the others of the pathway,
    outside the window around its due date (core.validity.assessment_window_days), after
    today or on or before the last exit."""
    start = pathway_start(person)
    if start is None:
        raise ValidationError(
            {
                "kind": "Cette personne n'a pas de parcours en cours : inscrivez-la à un "
                "programme (ou réinscrivez-la après sa sortie) avant de saisir un bilan."
            }
        )
    current = cycle(person)
    done = {a.kind: a.date for a in person.assessments.all() if a.cycle == current}
    if kind in done:
        raise ValidationError({"kind": "Ce bilan est déjà saisi pour ce parcours."})
    if kind != AssessmentKind.INTAKE and AssessmentKind.INTAKE not in done:
        raise ValidationError(
            {
                "kind": "Saisissez d'abord le bilan d'entrée de ce parcours : les bilans à 3, "
                "6, 9 et 12 mois le suivent."
            }
        )
    window = validity.assessment_window_days()
    due = add_months(start, DUE_MONTHS[AssessmentKind(kind)])
    first, last = due - timedelta(days=window), due + timedelta(days=window)
    reasons = [f"le {_assessment_name(kind)} est attendu le {fr_date(due)}, à {window} jours près"]
    order = list(DUE_MONTHS)
    earlier = [(done[k], k) for k in order[: order.index(kind)] if k in done]
    later = [(done[k], k) for k in order[order.index(kind) + 1 :] if k in done]
    if earlier and max(earlier)[0] + timedelta(days=1) > first:
        day_before, before = max(earlier)
        first = day_before + timedelta(days=1)
        reasons.append(f"après le {_assessment_name(before)} du {fr_date(day_before)}")
    if later and min(later)[0] - timedelta(days=1) < last:
        day_after, after = min(later)
        last = day_after - timedelta(days=1)
        reasons.append(f"avant le {_assessment_name(after)} du {fr_date(day_after)}")
    exits = [x.date for x in person.exits.all()]
    if exits and max(exits) + timedelta(days=1) > first:
        first = max(exits) + timedelta(days=1)
        reasons.append(f"après la sortie du {fr_date(max(exits))}")
    if today < last:
        last = today
        reasons.append("il ne peut pas encore être saisi" if today < first else "pas dans le futur")
    try:
        validity.check_date(day, first, last, ", ".join(reasons))
    except ValidationError as error:
        raise _on_field("date", error)


def check_trend(person, kind, days: int | None, trend: str) -> None:
    """Refuse a self-reported trend on an intake (there is nothing to compare it with), or
    one that contradicts the days of use against this pathway's intake (issue 15)."""
    if not trend:
        return
    if kind == AssessmentKind.INTAKE:
        raise ValidationError(
            {
                "trend": "Le bilan d'entrée n'a pas d'évolution ressentie : laissez ce champ "
                "vide, l'évolution se mesure aux bilans suivants."
            }
        )
    current = cycle(person)
    intake = next(
        (
            a
            for a in person.assessments.all()
            if a.cycle == current and a.kind == AssessmentKind.INTAKE
        ),
        None,
    )
    why = trend_contradiction(trend, days, intake.crack_days_last7 if intake else None)
    if why:
        raise ValidationError(
            {"trend": f"{why} Corrigez l'évolution ou les jours, ou laissez l'évolution vide."}
        )


def schedule(person, today: date) -> list[dict]:
    """Each assessment of the current pathway with its due date and state."""
    start = pathway_start(person)
    if start is None:
        return []
    current = cycle(person)
    done = {a.kind: a for a in person.assessments.all() if a.cycle == current}
    rows = []
    for kind, months in DUE_MONTHS.items():
        due = add_months(start, months)
        state = (
            "done"
            if kind in done
            else (
                "late"
                if today > due + timedelta(days=GRACE_DAYS)
                else "due"
                if today >= due - timedelta(days=GRACE_DAYS)
                else "later"
            )
        )
        rows.append(
            {
                "kind": kind,
                "label": kind.label,
                "due": due,
                "state": state,
                "assessment": done.get(kind),
            }
        )
    return rows


def record_assessment(actor: Actor, person, form) -> Assessment:
    assessment = form.save(commit=False)
    with transaction.atomic():
        # Two assessments saved at once for one person wait here; the second sees the first.
        locked = Person.objects.select_for_update().get(pk=person.pk)
        check_assessment(locked, assessment.kind, assessment.date, timezone.localdate())
        check_trend(locked, assessment.kind, assessment.crack_days_last7, assessment.trend)
        assessment.person, assessment.author, assessment.cycle = person, actor.user, cycle(locked)
        try:
            with transaction.atomic():
                assessment.save()
        except IntegrityError:
            raise ValidationError({"kind": "Ce bilan est déjà saisi pour ce parcours."})
    record(
        actor,
        Action.CREATE,
        assessment,
        organisation=person.organisation,
        label=person.code,
        kind=assessment.kind,
    )
    return assessment


def save_referral(actor: Actor, referral: Referral) -> Referral:
    """Save a referral; a new one, or a change of its outcome or outcome date, adds a row to
    its outcome history (who, when), so the outcome known at any past date stays readable."""
    created = referral.pk is None
    with transaction.atomic():
        if not created:
            # Lock the row: two edits at once each add their own history row, in order.
            Referral.objects.select_for_update().filter(pk=referral.pk).first()
        referral.save()
        last = referral.history.order_by("-recorded_at", "-pk").first()
        changed = last is None or (last.outcome, last.outcome_date) != (
            referral.outcome,
            referral.outcome_date,
        )
        if changed:
            ReferralOutcome.objects.create(
                referral=referral,
                outcome=referral.outcome,
                outcome_date=referral.outcome_date,
                recorded_at=timezone.now(),
                recorded_by=actor.user,
            )
    person = referral.person
    record(
        actor,
        Action.CREATE if created else Action.UPDATE,
        referral,
        organisation=person.organisation,
        label=person.code,
        outcome=referral.outcome,
    )
    return referral


def save_goal(actor: Actor, goal: Goal, version: int | None) -> Goal:
    if goal.pk is None:
        goal.save()
        record(
            actor,
            Action.CREATE,
            goal,
            organisation=goal.person.organisation,
            label=goal.person.code,
        )
        return goal
    with transaction.atomic():
        claim_version(goal, version)  # StaleEdit when someone saved it meanwhile
        goal.save()
    record(
        actor, Action.UPDATE, goal, organisation=goal.person.organisation, label=goal.person.code
    )
    return goal


def close(actor: Actor, person, form) -> Exit:
    """Exit: the follow-up closes, open enrolments end on that date; history stays."""
    with transaction.atomic():
        # Two exits saved at once for one person wait for each other here: the second sees
        # the first and is refused (one exit per pathway); the unique cycle backs it.
        locked = Person.objects.select_for_update().get(pk=person.pk)
        exit_ = form.save(commit=False)
        check_exit(locked, exit_.date, timezone.localdate())
        exit_.person, exit_.author = person, actor.user
        exit_.cycle = Exit.objects.filter(person=person).count() + 1
        try:
            with transaction.atomic():
                exit_.save()
        except IntegrityError:
            raise ValidationError(
                {
                    "date": "Une sortie vient d'être enregistrée pour ce parcours : "
                    "rechargez la page."
                }
            )
        form.save_m2m()
        # Each open enrolment ends on the exit date, or its programme's end if earlier: an
        # enrolment never outlives its programme (activity's rule enrolment-outside-programme).
        open_enrolments = Enrolment.objects.filter(
            person=person, end_date__isnull=True, start_date__lte=exit_.date
        ).select_related("programme")
        for enrolment in open_enrolments:
            enrolment.end_date = min(exit_.date, enrolment.programme.end_date)
            enrolment.save(update_fields=["end_date"])
        Person.objects.filter(pk=person.pk).update(status=Status.EXITED, version=F("version") + 1)
    record(
        actor,
        Action.CREATE,
        exit_,
        organisation=person.organisation,
        label=person.code,
        kind=exit_.kind,
    )
    return exit_


def share(actor: Actor, person, organisation, team=None) -> Share:
    """Share the follow-up with a partner: needs the person's consent; where the partner
    restricts files by team, the share names the receiving team (people/visibility.py)."""
    if not person.consent_share_partners:
        raise ValidationError(
            "La personne n'a pas accepté le partage avec les partenaires : recueillez d'abord "
            "son consentement (fiche de la personne)."
        )
    if organisation.pk == person.organisation_id:
        raise ValidationError("Le dossier appartient déjà à cette structure.")
    if team is not None and team.organisation_id != organisation.pk:
        raise ValidationError({"team": "Cette équipe n'appartient pas à la structure choisie."})
    if team is None and organisation.restrict_by_team:
        raise ValidationError(
            {
                "team": "Cette structure cloisonne ses dossiers par équipe : choisissez "
                "l'équipe qui recevra le partage."
            }
        )
    try:
        with transaction.atomic():
            return people_services.share(actor, person, organisation, team)
    except IntegrityError:
        raise ValidationError("Le suivi est déjà partagé avec cette structure.")


def revoke(actor: Actor, granted: Share) -> None:
    people_services.revoke_share(actor, granted)
