"""Envelope encryption for everything Sentier keeps encrypted at rest.

Each record gets its own random 256-bit data key (DEK). The record is sealed with
AES-256-GCM under that DEK; the DEK is itself sealed (wrapped) with AES-256-GCM under a
master key taken from the environment. Rotating the master key only re-wraps DEKs.
"""

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12


class DecryptionError(Exception):
    """A record could not be opened: wrong key, tampered data or wrong context."""


@dataclass(frozen=True)
class Keyring:
    active_id: str
    keys: dict[str, bytes]

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise DecryptionError(f"master key {key_id!r} is not in the keyring") from None


def parse_keyring(spec: str) -> Keyring:
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        if not sep or not key_id or len(key_id) > 16:
            raise ImproperlyConfigured("SENTIER_MASTER_KEYS: each entry must be 'id:base64key'.")
        try:
            raw = base64.urlsafe_b64decode(encoded.encode())
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(f"SENTIER_MASTER_KEYS: key {key_id!r} is not base64.")
        if len(raw) != 32:
            raise ImproperlyConfigured(f"SENTIER_MASTER_KEYS: key {key_id!r} must be 32 bytes.")
        if key_id in keys:
            raise ImproperlyConfigured(f"SENTIER_MASTER_KEYS: key {key_id!r} is repeated.")
        keys[key_id] = raw
        order.append(key_id)
    if not order:
        raise ImproperlyConfigured("SENTIER_MASTER_KEYS holds no key.")
    return Keyring(active_id=order[0], keys=keys)


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    return parse_keyring(settings.SENTIER_MASTER_KEYS)


def key_check_value(key_id: str, key: bytes) -> bytes:
    """A fingerprint of one master key, stored beside the data (core.models.MasterKeyCheck) so
    start-up can tell the right key from a wrong one under the same id. An HMAC of a fixed
    text: it reveals nothing about the key."""
    return hmac.new(key, b"sentier-master-key-check:" + key_id.encode(), hashlib.sha256).digest()


def key_matches(key_id: str, key: bytes, stored: bytes) -> bool:
    return hmac.compare_digest(key_check_value(key_id, key), bytes(stored))


@dataclass(frozen=True)
class Envelope:
    key_id: str
    wrapped_key: bytes
    ciphertext: bytes


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("authentication failed") from exc


def _wrap_aad(key_id: str) -> bytes:
    return b"sentier-dek:" + key_id.encode()


def encrypt(plaintext: bytes, aad: bytes, ring: Keyring | None = None) -> Envelope:
    ring = ring or keyring()
    dek = AESGCM.generate_key(bit_length=256)
    master = ring.key(ring.active_id)
    return Envelope(
        key_id=ring.active_id,
        wrapped_key=_seal(master, dek, _wrap_aad(ring.active_id)),
        ciphertext=_seal(dek, plaintext, aad),
    )


def _unwrap(envelope: Envelope, ring: Keyring) -> bytes:
    master = ring.key(envelope.key_id)
    return _open(master, bytes(envelope.wrapped_key), _wrap_aad(envelope.key_id))


def can_unwrap(envelope: Envelope, ring: Keyring | None = None) -> bool:
    """Whether the keyring opens this record's data key (the data itself is not read)."""
    try:
        _unwrap(envelope, ring or keyring())
    except DecryptionError:
        return False
    return True


def decrypt(envelope: Envelope, aad: bytes, ring: Keyring | None = None) -> bytes:
    ring = ring or keyring()
    return _open(_unwrap(envelope, ring), bytes(envelope.ciphertext), aad)


def rewrap(envelope: Envelope, ring: Keyring | None = None) -> Envelope:
    """Wrap the record's data key under the active master key; the data is untouched."""
    ring = ring or keyring()
    dek = _unwrap(envelope, ring)
    master = ring.key(ring.active_id)
    return Envelope(
        key_id=ring.active_id,
        wrapped_key=_seal(master, dek, _wrap_aad(ring.active_id)),
        ciphertext=envelope.ciphertext,
    )
