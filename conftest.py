"""Shared test fixtures: organisations, one user per role, clients past the second factor."""

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, OrganisationKind
from accounts.roles import Role
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
    programme_world,
)

# Empties the append-only journal before Django's flush on SQLite (see the module).
pytest_plugins = ["audit.tests.journal_flush"]


def pytest_collection_modifyitems(items):
    """The site-wide crawls run first, so that under xdist the other tests fill in around them
    instead of one worker finishing a minute-long crawl alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("crawl") is None)


def verified_client(client, user):
    """Log the user in as if they had passed TOTP."""
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def carrier(db):
    return OrganisationFactory(name="Porteur Test", kind=OrganisationKind.CARRIER)


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Autre CSAPA", kind=OrganisationKind.CSAPA)


@pytest.fixture
def funder_org(db):
    return OrganisationFactory(name="Financeur Test", kind=OrganisationKind.FUNDER)


@pytest.fixture
def team(carrier):
    return TeamFactory(organisation=carrier, name="Chantiers")


@pytest.fixture
def users(carrier, funder_org):
    """One account per role; the funder in the funder's organisation, all others in carrier."""
    result = {}
    for role in Role:
        org = funder_org if role == Role.FUNDER else carrier
        user = UserFactory(email=f"{role.value}@test.sentier")
        Membership.objects.create(user=user, organisation=org, role=role)
        result[role.value] = user
    return result


@pytest.fixture
def login(client, users):
    def _login(role):
        return verified_client(client, users[role])

    return _login


@pytest.fixture
def person(carrier, users):
    return PersonFactory(organisation=carrier, created_by=users[Role.SOCIAL_WORKER])


@pytest.fixture
def world(carrier, users, person):
    """A programme with an enrolled person, a session today and a signed contract."""
    return programme_world(carrier, users, person)


@pytest.fixture
def foreign_person(other_org):
    return PersonFactory(organisation=other_org, created_by=UserFactory())
