"""The national dataset's volume: work sessions, participations and payments, notes (really
encrypted), assessments, referrals, exits and the audit journal."""

import json
from datetime import time, timedelta
from decimal import Decimal

from accounts.roles import Role
from activity.models import (
    AwarenessAttendance,
    AwarenessSession,
    Participation,
    Payment,
    WorkSession,
)
from audit.models import AuditEvent
from bench.world import TODAY, World, at
from core import crypto
from core.dates import add_months
from pathways.models import Assessment, Exit, Note, Referral, Service

RATE = Decimal("10.00")
STATUSES = ["present", "left_early", "absent", "excused"]
HOURS = {"present": Decimal("3.00"), "left_early": Decimal("2.00")}


def build(loader, world: World) -> None:
    _work(loader, world)
    _awareness(loader, world)
    _notes(loader, world)
    _assessments(loader, world)
    _referrals_and_exits(loader, world)
    _audit(loader, world)


def _work(loader, world):
    """Sessions through each programme's year, every enrolled person booked on each, so
    that participations add up to the wanted total."""
    rng = world.rng
    per_programme = world.sizes.participations / max(1, len(world.programmes))
    sessions, participations, payments = [], [], []
    for pk, (org, start, end, enrolled) in world.programmes.items():
        count = max(1, round(per_programme / max(1, len(enrolled))))
        supervisors = org.staff[Role.SUPERVISOR]
        for k in range(count):
            day = start + timedelta(days=(k * 365 // count) + rng.randint(0, 6))
            day = min(day, end)
            sid = len(sessions) + 1
            supervisor = rng.choice(supervisors)
            cancelled = rng.random() < 0.02
            site = rng.choice(org.worksites)
            sessions.append((sid, org.id, pk, site, None, supervisor, day, time(9), time(12), 12,
                             RATE, cancelled, "Intempéries : chantier fermé." if cancelled else "",
                             supervisor, at(day, 8)))  # fmt: skip
            for person in enrolled:
                part_id = len(participations) + 1
                if day > TODAY or cancelled:
                    participations.append((part_id, sid, person, "invited", 0, 0, "", "", None,
                                           None, 1))  # fmt: skip
                    continue
                status = rng.choices(STATUSES, [78, 6, 11, 5])[0]
                hours = HOURS.get(status, Decimal(0))
                participations.append((part_id, sid, person, status, hours, hours * RATE, "", "",
                                       supervisor, at(day, 12), 1))  # fmt: skip
                if hours:
                    pay_id = len(payments) + 1
                    payments.append((pay_id, part_id, "payment", 0, hours * RATE, "cash",
                                     at(day, 12), "", world.uuid(), None, "", supervisor,
                                     at(day, 12)))  # fmt: skip
                    if rng.random() < 0.01:
                        payments.append((pay_id + 1, part_id, "reversal", 0, -hours * RATE,
                                         "cash", at(day, 13), "", world.uuid(), pay_id,
                                         "Erreur de saisie", supervisor, at(day, 13)))  # fmt: skip
    loader.copy(
        WorkSession,
        ["id", "organisation_id", "programme_id", "worksite_id", "partner_id", "supervisor_id",
         "date", "start_time", "end_time", "places", "hourly_rate", "cancelled",
         "cancel_reason", "created_by_id", "created_at"],
        sessions,
    )  # fmt: skip
    loader.copy(
        Participation,
        ["id", "session_id", "person_id", "status", "hours", "pay_due", "pay_reason",
         "correction_reason", "recorded_by_id", "recorded_at", "version"],
        participations,
    )  # fmt: skip
    loader.copy(
        Payment,
        ["id", "participation_id", "kind", "slot", "amount", "method", "paid_at",
         "receipt_number", "idempotency_key", "reverses_id", "reason", "recorded_by_id",
         "recorded_at"],
        payments,
    )  # fmt: skip


def _awareness(loader, world):
    rng = world.rng
    sessions, attendance = [], []
    for pk, (org, start, end, enrolled) in world.programmes.items():
        day = min(start + timedelta(days=rng.randint(10, 200)), end)
        sid = len(sessions) + 1
        sessions.append((sid, pk, day, "Retour à l'activité", "Animatrice du banc d'essai",
                         org.staff[Role.COORDINATOR][0]))  # fmt: skip
        for person in rng.sample(enrolled, min(3, len(enrolled))):
            attendance.append((len(attendance) + 1, sid, person))
    loader.copy(
        AwarenessSession,
        ["id", "programme_id", "date", "theme", "facilitator", "created_by_id"],
        sessions,
    )
    loader.copy(AwarenessAttendance, ["id", "session_id", "person_id"], attendance)


NOTE_TEXTS = [
    "Passage à l'accueil, échange sur le projet de travail.",
    "Accompagnement au rendez-vous de la mission locale.",
    "Point sur l'hébergement à l'hôtel, situation stable.",
    "Rendez-vous médical pris, à confirmer la semaine prochaine.",
    "Participation au chantier, bonne dynamique de groupe.",
    "Démarches de papiers en cours, dossier déposé.",
]
LEVEL_AUTHORS = {"team": Role.OUTREACH, "social": Role.SOCIAL_WORKER, "health": Role.HEALTH}


def _notes(loader, world):
    """Notes sealed exactly as the application seals them: one data key per note, bound to
    the note's uid."""
    rng, persons = world.rng, world.sizes.persons
    ring = crypto.keyring()

    def rows():
        for n in range(1, world.sizes.notes + 1):
            person = (n - 1) % persons + 1
            org = world.person_org[person]
            level = rng.choices(["team", "social", "health"], [50, 30, 20])[0]
            day = TODAY - timedelta(days=rng.randint(0, (TODAY - world.person_intake[person]).days))
            uid = world.uuid()
            text = f"{rng.choice(NOTE_TEXTS)} (note {n})"
            payload = json.dumps({"text": text}, ensure_ascii=False, sort_keys=True).encode()
            envelope = crypto.encrypt(payload, f"pathways.note:{uid}".encode(), ring)
            yield (n, uid, person, org.id, level, day, rng.choice(org.staff[LEVEL_AUTHORS[level]]),
                   1, at(day), at(day), envelope.key_id, envelope.wrapped_key,
                   envelope.ciphertext)  # fmt: skip

    loader.copy(
        Note,
        ["id", "uid", "person_id", "organisation_id", "level", "date", "author_id", "version",
         "created_at", "updated_at", "key_id", "wrapped_key", "ciphertext"],
        rows(),
    )  # fmt: skip


def _assessments(loader, world):
    rng = world.rng
    kinds = [("intake", 0), ("m3", 3), ("m6", 6), ("m9", 9), ("m12", 12)]

    def rows():
        n = 0
        # A second cycle (re-enrolment after an exit) for persons followed long enough, until
        # the wanted total is reached.
        for cycle, shift in ((1, 0), (2, 13)):
            for person in range(1, world.sizes.persons + 1):
                intake = add_months(world.person_intake[person], shift)
                author = world.person_org[person].staff[Role.SOCIAL_WORKER][0]
                for kind, months in kinds:
                    day = add_months(intake, months)
                    if day > TODAY:
                        break
                    if n >= world.sizes.assessments:
                        return
                    n += 1
                    yield (n, person, kind, cycle, day, rng.randint(0, 7),
                           rng.choice(["more", "same", "less", "stopped"]), "",
                           rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, 5),
                           rng.randint(1, 3), rng.choice(["street", "shelter", "assore", "stable"]),
                           "", author, at(day))  # fmt: skip

    loader.copy(
        Assessment,
        ["id", "person_id", "kind", "cycle", "date", "crack_days_last7", "trend",
         "other_substances", "sleep", "meals_per_day", "self_rated_health", "social_ties",
         "housing", "project", "author_id", "created_at"],
        rows(),
    )  # fmt: skip


def _referrals_and_exits(loader, world):
    rng = world.rng
    services = []
    for org in world.orgs:
        for kind in ("employment", "siae", "chrs", "csapa", "rights"):
            services.append((len(services) + 1, org.id, f"Service {kind} {org.id}", kind, "", ""))
    loader.copy(Service, ["id", "organisation_id", "name", "kind", "address", "contact"], services)
    referrals, exits = [], []
    kinds = [k for k, _ in Exit.Kind.choices]
    for person in range(1, world.sizes.persons + 1):
        org = world.person_org[person]
        author = org.staff[Role.SOCIAL_WORKER][0]
        intake = world.person_intake[person]
        day = intake + timedelta(days=rng.randint(0, (TODAY - intake).days))
        outcome = rng.choice(["pending", "accepted", "refused", "no_show"])
        referrals.append((len(referrals) + 1, person,
                          services[(org.id - 1) * 5 + rng.randint(0, 4)][0], day, outcome,
                          None if outcome == "pending" else day, author))  # fmt: skip
        if rng.random() < 0.15:
            # One exit per person here: its pathway's cycle is 1.
            exits.append((len(exits) + 1, person, day, rng.choice(kinds), "", author, at(day), 1))
    loader.copy(
        Referral,
        ["id", "person_id", "service_id", "date", "outcome", "outcome_date", "author_id"],
        referrals,
    )
    loader.copy(
        Exit,
        ["id", "person_id", "date", "kind", "comment", "author_id", "created_at", "cycle"],
        exits,
    )


ACTIONS = ["view"] * 70 + ["create"] * 10 + ["update"] * 10 + ["login"] * 5 + ["export"] * 5


def _audit(loader, world):
    rng, persons = world.rng, world.sizes.persons
    span = 730 * 24 * 3600
    start = at(TODAY - timedelta(days=730))
    staff_roles = [Role.COORDINATOR, Role.SOCIAL_WORKER, Role.HEALTH, Role.OUTREACH]

    def rows():
        for n in range(1, world.sizes.audit_events + 1):
            person = rng.randint(1, persons)
            org = world.person_org[person]
            role = rng.choice(staff_roles)
            actor = rng.choice(org.staff[role])
            action = rng.choice(ACTIONS)
            moment = start + timedelta(seconds=rng.randrange(span))
            email = f"{role}{org.staff[role].index(actor) + 1}.s{org.id}@bench.sentier.test"
            if action == "login":
                yield (n, moment, actor, email, None, action, "", "", "", "10.0.0.1",
                       "/comptes/connexion/", "{}")  # fmt: skip
                continue
            code = world.person_codes[person]
            yield (n, moment, actor, email, org.id, action, "people.person", str(person), code,
                   "10.0.0.1", f"/personnes/{code}/", "{}")  # fmt: skip

    loader.copy(
        AuditEvent,
        ["id", "at", "actor_id", "actor_email", "organisation_id", "action", "object_type",
         "object_id", "object_label", "ip", "path", "details"],
        rows(),
    )  # fmt: skip
