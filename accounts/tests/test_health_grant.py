"""Giving the health role takes two administrators: one administrator alone cannot create (or
turn an account into) a health professional who reads health notes — not even for an address
they control. The non-health twin goes out at once."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from accounts.roles import Role
from conftest import verified_client
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_admin(carrier):
    user = UserFactory(email="admin2@test.sentier")
    Membership.objects.create(user=user, organisation=carrier, role=Role.ORG_ADMIN)
    return verified_client(Client(), user)


def _add(client, org, email, role):
    return client.post(
        reverse("accounts:member_add", args=[org.pk]),
        {"email": email, "full_name": "Nom tapé", "role": role},
        follow=True,
    )


def _approve(client, membership):
    url = reverse("accounts:member_grant_approve", args=[membership.organisation_id, membership.pk])
    return client.post(url, follow=True)


def test_health_role_waits_for_a_second_administrator(login, carrier, second_admin, mailoutbox):
    admin = login(Role.ORG_ADMIN)
    page = _add(admin, carrier, "alias@admin.test", Role.HEALTH)
    assert "deuxième administrateur·rice" in page.content.decode()
    membership = Membership.objects.get(user__email="alias@admin.test")
    assert membership.approval_pending and not membership.is_active
    assert mailoutbox == []  # no activation link exists yet
    # The administrator who gave the role cannot approve it.
    refused = _approve(admin, membership)
    assert "autre administrateur·rice" in refused.content.decode()
    membership.refresh_from_db()
    assert membership.approval_pending and mailoutbox == []
    # A second administrator of the same organisation approves: the activation mail goes out.
    _approve(second_admin, membership)
    membership.refresh_from_db()
    assert not membership.approval_pending and membership.invitation_pending
    assert [m.to for m in mailoutbox] == [["alias@admin.test"]]
    assert "/compte/activer/" in mailoutbox[0].body


def test_an_existing_account_cannot_accept_before_approval(login, carrier, second_admin):
    owner = UserFactory(email="deja@ailleurs.test")
    Membership.objects.create(user=owner, organisation=OrganisationFactory(), role=Role.HEALTH)
    _add(login(Role.ORG_ADMIN), carrier, owner.email, Role.HEALTH)
    pending = Membership.objects.get(user=owner, organisation=carrier)
    client = verified_client(Client(), owner)
    assert carrier.name not in client.get(reverse("accounts:invitations")).content.decode()
    _approve(second_admin, pending)
    assert carrier.name in client.get(reverse("accounts:invitations")).content.decode()


def test_turning_a_member_into_a_health_professional_suspends_until_approval(
    login, carrier, users, second_admin
):
    admin = login(Role.ORG_ADMIN)
    membership = Membership.objects.get(user=users[Role.OUTREACH])
    admin.post(
        reverse("accounts:member_edit", args=[carrier.pk, membership.pk]),
        {"role": Role.HEALTH, "is_active": "on"},
    )
    membership.refresh_from_db()
    assert membership.role == Role.HEALTH and membership.approval_pending
    assert not membership.is_active  # no health note is readable meanwhile
    _approve(second_admin, membership)
    membership.refresh_from_db()
    assert membership.is_active and not membership.approval_pending


def test_an_administrator_of_another_organisation_cannot_approve(login, carrier):
    _add(login(Role.ORG_ADMIN), carrier, "alias@admin.test", Role.HEALTH)
    membership = Membership.objects.get(user__email="alias@admin.test")
    stranger = UserFactory(email="admin@ailleurs.test")
    other = OrganisationFactory()
    Membership.objects.create(user=stranger, organisation=other, role=Role.ORG_ADMIN)
    response = verified_client(Client(), stranger).post(
        reverse("accounts:member_grant_approve", args=[carrier.pk, membership.pk])
    )
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.approval_pending


def test_other_roles_go_out_at_once(login, carrier, mailoutbox):
    _add(login(Role.ORG_ADMIN), carrier, "nouveau@test.sentier", Role.SOCIAL_WORKER)
    membership = Membership.objects.get(user__email="nouveau@test.sentier")
    assert not membership.approval_pending
    assert [m.to for m in mailoutbox] == [["nouveau@test.sentier"]]
