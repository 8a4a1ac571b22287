"""Registering and updating persons and identities; every write is audited here."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.models import Action
from audit.services import record
from core.actor import Actor
from core.models import UNREADABLE
from people.models import EligibilityOverride, Identity, Person


class StaleEdit(Exception):
    """The file changed since the form was opened."""


def register_person(actor: Actor, form) -> tuple[Person, bool]:
    """Create the person once per form: the unique creation key makes the database refuse a
    resubmission (double click, resent form, concurrent request); the first one is returned."""
    key = form.cleaned_data.get("creation_key")
    person = form.save(commit=False)
    person.created_by = actor.user
    person.creation_key = key
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        existing = (
            Person.objects.filter(creation_key=key, created_by=actor.user).first() if key else None
        )
        if existing is None:
            raise
        return existing, False
    record(actor, Action.CREATE, person)
    return person, True


def update_person(actor: Actor, person: Person, form) -> Person:
    expected = form.cleaned_data.get("version")
    with transaction.atomic():
        bumped = Person.objects.filter(pk=person.pk, version=expected).update(
            version=F("version") + 1
        )
        if not bumped:
            raise StaleEdit
        form.instance.version = expected + 1
        person = form.save()
        record(actor, Action.UPDATE, person, fields=sorted(form.changed_data))
    return person


def override_eligibility(actor: Actor, person: Person, reason: str) -> EligibilityOverride:
    with transaction.atomic():
        # One decision at a time per person: concurrent overrides queue here.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        EligibilityOverride.objects.filter(person=person, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor.user
        )
        override = EligibilityOverride.objects.create(
            person=person, reason=reason, decided_by=actor.user
        )
    record(actor, Action.CREATE, override, organisation=person.organisation, label=person.code)
    return override


def revoke_override(actor: Actor, person: Person) -> None:
    n = EligibilityOverride.objects.filter(person=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor.user
    )
    if n:
        record(actor, Action.UPDATE, person, fields=["eligibility_override"], revoked=True)


def open_identity(actor: Actor, person: Person) -> tuple[dict | None, int | None]:
    """The decrypted identity and its version; the opening is journaled."""
    identity = Identity.objects.filter(person=person).first()
    record(actor, Action.IDENTITY_VIEW, person, exists=identity is not None)
    if identity is None:
        return None, None
    data = identity.unseal_or_none(actor)
    return (data if data is not None else UnreadableIdentity()), identity.version


class UnreadableIdentity(dict):
    """An identity the keyring does not open: shows the placeholder in every field of the
    page, prefills nothing in the form (no keys), and is still "an identity" (truthy)."""

    def __missing__(self, key):
        return UNREADABLE if key == "last_name" else "illisible"

    def __bool__(self):
        return True


def save_identity(actor: Actor, person: Person, payload: dict, version: int | None) -> Identity:
    """Seal and save; version is the one the form was opened on (None for a first entry).
    Two payroll officers saving at once: the second is told, nothing is overwritten."""
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        identity = Identity.objects.filter(person=person).first()
        current = identity.version if identity else None
        if current != version:
            raise StaleEdit
        previous = (identity.unseal_or_none(actor) or {}) if identity else {}  # lost key: re-entry
        if identity is None:
            identity = Identity(person=person)
        else:
            identity.version += 1
        identity.updated_by = actor.user
        identity.seal(payload)
        identity.save()
        changed = sorted(k for k in payload if payload[k] != previous.get(k))
        record(actor, Action.IDENTITY_UPDATE, person, fields=changed)
    return identity
