"""Sign-in and account safety (takeover, redirects, proxy address), team scope and the
identity page: each test failed before its fix."""

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership
from accounts.roles import Role
from audit.models import Action, AuditEvent
from core.actor import client_ip
from people.models import Identity, Person
from tests.factories import OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_admin_cannot_take_over_an_account_of_another_organisation(login, carrier):
    victim_org = OrganisationFactory()
    victim = UserFactory(email="victime@autre.test")
    Membership.objects.create(user=victim, organisation=victim_org, role=Role.PAYROLL)
    TOTPDevice.objects.create(user=victim, name="t", confirmed=True)
    AuditEvent.objects.create(action=Action.LOGIN, actor=victim, actor_email=victim.email)
    admin = login(Role.ORG_ADMIN)
    admin.post(
        reverse("accounts:member_add", args=[carrier.pk]),
        {"email": victim.email, "full_name": "x", "role": Role.OUTREACH},
    )
    attached = Membership.objects.get(user=victim, organisation=carrier)
    response = admin.post(reverse("accounts:member_reset", args=[carrier.pk, attached.pk]))
    assert response.status_code == 404  # an invitation not accepted cannot be reset
    victim.refresh_from_db()
    assert victim.has_usable_password() and TOTPDevice.objects.filter(user=victim).exists()
    # Nor does attaching reveal the account's earlier sign-ins.
    journal = admin.get(reverse("audit:journal"), {"action": "login"})
    assert not [e for e in journal.context["page_obj"] if e.actor_id == victim.pk]


@pytest.mark.parametrize("target", ["foo", "//evil.example/x", "https://evil.example/"])
def test_second_factor_next_is_safe(client, users, target):
    from django_otp.oath import totp

    user = users[Role.SOCIAL_WORKER]
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    client.force_login(user)
    token = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("accounts:otp_verify") + f"?next={target}", {"token": token})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")


def test_login_next_pointing_at_login_does_not_loop(client, users):
    client.force_login(users[Role.FUNDER])
    response = client.get(reverse("accounts:login"), {"next": reverse("accounts:login")})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")


def test_team_restricted_worker_files_persons_in_own_teams_only(login, carrier, users):
    carrier.restrict_by_team = True
    carrier.save()
    mine, other = TeamFactory(organisation=carrier), TeamFactory(organisation=carrier)
    Membership.objects.get(user=users[Role.SOCIAL_WORKER]).teams.add(mine)
    client = login(Role.SOCIAL_WORKER)
    page = client.get(reverse("people:create"))
    choices = {t.pk for t in page.context["form"].fields["team"].queryset}
    assert choices == {mine.pk}
    data = {
        "gender": "male",
        "right_to_work": "french",
        "consent_date": "2025-01-01",
        "status": "waiting",
    }
    refused = client.post(reverse("people:create"), {**data, "team": other.pk})
    assert refused.status_code == 200 and not Person.objects.exists()
    no_team = client.post(reverse("people:create"), data)
    assert "cloisonne les dossiers" in no_team.content.decode()
    ok = client.post(reverse("people:create"), {**data, "team": mine.pk})
    assert ok.status_code == 302 and client.get(ok["Location"]).status_code == 200


def test_inactive_team_does_not_block_editing(login, person, carrier):
    team = TeamFactory(organisation=carrier, is_active=False)
    person.team = team
    person.save()
    client = login(Role.SOCIAL_WORKER)
    form = client.get(reverse("people:edit", args=[person.code])).context["form"]
    assert team in form.fields["team"].queryset


@override_settings(SENTIER_TRUST_X_FORWARDED_FOR=True)
def test_forwarded_for_takes_the_proxy_entry_and_ignores_garbage():
    factory = RequestFactory()
    spoofed = factory.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.7", REMOTE_ADDR="10.0.0.1")
    assert client_ip(spoofed) == "10.0.0.7"
    garbage = factory.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4:5678", REMOTE_ADDR="10.0.0.1")
    assert client_ip(garbage) == "10.0.0.1"


def test_concurrent_identity_edit_is_detected(login, person):
    person.birth_year, person.birth_month = 1990, 6
    person.save()
    client = login(Role.PAYROLL)
    url = reverse("people:identity_edit", args=[person.code])
    data = {"last_name": "UN", "first_name": "A", "birth_date": "1990-06-01"}
    assert client.post(url, data).status_code == 302  # first entry, version empty
    stale = client.post(url, {**data, "last_name": "DEUX"})  # opened before the first save
    assert "Quelqu&#x27;un a modifié cette fiche" in stale.content.decode()
    assert Identity.objects.get().unseal()["last_name"] == "UN"
    fresh = client.post(url, {**data, "last_name": "TROIS", "version": 1})
    assert fresh.status_code == 302 and Identity.objects.get().unseal()["last_name"] == "TROIS"


def test_identity_pages_are_not_cached(login, person):
    response = login(Role.PAYROLL).get(reverse("people:identity", args=[person.code]))
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
