"""Mint pre-authenticated sessions for the load test, so it measures pages, not logins.

For each role the load test plays (work supervisor, social worker, coordinator), pick users
with an active membership of that role in the target database, give each minted Django
session the state a real sign-in leaves behind (Django's login keys plus django-otp's
device id, as `django_otp.login()` stores it), and pick for each session objects that user
really reaches through the app's own scope functions. Everything goes into one JSON file
read by bench/load/locustfile.py. Nothing else is printed or stored: only database ids,
pseudonymous person codes and URLs (no name, no nickname, no identity).

Run from the repository root with the target's environment (bench/load/run does it):

    DJANGO_SETTINGS_MODULE=sentier.settings .venv/bin/python bench/load/sessions.py \\
        --out var/load/sessions.json
    .venv/bin/python bench/load/sessions.py --purge var/load/sessions.json   # afterwards

The file holds live session keys: it is written 0600 under var/ (ignored by git).
"""

import argparse
import json
import os
import random
import sys
from datetime import datetime
from decimal import Decimal
from importlib import import_module
from pathlib import Path

from accounts import access as access_rules

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sentier.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts.models import Membership, User  # noqa: E402
from accounts.roles import Perm, Role  # noqa: E402
from activity.models import Participation, Programme  # noqa: E402
from pathways.visibility import access  # noqa: E402
from people.models import Person  # noqa: E402
from reporting.access import readable_programmes  # noqa: E402

ROLES = (Role.SUPERVISOR, Role.SOCIAL_WORKER, Role.COORDINATOR)
# The backend a password sign-in records (axes' backend only counts failures).
BACKEND = "django.contrib.auth.backends.ModelBackend"
DEVICE_NAME = "Banc de charge (bench/load)"


def candidates(role, rng):
    """Active users holding the role, shuffled so that distinct organisations come first."""
    rows = list(
        Membership.objects.filter(role=role, is_active=True, user__is_active=True)
        .order_by("pk")
        .values_list("user_id", "organisation_id")
    )
    rng.shuffle(rows)
    seen_users, seen_orgs, first, rest = set(), set(), [], []
    for user_id, org_id in rows:
        if user_id in seen_users:
            continue
        seen_users.add(user_id)
        (rest if org_id in seen_orgs else first).append(user_id)
        seen_orgs.add(org_id)
    return first + rest


def supervisor_pool(user, today):
    """Unpaid participations of live sessions the user may mark, best first: the user's own
    sessions, then today's, then the most recent past ones, then the nearest future ones.
    A paid participation cannot change status, and a cancelled session takes no attendance."""
    orgs = access_rules.organisations(user, perm=Perm.SESSION_MANAGE)
    rows = (
        Participation.objects.filter(session__organisation__in=orgs, session__cancelled=False)
        .annotate(paid=Coalesce(Sum("payments__amount"), Decimal("0")))
        .filter(paid=0)
        .values_list("pk", "session_id", "session__date", "session__supervisor_id")
    )

    def rank(row):
        _, _, day, supervisor = row
        bucket = 0 if day == today else 1 if day < today else 2
        return (supervisor != user.pk, bucket, abs((day - today).days))

    return [(pk, session) for pk, session, _, _ in sorted(rows, key=rank)]


def social_worker_persons(user, rng, wanted):
    """Persons the user may open whose follow-up (timeline) the user may read."""
    ids = list(Person.objects.visible_to(user).order_by("pk").values_list("pk", flat=True)[:5000])
    rng.shuffle(ids)
    persons = Person.objects.filter(pk__in=ids[: wanted * 3]).select_related("organisation")
    codes = [p.code for p in persons if access(user, p).any]
    rng.shuffle(codes)
    return codes[:wanted]


def coordinator_programmes(user):
    dashboards = list(
        Programme.objects.filter(
            organisation__in=access_rules.organisations(user, perm=Perm.DASHBOARD)
        )
        .order_by("-start_date", "pk")
        .values_list("pk", flat=True)[:20]
    )
    reports = list(
        readable_programmes(user).order_by("-start_date", "pk").values_list("pk", flat=True)[:20]
    )
    return dashboards, reports


def device_for(user, created):
    device = user.totpdevice_set.filter(confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
        created.append(device.pk)
    return device


def mint(user, device):
    """A session in the state accounts.views_auth leaves it after password + TOTP."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return store.session_key


def pick_users(role, rng, args, today):
    """Up to args.users users of the role that have something to work on, with their data."""
    picked = []
    for user_id in candidates(role, rng):
        if len(picked) >= args.users:
            break
        user = User.objects.get(pk=user_id)
        if role == Role.SUPERVISOR:
            data = supervisor_pool(user, today)
        elif role == Role.SOCIAL_WORKER:
            data = social_worker_persons(user, rng, args.persons)
        else:
            data = coordinator_programmes(user)
            data = data if data[0] and data[1] else None
        if data:
            picked.append((user, data))
    return picked


def build(args):
    rng = random.Random(args.seed)
    today = timezone.localdate()
    created_devices = []
    out = {
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "today": today.isoformat(),
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "urls": {
            "home": reverse("core:home"),
            "today": reverse("activity:today"),
            "people_list": reverse("people:list"),
            "programmes": reverse("activity:programmes"),
        },
        "created_devices": created_devices,
        "roles": {},
    }
    taken = set()  # participations already handed to a supervisor session
    for role in ROLES:
        users = pick_users(role, rng, args, today)
        identities = []
        for n in range(args.sessions if users else 0):
            user, data = users[n % len(users)]
            identity = {
                "user": user.pk,
                "session_key": mint(user, device_for(user, created_devices)),
            }
            if role == Role.SOCIAL_WORKER:
                identity["persons"] = [
                    {
                        "code": code,
                        "detail_url": reverse("people:detail", args=[code]),
                        "timeline_url": reverse("pathways:timeline", args=[code]),
                    }
                    for code in data
                ]
                # Searches a worker types: the start of a code, or a whole code.
                identity["searches"] = sorted({code[:3] for code in data} | set(data[:2]))
            elif role == Role.COORDINATOR:
                dashboards, reports = data
                identity["programmes"] = [
                    reverse("activity:programme", args=[pk]) for pk in dashboards
                ]
                identity["reports"] = [reverse("reporting:dashboard", args=[pk]) for pk in reports]
            else:
                identity["attendance"] = []
                identity["_pool"] = data
            identities.append(identity)
        if role == Role.SUPERVISOR:
            # Round-robin so that every session gets its share and none shares a
            # participation with another (no stale-version refusal between two testers).
            for _ in range(args.participations):
                for identity in identities:
                    pool = identity["_pool"]
                    while pool and pool[0][0] in taken:
                        pool.pop(0)
                    if pool:
                        pk, session = pool.pop(0)
                        taken.add(pk)
                        identity["attendance"].append(
                            {
                                "participation": pk,
                                "session_url": reverse("activity:session", args=[session]),
                                "attendance_url": reverse("activity:attendance", args=[pk]),
                            }
                        )
            for identity in identities:
                del identity["_pool"]
        out["roles"][role.value] = identities
    return out


def purge(path):
    data = json.loads(Path(path).read_text())
    store_cls = import_module(settings.SESSION_ENGINE).SessionStore
    keys = [i["session_key"] for ids in data["roles"].values() for i in ids]
    for key in keys:
        store_cls(session_key=key).delete()
    devices = TOTPDevice.objects.filter(pk__in=data.get("created_devices", []), name=DEVICE_NAME)
    removed, _ = devices.delete()
    print(f"{len(keys)} session(s) de test supprimée(s), {removed} appareil(s) TOTP de test.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="var/load/sessions.json")
    parser.add_argument("--sessions", type=int, default=25, help="sessions minted per role")
    parser.add_argument("--users", type=int, default=10, help="distinct users per role (at most)")
    parser.add_argument("--participations", type=int, default=8, help="per supervisor session")
    parser.add_argument("--persons", type=int, default=10, help="per social-worker session")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--purge", metavar="FILE", help="delete the sessions listed in FILE")
    args = parser.parse_args()
    if args.purge:
        purge(args.purge)
        return
    with transaction.atomic():
        data = build(args)
    path = Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(json.dumps(data, indent=1))
    counts = []
    for role, identities in data["roles"].items():
        users = len({i["user"] for i in identities})
        extra = ""
        if role == Role.SUPERVISOR:
            extra = f", {sum(len(i['attendance']) for i in identities)} participation(s)"
        counts.append(f"{role}: {len(identities)} session(s), {users} utilisateur(s){extra}")
    print(f"{path} ({datetime.now():%H:%M:%S}) — " + " ; ".join(counts))
    missing = [role for role, identities in data["roles"].items() if not identities]
    if missing:
        sys.exit(f"Aucun compte utilisable pour : {', '.join(missing)}.")


if __name__ == "__main__":
    main()
