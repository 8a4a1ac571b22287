"""Walk every URL of the project as every role, and prove the access table both ways.

sentier/access_table.py declares, per URL name, the roles whose GET is answered and whose
POST is handled, on objects of their own organisation. Here each role, in a world where it
really can reach its pages (a payment to reverse, an unsigned contract to sign, a health note,
a plan whose steering group holds its organisation…), asks every URL:

- allowed: GET answers the declared status (200, a redirect, a download of the right type,
  405 for a button) and POST answers anything but 403/404/500;
- not allowed: 404 (or 405, a method the URL never takes, if a missing object gets the same
  405: then the answer reveals nothing about any object);
- the same URL on an object of another organisation, alone or behind our own person,
  organisation or plan action in the URL: refused for everyone;
- anonymous: sent to the login page except on the public pages; nobody ever gets a 500.

Every request runs in a savepoint rolled back afterwards, so the order of the walk does not
matter (cancelling a contract does not spoil the next page). A URL without a row fails.
"""

from datetime import date, timedelta
from types import SimpleNamespace
from uuid import uuid4

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Membership
from accounts.roles import Role
from conftest import verified_client
from sentier.access_table import ANONYMOUS, BY_NAME, TABLE
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
    programme_world,
)


def all_url_patterns(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_url_patterns(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


PATTERNS = dict(all_url_patterns())


def test_every_url_has_a_row_and_every_row_a_url():
    names = set(PATTERNS)
    missing = sorted(names - set(BY_NAME))
    assert not missing, f"add a row to sentier/access_table.py for: {missing}"
    unknown = sorted(set(BY_NAME) - names)
    assert not unknown, f"rows of sentier/access_table.py for URLs that no longer exist: {unknown}"
    keys = [row.key for row in TABLE]
    assert len(keys) == len(set(keys)), "two rows share a URL name and variant"
    roles = set(Role.values) | {ANONYMOUS}
    for row in TABLE:
        assert row.get | row.post <= roles, row.key


def test_no_person_level_row_admits_who_must_never_read_a_file():
    """The table itself keeps the privacy promises: funders, organisation and plan
    administrators reach no person; health notes reach health professionals only."""
    from accounts.roles import FOLLOW_LEVELS, LEVEL_HEALTH

    never = {Role.FUNDER, Role.ORG_ADMIN, Role.STEERING_ADMIN, ANONYMOUS}
    for row in TABLE:
        if row.name.split(":")[0] in ("people", "pathways"):
            assert not (row.get | row.post) & never, row.key
        if "health_note" in row.obj:
            readers = {r for r, levels in FOLLOW_LEVELS.items() if LEVEL_HEALTH in levels}
            assert readers == {Role.HEALTH}
            assert row.get | row.post <= readers, row.key


# --- The world: what each side (our organisation, another one) holds ---------------------


def _note(person, org, level, author):
    from pathways.models import Note

    note = Note(person=person, organisation=org, level=level, date=person.created_at.date())
    note.author = author
    note.seal({"text": f"Note {level}"})
    note.save()
    return note


def _identity(person, author):
    from people.models import Identity

    identity = Identity(person=person, updated_by=author)
    identity.seal(
        {
            "last_name": "MARCHE",
            "first_name": "Zoé",
            "birth_date": "1990-06-02",
            "nir": "",
            "address": "1 rue X",
            "postal_code": "75019",
            "city": "Paris",
            "phone": "",
        }
    )
    identity.save()
    return identity


def _activity(org, author, person, funder_org):
    from activity.models import AwarenessSession, Contract, Payment

    objects = programme_world(
        org, {"coordinator": author, "supervisor": author, "payroll": author}, person
    )
    programme = objects["programme"]
    if funder_org is not None:
        programme.funders.add(funder_org)
    participation = objects["participation"]
    participation.status, participation.hours, participation.pay_due = "present", 3, 30
    participation.save()
    _identity(person, author)
    return {
        **objects,
        "payment": Payment.objects.create(
            participation=participation,
            amount=30,
            method="cash",
            paid_at=timezone.now() - timedelta(minutes=1),
            idempotency_key=uuid4(),
            recorded_by=author,
        ),
        "draft_contract": Contract.objects.create(
            organisation=org,
            person=person,
            session=objects["session"],
            created_by=author,
        ),
        "awareness": AwarenessSession.objects.create(
            programme=programme,
            date=programme.start_date,
            theme="Thème",
            facilitator="Anim",
            created_by=author,
        ),
    }


def _pathways(org, author, person):
    from pathways.models import Goal, Referral, Service
    from people.models import Share

    work = Service.objects.create(organisation=org, name=f"Mission locale {org.pk}", kind="youth")
    csapa = Service.objects.create(organisation=org, name=f"CSAPA {org.pk}", kind="csapa")
    day = person.created_at.date()
    person.consent_share_partners = True
    person.save()
    return {
        "note": _note(person, org, "team", author),
        "health_note": _note(person, org, "health", author),
        "goal": Goal.objects.create(person=person, area="work", title="Emploi", author=author),
        "health_goal": Goal.objects.create(
            person=person, area="health", title="Soins", author=author
        ),
        "referral": Referral.objects.create(person=person, service=work, date=day, author=author),
        "health_referral": Referral.objects.create(
            person=person, service=csapa, date=day, author=author
        ),
        "share": Share.objects.create(
            person=person, organisation=OrganisationFactory(), granted_by=author
        ),
    }


def _shared_with(org, author):
    """A file of a third organisation, shared with org with the person's consent."""
    from people.models import Share

    partner = OrganisationFactory()
    person = PersonFactory(
        organisation=partner,
        created_by=author,
        consent_share_partners=True,
        consent_share_health=True,
    )
    Share.objects.create(person=person, organisation=org, granted_by=author, health=True)
    return {
        "shared_person": person,
        "shared_note": _note(person, partner, "team", author),
        "shared_health_note": _note(person, partner, "health", author),
    }


def _decision_model():
    """A committee's follow-up decision (named ActionItem before issue 12 renamed it)."""
    from reporting import models

    return getattr(models, "Decision", None) or models.ActionItem


def _reporting(programme, author):
    from reporting import models
    from reporting.models import Meeting, Report

    # A committee's follow-up decision (named ActionItem before issue 12 renamed it).
    Decision = getattr(models, "Decision", None) or models.ActionItem

    meeting = Meeting.objects.create(
        organisation=programme.organisation,
        programme=programme,
        kind="cosui",
        date=programme.start_date,
    )
    pay = {
        "key": "pay",
        "title": "T",
        "columns": ["M", "H", "P"],
        "rows": [["01/2026", 1.0, 10.0]],
        "kind": "amounts",
        "shares": [],
    }
    return {
        "meeting": meeting,
        "decision": Decision.objects.create(
            meeting=meeting, text="Relancer", owner="X", due_date=programme.start_date
        ),
        "report": Report.objects.create(
            meeting=meeting,
            generated_by=author,
            period_start=programme.start_date,
            period_end=programme.start_date,
            data={"programme": "P", "period": [], "tables": [pay], "free_text": "", "leads": ""},
        ),
    }


def _plan(org, funder_org, elsewhere):
    """A plan whose steering group holds org (and funded by funder_org): an action piloted by
    org, with a step, a blocker and an indicator; another action piloted elsewhere."""
    from plan.models import Action, Axis, Blocker, Indicator, Objective, Plan, Step
    from reporting.models import Meeting

    year = date.today().year
    plan = Plan.objects.create(name=f"Plan {org.pk}", start_year=year, end_year=year + 2)
    plan.organisations.add(org)
    if funder_org is not None:
        plan.funders.add(funder_org)
    axis = Axis.objects.create(plan=plan, number=1, title="Axe")
    objective = Objective.objects.create(axis=axis, number="1.1", title="Objectif")

    def action(number, pilot):
        action = Action.objects.create(objective=objective, number=number, title="Action")
        action.editors.add(pilot)
        step = Step.objects.create(
            action=action,
            planned_start=date(year, 1, 1),
            planned_end=date(year, 12, 31),
            text="Étape",
        )
        return action, step

    ours, step = action(1, org)
    plan_meeting = Meeting.objects.create(
        organisation=org, plan=plan, kind="operational", date=date(year, 3, 1)
    )
    _theirs, piloted_step = action(2, elsewhere)
    return {
        "plan": plan,
        "plan_action": ours,
        "plan_step": step,
        "plan_blocker": Blocker.objects.create(
            step=step, description="Frein", owner="X", raised_on=step.planned_start
        ),
        "plan_indicator": Indicator.objects.create(action=ours, name="Indicateur"),
        "piloted_step": piloted_step,
        "plan_meeting": plan_meeting,
        "plan_decision": _decision_model().objects.create(
            meeting=plan_meeting, text="Relancer", owner="X", due_date=plan_meeting.date
        ),
    }


def _side(org, author, person, member, funder_org, elsewhere):
    objects = {
        "org": org,
        "person": person,
        "team": TeamFactory(organisation=org),
        "membership": member,
        # A health role one administrator gave, waiting for a second one.
        "pending_grant": Membership.objects.create(
            user=UserFactory(),
            organisation=org,
            role=Role.HEALTH,
            is_active=False,
            invitation_pending=True,
            approval_pending=True,
            granted_by=author,
        ),
        **_activity(org, author, person, funder_org),
        **_pathways(org, author, person),
        **_shared_with(org, author),
        **_plan(org, funder_org, elsewhere),
    }
    objects.update(_reporting(objects["programme"], author))
    return objects


def _links():
    """A new account's activation link and a "mot de passe oublié" link, with valid tokens:
    the pages really open."""
    from accounts import services

    user = UserFactory()
    user.set_unusable_password()
    user.save()
    activation = resolve(services.activation_path(user)).kwargs
    other = UserFactory()
    reset = {
        "uidb64": urlsafe_base64_encode(force_bytes(other.pk)),
        "token": default_token_generator.make_token(other),
    }
    return {
        "activation": SimpleNamespace(**activation),
        "password_reset": SimpleNamespace(**reset),
    }


@pytest.fixture
def walk_world(carrier, other_org, funder_org, users, person, foreign_person):
    stranger = UserFactory()
    foreign_member = Membership.objects.create(
        user=UserFactory(), organisation=other_org, role=Role.SOCIAL_WORKER
    )
    own_member = Membership.objects.get(user=users[Role.SOCIAL_WORKER])
    links = _links()
    own = _side(carrier, users[Role.COORDINATOR], person, own_member, funder_org, other_org)
    foreign = _side(other_org, stranger, foreign_person, foreign_member, None, carrier)
    return {"own": {**own, **links}, "foreign": {**foreign, **links}}


PARENT_ARGUMENTS = {"code", "org_id", "action_pk"}
OBJECT_ARGUMENTS = {"pk", "programme_id", "team_id", "membership_id"}


def url_for(row, side, parent=None, missing=False):
    """The row's URL on the side's object; with `parent`, the parent part of the URL (the
    person's code, the organisation, the plan action) comes from that other side; `missing`
    puts an object that does not exist in place of the last one."""
    kwargs = _kwargs(row, side)
    if parent is not None:
        kwargs.update({k: v for k, v in _kwargs(row, parent).items() if k in PARENT_ARGUMENTS})
    if missing:
        own_keys = [k for k in kwargs if k in OBJECT_ARGUMENTS] or list(kwargs)
        for key in own_keys:
            kwargs[key] = "ZZZ-ZZ9" if key == "code" else 10**9
    url = reverse(row.name, kwargs=kwargs)
    if row.query:
        url += "?" + row.query.format(month=f"{date.today():%Y-%m}")
    return url


def _kwargs(row, side):
    obj = side[row.obj] if row.obj else None
    kwargs = {}
    for key in PATTERNS[row.name].pattern.converters:
        if key == "code":
            person = obj if hasattr(obj, "code") else getattr(obj, "person", None)
            kwargs[key] = (person or side["person"]).code
        elif key in ("pk", "programme_id", "team_id", "membership_id"):
            kwargs[key] = obj.pk
        elif key == "org_id":
            kwargs[key] = getattr(obj, "organisation_id", None) or obj.pk
        elif key == "action_pk":
            kwargs[key] = getattr(obj, "action_id", None) or obj.pk
        elif key == "year":
            kwargs[key] = obj.start_year
        elif key == "fmt":
            kwargs[key] = "csv"
        elif key in ("uidb64", "token"):
            kwargs[key] = getattr(obj, key)
        else:
            raise AssertionError(f"{row.name}: teach url_for the URL argument {key!r}")
    return kwargs


def _ask(client, method, url):
    """One request in a savepoint rolled back afterwards: the world stays as built."""
    with transaction.atomic():
        response = getattr(client, method)(url, {} if method == "post" else None)
        transaction.set_rollback(True)
    return response


def _shows_nothing_foreign(response, foreign):
    """A page we reach names no person of another organisation, nor a file shared with it."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    content = response.content.decode()
    for key in ("person", "shared_person"):
        if foreign[key].code in content:
            return f"names {foreign[key].code}, a person of another organisation"
    return None


def _expect_allowed_get(row, response):
    if response.status_code != row.get_status:
        return f"answers {row.get_status}"
    if row.content_type and not response["Content-Type"].startswith(row.content_type):
        return f"sends {row.content_type}"
    return None


def walk(client, who, world, relogin):
    """Every row for one role (or anonymous): a list of what did not hold."""
    failures = []

    def check(row, where, method, response, expected):
        if expected is not None or response.status_code == 500:
            failures.append(
                f"{who:14} {method.upper():4} {row.key} ({where}): "
                f"{expected or 'no 500'}, got {response.status_code}"
            )

    for row in TABLE:
        own = url_for(row, world["own"])
        mine = [world["own"]]
        get = _ask(client, "get", own)
        if who == ANONYMOUS and not row.public:
            expected = _expect_login(client, row, "get", get, mine)
        elif row.post_only and who in row.post:
            expected = None if get.status_code == 405 else "answers 405"
        elif who in row.get:
            expected = _expect_allowed_get(row, get)
            if who == ANONYMOUS and row.anonymous_status is not None:
                ok = get.status_code == row.anonymous_status
                expected = None if ok else f"answers {row.anonymous_status}"
            expected = expected or _shows_nothing_foreign(get, world["foreign"])
        else:
            expected = _refused(client, row, "get", get, mine)
        check(row, "own", "get", get, expected)

        post = _ask(client, "post", own)
        if who == ANONYMOUS and not row.public:
            expected = _expect_login(client, row, "post", post, mine)
        elif who in row.post:
            expected = None if post.status_code not in (403, 404, 500) else "handled"
        else:
            expected = _refused(client, row, "post", post, mine)
        check(row, "own", "post", post, expected)
        if row.name == "accounts:logout":
            relogin()

        if not row.obj:
            continue
        # Another organisation's object, alone or behind our own person, organisation or
        # plan action in the URL: refused for everyone.
        others = {
            "other organisation": [world["foreign"]],
            "their object under our parent": [world["foreign"], world["own"]],
        }
        for where, sides in others.items():
            url = url_for(row, *sides)
            if url == own:
                continue
            for method in ("get", "post"):
                response = _ask(client, method, url)
                if who == ANONYMOUS and not row.public:
                    expected = _expect_login(client, row, method, response, sides)
                else:
                    expected = _refused(client, row, method, response, sides)
                check(row, where, method, response, expected)
    return failures


def _refused(client, row, method, response, sides):
    """404; or 405 (a method the URL never takes) if a missing object gets 405 too: then
    the answer tells nothing about any object."""
    if response.status_code == 404:
        return None
    if response.status_code != 405:
        return "refused with 404"
    if row.obj and _ask(client, method, url_for(row, *sides, missing=True)).status_code != 405:
        return "refused with 404 (405 here, 404 for a missing object)"
    return None


def _expect_login(client, row, method, response, sides):
    """Sent to the login page (or the same 405 as for any object: see _refused)."""
    login = reverse("accounts:login")
    if response.status_code == 302 and response["Location"].startswith(login):
        return None
    if response.status_code == 405 and _refused(client, row, method, response, sides) is None:
        return None
    return "sent to the login page"


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_walk_every_url_as_every_role(client, users, walk_world, role):
    client.raise_request_exception = False
    verified_client(client, users[role])
    failures = walk(client, role, walk_world, lambda: verified_client(client, users[role]))
    assert not failures, "\n" + "\n".join(failures)


@pytest.mark.django_db
def test_walk_every_url_as_an_anonymous_visitor(client, walk_world):
    client.raise_request_exception = False
    failures = walk(client, ANONYMOUS, walk_world, lambda: None)
    assert not failures, "\n" + "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_second_factor_comes_before_any_page(client, users, role):
    """Every role but the funder's (aggregates only) passes the second factor first."""
    # Issue 13 #1: the steering administrator too.
    client.force_login(users[role])
    response = client.get(reverse("core:home"))
    if role == Role.FUNDER:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"] in (
            reverse("accounts:otp_setup"),
            reverse("accounts:otp_verify"),
        )


@pytest.mark.django_db
def test_team_restriction_hides_other_teams(client, carrier, users, person, team):
    carrier.restrict_by_team = True
    carrier.save()
    membership = Membership.objects.get(user=users[Role.SOCIAL_WORKER])
    verified_client(client, users[Role.SOCIAL_WORKER])
    assert client.get(reverse("people:detail", args=[person.code])).status_code == 404
    person.team = team
    person.save()
    assert client.get(reverse("people:detail", args=[person.code])).status_code == 404
    membership.teams.add(team)
    assert client.get(reverse("people:detail", args=[person.code])).status_code == 200
    listing = client.get(reverse("people:list")).content.decode()
    assert person.code in listing
