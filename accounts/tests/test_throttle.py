"""Issue 13 #7: sign-in throttling by client address and by account together."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from accounts.security import axes_client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Mot-de-passe-test-1"


def _try(client, email, password="mauvais", ip="203.0.113.7", **headers):
    return client.post(
        reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=ip,
        **headers,
    )


@override_settings(SENTIER_LOCKOUT_IP_FAILURES=12)
def test_failures_over_many_accounts_block_the_address(client, db):
    accounts = [UserFactory(email=f"cible{i}@test.sentier") for i in range(4)]
    # 12 failures, 3 per account: no account reaches its own limit of 5, the address does.
    statuses = [_try(client, user.email).status_code for _ in range(3) for user in accounts]
    assert statuses == [200] * 11 + [429]
    # The address is now blocked, even with a right password for a fresh account...
    fresh = UserFactory(email="fraiche@test.sentier")
    blocked = _try(client, fresh.email, PASSWORD)
    assert blocked.status_code == 429 and "verrouillée" in blocked.content.decode()
    # ...while the same account from another address still signs in (allowed twin).
    elsewhere = _try(Client(), fresh.email, PASSWORD, ip="198.51.100.9")
    assert elsewhere.status_code == 302


@override_settings(SENTIER_LOCKOUT_IP_FAILURES=100)
def test_an_account_keeps_its_own_limit_across_addresses(client, db):
    user = UserFactory(email="visee@test.sentier")
    for i in range(5):  # five failures, each from a different address
        _try(Client(), user.email, ip=f"192.0.2.{i + 1}")
    locked = _try(Client(), user.email, PASSWORD, ip="192.0.2.200")
    assert locked.status_code == 429
    # Another account from the same addresses is not affected (allowed twin).
    other = UserFactory(email="autre@test.sentier")
    assert _try(Client(), other.email, PASSWORD, ip="192.0.2.1").status_code == 302


def test_forwarded_header_is_ignored_unless_trusted(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    settings.SENTIER_TRUST_X_FORWARDED_FOR = False
    assert axes_client_ip(request) == "10.0.0.1"
    settings.SENTIER_TRUST_X_FORWARDED_FOR = True
    assert axes_client_ip(request) == "5.6.7.8"


@override_settings(SENTIER_LOCKOUT_IP_FAILURES=5, SENTIER_TRUST_X_FORWARDED_FOR=False)
def test_a_spoofed_forwarded_header_does_not_escape_the_address_block(client, db):
    user = UserFactory(email="x@test.sentier")
    for i in range(5):
        _try(client, f"n{i}@test.sentier", HTTP_X_FORWARDED_FOR=f"1.1.1.{i}")
    assert _try(client, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9").status_code == 429


def test_no_silenced_axes_check(settings):
    assert "axes.W006" not in getattr(settings, "SILENCED_SYSTEM_CHECKS", [])
    assert "ip_address" in settings.AXES_LOCKOUT_PARAMETERS
