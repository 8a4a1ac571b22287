"""What stored follow-up records must respect (issue 14), as queries that find the records
breaking it: `manage.py check_records` lists them for a coordinator to correct, and the
property tests assert no request leaves one. Each rule compares a record with its own
timestamps (the day it was saved), never with a today that drifts."""

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, F, Q
from django.utils.timezone import localdate

from activity.models import Enrolment
from core import integrity, validity
from core.dates import add_months
from core.validity import fr_date
from pathways.models import Assessment, AssessmentKind, CaseMeeting, Exit, Note, Referral
from pathways.models.assessments import DUE_MONTHS, trend_contradiction

ORDER = list(DUE_MONTHS)


def _found(code, obj, person, message):
    return integrity.finding(
        code, obj, organisation_id=person.organisation_id, label=person.code, message=message
    )


@integrity.rule("exit-in-future", "Sortie datée après le jour de sa saisie")
def _exits_in_future(today):
    for x in Exit.objects.filter(date__gt=F("created_at__date")).select_related("person"):
        yield _found(
            "exit-in-future",
            x,
            x.person,
            f"Sortie datée du {fr_date(x.date)}, saisie le {fr_date(localdate(x.created_at))}.",
        )


def _exits_by_person(person_ids=None):
    exits = Exit.objects.order_by("person_id", "date", "pk").select_related("person")
    if person_ids is not None:
        exits = exits.filter(person_id__in=person_ids)
    grouped = defaultdict(list)
    for x in exits:
        grouped[x.person_id].append(x)
    return grouped


def _enrolments_by_person(person_ids):
    grouped = defaultdict(list)
    for e in Enrolment.objects.filter(person_id__in=person_ids).select_related("programme"):
        grouped[e.person_id].append(e)
    return grouped


@integrity.rule("exit-twice-in-pathway", "Deux sorties sans inscription entre elles")
def _second_exits(today):
    twice = Exit.objects.values("person").annotate(n=Count("pk")).filter(n__gt=1)
    person_ids = [row["person"] for row in twice]
    exits, enrolments = _exits_by_person(person_ids), _enrolments_by_person(person_ids)
    for person_id, own in exits.items():
        for before, x in zip(own, own[1:], strict=False):
            # A new pathway starts with an enrolment after the previous exit.
            if not any(before.date < e.start_date <= x.date for e in enrolments[person_id]):
                yield _found(
                    "exit-twice-in-pathway",
                    x,
                    x.person,
                    f"Sortie du {fr_date(x.date)} sans réinscription depuis la sortie du "
                    f"{fr_date(before.date)}.",
                )


@integrity.rule("exit-after-enrolment", "Sortie après la fin de l'inscription qu'elle clôt")
def _exits_after_enrolment(today):
    exits = _exits_by_person()
    enrolments = _enrolments_by_person(list(exits))
    for person_id, own in exits.items():
        previous = None
        for x in own:
            # The enrolments this exit closes: those started since the previous exit.
            closed = [
                e
                for e in enrolments[person_id]
                if (previous is None or e.start_date > previous) and e.start_date <= x.date
            ]
            if closed:
                end = max(e.end_date or e.programme.end_date for e in closed)
                if x.date > end:
                    yield _found(
                        "exit-after-enrolment",
                        x,
                        x.person,
                        f"Sortie du {fr_date(x.date)} après la fin de l'inscription, le "
                        f"{fr_date(end)}.",
                    )
            previous = x.date


@integrity.rule("note-in-future", "Note datée après le jour de son enregistrement")
def _notes_in_future(today):
    # updated_at, not created_at: an edit may date the note up to the day it is made.
    notes = Note.objects.filter(date__gt=F("updated_at__date")).select_related("person")
    for n in notes:
        yield _found(
            "note-in-future",
            n,
            n.person,
            f"Note datée du {fr_date(n.date)}, enregistrée le {fr_date(localdate(n.updated_at))}.",
        )


@integrity.rule("note-before-known", "Note datée avant que la personne soit connue")
def _notes_before_known(today):
    # Known since the earlier of the consent and the creation of the file.
    early = Q(date__lt=F("person__created_at__date")) & (
        Q(person__consent_date__isnull=True) | Q(date__lt=F("person__consent_date"))
    )
    for n in Note.objects.filter(early).select_related("person"):
        yield _found(
            "note-before-known", n, n.person, f"Note datée du {fr_date(n.date)}, avant le suivi."
        )


@integrity.rule("assessment-in-future", "Bilan daté après le jour de sa saisie")
def _assessments_in_future(today):
    assessments = Assessment.objects.filter(date__gt=F("created_at__date")).select_related("person")
    for a in assessments:
        yield _found(
            "assessment-in-future",
            a,
            a.person,
            f"{a} saisi le {fr_date(localdate(a.created_at))}.",
        )


def _assessments_by_pathway():
    grouped = defaultdict(dict)
    for a in Assessment.objects.select_related("person"):
        grouped[(a.person_id, a.cycle)][a.kind] = a
    return grouped


@integrity.rule(
    "assessment-order", "Bilan de suivi sans bilan d'entrée, ou daté avant un bilan antérieur"
)
def _assessments_out_of_order(today):
    for done in _assessments_by_pathway().values():
        if AssessmentKind.INTAKE not in done:
            for a in done.values():
                yield _found(
                    "assessment-order", a, a.person, f"{a} sans bilan d'entrée dans ce parcours."
                )
            continue
        ordered = [done[k] for k in ORDER if k in done]
        for before, a in zip(ordered, ordered[1:], strict=False):
            if a.date <= before.date:
                yield _found(
                    "assessment-order", a, a.person, f"{a} pas postérieur au {str(before).lower()}."
                )


@integrity.rule(
    "assessment-trend-contradicts",
    "Évolution ressentie d'un bilan contredisant les jours de consommation mesurés",
)
def _trends_contradicting(today):
    # Kept as entered since issue 15 (nothing is lost) but read by no figure: listed here
    # for the team to correct; forms refuse new ones.
    for done in _assessments_by_pathway().values():
        intake = done.get(AssessmentKind.INTAKE)
        for kind, a in done.items():
            if kind == AssessmentKind.INTAKE or not a.trend:
                continue
            why = trend_contradiction(
                a.trend, a.crack_days_last7, intake.crack_days_last7 if intake else None
            )
            if why:
                yield _found("assessment-trend-contradicts", a, a.person, f"{a} : {why}")


def _pathway_starts(person_id, exits, enrolments) -> dict[int, tuple[date | None, date | None]]:
    """For each pathway (cycle) of a person: its start and the exit before it."""
    starts = {}
    bounds = [None] + [x.date for x in exits]
    for number, previous in enumerate(bounds, start=1):
        following = bounds[number] if number < len(bounds) else None
        days = [
            e.start_date
            for e in enrolments
            if (previous is None or e.start_date > previous)
            and (following is None or e.start_date <= following)
        ]
        starts[number] = (min(days) if days else None, previous)
    return starts


@integrity.rule(
    "assessment-window",
    "Bilan hors de la fenêtre autour de sa date prévue (réglage SENTIER_ASSESSMENT_WINDOW_DAYS)",
)
def _assessments_out_of_window(today):
    # The window is a setting: narrowing it lists the assessments it leaves outside.
    window = timedelta(days=validity.assessment_window_days())
    pathways = _assessments_by_pathway()
    person_ids = {person_id for person_id, _ in pathways}
    exits, enrolments = _exits_by_person(person_ids), _enrolments_by_person(person_ids)
    starts = {p: _pathway_starts(p, exits[p], enrolments[p]) for p in person_ids}
    for (person_id, number), done in pathways.items():
        start, previous_exit = starts[person_id].get(number, (None, None))
        for a in done.values():
            if start is None:
                yield _found(
                    "assessment-window", a, a.person, f"{a} sans inscription dans ce parcours."
                )
                continue
            due = add_months(start, DUE_MONTHS[AssessmentKind(a.kind)])
            if abs((a.date - due).days) > window.days or (
                previous_exit is not None and a.date <= previous_exit
            ):
                yield _found(
                    "assessment-window",
                    a,
                    a.person,
                    f"{a} pour une date prévue le {fr_date(due)} (à {window.days} jours près).",
                )


@integrity.rule("referral-outcome-before", "Suite d'orientation datée avant l'orientation")
def _referral_outcomes_before(today):
    referrals = Referral.objects.filter(outcome_date__lt=F("date")).select_related("person")
    for r in referrals:
        yield _found(
            "referral-outcome-before",
            r,
            r.person,
            f"Suite du {fr_date(r.outcome_date)} pour une orientation du {fr_date(r.date)}.",
        )


@integrity.rule("case-meeting-in-future", "Réunion de synthèse datée après le jour de sa saisie")
def _case_meetings_in_future(today):
    meetings = CaseMeeting.objects.filter(date__gt=F("created_at__date")).select_related("person")
    for m in meetings:
        yield _found(
            "case-meeting-in-future",
            m,
            m.person,
            f"Réunion du {fr_date(m.date)} saisie le {fr_date(localdate(m.created_at))}.",
        )
