import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from people.models import Identity
from people.nir import nir_key
from tests.dump import assert_absent_from_database

pytestmark = pytest.mark.django_db

NIR_BODY = "1900675112233"
NIR = NIR_BODY + f"{nir_key(NIR_BODY):02d}"


def identity_form(**overrides):
    data = {
        "last_name": "ZORGLUBIENNE",
        "first_name": "Hortensia",
        "birth_date": "1990-06-14",
        "nir": NIR,
        "address": "12 rue Imaginaire",
        "postal_code": "75019",
        "city": "Paris",
        "phone": "06 00 00 00 01",
    }
    data.update(overrides)
    return data


@pytest.fixture
def person_1990(person):
    person.birth_year, person.birth_month = 1990, 6
    person.save()
    return person


def test_payroll_records_and_opens_identity(login, person_1990):
    client = login("payroll")
    response = client.post(
        reverse("people:identity_edit", args=[person_1990.code]), identity_form()
    )
    assert response.status_code == 302
    page = client.get(reverse("people:identity", args=[person_1990.code])).content.decode()
    assert "ZORGLUBIENNE" in page and NIR in page
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert Action.IDENTITY_UPDATE in actions and Action.IDENTITY_VIEW in actions
    update = AuditEvent.objects.get(action=Action.IDENTITY_UPDATE)
    assert "ZORGLUB" not in str(update.details) and "last_name" in update.details["fields"]


@pytest.mark.parametrize(
    "role",
    ["coordinator", "social_worker", "health", "supervisor", "outreach", "org_admin", "funder"],
)
def test_nobody_but_payroll_reaches_identity(login, person_1990, role):
    client = login(role)
    for name in ("people:identity", "people:identity_edit"):
        assert client.get(reverse(name, args=[person_1990.code])).status_code == 404
    assert (
        client.post(
            reverse("people:identity_edit", args=[person_1990.code]), identity_form()
        ).status_code
        == 404
    )
    assert not Identity.objects.exists()


def test_bad_nir_is_refused_with_a_french_message(login, person_1990):
    client = login("payroll")
    bad = NIR[:-2] + f"{(int(NIR[-2:]) + 1) % 98:02d}"
    response = client.post(
        reverse("people:identity_edit", args=[person_1990.code]),
        identity_form(nir=bad, postal_code="7501"),
    )
    html = response.content.decode()
    assert "La clé de contrôle ne correspond pas" in html
    assert "Le code postal compte 5 chiffres" in html
    assert 'value="ZORGLUBIENNE"' in html
    assert not Identity.objects.exists()


def test_birth_date_must_agree_with_follow_up(login, person_1990):
    response = login("payroll").post(
        reverse("people:identity_edit", args=[person_1990.code]),
        identity_form(birth_date="1991-06-14", nir=""),
    )
    assert "06/1990" in response.content.decode() and not Identity.objects.exists()


def test_database_holds_no_name(login, person_1990):
    """What a dump of every table would show: no legal name, no NIR, in any column."""
    login("payroll").post(reverse("people:identity_edit", args=[person_1990.code]), identity_form())
    assert Identity.objects.count() == 1
    assert_absent_from_database(b"ZORGLUBIENNE", b"Hortensia", NIR.encode(), b"Imaginaire")


def test_ciphertext_does_not_open_on_another_person(login, person_1990, carrier, users):
    from core.crypto import DecryptionError
    from tests.factories import PersonFactory

    login("payroll").post(reverse("people:identity_edit", args=[person_1990.code]), identity_form())
    stolen = Identity.objects.get()
    other = PersonFactory(organisation=carrier, created_by=users["social_worker"])
    moved = Identity(
        person=other,
        key_id=stolen.key_id,
        wrapped_key=stolen.wrapped_key,
        ciphertext=stolen.ciphertext,
    )
    with pytest.raises(DecryptionError):
        moved.unseal()


def test_rotate_master_key_command(person_1990, users, settings):
    import base64
    import os

    from django.core.management import call_command

    from core import crypto

    identity = Identity(person=person_1990, updated_by=users["payroll"])
    identity.seal({"last_name": "ROTATION"})
    identity.save()
    old_spec = settings.SENTIER_MASTER_KEYS
    new_spec = "n2:" + base64.urlsafe_b64encode(os.urandom(32)).decode()
    settings.SENTIER_MASTER_KEYS = f"{new_spec},{old_spec}"
    crypto.keyring.cache_clear()
    try:
        call_command("rotate_master_key", stdout=open(os.devnull, "w"))  # noqa: SIM115
        settings.SENTIER_MASTER_KEYS = new_spec  # the old key is gone
        crypto.keyring.cache_clear()
        identity.refresh_from_db()
        assert identity.key_id == "n2" and identity.unseal()["last_name"] == "ROTATION"
    finally:
        settings.SENTIER_MASTER_KEYS = old_spec
        crypto.keyring.cache_clear()
