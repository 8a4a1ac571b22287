"""Every detail view applies the rule of the timeline that lists the entry
(Model.objects.visible_entries): each role, own and partner, walks each object's page and
gets 404 where its timeline hides the object, 200 where the timeline shows it and the page
is one the role uses. Posting to a hidden object changes nothing."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from accounts.roles import Role
from conftest import verified_client
from pathways.models import Assessment, CaseMeeting, Goal, GoalStep, Note, Referral, Service
from pathways.visibility import HEALTH_SERVICE_KINDS, Level
from people.models import Share
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

OWN = ["coordinator", "social_worker", "health", "outreach", "supervisor", "payroll"]
OWN += ["org_admin", "funder"]
PARTNER = ["partner_social_worker", "partner_health", "partner_outreach", "partner_payroll"]
FOLLOWERS = {"coordinator", "social_worker", "health", "outreach"}
PARTNER_FOLLOWERS = {"partner_social_worker", "partner_health", "partner_outreach"}
CLINICAL = {"coordinator", "social_worker", "health"}
HEALTH_READERS = CLINICAL | {"partner_health"}

# What each timeline shows (declared, then checked against the real timeline).
SHOWN = {
    "team_note": FOLLOWERS | PARTNER_FOLLOWERS,
    "social_note": {"coordinator", "social_worker"},
    "health_note": {"health", "partner_health"},
    "care_referral": HEALTH_READERS,
    "work_referral": FOLLOWERS | PARTNER_FOLLOWERS,
    "health_goal": HEALTH_READERS,
    "work_goal": FOLLOWERS | PARTNER_FOLLOWERS,
    "assessment": CLINICAL,
    "case_meeting": CLINICAL,
}
# Who uses each detail page at all (own staff record referrals; partners only read).
USES_PAGE = {
    "note": FOLLOWERS | PARTNER_FOLLOWERS,
    "referral": FOLLOWERS,
    "goal": FOLLOWERS | PARTNER_FOLLOWERS,
    "assessment": CLINICAL,
    "case_meeting": CLINICAL,
}


@pytest.fixture
def file(carrier, users, person):
    author = users["social_worker"]
    person.consent_share_partners = person.consent_share_health = True
    person.save()
    partner = OrganisationFactory(name="CSAPA partenaire")
    viewers = {role: users[role] for role in OWN}
    for role in ("social_worker", "health", "outreach", "payroll"):
        user = UserFactory()
        Membership.objects.create(user=user, organisation=partner, role=role)
        viewers[f"partner_{role}"] = user
    Share.objects.create(person=person, organisation=partner, granted_by=author, health=True)

    def note(level):
        n = Note(person=person, organisation=carrier, level=level, date=date.today())
        n.author = author
        n.seal({"text": f"texte {level}"})
        n.save()
        return n

    care = Service.objects.create(organisation=carrier, name="CSAPA des Soins", kind="csapa")
    work = Service.objects.create(organisation=carrier, name="France Travail", kind="employment")
    meeting = CaseMeeting(person=person, date=date.today(), author=author)
    meeting.seal({"participants": "Équipe", "decisions": "Relais psychiatrie"})
    meeting.save()
    objects = {
        "team_note": note(Level.TEAM),
        "social_note": note(Level.SOCIAL),
        "health_note": note(Level.HEALTH),
        "care_referral": Referral.objects.create(
            person=person, service=care, date=date.today(), author=author
        ),
        "work_referral": Referral.objects.create(
            person=person, service=work, date=date.today(), author=author
        ),
        "health_goal": Goal.objects.create(
            person=person, area="health", title="Soins dentaires", author=author
        ),
        "work_goal": Goal.objects.create(
            person=person, area="work", title="Emploi en SIAE", author=author
        ),
        "assessment": Assessment.objects.create(
            person=person,
            kind="intake",
            date=date.today(),
            crack_days_last7=3,
            trend="less",
            sleep=2,
            meals_per_day=2,
            self_rated_health=3,
            social_ties=2,
            housing="assore",
            author=author,
        ),
        "case_meeting": meeting,
    }
    return person, viewers, objects


def shown_in_timeline(client, person, objects) -> set[str]:
    response = client.get(reverse("pathways:timeline", args=[person.code]))
    if response.status_code == 404:
        return set()
    entries = response.context["entries"]
    titles = {e.title for e in entries}
    urls = {e.url for e in entries}
    kinds = {e.kind for e in entries}
    shown = set()
    for name, obj in objects.items():
        if name.endswith("_note"):
            visible = reverse("pathways:note_edit", args=[person.code, obj.pk]) in urls
        elif name.endswith("_referral"):
            visible = f"Orientation — {obj.service.name}" in titles
        elif name.endswith("_goal"):
            visible = f"Objectif : {obj.title}" in titles
        elif name == "assessment":
            visible = "assessment" in kinds
        else:
            visible = "case" in kinds
        if visible:
            shown.add(name)
    return shown


def detail_url(person, name, obj):
    code = person.code
    if name.endswith("_note"):
        return "note", reverse("pathways:note_edit", args=[code, obj.pk])
    if name.endswith("_referral"):
        return "referral", reverse("pathways:referral_edit", args=[code, obj.pk])
    if name.endswith("_goal"):
        return "goal", reverse("pathways:goal_edit", args=[code, obj.pk])
    if name == "assessment":  # the schedule page lists the assessments done
        return "assessment", reverse("pathways:assessment_add", args=[code])
    return "case_meeting", reverse("pathways:complex", args=[code])


@pytest.mark.parametrize("role", OWN + PARTNER)
def test_detail_pages_follow_the_timeline(file, role):
    person, viewers, objects = file
    client = verified_client(Client(), viewers[role])
    shown = shown_in_timeline(client, person, objects)
    assert shown == {name for name, who in SHOWN.items() if role in who}
    for name, obj in objects.items():
        page, url = detail_url(person, name, obj)
        expected = 200 if name in shown and role in USES_PAGE[page] else 404
        assert client.get(url).status_code == expected, (role, name)
        if name not in shown:
            assert client.get(url).status_code == 404, (role, name)


@pytest.mark.parametrize("role", ["outreach", "social_worker"])
def test_outreach_cannot_open_or_answer_a_referral_to_care(file, role):
    """Issue 13 #4: the outreach worker's timeline hides a referral to a CSAPA; its page is
    a 404 and an outcome posted to it changes nothing. The social worker (twin) records it."""
    person, viewers, objects = file
    referral = objects["care_referral"]
    client = verified_client(Client(), viewers[role])
    url = reverse("pathways:referral_edit", args=[person.code, referral.pk])
    posted = client.post(
        url,
        {"service": referral.service_id, "date": referral.date.isoformat(), "outcome": "accepted"},
    )
    referral.refresh_from_db()
    if role == "outreach":
        assert client.get(url).status_code == 404 and posted.status_code == 404
        assert referral.outcome == "pending"
        # The work referral is theirs to follow (allowed twin).
        work = objects["work_referral"]
        work_url = reverse("pathways:referral_edit", args=[person.code, work.pk])
        assert client.get(work_url).status_code == 200
    else:
        assert posted.status_code == 302 and referral.outcome == "accepted"


def test_hidden_goal_takes_no_step_and_no_edit(file):
    person, viewers, objects = file
    goal = objects["health_goal"]
    outreach = verified_client(Client(), viewers["outreach"])
    step = {"date": date.today().isoformat(), "text": "Rendez-vous pris"}
    step_url = reverse("pathways:goal_step", args=[person.code, goal.pk])
    assert outreach.post(step_url, step).status_code == 404
    edit = {"area": "work", "title": "Renommé", "status": "done", "version": goal.version}
    edit_url = reverse("pathways:goal_edit", args=[person.code, goal.pk])
    assert outreach.post(edit_url, edit).status_code == 404
    goal.refresh_from_db()
    assert goal.title == "Soins dentaires" and not GoalStep.objects.exists()
    writer = verified_client(Client(), viewers["social_worker"])  # allowed twin
    assert writer.post(step_url, step).status_code == 302 and GoalStep.objects.count() == 1


@pytest.mark.parametrize("role", ["partner_social_worker", "outreach", "health", "coordinator"])
def test_shares_are_managed_by_the_files_writers_only(file, role):
    person, viewers, _objects = file
    share = Share.objects.get()
    client = verified_client(Client(), viewers[role])
    page = client.get(reverse("pathways:shares", args=[person.code]))
    revoke = client.post(reverse("pathways:share_revoke", args=[person.code, share.pk]))
    share.refresh_from_db()
    if role == "coordinator":
        assert page.status_code == 200 and revoke.status_code == 302
        assert share.revoked_at is not None
    else:
        assert page.status_code == 404 and revoke.status_code == 404
        assert share.revoked_at is None


def test_levels_and_health_services_are_the_rules_values():
    from accounts import roles

    assert Level.values == [roles.LEVEL_TEAM, roles.LEVEL_SOCIAL, roles.LEVEL_HEALTH]
    assert set(HEALTH_SERVICE_KINDS) <= set(Service.Kind.values)
    assert set(roles.FOLLOW_LEVELS[Role.HEALTH]) == {Level.TEAM, Level.HEALTH}
