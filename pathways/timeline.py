"""One person's timeline: everything that happened to them that this viewer may see."""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from activity.models import AwarenessAttendance, Enrolment, Participation, Payment
from core.models import UNREADABLE
from pathways.models import Assessment, CaseMeeting, Exit, Goal, Note, Referral

OUTCOME_LABELS = {
    "positive": "Sortie positive",
    "neutral": "Sortie neutre",
    "negative": "Sortie négative",
}

KINDS = [
    ("enrolment", "Inscriptions"),
    ("session", "Séances de travail"),
    ("payment", "Paiements"),
    ("awareness", "Sensibilisation"),
    ("note", "Notes"),
    ("assessment", "Bilans"),
    ("goal", "Projet individuel"),
    ("referral", "Orientations"),
    ("case", "Réunions de synthèse"),
    ("exit", "Sorties"),
]


@dataclass
class Entry:
    day: date
    kind: str
    title: str
    detail: str = ""
    level: str = ""
    url: str = ""


def build(person, access, kinds=None, start=None, end=None) -> list[Entry]:
    wanted = set(kinds or [k for k, _ in KINDS])
    entries: list[Entry] = []

    def between(qs, field="date"):
        if start:
            qs = qs.filter(**{f"{field}__gte": start})
        if end:
            qs = qs.filter(**{f"{field}__lte": end})
        return qs

    if "enrolment" in wanted:
        for e in between(
            Enrolment.objects.filter(person=person).select_related("programme"), "start_date"
        ):
            entries.append(
                Entry(
                    e.start_date,
                    "enrolment",
                    f"Inscription — {e.programme.name}",
                    f"jusqu'au {e.end_date:%d/%m/%Y}" if e.end_date else "en cours",
                )
            )
    if "session" in wanted:
        for p in between(
            Participation.objects.filter(person=person).select_related("session__worksite"),
            "session__date",
        ):
            entries.append(
                Entry(
                    p.session.date,
                    "session",
                    p.session.worksite.name,
                    f"{p.get_status_display()} — {p.hours} h",
                )
            )
    if "payment" in wanted and access.own:  # pay stays within the organisation
        for pay in between(Payment.objects.filter(participation__person=person), "paid_at__date"):
            entries.append(
                Entry(
                    pay.paid_at.date(),
                    "payment",
                    pay.get_kind_display(),
                    f"{pay.amount} € ({pay.get_method_display()})",
                )
            )
    if "awareness" in wanted:
        for a in between(
            AwarenessAttendance.objects.filter(person=person).select_related("session"),
            "session__date",
        ):
            entries.append(
                Entry(a.session.date, "awareness", f"Sensibilisation — {a.session.theme}")
            )
    if "note" in wanted:
        for n in between(Note.objects.visible_entries(person, access).select_related("author")):
            note = n.unseal_or_none()  # one unreadable note does not take the timeline down
            entries.append(
                Entry(
                    n.date,
                    "note",
                    f"Note ({n.get_level_display()})",
                    note["text"] if note is not None else UNREADABLE,
                    n.level,
                    reverse("pathways:note_edit", args=[person.code, n.pk]),
                )
            )
    if "assessment" in wanted:
        for a in between(Assessment.objects.visible_entries(person, access)):
            entries.append(
                Entry(
                    a.date,
                    "assessment",
                    str(a),
                    _assessment_summary(a),
                )
            )
    health_ok = access.health
    if "goal" in wanted:
        for g in between(Goal.objects.visible_entries(person, access), "created_at__date"):
            entries.append(
                Entry(
                    g.created_at.date(),
                    "goal",
                    f"Objectif : {g.title}",
                    f"{g.get_area_display()} — {g.get_status_display()}",
                )
            )
    if "referral" in wanted:
        referrals = Referral.objects.visible_entries(person, access).select_related("service")
        for r in between(referrals):
            entries.append(
                Entry(
                    r.date, "referral", f"Orientation — {r.service.name}", r.get_outcome_display()
                )
            )
    if "case" in wanted:
        for m in between(CaseMeeting.objects.visible_entries(person, access)):
            data = m.unseal_or_none()
            entries.append(
                Entry(
                    m.date,
                    "case",
                    "Réunion de synthèse",
                    f"{data['participants']} — {data['decisions']}" if data else UNREADABLE,
                )
            )
    if "exit" in wanted:
        for x in between(Exit.objects.visible_entries(person, access)):
            # The kind may say "hospital" or "death": others see only the outcome.
            detail = x.get_kind_display() if health_ok else OUTCOME_LABELS[x.outcome]
            entries.append(Entry(x.date, "exit", "Sortie du dispositif", detail))
    entries.sort(key=lambda e: e.day, reverse=True)
    return entries


def _assessment_summary(a) -> str:
    parts = [f"{a.crack_days_last7} j de consommation sur 7"]
    if a.crack_days_last30 is not None:
        parts.append(f"{a.crack_days_last30} j sur 30")
    if a.trend:
        parts.append(f"ressenti : {a.get_trend_display()}")
    parts.append(f"santé {a.self_rated_health}/5")
    return " — ".join(parts)
