import re

import pytest
from django.urls import reverse

from accounts.models import Membership, Team, User
from accounts.roles import Role
from tests.factories import OrganisationFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_admin_creates_team_and_account_whose_link_goes_by_email(
    login, carrier, client, mailoutbox
):
    admin = login(Role.ORG_ADMIN)
    admin.post(
        reverse("accounts:team_add", args=[carrier.pk]),
        {"name": "Atelier couture", "is_active": "on"},
    )
    team = Team.objects.get(name="Atelier couture", organisation=carrier)
    page = admin.post(
        reverse("accounts:member_add", args=[carrier.pk]),
        {
            "email": "Nouvelle@Test.Sentier",
            "full_name": "Nina Nouvelle",
            "role": Role.SOCIAL_WORKER,
            "teams": [team.pk],
        },
        follow=True,
    )
    html = page.content.decode()
    # The administrator is told an e-mail went out; the link itself is nowhere on the page.
    assert "Invitation envoyée par courriel à nouvelle@test.sentier" in html
    assert "/compte/activer/" not in html
    user = User.objects.get(email="nouvelle@test.sentier")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert list(membership.teams.all()) == [team]
    assert not membership.is_active and membership.invitation_pending
    (mail,) = mailoutbox
    assert mail.to == ["nouvelle@test.sentier"] and "Porteur Test" in mail.subject
    link = re.search(r"http://testserver(/compte/activer/\S+)", mail.body).group(1)
    admin.post(reverse("accounts:logout"))
    weak = client.post(link, {"new_password1": "abc", "new_password2": "abc"})
    assert weak.status_code == 200 and "trop court" in weak.content.decode()
    done = client.post(
        link,
        {
            "new_password1": "Un-mot-de-passe-solide-42",
            "new_password2": "Un-mot-de-passe-solide-42",
        },
    )
    # On to sign in, then to the invitation the new member accepts.
    assert done.status_code == 302 and "invitations" in done["Location"]
    user.refresh_from_db()
    assert user.check_password("Un-mot-de-passe-solide-42")
    assert client.get(link).status_code == 404  # the link works once
    signed_in = client.post(
        done["Location"], {"username": user.email, "password": "Un-mot-de-passe-solide-42"}
    )
    # Only an invitation so far: no role, so no second factor yet; straight to the invitation.
    assert signed_in["Location"] == reverse("accounts:invitations")
    client.post(reverse("accounts:invitations"), {"membership": membership.pk, "answer": "accept"})
    membership.refresh_from_db()
    assert membership.is_active and not membership.invitation_pending


def test_duplicate_team_name_is_refused(login, carrier, team):
    response = login(Role.ORG_ADMIN).post(
        reverse("accounts:team_add", args=[carrier.pk]), {"name": team.name.upper()}
    )
    assert "existe déjà" in response.content.decode() or "porte déjà" in response.content.decode()
    assert Team.objects.filter(organisation=carrier).count() == 1


def test_funder_role_only_in_funder_organisation(login, carrier):
    response = login(Role.ORG_ADMIN).post(
        reverse("accounts:member_add", args=[carrier.pk]),
        {"email": "f@test.sentier", "full_name": "F", "role": Role.FUNDER},
    )
    assert response.status_code == 200 and not User.objects.filter(email="f@test.sentier").exists()


def test_admin_cannot_touch_another_organisation(login, users):
    other = OrganisationFactory()
    foreign_team = TeamFactory(organisation=other)
    client = login(Role.ORG_ADMIN)
    for url in (
        reverse("accounts:org_detail", args=[other.pk]),
        reverse("accounts:team_edit", args=[other.pk, foreign_team.pk]),
        reverse("accounts:member_add", args=[other.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "pris"}).status_code == 404
    assert foreign_team.__class__.objects.get(pk=foreign_team.pk).name != "pris"


def test_admin_cannot_demote_self(login, users, carrier):
    own = Membership.objects.get(user=users[Role.ORG_ADMIN])
    login(Role.ORG_ADMIN).post(
        reverse("accounts:member_edit", args=[carrier.pk, own.pk]),
        {"role": Role.SOCIAL_WORKER, "is_active": ""},
    )
    own.refresh_from_db()
    assert own.role == Role.ORG_ADMIN and own.is_active


def test_deactivated_membership_loses_access(login, users, carrier, person):
    membership = Membership.objects.get(user=users[Role.SOCIAL_WORKER])
    login(Role.ORG_ADMIN).post(
        reverse("accounts:member_edit", args=[carrier.pk, membership.pk]),
        {"role": Role.SOCIAL_WORKER},
    )
    membership.refresh_from_db()
    assert not membership.is_active
    client = login(Role.SOCIAL_WORKER)
    assert client.get(reverse("people:detail", args=[person.code])).status_code == 404


def test_funder_role_given_in_a_funder_organisation(login, funder_org, users):
    admin = users[Role.ORG_ADMIN]
    Membership.objects.create(user=admin, organisation=funder_org, role=Role.ORG_ADMIN)
    login(Role.ORG_ADMIN).post(
        reverse("accounts:member_add", args=[funder_org.pk]),
        {"email": "f@test.sentier", "full_name": "F", "role": Role.FUNDER},
    )
    assert Membership.objects.get(user__email="f@test.sentier").role == Role.FUNDER
