"""Synthetic programme activity for the demo: partners, worksites, a year of sessions,
attendance, contracts and same-day payments. Everything here is invented."""

import random
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from activity.models import (
    AlternativeActivity,
    AlternativeKind,
    AwarenessAttendance,
    AwarenessSession,
    Contract,
    Domain,
    Enrolment,
    Participation,
    Partner,
    Payment,
    Programme,
    WorkSession,
    Worksite,
)

PARTNERS = [
    ("Régie de quartier du Canal (fictive)", Partner.Kind.ASSOCIATION, Partner.Status.ACTIVE),
    ("Menuiserie Solidaire (fictive)", Partner.Kind.COMPANY, Partner.Status.AGREEMENT),
    ("Mairie du 20e — espaces verts (fictif)", Partner.Kind.AUTHORITY, Partner.Status.ACTIVE),
    ("Électro-Insertion (fictive)", Partner.Kind.COMPANY, Partner.Status.DISCUSSION),
]
WORKSITES = [
    (
        "Atelier couture du Canal",
        Worksite.Kind.WORKSHOP,
        "Couture",
        0,
        "75019",
        "Paris",
        "Stalingrad",
        6,
    ),
    (
        "Atelier menuiserie",
        Worksite.Kind.WORKSHOP,
        "Menuiserie",
        1,
        "93200",
        "Saint-Denis",
        "Porte de Paris",
        8,
    ),
    (
        "Chantier jardins de Belleville",
        Worksite.Kind.WORKSITE,
        "Espaces verts",
        2,
        "75020",
        "Paris",
        "Belleville",
        4,
    ),
    (
        "Atelier montage électrique",
        Worksite.Kind.WORKSHOP,
        "Montage électrique",
        3,
        "94200",
        "Ivry-sur-Seine",
        "Mairie d'Ivry",
        7,
    ),
]


def load(carrier: Organisation, coordinator, supervisor, payroll, persons, seed=2026):
    rng = random.Random(seed)
    today = timezone.localdate()
    programme = Programme.objects.create(
        organisation=carrier,
        name=f"Remobilisation par l'activité {today.year}",
        start_date=date(today.year, 1, 1),
        end_date=date(today.year, 12, 31),
    )
    programme.funders.set(Organisation.objects.filter(kind=OrganisationKind.FUNDER))
    partners = [
        Partner.objects.create(
            organisation=carrier, name=name, kind=kind, status=status, contact_name="Contact fictif"
        )
        for name, kind, status in PARTNERS
    ]
    sites = []
    for name, kind, domain, partner, code, commune, station, minutes in WORKSITES:
        sites.append(
            Worksite.objects.create(
                organisation=carrier,
                name=name,
                kind=kind,
                domain=Domain.objects.get(organisation=None, name=domain),
                partner=partners[partner],
                address=f"{rng.randint(1, 80)} rue de l'Exemple",
                postal_code=code,
                commune=commune,
                station=station,
                walking_minutes=minutes,
            )
        )
    eligible = [p for p in persons if p.eligibility(programme.start_date).eligible][:40]
    enrolments = []
    for p in eligible:
        start = programme.start_date + timedelta(days=rng.randint(0, 120))
        enrolments.append(
            Enrolment(programme=programme, person=p, start_date=start, created_by=coordinator)
        )
    Enrolment.objects.bulk_create(enrolments)
    Contract.objects.bulk_create(
        Contract(
            organisation=carrier,
            person=e.person,
            period_start=e.start_date,
            period_end=programme.end_date,
            status=Contract.Status.SIGNED,
            signed_on=min(e.start_date, today),
            created_by=payroll,
        )
        for e in enrolments
    )
    day = programme.start_date
    horizon = min(programme.end_date, today + timedelta(days=14))
    sessions = []
    while day <= horizon:
        for i, site in enumerate(sites):
            if day.weekday() == i:  # each site one weekday
                sessions.append(
                    WorkSession(
                        organisation=carrier,
                        programme=programme,
                        worksite=site,
                        partner=site.partner,
                        supervisor=supervisor,
                        date=day,
                        start_time=time(9),
                        end_time=time(12, 30),
                        places=6,
                        hourly_rate=programme.hourly_rate,
                        created_by=supervisor,
                    )
                )
        day += timedelta(days=1)
    WorkSession.objects.bulk_create(sessions)
    participations, payments = [], []
    now = timezone.now()

    def noted(day, hour, minute):
        # Attendance and pay are noted after the session opens, never later than now.
        return min(timezone.make_aware(datetime.combine(day, time(hour, minute))), now)

    for session in WorkSession.objects.filter(programme=programme):
        present = [e for e in enrolments if e.start_date <= session.date]
        for e in rng.sample(present, min(len(present), rng.randint(3, 6))):
            if session.opens_at > now:  # not begun yet: invited only
                participations.append(Participation(session=session, person=e.person))
                continue
            status = rng.choice(["present"] * 6 + ["left_early", "absent", "excused"])
            hours = {"present": Decimal("3.50"), "left_early": Decimal("2.00")}.get(
                status, Decimal("0")
            )
            participations.append(
                Participation(
                    session=session,
                    person=e.person,
                    status=status,
                    hours=hours,
                    pay_due=hours * session.hourly_rate,
                    recorded_by=supervisor,
                    recorded_at=noted(session.date, 12, 35),
                )
            )
    Participation.objects.bulk_create(participations)
    worked = Participation.objects.filter(session__programme=programme, pay_due__gt=0)
    for p in worked.select_related("session").order_by("pk"):
        if rng.random() < 0.03:
            continue  # worked, not yet paid: the dashboard shows it as outstanding
        payments.append(
            Payment(
                participation=p,
                amount=p.pay_due,
                method=rng.choice(["cash", "prepaid_card"]),
                paid_at=noted(p.session.date, 12, 40),
                receipt_number=f"R{p.pk:05d}",
                idempotency_key=uuid.uuid4(),
                recorded_by=supervisor,
            )
        )
    Payment.objects.bulk_create(payments)
    # A few payments reversed and not paid again (a wrong amount, a person paid twice): what
    # "reste à verser" shows a coordinator and a funder, beside what is due and what was paid.
    for payment in rng.sample(payments, min(3, len(payments))):
        Payment.objects.create(
            participation=payment.participation,
            kind=Payment.Kind.REVERSAL,
            amount=-payment.amount,
            method=payment.method,
            paid_at=payment.paid_at,
            idempotency_key=uuid.uuid4(),
            reverses=payment,
            reason="Erreur de montant, à repayer (donnée fictive).",
            recorded_by=supervisor,
        )
    for month in range(1, today.month + 1):
        awareness = AwarenessSession.objects.create(
            programme=programme,
            date=date(today.year, month, 15),
            theme=rng.choice(["Reprendre un rythme", "Droits et démarches", "Sécurité au travail"]),
            facilitator="Animatrice fictive",
            created_by=coordinator,
        )
        if awareness.date > today:  # later this month: nobody has attended yet
            continue
        for e in rng.sample(enrolments, 5):
            AwarenessAttendance.objects.create(session=awareness, person=e.person)
    for alternative in AlternativeKind.objects.filter(organisation=None):
        activity = AlternativeActivity.objects.create(
            programme=programme,
            kind=alternative,
            date=max(today - timedelta(days=rng.randint(5, 60)), programme.start_date),
            description=f"{alternative.name} — sortie collective",
            created_by=coordinator,
        )
        activity.participants.set([e.person for e in rng.sample(enrolments, 4)])
    return programme
