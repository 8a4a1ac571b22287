import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "Mot-de-passe-test-1"


def sign_in(client, user, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": password})


def current_token(device):
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_person_roles_enrol_totp_at_first_login(client, users, person):
    user = users[Role.SOCIAL_WORKER]
    response = sign_in(client, user)
    assert response.status_code == 302
    # Everything but the second-factor pages sends to enrolment.
    blocked = client.get(reverse("people:detail", args=[person.code]))
    assert blocked.status_code == 302 and blocked["Location"] == reverse("accounts:otp_setup")
    setup = client.get(reverse("accounts:otp_setup"))
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(reverse("accounts:otp_setup"), {"token": "000000"})
    assert "pas le bon" in wrong.content.decode()
    device.refresh_from_db()
    too_soon = client.post(reverse("accounts:otp_setup"), {"token": current_token(device)})
    assert "attendez" in too_soon.content.decode()
    device.throttle_reset()  # as if the user had waited the second it asks
    ok = client.post(reverse("accounts:otp_setup"), {"token": current_token(device)})
    assert ok.status_code == 302
    assert client.get(reverse("people:detail", args=[person.code])).status_code == 200


def test_enrolled_user_must_give_a_code_at_each_login(client, users):
    user = users[Role.PAYROLL]
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    sign_in(client, user)
    assert client.get(reverse("people:list"))["Location"] == reverse("accounts:otp_verify")
    bad = client.post(reverse("accounts:otp_verify"), {"token": "12ab"})
    assert "6 chiffres" in bad.content.decode()
    client.post(reverse("accounts:otp_verify"), {"token": current_token(device)})
    assert client.get(reverse("people:list")).status_code == 200


def test_funder_needs_no_second_factor_but_sees_no_person(client, users, person):
    sign_in(client, users[Role.FUNDER])
    assert client.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("people:list")).status_code == 404
    assert client.get(reverse("people:detail", args=[person.code])).status_code == 404


def test_five_failures_lock_the_account(client, users):
    user = users[Role.COORDINATOR]
    for _ in range(4):
        response = sign_in(client, user, "wrong-password")
        assert "incorrect" in response.content.decode()
    locked = sign_in(client, user, "wrong-password")
    assert locked.status_code == 429 and "verrouillé" in locked.content.decode()
    # Even the right password is refused while locked.
    assert sign_in(client, user).status_code == 429
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() >= 5
    assert AuditEvent.objects.filter(action=Action.LOCKED_OUT).exists()


def test_sessions_expire_after_inactivity():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE <= 60 * 60


def test_login_page_is_french_and_unknown_account_is_not_revealed(client, db):
    page = client.get(reverse("accounts:login"))
    assert "Adresse électronique" in page.content.decode()
    response = client.post(reverse("accounts:login"), {"username": "inconnu@x.fr", "password": "x"})
    assert "Adresse électronique ou mot de passe incorrect" in response.content.decode()


def test_logout_requires_post_and_logs_out(login):
    client = login(Role.SOCIAL_WORKER)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("people:list")).status_code == 302
