"""Role × entry-kind visibility: a health note never reaches a non-health user, anywhere."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Membership
from accounts.roles import Role
from pathways.models import Note
from people.models import Share
from tests.dump import assert_absent_from_database
from tests.factories import OrganisationFactory, UserFactory

# A note is dated between the day the person was known (created today) and today.
TODAY = date.today().isoformat()

pytestmark = pytest.mark.django_db
SECRET = "Traitement-XYZZY-confidentiel"


def write(client, person, level, text):
    return client.post(
        reverse("pathways:note_add", args=[person.code]),
        {"date": TODAY, "level": level, "text": text},
    )


@pytest.fixture
def notes(login, person):
    write(login("health"), person, "health", f"Santé {SECRET}")
    write(login("social_worker"), person, "social", "Social SOCIALTEXT")
    write(login("outreach"), person, "team", "Équipe TEAMTEXT")
    assert Note.objects.count() == 3
    return Note.objects.all()


WHO_SEES = {
    "health": {"HEALTH", "TEAMTEXT"},
    "social_worker": {"SOCIALTEXT", "TEAMTEXT"},
    "coordinator": {"SOCIALTEXT", "TEAMTEXT"},
    "supervisor": set(),  # work supervisors read no follow-up entry
    "outreach": {"TEAMTEXT"},
    "payroll": set(),
    "org_admin": set(),
    "funder": set(),
}


@pytest.mark.parametrize("role", WHO_SEES)
def test_each_role_sees_only_its_levels_on_every_page(login, person, notes, role):
    client = login(role)
    seen = set()
    pages = [
        reverse("pathways:timeline", args=[person.code]),
        reverse("people:detail", args=[person.code]),
        reverse("audit:journal"),
    ] + [reverse("pathways:note_edit", args=[person.code, n.pk]) for n in notes]
    responses = [(url, client.get(url)) for url in pages]
    search = client.post(reverse("people:list"), {"q": person.code}, follow=True)
    for url, response in responses + [("search", search)]:
        assert response.status_code in (200, 404), url
        html = response.content.decode()
        seen |= {word for word in ("TEAMTEXT", "SOCIALTEXT") if word in html}
        if SECRET in html:
            seen.add("HEALTH")
    assert seen == WHO_SEES[role]
    # Note text is never searchable: searching for it finds nobody.
    search = client.post(reverse("people:list"), {"q": "XYZZY"}, follow=True)
    assert search.status_code == 404 or search.context["page_obj"].paginator.count == 0


def test_health_note_page_is_404_for_others(login, person, notes):
    health = notes.get(level="health")
    for role in ("social_worker", "coordinator", "org_admin", "supervisor"):
        response = login(role).get(reverse("pathways:note_edit", args=[person.code, health.pk]))
        assert response.status_code == 404 and SECRET not in response.content.decode()


def test_earlier_version_at_a_stricter_level_stays_hidden(login, person):
    client = login("health")
    client.post(
        reverse("pathways:note_add", args=[person.code]),
        {"date": TODAY, "level": "health", "text": f"Santé {SECRET}"},
    )
    note = Note.objects.get()
    client.post(
        reverse("pathways:note_edit", args=[person.code, note.pk]),
        {"date": TODAY, "level": "team", "text": "Rien de médical", "version": 1},
    )
    for role in ("outreach", "social_worker", "coordinator"):
        page = login(role).get(reverse("pathways:note_edit", args=[person.code, note.pk]))
        assert page.status_code == 200 and SECRET not in page.content.decode()
    assert (
        SECRET
        in login("health")
        .get(reverse("pathways:note_edit", args=[person.code, note.pk]))
        .content.decode()
    )


def test_cannot_write_above_own_level(login, person):
    response = write(login("social_worker"), person, "health", "tentative")
    assert response.status_code == 200 and not Note.objects.exists()


def test_notes_are_encrypted_at_rest(notes):
    assert_absent_from_database(SECRET.encode())


def test_edit_keeps_versions_and_detects_conflicts(login, person, notes):
    note = notes.get(level="team")
    client = login("outreach")
    url = reverse("pathways:note_edit", args=[person.code, note.pk])
    base = {"date": TODAY, "level": "team", "version": note.version}
    assert client.post(url, {**base, "text": "Deuxième version"}).status_code == 302
    stale = client.post(url, {**base, "text": "Écrit sur une copie ancienne"})
    html = stale.content.decode()
    assert "Quelqu&#x27;un a modifié cette fiche" in html and "Écrit sur une copie ancienne" in html
    note.refresh_from_db()
    assert note.text == "Deuxième version" and note.version == 2
    assert note.versions.get().unseal()["text"] == "Équipe TEAMTEXT"


@pytest.fixture
def partner(person):
    org = OrganisationFactory(name="CSAPA partenaire")
    staff = {}
    for role in (Role.SOCIAL_WORKER, Role.HEALTH, Role.PAYROLL):
        user = UserFactory(email=f"partner-{role}@test.sentier")
        Membership.objects.create(user=user, organisation=org, role=role)
        staff[role] = user
    return org, staff


def test_sharing_needs_consent_and_shows_team_entries_only(
    login, client, person, notes, partner, world
):
    import uuid

    from django.utils import timezone

    from activity.models import Payment
    from conftest import verified_client

    p = world["participation"]
    p.status, p.hours, p.pay_due = "present", 3, 30
    p.save()
    Payment.objects.create(
        participation=p,
        amount=30,
        method="cash",
        paid_at=timezone.now(),
        idempotency_key=uuid.uuid4(),
        recorded_by=world["session"].supervisor,
    )
    own_view = login("social_worker").get(reverse("pathways:timeline", args=[person.code]))
    assert "payment" in {e.kind for e in own_view.context["entries"]}

    org, staff = partner
    url = reverse("pathways:shares", args=[person.code])
    refused = login("social_worker").post(url, {"organisation": org.pk})
    assert "n&#x27;a pas accepté le partage" in refused.content.decode()
    person.consent_share_partners = True
    person.save()
    login("social_worker").post(url, {"organisation": org.pk})
    assert Share.objects.active().filter(organisation=org).exists()

    timeline = reverse("pathways:timeline", args=[person.code])
    seen = verified_client(client, staff[Role.SOCIAL_WORKER]).get(timeline)
    html = seen.content.decode()
    assert "TEAMTEXT" in html and "SOCIALTEXT" not in html and SECRET not in html
    assert "payment" not in {e.kind for e in seen.context["entries"]}  # pay stays home
    assert "session" in {e.kind for e in seen.context["entries"]}
    html = verified_client(client, staff[Role.HEALTH]).get(timeline).content.decode()
    assert SECRET not in html  # no consent to share health yet
    person.consent_share_health = True
    person.save()
    html = verified_client(client, staff[Role.HEALTH]).get(timeline).content.decode()
    assert SECRET not in html  # health consent given later does not extend the share
    first = Share.objects.get(organisation=org)
    login("social_worker").post(reverse("pathways:share_revoke", args=[person.code, first.pk]))
    login("social_worker").post(url, {"organisation": org.pk})  # shared again, health included
    html = verified_client(client, staff[Role.HEALTH]).get(timeline).content.decode()
    assert SECRET in html
    payroll = verified_client(client, staff[Role.PAYROLL])
    assert payroll.get(timeline).status_code == 404
    assert payroll.get(reverse("people:detail", args=[person.code])).status_code == 404
    partner_sw = verified_client(client, staff[Role.SOCIAL_WORKER])
    assert partner_sw.get(reverse("people:identity", args=[person.code])).status_code == 404
    assert partner_sw.get(reverse("people:edit", args=[person.code])).status_code == 404
    team_note = notes.get(level="team")
    edit = partner_sw.post(
        reverse("pathways:note_edit", args=[person.code, team_note.pk]),
        {"date": TODAY, "level": "team", "text": "x", "version": 1},
    )
    assert edit.status_code == 404

    # Revocation ends the share at once (consent withdrawal: pathways/tests/test_sharing.py).
    share = Share.objects.active().get(organisation=org)
    login("social_worker").post(reverse("pathways:share_revoke", args=[person.code, share.pk]))
    assert verified_client(client, staff[Role.SOCIAL_WORKER]).get(timeline).status_code == 404
