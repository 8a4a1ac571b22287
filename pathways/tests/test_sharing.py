"""Sharing a file with a partner: consent withdrawn revokes every open share at once
(journaled), consent given again grants nothing by itself, a revoked share is shown as
revoked, and a partner that restricts files by team receives a share in the team it names."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from accounts.roles import Role
from audit.models import Action, AuditEvent
from conftest import verified_client
from pathways.models import Note
from people.models import Person, Share
from tests.factories import OrganisationFactory, PersonFactory, TeamFactory, UserFactory

# A note is dated between the day the person was known (created today) and today.
TODAY = date.today().isoformat()

pytestmark = pytest.mark.django_db
SECRET = "Sevrage-QWERTZ-confidentiel"


def as_user(user):
    """A browser of its own for that user (the `login` fixture's client stays separate)."""
    return verified_client(Client(), user)


def staff_of(org, *roles, teams=()):
    members = {}
    for role in roles:
        user = UserFactory()
        membership = Membership.objects.create(user=user, organisation=org, role=role)
        membership.teams.set(teams)
        members[role] = user
    return members


def edit_form(person, **changes):
    """The person's edit form as the page would post it (current values, current version)."""
    data = {
        "team": person.team_id or "",
        "nickname": person.nickname,
        "birth_year": person.birth_year,
        "birth_month": person.birth_month,
        "gender": person.gender,
        "right_to_work": person.right_to_work,
        "assore_housed": "on" if person.assore_housed else "",
        "consent_date": person.consent_date.isoformat(),
        "consent_share_partners": "on" if person.consent_share_partners else "",
        "consent_share_health": "on" if person.consent_share_health else "",
        "status": person.status,
        "version": Person.objects.get(pk=person.pk).version,
    }
    for key, value in changes.items():
        data[key] = "on" if value is True else "" if value is False else value
    return {k: v for k, v in data.items() if v not in ("", None)}


def set_consent(login, person, **changes):
    response = login("social_worker").post(
        reverse("people:edit", args=[person.code]), edit_form(person, **changes)
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    person.refresh_from_db()


@pytest.fixture
def partner(db):
    org = OrganisationFactory(name="CSAPA partenaire")
    return org, staff_of(org, Role.SOCIAL_WORKER, Role.HEALTH)


@pytest.fixture
def health_note(login, person):
    login("health").post(
        reverse("pathways:note_add", args=[person.code]),
        {"date": TODAY, "level": "health", "text": SECRET},
    )
    return Note.objects.get(level="health")


def share_with(login, person, org, team=None):
    data = {"organisation": org.pk, **({"team": team.pk} if team else {})}
    return login("social_worker").post(reverse("pathways:shares", args=[person.code]), data)


def test_consent_withdrawn_revokes_every_share_and_given_again_grants_nothing(
    login, client, person, health_note, partner
):
    org, staff = partner
    second = OrganisationFactory(name="CAARUD partenaire")
    set_consent(login, person, consent_share_partners=True, consent_share_health=True)
    share_with(login, person, org)
    share_with(login, person, second)
    assert Share.objects.active().count() == 2
    note_page = reverse("pathways:note_edit", args=[person.code, health_note.pk])
    partner_health = as_user(staff[Role.HEALTH])
    assert SECRET in partner_health.get(note_page).content.decode()  # allowed twin

    set_consent(login, person, consent_share_partners=False)
    assert Share.objects.open().count() == 0
    assert Share.objects.filter(revoked_at__isnull=False).count() == 2
    journaled = AuditEvent.objects.filter(action=Action.UPDATE, object_type="people.share")
    assert {e.details.get("reason") for e in journaled} == {"consent_withdrawn"}
    assert journaled.count() == 2
    assert partner_health.get(note_page).status_code == 404
    timeline = reverse("pathways:timeline", args=[person.code])
    assert partner_health.get(timeline).status_code == 404

    # Consent given again: the old shares stay revoked, the partner still reads nothing.
    set_consent(login, person, consent_share_partners=True, consent_share_health=True)
    assert not Share.objects.active().exists()
    assert partner_health.get(note_page).status_code == 404
    shares_page = login("social_worker").get(reverse("pathways:shares", args=[person.code]))
    html = shares_page.content.decode()
    assert html.count("Retiré le") == 2 and "Actif" not in html

    # Until a new share is made.
    assert share_with(login, person, org).status_code == 302
    assert SECRET in partner_health.get(note_page).content.decode()


def test_health_consent_withdrawn_stops_health_entries_and_given_again_does_not_revive(
    login, client, person, health_note, partner
):
    org, staff = partner
    set_consent(login, person, consent_share_partners=True, consent_share_health=True)
    share_with(login, person, org)
    note_page = reverse("pathways:note_edit", args=[person.code, health_note.pk])
    timeline = reverse("pathways:timeline", args=[person.code])
    partner_health = as_user(staff[Role.HEALTH])
    assert partner_health.get(note_page).status_code == 200

    set_consent(login, person, consent_share_health=False)
    assert partner_health.get(note_page).status_code == 404
    assert partner_health.get(timeline).status_code == 200  # team entries still shared
    assert AuditEvent.objects.filter(
        object_type="people.share", details__reason="health_consent_withdrawn"
    ).exists()
    set_consent(login, person, consent_share_health=True)
    assert partner_health.get(note_page).status_code == 404
    assert SECRET not in partner_health.get(timeline).content.decode()


def test_share_is_journaled_with_identifiers_not_names(login, person, partner):
    org, _staff = partner
    person.consent_share_partners = True
    person.save()
    share_with(login, person, org)
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="people.share")
    assert event.details["partner"] == org.pk and org.name not in str(event.details)


@pytest.fixture
def restricted_partner(db):
    org = OrganisationFactory(name="CAARUD cloisonné", restrict_by_team=True)
    day, night = TeamFactory(organisation=org, name="Jour"), TeamFactory(organisation=org)
    return {
        "org": org,
        "day": day,
        "night": night,
        "day_staff": staff_of(org, Role.SOCIAL_WORKER, Role.OUTREACH, teams=[day]),
        "night_staff": staff_of(org, Role.SOCIAL_WORKER, teams=[night]),
        "no_team": staff_of(org, Role.SOCIAL_WORKER),
    }


def test_share_to_a_restricted_partner_reaches_only_the_named_team(
    login, client, person, restricted_partner
):
    r = restricted_partner
    person.consent_share_partners = True
    person.save()
    refused = share_with(login, person, r["org"])
    assert "choisissez l&#x27;équipe qui recevra le partage" in refused.content.decode()
    other_team = TeamFactory(name="Ailleurs")
    wrong = share_with(login, person, r["org"], other_team)
    assert "n&#x27;appartient pas à la structure choisie" in wrong.content.decode()
    assert not Share.objects.exists()

    assert share_with(login, person, r["org"], r["day"]).status_code == 302
    timeline = reverse("pathways:timeline", args=[person.code])
    for user in r["day_staff"].values():  # allowed: the named team
        assert person in Person.objects.visible_to(user)
        assert as_user(user).get(timeline).status_code == 200
    for user in [*r["night_staff"].values(), *r["no_team"].values()]:
        assert person not in Person.objects.visible_to(user)
        assert as_user(user).get(timeline).status_code == 404
        detail = as_user(user).get(reverse("people:detail", args=[person.code]))
        assert detail.status_code == 404


def test_share_to_an_unrestricted_partner_reaches_its_followers(login, client, person, partner):
    org, staff = partner
    payroll = staff_of(org, Role.PAYROLL)[Role.PAYROLL]
    person.consent_share_partners = True
    person.save()
    share_with(login, person, org)
    for user in staff.values():
        assert person in Person.objects.visible_to(user)
    assert person not in Person.objects.visible_to(payroll)


def test_list_and_file_agree_for_every_member(login, client, person, restricted_partner, partner):
    """Person.objects.visible_to (the list) and the file answer the same for everyone."""
    r = restricted_partner
    org, staff = partner
    person.consent_share_partners = True
    person.save()
    share_with(login, person, r["org"], r["night"])
    share_with(login, person, org)
    own_team = TeamFactory(organisation=person.organisation)
    other = PersonFactory(organisation=person.organisation, team=own_team, created_by=UserFactory())
    users = [*staff.values(), *r["day_staff"].values(), *r["night_staff"].values()]
    users += [*r["no_team"].values(), *(m.user for m in person.organisation.memberships.all())]
    for user in users:
        for someone in (person, other):
            listed = Person.objects.visible_to(user).filter(pk=someone.pk).exists()
            page = as_user(user).get(reverse("people:detail", args=[someone.code]))
            assert page.status_code == (200 if listed else 404), (user, someone)
