"""Issue 13 #3: account recovery never hands a usable link to someone else.

Reset links go by e-mail to the member's own address; a health professional's reset needs a
second administrator of the same organisation (or the person's own "mot de passe oublié");
the second factor goes only when the owner uses the link."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccessReset, Membership, User
from accounts.roles import Role
from audit.models import AuditEvent
from conftest import verified_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW = "Tout-neuf-et-solide-7"


def _link(mail, path="/compte/activer/"):
    return re.search(rf"http://testserver({path}\S+)", mail.body).group(1)


def _steps(user):
    return [e.details.get("step") for e in AuditEvent.objects.filter(object_label=user.email)]


@pytest.fixture
def second_admin(carrier, client):
    from django.test import Client

    user = UserFactory(email="admin2@test.sentier")
    Membership.objects.create(user=user, organisation=carrier, role=Role.ORG_ADMIN)
    return verified_client(Client(), user)


def test_reset_sends_the_link_to_the_member_not_the_admin(login, users, carrier, mailoutbox):
    target = users[Role.SOCIAL_WORKER]
    TOTPDevice.objects.create(user=target, name="tel", confirmed=True)
    membership = Membership.objects.get(user=target)
    admin = login(Role.ORG_ADMIN)
    page = admin.post(
        reverse("accounts:member_reset", args=[carrier.pk, membership.pk]), follow=True
    )
    html = page.content.decode()
    assert f"Un courriel a été envoyé à {target.email}" in html
    assert "/compte/activer/" not in html
    (mail,) = mailoutbox
    assert mail.to == [target.email]
    target.refresh_from_db()
    assert not target.has_usable_password()  # the old password stops at once...
    assert TOTPDevice.objects.filter(user=target).exists()  # ...the second factor stays
    link = _link(mail)
    admin.logout()
    admin.post(link, {"new_password1": NEW, "new_password2": NEW})
    target.refresh_from_db()
    assert target.check_password(NEW)
    assert not TOTPDevice.objects.filter(user=target).exists()  # gone when the owner used it
    assert "reset_link_sent" in _steps(target) and "access_link_used" in _steps(target)


def test_reset_unlocks_a_locked_account(client, login, users, carrier, mailoutbox):
    target = users[Role.COORDINATOR]
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": target.email, "password": "x"})
    membership = Membership.objects.get(user=target)
    login(Role.ORG_ADMIN).post(reverse("accounts:member_reset", args=[carrier.pk, membership.pk]))
    client.logout()
    client.post(_link(mailoutbox[0]), {"new_password1": NEW, "new_password2": NEW})
    response = client.post(reverse("accounts:login"), {"username": target.email, "password": NEW})
    assert response.status_code == 302


def test_health_reset_waits_for_a_second_administrator(
    login, users, carrier, second_admin, mailoutbox
):
    target = users[Role.HEALTH]
    TOTPDevice.objects.create(user=target, name="tel", confirmed=True)
    membership = Membership.objects.get(user=target)
    first = login(Role.ORG_ADMIN)
    reset_url = reverse("accounts:member_reset", args=[carrier.pk, membership.pk])
    approve_url = reverse("accounts:member_reset_approve", args=[carrier.pk, membership.pk])
    page = first.post(reset_url, follow=True).content.decode()
    assert "deuxième administrateur·rice" in page
    assert mailoutbox == []
    target.refresh_from_db()
    assert target.has_usable_password()  # nothing changes before the approval
    assert AccessReset.objects.get(user=target).status == AccessReset.Status.PENDING

    # The one who asked cannot approve their own request.
    refused = first.post(approve_url, follow=True).content.decode()
    assert "un·e autre administrateur·rice" in refused
    assert mailoutbox == [] and User.objects.get(pk=target.pk).has_usable_password()

    # A second administrator of the same organisation sees the request and approves it: the
    # link goes to the member.
    listing = second_admin.get(reverse("accounts:org_detail", args=[carrier.pk])).content
    assert 'id="pending-resets"' in listing.decode() and target.email in listing.decode()
    assert (
        "Approuver la réinitialisation"
        in second_admin.get(
            reverse("accounts:member_edit", args=[carrier.pk, membership.pk])
        ).content.decode()
    )
    second_admin.post(approve_url)
    (mail,) = mailoutbox
    assert mail.to == [target.email]
    target.refresh_from_db()
    assert not target.has_usable_password()
    assert TOTPDevice.objects.filter(user=target).exists()
    assert AccessReset.objects.get(user=target).approved_by.email == "admin2@test.sentier"
    assert {"reset_requested", "reset_link_sent"} <= set(_steps(target))


def test_an_administrator_of_another_organisation_cannot_approve(
    login, users, carrier, other_org, mailoutbox
):
    from django.test import Client

    target = users[Role.HEALTH]
    membership = Membership.objects.get(user=target)
    login(Role.ORG_ADMIN).post(reverse("accounts:member_reset", args=[carrier.pk, membership.pk]))
    stranger = UserFactory()
    Membership.objects.create(user=stranger, organisation=other_org, role=Role.ORG_ADMIN)
    response = verified_client(Client(), stranger).post(
        reverse("accounts:member_reset_approve", args=[carrier.pk, membership.pk])
    )
    assert response.status_code == 404 and mailoutbox == []


def test_approving_without_a_pending_request_changes_nothing(
    second_admin, users, carrier, mailoutbox
):
    membership = Membership.objects.get(user=users[Role.HEALTH])
    response = second_admin.post(
        reverse("accounts:member_reset_approve", args=[carrier.pk, membership.pk]), follow=True
    )
    assert "Aucune demande de réinitialisation" in unescape(response.content.decode())
    assert mailoutbox == [] and User.objects.get(pk=membership.user_id).has_usable_password()


def test_holding_health_anywhere_needs_two_administrators(login, users, carrier, mailoutbox):
    """A coordinator here who is a health professional in another organisation the admin
    also runs: the two-administrator rule follows the person, not this one membership."""
    from tests.factories import OrganisationFactory

    second_org = OrganisationFactory()
    Membership.objects.create(
        user=users[Role.ORG_ADMIN], organisation=second_org, role=Role.ORG_ADMIN
    )
    target = users[Role.COORDINATOR]
    Membership.objects.create(user=target, organisation=second_org, role=Role.HEALTH)
    membership = Membership.objects.get(user=target, organisation=carrier)
    login(Role.ORG_ADMIN).post(reverse("accounts:member_reset", args=[carrier.pk, membership.pk]))
    assert mailoutbox == []
    assert AccessReset.objects.get(user=target).status == AccessReset.Status.PENDING


def test_forgotten_password_sends_to_own_address_and_keeps_the_second_factor(
    client, users, mailoutbox
):
    target = users[Role.HEALTH]
    TOTPDevice.objects.create(user=target, name="tel", confirmed=True)
    login_page = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:password_reset") in login_page
    known = client.post(reverse("accounts:password_reset"), {"email": target.email.upper()})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "personne@nulle.part"})
    # Same answer whether or not the address has an account.
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    done = client.get(known["Location"]).content.decode()
    assert "Si cette adresse correspond à un compte" in done
    (mail,) = mailoutbox
    assert mail.to == [target.email]
    link = _link(mail, "/compte/mot-de-passe-oublie/")
    form = client.get(link, follow=True)
    assert "Choisir un nouveau mot de passe" in form.content.decode()
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    target.refresh_from_db()
    assert target.check_password(NEW)
    assert TOTPDevice.objects.filter(user=target).exists()  # the phone still works
    assert "password_reset_done" in _steps(target)
    assert AuditEvent.objects.filter(
        actor_email="personne@nulle.part", details__step="password_reset_requested"
    ).exists()


def test_self_service_link_cannot_be_used_to_strip_the_second_factor(client, users, mailoutbox):
    """The "mot de passe oublié" token is not an access-link token: replayed on the
    activation URL (the one that removes the second factor) it is refused."""
    target = users[Role.HEALTH]
    TOTPDevice.objects.create(user=target, name="tel", confirmed=True)
    client.post(reverse("accounts:password_reset"), {"email": target.email})
    uid, token = re.search(r"mot-de-passe-oublie/([^/]+)/([^/\s]+)/", mailoutbox[0].body).groups()
    response = client.post(
        reverse("accounts:activate", args=[uid, token]),
        {"new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=target).exists()
    assert User.objects.get(pk=target.pk).check_password("Mot-de-passe-test-1")


def test_pending_invitation_cannot_be_reset(login, carrier, mailoutbox):
    outsider = UserFactory(email="ailleurs@test.sentier")
    membership = Membership.objects.create(
        user=outsider,
        organisation=carrier,
        role=Role.OUTREACH,
        is_active=False,
        invitation_pending=True,
    )
    response = login(Role.ORG_ADMIN).post(
        reverse("accounts:member_reset", args=[carrier.pk, membership.pk])
    )
    assert response.status_code == 404 and mailoutbox == []
    assert User.objects.get(pk=outsider.pk).has_usable_password()


def test_an_accepted_account_of_another_organisation_cannot_be_reset(
    login, carrier, other_org, mailoutbox
):
    """Even once the owner accepted the invitation, an account that also works elsewhere
    is reset only by the platform: adding an address never hands its account over."""
    victim = UserFactory(email="victime@autre.test")
    Membership.objects.create(user=victim, organisation=other_org, role=Role.PAYROLL)
    TOTPDevice.objects.create(user=victim, name="t", confirmed=True)
    attached = Membership.objects.create(user=victim, organisation=carrier, role=Role.OUTREACH)
    response = login(Role.ORG_ADMIN).post(
        reverse("accounts:member_reset", args=[carrier.pk, attached.pk]), follow=True
    )
    assert "que par la plateforme" in unescape(response.content.decode())
    victim.refresh_from_db()
    assert victim.has_usable_password() and TOTPDevice.objects.filter(user=victim).exists()
    assert mailoutbox == []


def test_mail_server_down_changes_nothing(login, users, carrier, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("accounts.services.send_mail", refuse)
    target = users[Role.SOCIAL_WORKER]
    membership = Membership.objects.get(user=target)
    admin = login(Role.ORG_ADMIN)
    page = admin.post(
        reverse("accounts:member_reset", args=[carrier.pk, membership.pk]), follow=True
    )
    assert "Le courriel n'a pas pu être envoyé" in unescape(page.content.decode())
    assert User.objects.get(pk=target.pk).has_usable_password()
    added = admin.post(
        reverse("accounts:member_add", args=[carrier.pk]),
        {"email": "nouveau@test.sentier", "full_name": "N", "role": Role.OUTREACH},
        follow=True,
    )
    assert "rien n'a été modifié" in unescape(added.content.decode())
    assert not User.objects.filter(email="nouveau@test.sentier").exists()
