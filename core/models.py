import json
import logging

from django.apps import apps
from django.db import models
from django.dispatch import Signal

from core import crypto

logger = logging.getLogger("sentier.crypto")

# Shown in place of a record that the keyring does not open (wrong or lost master key,
# damaged row): the page still answers, the other records show.
UNREADABLE = (
    "Contenu illisible : cet enregistrement ne peut pas être déchiffré avec les clés "
    "actuelles. L'incident est inscrit au journal ; prévenez l'administrateur·rice."
)

# Sent when a record fails to decrypt: the journal (audit/signals.py) records it for the
# record's organisation, where its administrator reads it (action « Enregistrement illisible »).
record_unreadable = Signal()


class MasterKeyCheck(models.Model):
    """One row per master key ever used: its id and a fingerprint of the key
    (crypto.key_check_value). Start-up (core/checks.py) compares the keys of
    SENTIER_MASTER_KEYS with these rows and refuses to start on a mismatch, so a wrong key
    never writes records that the right key could not open."""

    key_id = models.CharField(max_length=16, primary_key=True)
    check_value = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "empreinte de clé maîtresse"

    def __str__(self):
        return self.key_id


class MasterKeyMismatch(crypto.DecryptionError):
    """The configured key under this id is not the one the data was written with."""


# (key_id, fingerprint) pairs already confirmed against the database by this process.
_confirmed: set[tuple[str, bytes]] = set()


def mismatch_message(key_id: str) -> str:
    return (
        f"SENTIER_MASTER_KEYS: the key {key_id!r} is not the key the data was encrypted with "
        "(its fingerprint differs from the one stored at its first use). Sentier refuses to "
        "start: records written with a wrong key could never be read with the right one."
    )


def confirm_key(key_id: str, ring: crypto.Keyring | None = None) -> None:
    """Before a write under key_id: record its fingerprint on first use, refuse a mismatch."""
    ring = ring or crypto.keyring()
    expected = crypto.key_check_value(key_id, ring.key(key_id))
    if (key_id, expected) in _confirmed:
        return
    row, _created = MasterKeyCheck.objects.get_or_create(
        key_id=key_id, defaults={"check_value": expected}
    )
    if not crypto.key_matches(key_id, ring.key(key_id), row.check_value):
        raise MasterKeyMismatch(mismatch_message(key_id))
    _confirmed.add((key_id, expected))


def forget_confirmed_keys() -> None:
    _confirmed.clear()


def verify_keyring(ring: crypto.Keyring | None = None) -> list[str]:
    """Problems with the configured keys, for the start-up check (empty: all good).

    A key with a stored fingerprint must match it. A key without one (never used yet, or a
    database older than the fingerprints) is tried on one data key wrapped under it; when it
    opens, its fingerprint is stored."""
    ring = ring or crypto.keyring()
    stored = {k: bytes(v) for k, v in MasterKeyCheck.objects.values_list("key_id", "check_value")}
    problems = []
    for key_id, key in ring.keys.items():
        if key_id in stored:
            if not crypto.key_matches(key_id, key, stored[key_id]):
                problems.append(mismatch_message(key_id))
            continue
        sample = None
        for model in encrypted_models():
            found = list(model._default_manager.filter(key_id=key_id).order_by()[:1])  # any one
            if found:
                sample = found[0]
                break
        if sample is None:
            continue  # never used: its fingerprint is stored at its first write
        if crypto.can_unwrap(sample._envelope(), ring):
            confirm_key(key_id, ring)
        else:
            problems.append(mismatch_message(key_id))
    return problems


class EncryptedRecord(models.Model):
    """A row whose payload is a JSON document sealed by envelope encryption.

    Subclasses say which context binds the ciphertext to its row (aad_context), so a
    ciphertext copied onto another row does not open.
    """

    key_id = models.CharField(max_length=16, editable=False)
    wrapped_key = models.BinaryField(editable=False)
    ciphertext = models.BinaryField(editable=False)

    class Meta:
        abstract = True

    def aad_context(self) -> bytes:
        raise NotImplementedError

    def _envelope(self) -> crypto.Envelope:
        return crypto.Envelope(self.key_id, bytes(self.wrapped_key), bytes(self.ciphertext))

    def seal(self, payload: dict) -> None:
        ring = crypto.keyring()
        confirm_key(ring.active_id, ring)
        data = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        envelope = crypto.encrypt(data, self.aad_context(), ring)
        self.key_id, self.wrapped_key, self.ciphertext = (
            envelope.key_id,
            envelope.wrapped_key,
            envelope.ciphertext,
        )

    def unseal(self) -> dict:
        return json.loads(crypto.decrypt(self._envelope(), self.aad_context()))

    def unseal_or_none(self, actor=None) -> dict | None:
        """The payload, or None when it does not decrypt: the failure is logged and
        journaled (record_unreadable), and the caller shows UNREADABLE in its place."""
        try:
            return self.unseal()
        except crypto.DecryptionError as exc:
            logger.error(
                "unreadable record %s #%s (key %r): %s",
                self._meta.label_lower,
                self.pk,
                self.key_id,
                exc,
            )
            record_unreadable.send(sender=type(self), instance=self, actor=actor)
            return None

    def rewrap(self) -> None:
        envelope = crypto.rewrap(self._envelope())
        self.key_id, self.wrapped_key = envelope.key_id, envelope.wrapped_key


def encrypted_models() -> list[type[EncryptedRecord]]:
    return [m for m in apps.get_models() if issubclass(m, EncryptedRecord)]
