"""Every master key is checked against the fingerprint stored at its first use: a wrong
key under a known id stops start-up (system check, wsgi) and refuses writes."""

import base64
import importlib
import os

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError

from core import crypto
from core.models import MasterKeyCheck, MasterKeyMismatch, forget_confirmed_keys
from people.models import Identity

pytestmark = pytest.mark.django_db


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@pytest.fixture
def keys(settings):
    """Switch SENTIER_MASTER_KEYS for the test, caches cleared both ways."""

    def use(spec):
        settings.SENTIER_MASTER_KEYS = spec
        crypto.keyring.cache_clear()
        forget_confirmed_keys()

    original = settings.SENTIER_MASTER_KEYS
    use(original)
    yield use
    use(original)


def seal_identity(person, users, name="MARTIN"):
    identity = Identity(person=person, updated_by=users["payroll"])
    identity.seal({"last_name": name})
    identity.save()
    return identity


def errors():
    return [e for e in checks.run_checks(tags=["sentier"]) if e.is_serious()]


def test_first_use_stores_the_fingerprint_and_the_right_key_starts(keys, person, users):
    right = f"k1:{new_key()}"
    keys(right)
    assert not MasterKeyCheck.objects.filter(key_id="k1").exists()
    seal_identity(person, users)
    assert MasterKeyCheck.objects.filter(key_id="k1").exists()
    keys(right)  # a restart with the same key
    assert errors() == []
    call_command("check")  # no SystemCheckError


def test_a_wrong_key_under_a_known_id_stops_start_up_and_refuses_writes(keys, person, users):
    keys(f"k1:{new_key()}")
    seal_identity(person, users)
    keys(f"k1:{new_key()}")  # same id, another key: a typo in the deployment
    [error] = errors()
    assert error.id == "sentier.E001" and "'k1'" in error.msg
    with pytest.raises(SystemCheckError, match="k1"):
        call_command("check")
    with pytest.raises(MasterKeyMismatch):
        seal_identity(person, users, "AUTRE")
    assert Identity.objects.count() == 1


def test_wsgi_refuses_to_serve_with_a_wrong_key(keys, person, users):
    keys(f"k1:{new_key()}")
    seal_identity(person, users)
    import sentier.wsgi

    importlib.reload(sentier.wsgi)  # the right key: it loads
    keys(f"k1:{new_key()}")
    with pytest.raises(ImproperlyConfigured, match="k1"):
        importlib.reload(sentier.wsgi)


def test_records_older_than_fingerprints_are_checked_by_opening_one(keys, person, users):
    """A database filled before the fingerprints existed: the key is tried on one record."""
    right = f"k1:{new_key()}"
    keys(right)
    seal_identity(person, users)
    MasterKeyCheck.objects.all().delete()
    keys(f"k1:{new_key()}")
    assert [e.id for e in errors()] == ["sentier.E001"]
    assert not MasterKeyCheck.objects.exists()  # a wrong key never stores its fingerprint
    keys(right)
    assert errors() == []
    assert MasterKeyCheck.objects.filter(key_id="k1").exists()  # stored once verified


def test_rotation_keeps_fingerprints_consistent(keys, person, users):
    old = f"k1:{new_key()}"
    keys(old)
    identity = seal_identity(person, users, "ROTATION")
    new = f"k2:{new_key()}"
    keys(f"{new},{old}")
    call_command("rotate_master_key", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert set(MasterKeyCheck.objects.values_list("key_id", flat=True)) == {"k1", "k2"}
    keys(new)  # the old key removed
    assert errors() == []
    identity.refresh_from_db()
    assert identity.key_id == "k2" and identity.unseal()["last_name"] == "ROTATION"
    keys(f"k2:{new_key()}")  # and a wrong new key is caught like any other
    assert [e.id for e in errors()] == ["sentier.E001"]


def test_rotation_refuses_to_start_with_a_wrong_old_key(keys, person, users):
    keys(f"k1:{new_key()}")
    identity = seal_identity(person, users)
    keys(f"k2:{new_key()},k1:{new_key()}")
    with pytest.raises(CommandError, match="k1"):
        call_command("rotate_master_key", stdout=open(os.devnull, "w"))  # noqa: SIM115
    identity.refresh_from_db()
    assert identity.key_id == "k1"


def test_the_fingerprint_reveals_nothing_usable():
    key = os.urandom(32)
    value = crypto.key_check_value("k1", key)
    assert key not in value and len(value) == 32
    assert crypto.key_matches("k1", key, value)
    assert not crypto.key_matches("k2", key, value)
