"""Synthetic demo data. Every name, number and person here is invented."""

import random
from datetime import date, timedelta

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organisation, OrganisationKind, Team, User
from accounts.roles import Role
from people.models import Gender, Identity, Person, RightToWork, Status
from people.nir import nir_key

DEMO_PASSWORD = "Demo-Sentier-2026"
CARRIER = "Association Trajectoires (fictive)"

ORGANISATIONS = [
    (CARRIER, OrganisationKind.CARRIER, ["Chantiers", "Accompagnement social"]),
    ("Hôtels solidaires ASSORE (fictif)", OrganisationKind.ASSORE, ["Hôtel Nord"]),
    ("CSAPA Les Tilleuls (fictif)", OrganisationKind.CSAPA, []),
    ("CAARUD Canal (fictif)", OrganisationKind.CAARUD, ["Maraude de nuit"]),
    ("Préfecture — MILDECA (démo)", OrganisationKind.FUNDER, []),
]

# (e-mail, name, organisation, role)
USERS = [
    ("coordination@demo.sentier.test", "Camille Coordination", CARRIER, Role.COORDINATOR),
    ("encadrant@demo.sentier.test", "Eli Encadrant", CARRIER, Role.SUPERVISOR),
    ("social@demo.sentier.test", "Sacha Social", CARRIER, Role.SOCIAL_WORKER),
    ("sante@demo.sentier.test", "Dominique Santé", CARRIER, Role.HEALTH),
    ("paie@demo.sentier.test", "Paule Paie", CARRIER, Role.PAYROLL),
    ("maraude@demo.sentier.test", "Max Maraude", "CAARUD Canal (fictif)", Role.OUTREACH),
    # The CAARUD operates the plan's outreach actions: its coordinator updates their steps.
    ("caarud@demo.sentier.test", "Claude Canal", "CAARUD Canal (fictif)", Role.COORDINATOR),
    (
        "financeur@demo.sentier.test",
        "Frédérique Financeur",
        "Préfecture — MILDECA (démo)",
        Role.FUNDER,
    ),
    ("admin@demo.sentier.test", "Alex Administration", CARRIER, Role.ORG_ADMIN),
    (
        "pilotage@demo.sentier.test",
        "Pascale Pilotage",
        "Préfecture — MILDECA (démo)",
        Role.STEERING_ADMIN,
    ),
]

NICKNAMES = [
    "Pilou",
    "Zaza",
    "Mimosa",
    "Tonton",
    "Kiki",
    "Loulou",
    "Bichette",
    "Gaby",
    "Jojo",
    "Nanou",
    "Fifi",
    "Titou",
    "Coco",
    "Dédé",
    "Lolo",
    "Mumu",
    "Pépito",
    "Riri",
    "Sissi",
    "Yoyo",
]
FIRST = ["Alpha", "Bêta", "Gamma", "Delta", "Epsilon", "Zêta", "Êta", "Thêta", "Iota", "Kappa"]
LAST = ["FICTIF", "EXEMPLE", "DEMO", "ESSAI", "MODELE", "TEMOIN", "SPECIMEN", "FACTICE"]


def synthetic_nir(rng: random.Random, gender: str, born: date) -> str:
    sex = "2" if gender == Gender.FEMALE else "1"
    body = f"{sex}{born:%y}{born:%m}99{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
    return f"{body}{nir_key(body):02d}"


@transaction.atomic
def load(seed: int = 2026, persons: int = 60) -> bool:
    if Organisation.objects.filter(name=CARRIER).exists():
        return False
    rng = random.Random(seed)
    orgs, teams = {}, {}
    for name, kind, team_names in ORGANISATIONS:
        orgs[name] = Organisation.objects.create(name=name, kind=kind)
        for team_name in team_names:
            teams[team_name] = Team.objects.create(organisation=orgs[name], name=team_name)
    users: dict[str, User] = {}
    for email, full_name, org_name, role in USERS:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
        Membership.objects.create(user=user, organisation=orgs[org_name], role=role)
        users.setdefault(role, user)  # by role: the carrier's account comes first
        users[email] = user
    carrier = orgs[CARRIER]
    today = date.today()
    created = []
    for i in range(persons):
        gender = rng.choice([Gender.MALE] * 3 + [Gender.FEMALE, Gender.OTHER, Gender.UNSTATED])
        year = today.year - rng.randint(19, 56)
        month = rng.randint(1, 12)
        right = rng.choice(
            [RightToWork.FRENCH] * 4 + [RightToWork.EU, RightToWork.PERMIT, RightToWork.NONE]
        )
        housed = rng.random() < 0.85
        consent = today - timedelta(days=rng.randint(10, 300))
        person = Person.objects.create(
            organisation=carrier,
            team=rng.choice([teams["Chantiers"], teams["Accompagnement social"], None]),
            nickname=rng.choice(NICKNAMES) if rng.random() < 0.7 else "",
            birth_year=year,
            birth_month=month,
            gender=gender,
            referred_by=rng.choice(list(orgs.values())[1:4]),
            assore_housed=housed,
            housed_since=today - timedelta(days=rng.randint(30, 700)) if housed else None,
            right_to_work=right,
            permit_valid_until=(today + timedelta(days=rng.randint(-60, 400)))
            if right == RightToWork.PERMIT
            else None,
            consent_date=consent,
            consent_share_partners=rng.random() < 0.6,
            consent_share_health=rng.random() < 0.4,
            status=rng.choice([Status.ACTIVE] * 5 + [Status.WAITING, Status.PAUSED, Status.EXITED]),
            created_by=users[Role.SOCIAL_WORKER],
        )
        created.append(person)
        if i % 3 == 0:
            born = date(year, month, rng.randint(1, 28))
            identity = Identity(person=person, updated_by=users[Role.PAYROLL])
            identity.seal(
                {
                    "first_name": rng.choice(FIRST),
                    "last_name": rng.choice(LAST),
                    "birth_date": born.isoformat(),
                    "nir": synthetic_nir(rng, gender, born),
                    "address": f"{rng.randint(1, 99)} rue de l'Exemple",
                    "postal_code": "75019",
                    "city": "Paris",
                    "phone": f"06 00 00 {rng.randint(10, 99)} {rng.randint(10, 99)}",
                }
            )
            identity.save()
    from demo import activity as activity_demo

    programme = activity_demo.load(
        carrier,
        coordinator=users[Role.COORDINATOR],
        supervisor=users[Role.SUPERVISOR],
        payroll=users[Role.PAYROLL],
        persons=created,
    )
    from demo import pathways as pathways_demo

    pathways_demo.load(
        carrier,
        {
            "team": users[Role.SUPERVISOR],
            "social": users[Role.SOCIAL_WORKER],
            "health": users[Role.HEALTH],
        },
        list(programme.enrolments.select_related("person").order_by("start_date")),
    )
    from demo import reporting as reporting_demo

    reporting_demo.load(programme, users[Role.COORDINATOR])
    from demo import plan as plan_demo

    plan_demo.load(orgs, users)
    return True


def demo_logins() -> list[tuple[str, str, str]]:
    return [(email, Role(role).label, org) for email, _n, org, role in USERS]


def current_code(email: str) -> str | None:
    from django_otp.oath import totp

    device = TOTPDevice.objects.filter(user__email__iexact=email).order_by("-confirmed").first()
    if device is None:
        return None
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
