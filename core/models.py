import json

from django.apps import apps
from django.db import models

from core import crypto


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
        data = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        envelope = crypto.encrypt(data, self.aad_context())
        self.key_id, self.wrapped_key, self.ciphertext = (
            envelope.key_id,
            envelope.wrapped_key,
            envelope.ciphertext,
        )

    def unseal(self) -> dict:
        return json.loads(crypto.decrypt(self._envelope(), self.aad_context()))

    def rewrap(self) -> None:
        envelope = crypto.rewrap(self._envelope())
        self.key_id, self.wrapped_key = envelope.key_id, envelope.wrapped_key


def encrypted_models() -> list[type[EncryptedRecord]]:
    return [m for m in apps.get_models() if issubclass(m, EncryptedRecord)]
