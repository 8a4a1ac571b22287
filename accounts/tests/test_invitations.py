"""Issue 13 #14: attaching an existing account to an organisation is an invitation its owner
accepts; the administrator learns nothing about whether the address had an account."""

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from accounts.roles import Role
from audit.models import AuditEvent
from conftest import verified_client
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere():
    """An account that already works in another organisation."""
    user = UserFactory(email="deja@ailleurs.test", full_name="Déjà Ailleurs")
    Membership.objects.create(user=user, organisation=OrganisationFactory(), role=Role.FUNDER)
    return user


def _add(client, org, email, role=Role.OUTREACH):
    return client.post(
        reverse("accounts:member_add", args=[org.pk]),
        {"email": email, "full_name": "Nom tapé", "role": role},
        follow=True,
    )


def _message(page):
    return re.search(r"Invitation envoyée[^<]*", page.content.decode()).group(0)


def test_same_message_whether_or_not_the_account_existed(login, carrier, elsewhere, mailoutbox):
    admin = login(Role.ORG_ADMIN)
    existing = _add(admin, carrier, elsewhere.email)
    new = _add(admin, carrier, "jamais@vu.test")
    assert _message(existing).replace(elsewhere.email, "X") == _message(new).replace(
        "jamais@vu.test", "X"
    )
    html = new.content.decode()
    # The list shows both as invitations, without the existing account's own name.
    assert html.count("Invitation envoyée</td>") == 2
    assert "Déjà Ailleurs" not in html
    edit = admin.get(
        reverse(
            "accounts:member_edit",
            args=[carrier.pk, Membership.objects.get(user=elsewhere, organisation=carrier).pk],
        )
    )
    assert "Déjà Ailleurs" not in edit.content.decode()
    # The existing account got an invitation, not an access link; its name is unchanged.
    invitation = next(m for m in mailoutbox if m.to == [elsewhere.email])
    assert "/compte/invitations/" in invitation.body and "/compte/activer/" not in invitation.body
    elsewhere.refresh_from_db()
    assert elsewhere.full_name == "Déjà Ailleurs" and elsewhere.has_usable_password()


def test_the_role_is_inactive_until_the_owner_accepts(login, carrier, elsewhere, person):
    _add(login(Role.ORG_ADMIN), carrier, elsewhere.email, role=Role.SOCIAL_WORKER)
    membership = Membership.objects.get(user=elsewhere, organisation=carrier)
    assert not membership.is_active and membership.invitation_pending
    owner = verified_client(Client(), elsewhere)
    assert owner.get(reverse("people:detail", args=[person.code])).status_code == 404
    page = owner.get(reverse("accounts:invitations")).content.decode()
    assert "Porteur Test" in page and "Travailleur·se social·e" in page
    owner.post(reverse("accounts:invitations"), {"membership": membership.pk, "answer": "accept"})
    membership.refresh_from_db()
    assert membership.is_active and not membership.invitation_pending
    assert owner.get(reverse("people:detail", args=[person.code])).status_code == 200
    assert AuditEvent.objects.filter(
        object_id=str(membership.pk), details__step="invitation_accepted", actor=elsewhere
    ).exists()


def test_the_owner_may_decline(login, carrier, elsewhere):
    _add(login(Role.ORG_ADMIN), carrier, elsewhere.email)
    membership = Membership.objects.get(user=elsewhere, organisation=carrier)
    owner = verified_client(Client(), elsewhere)
    owner.post(reverse("accounts:invitations"), {"membership": membership.pk, "answer": "decline"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(details__step="invitation_declined").exists()


def test_nobody_else_can_accept_an_invitation(login, users, carrier, elsewhere):
    _add(login(Role.ORG_ADMIN), carrier, elsewhere.email)
    membership = Membership.objects.get(user=elsewhere, organisation=carrier)
    other = verified_client(Client(), users[Role.SOCIAL_WORKER])
    response = other.post(
        reverse("accounts:invitations"),
        {"membership": membership.pk, "answer": "accept"},
        follow=True,
    )
    assert "Cette invitation n'existe plus" in unescape(response.content.decode())
    membership.refresh_from_db()
    assert membership.invitation_pending and not membership.is_active
    bad = other.post(reverse("accounts:invitations"), {"membership": "99999999999999999999"})
    assert bad.status_code == 302


def test_the_administrator_cannot_activate_an_invitation(login, carrier, elsewhere):
    admin = login(Role.ORG_ADMIN)
    _add(admin, carrier, elsewhere.email)
    membership = Membership.objects.get(user=elsewhere, organisation=carrier)
    admin.post(
        reverse("accounts:member_edit", args=[carrier.pk, membership.pk]),
        {"role": Role.OUTREACH, "is_active": "on"},
    )
    membership.refresh_from_db()
    assert not membership.is_active and membership.invitation_pending
    # The allowed twin: an accepted membership is activated and deactivated by the admin.
    membership.invitation_pending = False
    membership.save()
    admin.post(
        reverse("accounts:member_edit", args=[carrier.pk, membership.pk]),
        {"role": Role.OUTREACH, "is_active": "on"},
    )
    membership.refresh_from_db()
    assert membership.is_active
