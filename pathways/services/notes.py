"""Writing and editing notes: sealed text, kept versions, conflicts told to the writer
(core.concurrency.StaleEdit)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import record
from core.actor import Actor
from core.concurrency import claim_version
from pathways.models import Note, NoteVersion


def _check_level(access, level):
    if level not in access.levels or not access.note_writer:
        raise ValidationError(
            {"level": "Vous ne pouvez pas écrire à ce niveau de confidentialité."}
        )


def write(actor: Actor, person, access, *, level, date, text) -> Note:
    _check_level(access, level)
    note = Note(
        person=person, organisation=person.organisation, level=level, date=date, author=actor.user
    )
    note.seal({"text": text})
    note.save()
    record(
        actor,
        Action.CREATE,
        note,
        organisation=person.organisation,
        label=person.code,
        level=level,
    )
    return note


def edit(actor: Actor, note: Note, access, *, level, date, text, version) -> Note:
    """Keep the previous text as a version, then save; refuse an edit made on an old copy."""
    _check_level(access, level)
    with transaction.atomic():
        current = Note.objects.select_for_update().get(pk=note.pk)
        claim_version(current, version)  # StaleEdit when someone saved it meanwhile
        previous = NoteVersion(
            note=current,
            number=version,
            date=current.date,
            level=current.level,
            author=current.author,
            saved_at=current.updated_at or timezone.now(),
        )
        previous.seal({"text": current.text})
        previous.save()
        current.level, current.date = level, date
        current.author = actor.user
        current.seal({"text": text})
        current.save()
    record(
        actor,
        Action.UPDATE,
        current,
        organisation=current.organisation,
        label=current.person.code,
        level=level,
    )
    return current
