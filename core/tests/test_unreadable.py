"""A record that does not decrypt shows as unreadable, alone: the page answers, the other
records show, and the organisation's journal holds the administrator's alert."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from audit.models import Action, AuditEvent
from core.models import UNREADABLE
from pathways.models import CaseMeeting, Note
from pathways.visibility import Level
from people.models import Identity

pytestmark = pytest.mark.django_db


def damage(record):
    """Flip one byte of the ciphertext, as a wrong key, a bad restore or a disk would."""
    broken = bytearray(record.ciphertext)
    broken[-1] ^= 1
    type(record).objects.filter(pk=record.pk).update(ciphertext=bytes(broken))


def note(person, author, text, level=Level.TEAM):
    n = Note(person=person, organisation=person.organisation, level=level, date=date.today())
    n.author = author
    n.seal({"text": text})
    n.save()
    return n


def test_timeline_with_one_unreadable_note_still_answers(login, person, users):
    author = users["social_worker"]
    note(person, author, "Premier entretien LISIBLE")
    damage(note(person, author, "Entretien ABIME"))
    meeting = CaseMeeting(person=person, date=date.today(), author=author)
    meeting.seal({"participants": "Équipe", "decisions": "Relais REUNION"})
    meeting.save()
    damage(meeting)
    page = login("social_worker").get(reverse("pathways:timeline", args=[person.code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Premier entretien LISIBLE" in html and "ABIME" not in html
    assert html.count("Contenu illisible") == 2 and "REUNION" not in html
    alerts = AuditEvent.objects.filter(action=Action.UNREADABLE)
    assert {(e.object_type, e.object_label) for e in alerts} == {
        ("pathways.note", person.code),
        ("pathways.casemeeting", person.code),
    }
    assert all(e.organisation_id == person.organisation_id for e in alerts)


def test_the_administrator_reads_the_alert_in_the_journal(login, person, users):
    damage(note(person, users["social_worker"], "Texte"))
    login("social_worker").get(reverse("pathways:timeline", args=[person.code]))
    journal = login("org_admin").get(reverse("audit:journal"), {"action": "unreadable"})
    assert journal.status_code == 200
    assert journal.context["page_obj"].paginator.count == 1
    assert "Enregistrement illisible" in journal.content.decode()


def test_identity_page_with_an_unreadable_identity(login, person, users):
    from people.tests.test_identity import identity_form

    person.birth_year, person.birth_month = 1990, 6
    person.save()
    identity = Identity(person=person, updated_by=users["payroll"])
    identity.seal({"last_name": "ZORGLUB", "first_name": "Hortense"})
    identity.save()
    damage(identity)
    client = login("payroll")
    page = client.get(reverse("people:identity", args=[person.code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert escape(UNREADABLE) in html and "ZORGLUB" not in html
    assert "Aucune identité civile" not in html
    assert AuditEvent.objects.filter(action=Action.UNREADABLE, object_label=person.code).exists()
    # Payroll can enter the identity again: the form opens empty and saving works.
    form = client.get(reverse("people:identity_edit", args=[person.code]))
    assert form.status_code == 200 and "illisible" not in form.content.decode()
    saved = client.post(
        reverse("people:identity_edit", args=[person.code]),
        {**identity_form(), "version": identity.version},
    )
    assert saved.status_code == 302
    assert Identity.objects.get().unseal()["last_name"] == "ZORGLUBIENNE"


def test_readable_records_raise_no_alert(login, person, users):
    note(person, users["social_worker"], "Tout va bien")
    page = login("social_worker").get(reverse("pathways:timeline", args=[person.code]))
    assert page.status_code == 200 and "Contenu illisible" not in page.content.decode()
    assert not AuditEvent.objects.filter(action=Action.UNREADABLE).exists()


def test_contract_and_payroll_export_with_an_unreadable_identity(login, world, person, users):
    """The contract PDF says why it cannot be filled; the payroll export still goes out with
    that line marked, and the journal holds the alert."""
    identity = Identity(person=person, updated_by=users["payroll"])
    identity.seal({"last_name": "ZORGLUB", "first_name": "Hortense"})
    identity.save()
    damage(identity)
    client = login("payroll")
    pdf = client.get(reverse("activity:contract_pdf", args=[world["contract"].pk]), follow=True)
    assert pdf.status_code == 200 and "illisible" in pdf.content.decode()
    participation = world["participation"]
    participation.status, participation.hours, participation.pay_due = "present", 3, 30
    participation.save()
    month = participation.session.date.strftime("%Y-%m")
    export = client.get(reverse("activity:payroll_export"), {"month": month, "format": "csv"})
    text = export.content.decode("utf-8-sig")
    assert export.status_code == 200 and f"{person.code};IDENTITÉ ILLISIBLE" in text
    assert "ZORGLUB" not in text
    assert AuditEvent.objects.filter(action=Action.UNREADABLE, object_label=person.code).exists()
