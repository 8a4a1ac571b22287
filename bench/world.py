"""The national dataset's skeleton: organisations, teams, staff, persons, programmes and
enrolments. Everything is drawn from one seeded generator, so a seed gives the same data."""

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.hashers import make_password

from accounts.models import Membership, Organisation, Team, User
from accounts.roles import Role
from activity.models import Domain, Enrolment, Programme, Worksite
from bench.bulk import Loader
from core.dates import add_months
from people.codes import ALPHABET
from people.models import Person, Share

# The dataset's "today": fixed, so a seed always gives the same dates.
TODAY = date(2026, 11, 16)
BENCH_PASSWORD = "Bench-Sentier-2026"
STAFF = [  # role, how many per organisation
    (Role.COORDINATOR, 1),
    (Role.SUPERVISOR, 2),
    (Role.SOCIAL_WORKER, 3),
    (Role.HEALTH, 1),
    (Role.OUTREACH, 1),
    (Role.PAYROLL, 1),
    (Role.ORG_ADMIN, 1),
]
KINDS = ["carrier", "caarud", "csapa", "assore", "hospital"]
FUNDERS = ["MILDECA (banc d'essai)", "ARS (banc d'essai)", "Ville (banc d'essai)"]
POSTAL = ["75018", "75019", "75010", "93200", "93300", "92230", "94200"]


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@dataclass
class Sizes:
    organisations: int
    persons: int
    programmes: int
    participations: int
    notes: int
    assessments: int
    audit_events: int

    @classmethod
    def at_scale(cls, scale: float) -> "Sizes":
        def n(full, least=1):
            return max(least, round(full * scale))

        return cls(n(300, 4), n(100_000, 40), n(20_000, 8), n(1_000_000), n(2_000_000),
                   n(500_000), n(3_000_000))  # fmt: skip


@dataclass
class Org:
    id: int
    teams: list[int]
    restricted: bool
    staff: dict[str, list[int]] = field(default_factory=dict)
    persons: list[int] = field(default_factory=list)
    worksites: list[int] = field(default_factory=list)
    programmes: list[int] = field(default_factory=list)


@dataclass
class World:
    rng: random.Random
    sizes: Sizes
    orgs: list[Org] = field(default_factory=list)
    funders: list[int] = field(default_factory=list)
    person_org: dict[int, Org] = field(default_factory=dict)
    person_codes: dict[int, str] = field(default_factory=dict)
    person_intake: dict[int, date] = field(default_factory=dict)
    # programme id -> (org, start, end, [enrolled person ids])
    programmes: dict[int, tuple] = field(default_factory=dict)

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)


def build(loader: Loader, seed: int, scale: float) -> World:
    world = World(random.Random(seed), Sizes.at_scale(scale))
    _organisations(loader, world)
    _staff(loader, world)
    _persons(loader, world)
    _programmes(loader, world)
    return world


def _organisations(loader, world):
    rng, n = world.rng, world.sizes.organisations
    created = at(TODAY - timedelta(days=1200))
    rows = [
        (i, f"Structure {i:04d} (banc d'essai)", KINDS[i % len(KINDS)], rng.random() < 0.1,
         True, created)
        for i in range(1, n + 1)
    ]  # fmt: skip
    rows += [(n + 1 + k, name, "funder", False, True, created) for k, name in enumerate(FUNDERS)]
    loader.copy(
        Organisation,
        ["id", "name", "kind", "restrict_by_team", "pay_requires_signed_contract", "created_at"],
        rows,
    )
    world.funders = [n + 1 + k for k in range(len(FUNDERS))]
    team_rows, team_id = [], 0
    for org_id, *_rest in rows[:n]:
        teams = []
        for name in ("Équipe Nord", "Équipe Sud", "Équipe de rue"):
            team_id += 1
            team_rows.append((team_id, org_id, name, True))
            teams.append(team_id)
        world.orgs.append(Org(org_id, teams, rows[org_id - 1][3]))
    loader.copy(Team, ["id", "organisation_id", "name", "is_active"], team_rows)


def _staff(loader, world):
    password = make_password(BENCH_PASSWORD)
    joined = at(TODAY - timedelta(days=1100))
    users, memberships, member_teams = [], [], []
    uid = 0

    def add(email, name, org_id, role, teams=()):
        nonlocal uid
        uid += 1
        users.append((uid, email, name, password, True, False, False, joined))
        memberships.append((uid, uid, org_id, role, True, joined))
        member_teams.extend((uid, t) for t in teams)
        return uid

    for org in world.orgs:
        for role, count in STAFF:
            org.staff[role] = [
                add(
                    f"{role}{k + 1}.s{org.id}@bench.sentier.test",
                    f"{role.label} {k + 1} de la structure {org.id}",
                    org.id,
                    role,
                    [org.teams[k % 3]] if org.restricted and role != Role.ORG_ADMIN else (),
                )
                for k in range(count)
            ]
    for k, funder in enumerate(world.funders):
        add(f"funder{k + 1}@bench.sentier.test", f"Financeur {k + 1}", funder, Role.FUNDER)
    loader.copy(
        User,
        ["id", "email", "full_name", "password", "is_active", "is_staff", "is_superuser",
         "date_joined"],
        users,
    )  # fmt: skip
    loader.copy(
        Membership, ["id", "user_id", "organisation_id", "role", "is_active", "created_at"],
        memberships,
    )  # fmt: skip
    loader.copy(
        Membership.teams.through,
        ["id", "membership_id", "team_id"],
        ((i + 1, m, t) for i, (m, t) in enumerate(member_teams)),
    )


def _codes(rng, n):
    codes = set()
    while len(codes) < n:
        chars = "".join(rng.choice(ALPHABET) for _ in range(6))
        codes.add(f"{chars[:3]}-{chars[3:]}")
    return sorted(codes, key=lambda _: rng.random())


NICKNAMES = ["Momo", "Kiki", "Le Grand", "Sissi", "Doudou", "Titi", "Zaza", "Lulu", "Nono",
             "Bibi", "Fanfan", "Jojo", "Pépé", "Mimi", "Rico", "Coco"]  # fmt: skip


def _persons(loader, world):
    rng, orgs = world.rng, world.orgs
    codes = _codes(rng, world.sizes.persons)
    rows = []
    for pid in range(1, world.sizes.persons + 1):
        org = orgs[(pid - 1) % len(orgs)]
        org.persons.append(pid)
        world.person_org[pid] = org
        world.person_codes[pid] = codes[pid - 1]
        intake = TODAY - timedelta(days=rng.randint(30, 1400))
        world.person_intake[pid] = intake
        right = rng.choices(["french", "eu", "permit", "none"], [50, 15, 25, 10])[0]
        housed = rng.random() < 0.7
        nickname = f"{rng.choice(NICKNAMES)} {rng.randint(1, 99)}" if rng.random() < 0.8 else ""
        rows.append((
            pid, codes[pid - 1], nickname, org.id, rng.choice(org.teams),
            rng.randint(1972, 2006), rng.randint(1, 12),
            rng.choice(["female", "male", "male", "other", "unstated"]),
            housed, intake if housed else None, right,
            add_months(TODAY, rng.randint(-6, 24)) if right == "permit" else None,
            intake, rng.random() < 0.3, rng.random() < 0.2,
            rng.choices(["waiting", "active", "paused", "exited"], [10, 65, 10, 15])[0],
            rng.random() < 0.05, at(intake), org.staff[Role.COORDINATOR][0], at(intake), 1,
        ))  # fmt: skip
    loader.copy(
        Person,
        ["id", "code", "nickname", "organisation_id", "team_id", "birth_year", "birth_month",
         "gender", "assore_housed", "housed_since", "right_to_work", "permit_valid_until",
         "consent_date", "consent_share_partners", "consent_share_health", "status",
         "complex_case", "created_at", "created_by_id", "updated_at", "version"],
        rows,
    )  # fmt: skip
    # A few files shared with a partner organisation, with the person's consent.
    shares = []
    for pid in rng.sample(range(1, world.sizes.persons + 1), world.sizes.persons // 100):
        if rows[pid - 1][13]:
            partner = rng.choice(orgs)
            if partner is not world.person_org[pid]:
                granted = world.person_org[pid].staff[Role.SOCIAL_WORKER][0]
                shares.append((len(shares) + 1, pid, partner.id, granted, at(TODAY)))
    loader.copy(
        Share, ["id", "person_id", "organisation_id", "granted_by_id", "granted_at"], shares
    )


def _programmes(loader, world):
    rng = world.rng
    domains = list(Domain.objects.filter(organisation=None).values_list("pk", flat=True))
    sites = []
    for org in world.orgs:
        for k, kind in enumerate(("worksite", "workshop")):
            sites.append((len(sites) + 1, org.id, f"Lieu {k + 1} de la structure {org.id}", kind,
                          rng.choice(domains), "1 rue du Banc", rng.choice(POSTAL), "Paris",
                          "Stalingrad", rng.randint(2, 15), True))  # fmt: skip
            org.worksites.append(len(sites))
    loader.copy(
        Worksite,
        ["id", "organisation_id", "name", "kind", "domain_id", "address", "postal_code",
         "commune", "station", "walking_minutes", "is_active"],
        sites,
    )  # fmt: skip
    programmes, funders, enrolments = [], [], []
    for pk in range(1, world.sizes.programmes + 1):
        org = world.orgs[(pk - 1) % len(world.orgs)]
        org.programmes.append(pk)
        start = add_months(TODAY, -rng.randint(0, 34)).replace(day=1)
        end = add_months(start, 12) - timedelta(days=1)
        programmes.append((pk, org.id, f"Programme {pk} — structure {org.id}", start, end,
                           50, 600, 1, "10.00", at(start)))  # fmt: skip
        for funder in rng.sample(world.funders, rng.randint(1, 3)):
            funders.append((len(funders) + 1, pk, funder))
        enrolled = rng.sample(org.persons, min(len(org.persons), rng.randint(4, 8)))
        for person in enrolled:
            first = start + timedelta(days=rng.randint(0, 20))
            finished = end if end < TODAY else None
            enrolments.append((len(enrolments) + 1, pk, person, first, finished, "",
                               org.staff[Role.COORDINATOR][0], at(first)))  # fmt: skip
        world.programmes[pk] = (org, start, end, enrolled)
    loader.copy(
        Programme,
        ["id", "organisation_id", "name", "start_date", "end_date", "target_persons",
         "target_sessions", "min_sessions_per_month", "hourly_rate", "created_at"],
        programmes,
    )  # fmt: skip
    loader.copy(Programme.funders.through, ["id", "programme_id", "organisation_id"], funders)
    loader.copy(
        Enrolment,
        ["id", "programme_id", "person_id", "start_date", "end_date", "override_reason",
         "created_by_id", "created_at"],
        enrolments,
    )  # fmt: skip
