import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.roles import Role
from audit.models import Action, AuditEvent
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_update_and_delete(person, users):
    event = AuditEvent.objects.create(action=Action.VIEW, object_label=person.code)
    table = AuditEvent._meta.db_table
    refused = [
        f"UPDATE {table} SET object_label = 'x' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
    ]
    for sql in refused:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.object_label == person.code
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_org_admin_reads_and_filters_own_journal(login, person, users):
    login("social_worker").get(reverse("people:detail", args=[person.code]))
    client = login("org_admin")
    page = client.get(reverse("audit:journal"))
    events = list(page.context["page_obj"])
    assert any(e.action == Action.VIEW and e.object_label == person.code for e in events)
    filtered = client.get(reverse("audit:journal"), {"action": "create", "actor": "nobody"})
    assert filtered.context["page_obj"].paginator.count == 0
    by_code = client.get(reverse("audit:journal"), {"object_label": person.code})
    assert by_code.context["page_obj"].paginator.count >= 1
    assert client.get(reverse("audit:journal"), {"start": "2025-13-45"}).status_code == 200


def test_other_organisations_events_stay_hidden(login, person, users):
    other = OrganisationFactory()
    stranger = UserFactory()
    Membership.objects.create(user=stranger, organisation=other, role=Role.SOCIAL_WORKER)
    foreign = PersonFactory(organisation=other, created_by=stranger)
    AuditEvent.objects.create(
        action=Action.VIEW, organisation=other, actor=stranger, object_label=foreign.code
    )
    page = login("org_admin").get(reverse("audit:journal"))
    assert foreign.code not in page.content.decode()


def test_failed_logins_of_members_are_visible_to_their_admin(client, users, login):
    client.post(reverse("accounts:login"), {"username": users["health"].email, "password": "bad"})
    page = login("org_admin").get(reverse("audit:journal"), {"action": "login_failed"})
    assert page.context["page_obj"].paginator.count == 1


@pytest.mark.parametrize("role", [r for r in Role.values if r != "org_admin"])
def test_only_org_admins_read_the_journal(login, role):
    assert login(role).get(reverse("audit:journal")).status_code == 404


def test_pages_interleave_the_three_kinds_of_events_newest_first(carrier, users):
    """The journal merges the organisation's events, its members' sign-ins and sign-ins
    typed with a member's e-mail: every page is in date order, none lost, none repeated,
    and the events of a stranger or from before an account joined never appear."""
    from django.utils import timezone

    from accounts.journal import journal_for

    admin, member = users["org_admin"], users["health"]
    AuditEvent.objects.create(action=Action.LOGIN, actor=member)  # before joining: hidden
    Membership.objects.filter(user=member).update(created_at=timezone.now())
    AuditEvent.objects.create(action=Action.LOGIN, actor=UserFactory())  # a stranger's
    expected = []
    for n in range(23):  # created in order: the journal shows them newest first
        if n % 3 == 0:
            event = AuditEvent.objects.create(action=Action.VIEW, organisation=carrier)
        elif n % 3 == 1:
            event = AuditEvent.objects.create(action=Action.LOGIN, actor=member)
        else:
            event = AuditEvent.objects.create(
                action=Action.LOGIN_FAILED, actor_email=member.email.upper()
            )
        expected.append(event.pk)
    journal = journal_for(admin)
    seen = [e.pk for start in range(0, 30, 7) for e in journal[start : start + 7]]
    assert seen == list(reversed(expected))
    assert journal.count() == 23


@pytest.mark.django_db
def test_journal_names_objects_by_identifiers_never_by_typed_text(carrier, person):
    """A partner's or team's name, a decision's wording: typed text stays out of the journal."""
    from accounts.models import Team
    from audit.services import record
    from core.actor import Actor

    team = Team.objects.create(organisation=carrier, name="Équipe de Mme Dupont")
    event = record(Actor(), Action.CREATE, team, label=team.name)
    assert event.object_label == f"#{team.pk}"
    assert "Dupont" not in str(AuditEvent.objects.values_list().get(pk=event.pk))
    # The system's own identifiers are kept: a person code, a payroll month.
    assert record(Actor(), Action.VIEW, person).object_label == person.code
    assert record(Actor(), Action.EXPORT, label="paie 2026-01").object_label == "paie 2026-01"


def _sign_in_seen_by_admin(admin, account):
    from accounts.journal import journal_for
    from audit.services import record
    from core.actor import Actor

    event = record(Actor(user=account), Action.LOGIN)
    return any(e.pk == event.pk for e in journal_for(admin))


def test_sign_ins_are_read_for_current_members_only(carrier, users):
    """An invitation not accepted, or a member who left, shows no sign-in to the admin; a
    current member's do (the twin)."""
    from django.utils import timezone

    admin = users["org_admin"]
    elsewhere = OrganisationFactory()
    invited = UserFactory(email="invite@test.sentier")
    Membership.objects.create(user=invited, organisation=elsewhere, role=Role.SOCIAL_WORKER)
    invitation = Membership.objects.create(
        user=invited,
        organisation=carrier,
        role=Role.HEALTH,
        is_active=False,
        invitation_pending=True,
    )
    assert not _sign_in_seen_by_admin(admin, invited)
    invitation.is_active, invitation.invitation_pending = True, False
    invitation.joined_at = timezone.now()
    invitation.save()
    assert _sign_in_seen_by_admin(admin, invited)
    invitation.is_active = False
    invitation.save()
    assert not _sign_in_seen_by_admin(admin, invited)
    assert _sign_in_seen_by_admin(admin, users["social_worker"])


def test_unreadable_filters_show_nothing_and_say_why(login, person):
    """Issue 14 #7: an end before the start, or start=abc, used to return the whole journal."""
    login("social_worker").get(reverse("people:detail", args=[person.code]))
    client = login("org_admin")
    for params in ({"start": "2026-03-10", "end": "2026-03-01"}, {"start": "abc"}):
        page = client.get(reverse("audit:journal"), params)
        assert page.status_code == 200
        assert page.context["page_obj"].paginator.count == 0
        text = page.content.decode()
        assert "aucun événement n'est affiché" in text
        assert "la fin précède le début" in text or "Saisissez une date valide" in text
    # Its twin: the same dates in order filter the journal and keep today's events.
    today = timezone.localdate().isoformat()
    ordered = client.get(reverse("audit:journal"), {"start": today, "end": today})
    assert ordered.context["page_obj"].paginator.count >= 1
    assert "aucun événement n'est affiché" not in ordered.content.decode()
