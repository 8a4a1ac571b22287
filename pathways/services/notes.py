"""Writing and editing notes: sealed text, kept versions, conflicts told to the writer."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import record
from core.actor import Actor
from pathways.models import Note, NoteVersion


class StaleNote(Exception):
    pass


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
        if current.version != version:
            raise StaleNote
        previous = NoteVersion(
            note=current,
            number=current.version,
            date=current.date,
            level=current.level,
            author=current.author,
            saved_at=current.updated_at or timezone.now(),
        )
        previous.seal({"text": current.text})
        previous.save()
        current.level, current.date, current.version = level, date, current.version + 1
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


def visible(person, access):
    return Note.objects.filter(person=person, level__in=access.levels).select_related("author")
