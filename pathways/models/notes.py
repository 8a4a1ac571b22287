import uuid

from django.conf import settings
from django.db import models

from core.models import EncryptedRecord
from pathways import visibility
from pathways.visibility import EntryQuerySet, Level


class NoteQuerySet(EntryQuerySet):
    rule = staticmethod(visibility.notes)


class Note(EncryptedRecord):
    """A dated follow-up note. Its text is sealed like the legal identity; every edit keeps
    the previous text as a NoteVersion."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="notes")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField("confidentialité", max_length=10, choices=Level.choices)
    date = models.DateField("date")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = "note de suivi"
        indexes = [models.Index(fields=["person", "level", "-date"])]

    def __str__(self):
        return f"Note du {self.date:%d/%m/%Y}"

    def aad_context(self) -> bytes:
        return f"pathways.note:{self.uid}".encode()

    @property
    def text(self) -> str:
        return self.unseal()["text"]


class NoteVersion(EncryptedRecord):
    note = models.ForeignKey(Note, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    date = models.DateField()
    level = models.CharField(max_length=10, choices=Level.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["note", "number"], name="note_version_once")]

    def __str__(self):
        return f"Version {self.number}"

    @classmethod
    def visible_versions(cls, note, access):
        """Earlier versions written at a level the viewer lacks stay sealed for them."""
        return note.versions.filter(visibility.notes(access)).select_related("author")

    def aad_context(self) -> bytes:
        return f"pathways.noteversion:{self.note.uid}:{self.number}".encode()
