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
from tests.factories import TeamFactory

PUBLIC = "public"
LOGGED_IN = "logged_in"

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
}
PERSON_LEVEL = {name for name in REQUIRED if name.startswith("people:")}


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


@pytest.fixture
def world(carrier, users, person, foreign_person):
    team = TeamFactory(organisation=carrier)
    social = Membership.objects.get(user=users[Role.SOCIAL_WORKER])
    return {"own": person, "foreign": foreign_person, "team": team, "membership": social}


def url_for(name, pattern, world, person_key):
    params = pattern.pattern.converters
    kwargs = {}
    for key in params:
        kwargs[key] = {
            "code": world[person_key].code,
            "org_id": world["own"].organisation_id,
            "team_id": world["team"].pk,
            "membership_id": world["membership"].pk,
            "uidb64": "MQ",
            "token": "bad-token",
        }[key]
    return reverse(name, kwargs=kwargs)


def allowed(role, need):
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
            if not allowed(role, need):
                # 405 on GET to a POST-only URL says nothing about any object.
                refused = {404, 405} if method == "get" else {404}
                assert response.status_code in refused, (role, name, method, response.status_code)
        if name in PERSON_LEVEL:
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
