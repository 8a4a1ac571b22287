"""Optimistic concurrency: one way to refuse an edit made on an old copy of a record.

A model with an integer `version` field is saved only if the version the form was opened on
is still the stored one; otherwise the writer is told, in French, and keeps what they typed.
"""

from django.db.models import F

STALE_MESSAGE = (
    "Quelqu'un a modifié cette fiche pendant que vous la saisissiez. Votre saisie est "
    "conservée ci-dessous : vérifiez la version à jour, puis enregistrez à nouveau."
)


class StaleEdit(Exception):
    """The record changed since the form was opened."""

    def __init__(self, message: str = STALE_MESSAGE):
        super().__init__(message)
        self.message = message


def claim_version(instance, expected: int | None) -> None:
    """Bump the stored version if it still equals `expected`, else raise StaleEdit.

    Call inside the transaction that saves the instance; the instance's `version` is set
    to the new value so a later save() writes it unchanged."""
    if expected is None:
        raise StaleEdit
    model = type(instance)
    bumped = model._default_manager.filter(pk=instance.pk, version=expected).update(
        version=F("version") + 1
    )
    if not bumped:
        raise StaleEdit
    instance.version = expected + 1
