"""The note page and the complex-case page show an unreadable record as such (journaled),
the rest of the page answers, and an unreadable note cannot be overwritten."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from audit.models import Action, AuditEvent
from core.models import UNREADABLE
from pathways.models import CaseMeeting, Note
from pathways.visibility import Level

# A note is dated between the day the person was known (created today) and today.
TODAY = date.today().isoformat()

pytestmark = pytest.mark.django_db


def damage(record):
    broken = bytearray(record.ciphertext)
    broken[-1] ^= 1
    type(record).objects.filter(pk=record.pk).update(ciphertext=bytes(broken))


def note(person, author, text):
    n = Note(person=person, organisation=person.organisation, level=Level.TEAM, date=date.today())
    n.author = author
    n.seal({"text": text})
    n.save()
    return n


def test_unreadable_note_page_answers_and_refuses_an_edit(login, person, users):
    readable = note(person, users["social_worker"], "Entretien LISIBLE")
    broken = note(person, users["social_worker"], "Entretien ABIME")
    damage(broken)
    client = login("social_worker")
    url = reverse("pathways:note_edit", args=[person.code, broken.pk])
    page = client.get(url)
    assert page.status_code == 200 and escape(UNREADABLE) in page.content.decode()
    assert AuditEvent.objects.filter(action=Action.UNREADABLE).exists()
    post = {"date": TODAY, "level": "team", "text": "Réécrit", "version": 1}
    refused = client.post(url, post)
    assert "Cette note est illisible" in refused.content.decode()
    broken.refresh_from_db()
    assert broken.version == 1 and not broken.versions.exists()
    # The readable twin is edited as usual.
    edit = reverse("pathways:note_edit", args=[person.code, readable.pk])
    assert client.post(edit, post).status_code == 302


def test_complex_case_page_with_an_unreadable_meeting(login, person, users):
    for decisions in ("Relais LISIBLE", "Relais ABIME"):
        meeting = CaseMeeting(person=person, date=date.today(), author=users["health"])
        meeting.seal({"participants": "Équipe", "decisions": decisions})
        meeting.save()
    damage(meeting)
    page = login("health").get(reverse("pathways:complex", args=[person.code]))
    html = page.content.decode()
    assert page.status_code == 200 and "Relais LISIBLE" in html and "ABIME" not in html
    assert escape(UNREADABLE) in html
