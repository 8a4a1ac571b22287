import re

import pytest
from django.urls import reverse

from accounts.models import Membership, Team, User
from accounts.roles import Role
from tests.factories import OrganisationFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_admin_creates_team_and_account_with_activation_link(login, carrier, client):
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
    )
    html = page.content.decode()
    link = re.search(r'id="activation-link">http://testserver([^<]+)<', html).group(1)
    user = User.objects.get(email="nouvelle@test.sentier")
    assert not user.has_usable_password()
    assert list(Membership.objects.get(user=user).teams.all()) == [team]
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
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Un-mot-de-passe-solide-42")
    assert client.get(link).status_code == 404  # the link works once


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


def test_reset_access_clears_password_and_second_factor(login, users, carrier):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    target = users[Role.HEALTH]
    TOTPDevice.objects.create(user=target, name="x", confirmed=True)
    membership = Membership.objects.get(user=target)
    page = login(Role.ORG_ADMIN).post(
        reverse("accounts:member_reset", args=[carrier.pk, membership.pk])
    )
    assert "activation-link" in page.content.decode()
    target.refresh_from_db()
    assert not target.has_usable_password()
    assert not TOTPDevice.objects.filter(user=target).exists()
