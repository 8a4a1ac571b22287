"""Issue 13 #1: an organisation's administrator cannot grant the plan administrator role,
and every role that writes, the plan administrator included, passes the second factor."""

from html import unescape

import pytest
from django.urls import reverse

from accounts.models import Membership
from accounts.roles import SECOND_FACTOR_ROLES, Role
from conftest import verified_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Mot-de-passe-test-1"


def test_plan_administrator_is_not_offered_to_an_organisation_administrator(login, carrier):
    page = login(Role.ORG_ADMIN).get(reverse("accounts:member_add", args=[carrier.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="steering_admin"' not in html
    assert 'value="coordinator"' in html  # the allowed twin: ordinary roles are offered


def test_plan_administrator_is_refused_when_posted(login, carrier, mailoutbox):
    response = login(Role.ORG_ADMIN).post(
        reverse("accounts:member_add", args=[carrier.pk]),
        {"email": "pilote@test.sentier", "full_name": "P", "role": Role.STEERING_ADMIN},
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Membership.objects.filter(user__email="pilote@test.sentier").exists()
    assert mailoutbox == []


def test_plan_administrator_is_refused_in_a_funder_organisation_too(login, users, funder_org):
    Membership.objects.create(
        user=users[Role.ORG_ADMIN], organisation=funder_org, role=Role.ORG_ADMIN
    )
    client = login(Role.ORG_ADMIN)
    page = client.get(reverse("accounts:member_add", args=[funder_org.pk])).content.decode()
    assert 'value="steering_admin"' not in page and 'value="funder"' in page
    client.post(
        reverse("accounts:member_add", args=[funder_org.pk]),
        {"email": "pilote@test.sentier", "full_name": "P", "role": Role.STEERING_ADMIN},
    )
    assert not Membership.objects.filter(user__email="pilote@test.sentier").exists()


def test_existing_member_cannot_be_promoted_to_plan_administrator(login, users, carrier):
    membership = Membership.objects.get(user=users[Role.SOCIAL_WORKER])
    response = login(Role.ORG_ADMIN).post(
        reverse("accounts:member_edit", args=[carrier.pk, membership.pk]),
        {"role": Role.STEERING_ADMIN, "is_active": "on"},
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.role == Role.SOCIAL_WORKER


def test_plan_role_granted_by_the_plan_can_be_kept_or_withdrawn_not_regranted(login, carrier):
    """A steering_admin membership (granted on the plan's page) stays editable: the admin may
    keep it, deactivate it, or change it to another role, but never bring it back."""
    pilot = UserFactory(email="pilote@test.sentier")
    membership = Membership.objects.create(
        user=pilot, organisation=carrier, role=Role.STEERING_ADMIN
    )
    client = login(Role.ORG_ADMIN)
    url = reverse("accounts:member_edit", args=[carrier.pk, membership.pk])
    kept = client.post(url, {"role": Role.STEERING_ADMIN, "is_active": "on"})
    assert kept.status_code == 302
    client.post(url, {"role": Role.STEERING_ADMIN})  # deactivate: allowed
    membership.refresh_from_db()
    assert not membership.is_active
    refused = client.post(url, {"role": Role.STEERING_ADMIN, "is_active": "on"})
    assert "attribué par l'administration du plan" in unescape(refused.content.decode())
    membership.refresh_from_db()
    assert not membership.is_active
    client.post(url, {"role": Role.COORDINATOR, "is_active": "on"})  # another role: allowed
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR and membership.is_active
    refused = client.post(url, {"role": Role.STEERING_ADMIN, "is_active": "on"})
    assert "Sélectionnez un choix valide" in refused.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR


def test_every_role_but_the_funder_needs_the_second_factor():
    assert set(Role.values) - {Role.FUNDER} == SECOND_FACTOR_ROLES


def test_plan_administrator_must_pass_the_second_factor(client, users):
    client.post(
        reverse("accounts:login"),
        {"username": users[Role.STEERING_ADMIN].email, "password": PASSWORD},
    )
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_setup")
    # Past the second factor, the plan administrator reaches the plans.
    verified_client(client, users[Role.STEERING_ADMIN])
    assert client.get(reverse("core:home")).status_code == 200


def test_funder_signs_in_without_second_factor(client, users):
    client.post(
        reverse("accounts:login"), {"username": users[Role.FUNDER].email, "password": PASSWORD}
    )
    assert client.get(reverse("core:home")).status_code == 200
