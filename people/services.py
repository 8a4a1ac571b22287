"""Registering and updating persons and identities, sharing files with partners; every
write is audited here."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import Action
from audit.services import record
from core.actor import Actor
from core.concurrency import StaleEdit, claim_version
from core.models import UNREADABLE
from people.models import EligibilityOverride, Identity, Person, Share

__all__ = ["StaleEdit"]  # re-exported: views catch people.services.StaleEdit


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
    """Save an edit made on the current version (else StaleEdit). Consent to share withdrawn:
    every open share is revoked in the same transaction; health consent withdrawn: open shares
    stop carrying health entries. Consent given again grants nothing by itself."""
    with transaction.atomic():
        claim_version(form.instance, form.cleaned_data.get("version"))
        person = form.save()
        record(actor, Action.UPDATE, person, fields=sorted(form.changed_data))
        if not person.consent_share_partners:
            for share in Share.objects.open().filter(person=person):
                revoke_share(actor, share, reason="consent_withdrawn")
        elif not person.consent_share_health:
            for share in Share.objects.open().filter(person=person, health=True):
                share.health = False
                share.save(update_fields=["health"])
                record(
                    actor,
                    Action.UPDATE,
                    share,
                    organisation=person.organisation,
                    label=person.code,
                    fields=["health"],
                    reason="health_consent_withdrawn",
                )
    return person


def share(actor: Actor, person: Person, organisation, team=None) -> Share:
    """Share the follow-up with a partner (the caller checked the person's consent). The
    share carries health entries only if the person agrees to that now."""
    with transaction.atomic():
        granted = Share.objects.create(
            person=person,
            organisation=organisation,
            team=team,
            health=person.consent_share_health,
            granted_by=actor.user,
        )
        record(
            actor,
            Action.CREATE,
            granted,
            organisation=person.organisation,
            label=person.code,
            partner=organisation.pk,
            team=team.pk if team else None,
            health=granted.health,
        )
    return granted


def revoke_share(actor: Actor, granted: Share, reason: str = "revoked") -> None:
    """End one share (journaled); a revoked share stays listed as revoked."""
    if granted.revoked_at is not None:
        return
    with transaction.atomic():
        granted.revoked_at, granted.revoked_by = timezone.now(), actor.user
        granted.save(update_fields=["revoked_at", "revoked_by"])
        record(
            actor,
            Action.UPDATE,
            granted,
            organisation=granted.person.organisation,
            label=granted.person.code,
            fields=["revoked_at"],
            reason=reason,
        )


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
        if identity is None:
            if version is not None:
                raise StaleEdit  # opened on an identity that no longer exists
            identity, previous = Identity(person=person), {}
        else:
            claim_version(identity, version)
            previous = identity.unseal_or_none(actor) or {}  # re-entry after a lost key
        identity.updated_by = actor.user
        identity.seal(payload)
        identity.save()
        changed = sorted(k for k in payload if payload[k] != previous.get(k))
        record(actor, Action.IDENTITY_UPDATE, person, fields=changed)
    return identity
