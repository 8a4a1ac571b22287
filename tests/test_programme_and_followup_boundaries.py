"""Boundaries of the programme and the follow-up: team-restricted payroll, partners' staff,
cancelled sessions, far dates, reversals, clinical entries and alerts."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.roles import Role
from activity.models import AwarenessAttendance, AwarenessSession, Payment, WorkSession
from conftest import verified_client
from core.actor import Actor
from people.models import Identity, Share
from tests.factories import OrganisationFactory, PersonFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_team_restricted_payroll_reaches_only_its_teams(login, world, carrier, users, person):
    carrier.restrict_by_team = True
    carrier.save()
    mine, other = TeamFactory(organisation=carrier), TeamFactory(organisation=carrier)
    Membership.objects.get(user=users["payroll"]).teams.add(mine)
    person.team = other
    person.save()
    identity = Identity(person=person, updated_by=users["payroll"])
    identity.seal({"last_name": "HORSCHAMP", "first_name": "A", "birth_date": "1990-06-01"})
    identity.save()
    p = world["participation"]
    p.status, p.hours, p.pay_due = "present", 3, 30
    p.save()
    client = login("payroll")
    assert (
        client.get(reverse("activity:contract_pdf", args=[world["contract"].pk])).status_code == 404
    )
    assert person.code not in client.get(reverse("activity:contracts")).content.decode()
    export = client.get(
        reverse("activity:payroll_export"),
        {"month": p.session.date.strftime("%Y-%m"), "format": "csv"},
    )
    assert "HORSCHAMP" not in export.content.decode("utf-8-sig")


def test_partner_supervisor_does_not_see_a_shared_file(client, person):
    person.consent_share_partners = True
    person.save()
    partner = OrganisationFactory()
    supervisor = UserFactory()
    Membership.objects.create(user=supervisor, organisation=partner, role=Role.SUPERVISOR)
    Share.objects.create(person=person, organisation=partner, granted_by=UserFactory())
    c = verified_client(client, supervisor)
    assert c.get(reverse("people:detail", args=[person.code])).status_code == 404
    assert c.get(reverse("pathways:timeline", args=[person.code])).status_code == 404


def test_cancelled_session_cannot_be_marked_or_paid(login, world):
    p = world["participation"]
    client = login("supervisor")
    client.post(reverse("activity:attendance", args=[p.pk]), {"status": "present"})
    WorkSession.objects.filter(pk=p.session_id).update(cancelled=True)
    marked = client.post(reverse("activity:attendance", args=[p.pk]), {"status": "absent"})
    assert "annulée" in marked.content.decode()
    paid = client.post(
        reverse("activity:payment", args=[p.pk]),
        {
            "key": str(uuid.uuid4()),
            "amount": "30.00",
            "method": "cash",
            "paid_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert "annulée" in paid.content.decode() and not Payment.objects.exists()


def test_far_future_dates_get_a_message_not_a_500(login, world):
    client = login("payroll")
    export = client.get(reverse("activity:payroll_export"), {"month": "9999-12", "format": "csv"})
    assert export.status_code == 302
    planned = login("coordinator").post(
        reverse("activity:session_add"),
        {
            "programme": world["programme"].pk,
            "worksite": world["worksite"].pk,
            "supervisor": world["session"].supervisor_id,
            "date": "9999-12-30",
            "start_time": "09:00",
            "end_time": "10:00",
            "places": 2,
            "weeks": 2,
        },
    )
    assert (
        planned.status_code == 200
        and "entre le 01/01/1900 et le 31/12/2100" in planned.content.decode()
    )
    programme = login("coordinator").post(
        reverse("activity:programme_add"),
        {
            "name": "Loin",
            "start_date": "2026-01-01",
            "end_date": "9999-12-31",
            "target_persons": 1,
            "target_sessions": 1,
            "min_sessions_per_month": 1,
            "hourly_rate": "10",
        },
    )
    assert "entre le 01/01/1900 et le 31/12/2100" in programme.content.decode()


def test_editing_awareness_keeps_attendance_of_persons_one_cannot_see(login, world, carrier, users):
    carrier.restrict_by_team = True
    carrier.save()
    mine, other = TeamFactory(organisation=carrier), TeamFactory(organisation=carrier)
    Membership.objects.get(user=users["coordinator"]).teams.add(mine)
    hidden = PersonFactory(organisation=carrier, created_by=users["social_worker"], team=other)
    session = AwarenessSession.objects.create(
        programme=world["programme"],
        date=world["programme"].start_date,
        theme="T",
        facilitator="F",
        created_by=users["coordinator"],
    )
    AwarenessAttendance.objects.create(session=session, person=hidden)
    login("coordinator").post(
        reverse("activity:awareness_edit", args=[session.pk]),
        {
            "programme": world["programme"].pk,
            "date": session.date.isoformat(),
            "theme": "T",
            "facilitator": "F",
        },
    )
    assert AwarenessAttendance.objects.filter(session=session, person=hidden).exists()


def test_reversal_key_cannot_be_reused_for_another_payment(login, world, users):
    from django.core.exceptions import ValidationError

    from activity.models import Participation
    from activity.services import payments

    p = world["participation"]
    Participation.objects.filter(pk=p.pk).update(status="present", hours=3, pay_due=30)
    first = Payment.objects.create(
        participation=p,
        amount=30,
        method="cash",
        paid_at=timezone.now(),
        idempotency_key=uuid.uuid4(),
        recorded_by=users["supervisor"],
    )
    second = Payment.objects.create(
        participation=p,
        amount=30,
        method="cash",
        slot=1,
        paid_at=timezone.now(),
        idempotency_key=uuid.uuid4(),
        recorded_by=users["supervisor"],
    )
    actor = Actor(user=users["supervisor"])
    key = uuid.uuid4()
    payments.reverse(actor, first, key=key, reason="Erreur de saisie constatée")
    with pytest.raises(ValidationError):
        payments.reverse(actor, second, key=key, reason="Erreur de saisie constatée")
    assert not Payment.objects.filter(reverses=second).exists()


def test_health_referrals_goals_and_exit_kinds_stay_clinical(login, person, world):
    from pathways.models import Exit, Goal, Referral, Service

    service = Service.objects.create(
        organisation=person.organisation, name="Lits de sevrage X", kind="withdrawal"
    )
    Referral.objects.create(
        person=person,
        service=service,
        date=timezone.localdate(),
        author=world["contract"].created_by,
    )
    Goal.objects.create(
        person=person, area="health", title="Suivi hépatite", author=world["contract"].created_by
    )
    Exit.objects.create(
        person=person,
        date=timezone.localdate() - timedelta(days=1),
        kind="hospital",
        author=world["contract"].created_by,
    )
    outreach = login("outreach").get(reverse("pathways:timeline", args=[person.code]))
    html = outreach.content.decode()
    assert "sevrage" not in html and "hépatite" not in html and "hospitalisation" not in html
    assert "Sortie négative" in html
    social = login("social_worker").get(reverse("pathways:timeline", args=[person.code]))
    assert "sevrage" in social.content.decode()


def test_quiet_alert_does_not_reveal_a_recent_health_note(login, person, carrier, users):
    from pathways.models import Note
    from people.models import Person

    Person.objects.filter(pk=person.pk).update(created_at=timezone.now() - timedelta(days=90))
    note = Note(
        person=person,
        organisation=carrier,
        level="health",
        date=timezone.localdate(),
        author=users["health"],
    )
    note.seal({"text": "x"})
    note.save()
    social = login("social_worker").get(reverse("pathways:alerts"))
    assert person.code in {p.code for p in social.context["quiet"]}
    health = login("health").get(reverse("pathways:alerts"))
    assert person.code not in {p.code for p in health.context["quiet"]}
