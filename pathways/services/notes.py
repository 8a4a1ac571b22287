"""Writing and editing notes: sealed text, kept versions, conflicts told to the writer
(core.concurrency.StaleEdit)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import Action
from audit.services import record
from core import validity
from core.actor import Actor
from core.concurrency import claim_version
from core.validity import fr_date
from pathways.models import Note, NoteVersion
from pathways.services.followup import known_since


def _check_level(access, level):
    if level not in access.levels or not access.note_writer:
        raise ValidationError(
            {"level": "Vous ne pouvez pas écrire à ce niveau de confidentialité."}
        )


def check_note(person, day, text: str) -> None:
    """A note is dated between the day the person was known and today, and its text stays
    within validity.NOTE_LIMIT, on writing as on editing (issue 14)."""
    errors = {}
    known = known_since(person)
    try:
        validity.check_date(
            day,
            known,
            timezone.localdate(),
            f"la personne est connue depuis le {fr_date(known)} et une note ne peut être "
            "datée dans le futur",
        )
    except ValidationError as error:
        errors["date"] = error.messages
    if len(text) > validity.NOTE_LIMIT:
        errors["text"] = [
            f"Ce texte dépasse {validity.fr_number(validity.NOTE_LIMIT)} caractères (il en "
            f"compte {validity.fr_number(len(text))}) : raccourcissez-le."
        ]
    if errors:
        raise ValidationError(errors)


def write(actor: Actor, person, access, *, level, date, text) -> Note:
    _check_level(access, level)
    check_note(person, date, text)
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
    check_note(note.person, date, text)
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
