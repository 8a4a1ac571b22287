"""Walk every URL of the project as every role, and as a stranger to the data.

Each URL declares the permission it needs; a role without it gets 404 (never 403), a
person of another organisation is a 404 for everyone, nobody ever gets a 500, and a funder
never reaches a person-level page. A new URL without a declaration fails this test.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Membership
from accounts.roles import ROLE_PERMS, Perm, Role
from conftest import verified_client
from tests.factories import OrganisationFactory, TeamFactory, UserFactory, programme_world

PUBLIC = "public"
LOGGED_IN = "logged_in"
# Follow-up capabilities (pathways.visibility), decided per person rather than per permission.
FOLLOW = {Role.COORDINATOR, Role.SOCIAL_WORKER, Role.HEALTH, Role.OUTREACH}
CLINICAL = {Role.COORDINATOR, Role.SOCIAL_WORKER, Role.HEALTH}
WRITER = {Role.COORDINATOR, Role.SOCIAL_WORKER}
REFERRER = WRITER | {Role.HEALTH, Role.OUTREACH}

# url name -> permission needed (or PUBLIC / LOGGED_IN)
REQUIRED = {
    "core:home": LOGGED_IN,
    "core:privacy": PUBLIC,
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC,
    "accounts:otp_setup": LOGGED_IN,
    "accounts:otp_verify": LOGGED_IN,
    "accounts:activate": PUBLIC,
    "accounts:org_list": Perm.MANAGE_ORG,
    "accounts:org_detail": Perm.MANAGE_ORG,
    "accounts:team_add": Perm.MANAGE_ORG,
    "accounts:team_edit": Perm.MANAGE_ORG,
    "accounts:member_add": Perm.MANAGE_ORG,
    "accounts:member_edit": Perm.MANAGE_ORG,
    "accounts:member_reset": Perm.MANAGE_ORG,
    "people:list": Perm.PERSON_VIEW,
    "people:create": Perm.PERSON_EDIT,
    "people:detail": Perm.PERSON_VIEW,
    "people:edit": Perm.PERSON_EDIT,
    "people:override": Perm.ELIGIBILITY_OVERRIDE,
    "people:override_revoke": Perm.ELIGIBILITY_OVERRIDE,
    "people:identity": Perm.IDENTITY,
    "people:identity_edit": Perm.IDENTITY,
    "audit:journal": Perm.AUDIT_VIEW,
    "activity:programmes": Perm.DASHBOARD,
    "activity:programme_add": Perm.PROGRAMME_MANAGE,
    "activity:programme": Perm.DASHBOARD,
    "activity:programme_edit": Perm.PROGRAMME_MANAGE,
    "activity:enrolments": Perm.PROGRAMME_MANAGE,
    "activity:enrol": Perm.PROGRAMME_MANAGE,
    "activity:enrolment_end": Perm.PROGRAMME_MANAGE,
    "activity:partners": Perm.PROGRAMME_MANAGE,
    "activity:partner_add": Perm.PROGRAMME_MANAGE,
    "activity:partner": Perm.PROGRAMME_MANAGE,
    "activity:partner_edit": Perm.PROGRAMME_MANAGE,
    "activity:worksites": Perm.PROGRAMME_MANAGE,
    "activity:worksite_add": Perm.PROGRAMME_MANAGE,
    "activity:worksite_edit": Perm.PROGRAMME_MANAGE,
    "activity:domain_add": Perm.PROGRAMME_MANAGE,
    "activity:sessions": Perm.SESSION_MANAGE,
    "activity:today": Perm.SESSION_MANAGE,
    "activity:session_add": Perm.SESSION_MANAGE,
    "activity:session": Perm.SESSION_MANAGE,
    "activity:session_invite": Perm.SESSION_MANAGE,
    "activity:session_cancel": Perm.SESSION_MANAGE,
    "activity:attendance": Perm.SESSION_MANAGE,
    "activity:payment": Perm.PAYMENT_RECORD,
    "activity:payment_reverse": Perm.PAYMENT_RECORD,
    "activity:contracts": Perm.CONTRACT_MANAGE,
    "activity:contract_add": Perm.CONTRACT_MANAGE,
    "activity:contract_pdf": Perm.CONTRACT_MANAGE,
    "activity:contract_sign": Perm.CONTRACT_MANAGE,
    "activity:contract_cancel": Perm.CONTRACT_MANAGE,
    "activity:payroll_export": Perm.PAYROLL_EXPORT,
    "activity:awareness": Perm.PROGRAMME_MANAGE,
    "activity:awareness_add": Perm.PROGRAMME_MANAGE,
    "activity:awareness_edit": Perm.PROGRAMME_MANAGE,
    "activity:alternative_add": Perm.PROGRAMME_MANAGE,
    "activity:alternative_kind_add": Perm.PROGRAMME_MANAGE,
    "pathways:timeline": FOLLOW,
    "pathways:note_add": FOLLOW,
    "pathways:note_edit": FOLLOW,
    "pathways:assessment_add": CLINICAL,
    "pathways:goals": (FOLLOW, WRITER),  # (GET, POST)
    "pathways:goal_edit": (FOLLOW, WRITER),
    "pathways:goal_step": WRITER,
    "pathways:referral_add": REFERRER,
    "pathways:referral_edit": REFERRER,
    "pathways:exit": WRITER,
    "pathways:shares": WRITER,
    "pathways:share_revoke": WRITER,
    "pathways:complex": CLINICAL,
    "pathways:alerts": CLINICAL,
    "pathways:services": WRITER,
    "pathways:exit_reason_add": WRITER,
    "reporting:list": {Role.COORDINATOR, Role.FUNDER},
    "reporting:calendar": {Role.COORDINATOR},
    "reporting:dashboard": {Role.COORDINATOR, Role.FUNDER},
    "reporting:meeting": {Role.COORDINATOR},
    "reporting:action_add": {Role.COORDINATOR},
    "reporting:generate": {Role.COORDINATOR},
    "reporting:action_status": {Role.COORDINATOR},
    "reporting:report": {Role.COORDINATOR, Role.FUNDER},
    "reporting:download": {Role.COORDINATOR, Role.FUNDER},
    # The plan holds no personal data: its steering group reads it (tested in plan/tests);
    # here no role of the carrier is in a steering group, so only its admin reaches it.
    "plan:list": {Role.STEERING_ADMIN},
    "plan:dashboard": {Role.STEERING_ADMIN},
    "plan:tracking": {Role.STEERING_ADMIN},
    "plan:evaluation": {Role.STEERING_ADMIN},
    "plan:funding": {Role.STEERING_ADMIN},
    "plan:copy": {Role.STEERING_ADMIN},
    "plan:meeting_add": {Role.STEERING_ADMIN},
    "plan:plan_edit": {Role.STEERING_ADMIN},
    "plan:funding_add": {Role.STEERING_ADMIN},
    "plan:action_edit": {Role.STEERING_ADMIN},
    "plan:step_add": {Role.STEERING_ADMIN},
    "plan:indicator_add": {Role.STEERING_ADMIN},
    "plan:indicator_edit": {Role.STEERING_ADMIN},
    "plan:action": {Role.STEERING_ADMIN},
    "plan:step_status": {Role.STEERING_ADMIN},
    "plan:blocker_add": {Role.STEERING_ADMIN},
    "plan:blocker_resolve": {Role.STEERING_ADMIN},
    "plan:value_add": {Role.STEERING_ADMIN},
}
# Which object a URL's <pk> designates.
PK_OBJECT = {
    "activity:programme": "programme",
    "activity:programme_edit": "programme",
    "activity:enrolments": "programme",
    "activity:enrol": "programme",
    "activity:enrolment_end": "enrolment",
    "activity:partner": "partner",
    "activity:partner_edit": "partner",
    "activity:worksite_edit": "worksite",
    "activity:session": "session",
    "activity:session_invite": "session",
    "activity:session_cancel": "session",
    "activity:attendance": "participation",
    "activity:payment": "participation",
    "activity:payment_reverse": "payment",
    "activity:contract_pdf": "contract",
    "activity:contract_sign": "contract",
    "activity:contract_cancel": "contract",
    "activity:awareness_edit": "awareness",
    "pathways:note_edit": "note",
    "pathways:goal_edit": "goal",
    "pathways:goal_step": "goal",
    "pathways:referral_edit": "referral",
    "pathways:share_revoke": "share",
    "reporting:meeting": "meeting",
    "reporting:action_add": "meeting",
    "reporting:generate": "meeting",
    "reporting:action_status": "action",
    "reporting:report": "report",
    "reporting:download": "report",
    "plan:dashboard": "plan",
    "plan:tracking": "plan",
    "plan:evaluation": "plan",
    "plan:funding": "plan",
    "plan:meeting_add": "plan",
    "plan:plan_edit": "plan",
    "plan:funding_add": "plan",
    "plan:action_edit": "plan_action",
    "plan:indicator_edit": "plan_indicator",
    "plan:copy": "plan",
    "plan:action": "plan_action",
    "plan:step_status": "plan_step",
    "plan:blocker_add": "plan_step",
    "plan:blocker_resolve": "plan_blocker",
    "plan:value_add": "plan_indicator",
}
PATHWAY_LISTS = {"pathways:alerts", "pathways:services", "pathways:exit_reason_add"}
PERSON_LEVEL = {
    name
    for name in REQUIRED
    if name.startswith("people:") or (name.startswith("pathways:") and name not in PATHWAY_LISTS)
}
ACTIVITY_LEVEL = {
    name for name in REQUIRED if name.startswith("activity:") or name.startswith("reporting:")
}


def all_url_names(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_url_names(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def test_every_url_declares_its_access():
    names = {name for name, _ in all_url_names()}
    assert names == set(REQUIRED), f"declare access for: {names ^ set(REQUIRED)}"


def _activity_objects(org, users, person):
    from datetime import timedelta
    from uuid import uuid4

    from django.utils import timezone

    from activity.models import AwarenessSession, Payment

    objects = programme_world(org, users, person)
    participation = objects["participation"]
    participation.status, participation.hours, participation.pay_due = "present", 3, 30
    participation.save()
    objects["payment"] = Payment.objects.create(
        participation=participation,
        amount=30,
        method="cash",
        paid_at=timezone.now() - timedelta(minutes=1),
        idempotency_key=uuid4(),
        recorded_by=users["supervisor"],
    )
    objects.update(_pathway_objects(org, users, person))
    objects.update(_reporting_objects(objects["programme"], users))
    objects["awareness"] = AwarenessSession.objects.create(
        programme=objects["programme"],
        date=objects["programme"].start_date,
        theme="Thème",
        facilitator="Anim",
        created_by=users["coordinator"],
    )
    return objects


def _plan_objects():
    from plan.loader import load
    from plan.models import Blocker, Step

    plan, _ = load()
    step = Step.objects.filter(action__objective__axis__plan=plan).first()
    blocker = Blocker.objects.create(
        step=step, description="Frein", owner="X", raised_on=step.planned_start
    )
    return {
        "plan": plan,
        "plan_action": step.action,
        "plan_step": step,
        "plan_blocker": blocker,
        "plan_indicator": step.action.indicators.first(),
    }


def _reporting_objects(programme, users):
    from reporting.models import ActionItem, Meeting, Report

    meeting = Meeting.objects.create(
        organisation=programme.organisation,
        programme=programme,
        kind="cosui",
        date=programme.start_date,
    )
    action = ActionItem.objects.create(
        meeting=meeting, text="Relancer", owner="X", due_date=programme.start_date
    )
    pay = {
        "key": "pay",
        "title": "T",
        "columns": ["M", "H", "P"],
        "rows": [["01/2026", 1.0, 10.0]],
        "kind": "amounts",
        "shares": [],
    }
    report = Report.objects.create(
        meeting=meeting,
        generated_by=users["coordinator"],
        period_start=programme.start_date,
        period_end=programme.start_date,
        data={"programme": "P", "period": [], "tables": [pay], "free_text": "", "leads": ""},
    )
    return {"meeting": meeting, "action": action, "report": report}


def _pathway_objects(org, users, person):
    from pathways.models import Goal, Note, Referral, Service
    from people.models import Share

    author = users["coordinator"]
    note = Note(
        person=person, organisation=org, level="team", date=person.created_at.date(), author=author
    )
    note.seal({"text": "Note d'équipe"})
    note.save()
    service = Service.objects.create(
        organisation=org, name=f"Mission locale {org.pk}", kind="youth"
    )
    partner = OrganisationFactory()
    person.consent_share_partners = True
    person.save()
    return {
        "note": note,
        "goal": Goal.objects.create(person=person, area="work", title="Emploi", author=author),
        "referral": Referral.objects.create(
            person=person, service=service, date=person.created_at.date(), author=author
        ),
        "share": Share.objects.create(person=person, organisation=partner, granted_by=author),
    }


@pytest.fixture
def world(carrier, other_org, users, person, foreign_person):
    team = TeamFactory(organisation=carrier)
    social = Membership.objects.get(user=users[Role.SOCIAL_WORKER])
    stranger_users = {role: UserFactory() for role in ("coordinator", "supervisor", "payroll")}
    return {
        "own": {"person": person, **_activity_objects(carrier, users, person)},
        "foreign": {
            "person": foreign_person,
            **_activity_objects(other_org, stranger_users, foreign_person),
        },
        "team": team,
        "membership": social,
        "plan": _plan_objects(),
    }


def url_for(name, pattern, world, side):
    objects = world[side]
    kwargs = {}
    for key in pattern.pattern.converters:
        kwargs[key] = {
            "code": lambda: objects["person"].code,
            "pk": lambda: (
                (world["plan"] if name.startswith("plan:") else objects)[PK_OBJECT[name]].pk
            ),
            "programme_id": lambda: objects["programme"].pk,
            "fmt": lambda: "pdf",
            "year": lambda: world["plan"]["plan"].start_year,
            "action_pk": lambda: world["plan"]["plan_action"].pk,
            "org_id": lambda: world["own"]["person"].organisation_id,
            "team_id": lambda: world["team"].pk,
            "membership_id": lambda: world["membership"].pk,
            "uidb64": lambda: "MQ",
            "token": lambda: "bad-token",
        }[key]()
    return reverse(name, kwargs=kwargs)


def allowed(role, need, method="get"):
    if isinstance(need, tuple):
        need = need[0] if method == "get" else need[1]
    if isinstance(need, set):
        return role in need
    if need in (PUBLIC, LOGGED_IN):
        return True
    return need in ROLE_PERMS[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_walk_every_url_as_every_role(client, users, world, role):
    verified_client(client, users[role])
    for name, pattern in all_url_names():
        need = REQUIRED[name]
        if name == "accounts:logout":
            continue  # walking it would end the session
        url = url_for(name, pattern, world, "own")
        for method in ("get", "post"):
            response = getattr(client, method)(url, {})
            assert response.status_code != 500, (role, name, method)
            if not allowed(role, need, method):
                # 405 on GET to a POST-only URL says nothing about any object.
                refused = {404, 405} if method == "get" else {404}
                assert response.status_code in refused, (role, name, method, response.status_code)
        if name in PERSON_LEVEL | ACTIVITY_LEVEL:
            foreign = url_for(name, pattern, world, "foreign")
            if foreign != url:
                for method in ("get", "post"):
                    status = getattr(client, method)(foreign, {}).status_code
                    refused = {404, 405} if method == "get" else {404}
                    assert status in refused, (role, name, "foreign", method, status)
        if role == Role.FUNDER and name in PERSON_LEVEL:
            assert client.get(url).status_code in {404, 405}
            assert client.post(url, {}).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client, world):
    for name, pattern in all_url_names():
        if REQUIRED[name] == PUBLIC:
            continue
        response = client.get(url_for(name, pattern, world, "own"))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login")), name


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
