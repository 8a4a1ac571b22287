import base64
import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from core import crypto


def _key():
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def test_round_trip_and_context_binding():
    ring = crypto.parse_keyring(f"a:{_key()}")
    envelope = crypto.encrypt(b"secret", b"ctx-1", ring)
    assert crypto.decrypt(envelope, b"ctx-1", ring) == b"secret"
    assert b"secret" not in envelope.ciphertext
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(envelope, b"ctx-2", ring)


def test_tampering_is_detected():
    ring = crypto.parse_keyring(f"a:{_key()}")
    envelope = crypto.encrypt(b"secret", b"ctx", ring)
    flipped = bytearray(envelope.ciphertext)
    flipped[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(crypto.Envelope("a", envelope.wrapped_key, bytes(flipped)), b"ctx", ring)


def test_each_record_gets_its_own_data_key():
    ring = crypto.parse_keyring(f"a:{_key()}")
    one, two = crypto.encrypt(b"x", b"c", ring), crypto.encrypt(b"x", b"c", ring)
    assert one.wrapped_key != two.wrapped_key and one.ciphertext != two.ciphertext


def test_rewrap_moves_to_active_key_without_touching_data():
    old, new = _key(), _key()
    before = crypto.parse_keyring(f"old:{old}")
    envelope = crypto.encrypt(b"payload", b"ctx", before)
    during = crypto.parse_keyring(f"new:{new},old:{old}")
    moved = crypto.rewrap(envelope, during)
    assert moved.key_id == "new" and moved.ciphertext == envelope.ciphertext
    after = crypto.parse_keyring(f"new:{new}")
    assert crypto.decrypt(moved, b"ctx", after) == b"payload"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(envelope, b"ctx", after)


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "nokey",
        "a:not-base64!!",
        f"a:{base64.urlsafe_b64encode(b'short').decode()}",
        f"a:{base64.urlsafe_b64encode(bytes(32)).decode()},a:{base64.urlsafe_b64encode(bytes(32)).decode()}",
    ],
)
def test_bad_keyring_is_refused(spec):
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keyring(spec)
