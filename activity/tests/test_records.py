"""Records of the programme that cannot be wrong (issue 14): attendance and pay not before a
session opens, late corrections by a coordinator with a reason, enrolment and contract dates,
cancelling with a reason, the paperwork warning at invitation, awareness and partner dates;
and activity/integrity.py finds each kind of wrong record already stored. Every refusal has
its allowed twin."""

import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from activity import integrity as rules  # noqa: F401  (registers the rules)
from activity.models import (
    AlternativeActivity,
    AlternativeKind,
    AwarenessAttendance,
    AwarenessSession,
    Contract,
    Enrolment,
    Participation,
    Partner,
    PartnerNote,
    Payment,
    WorkSession,
)
from activity.services import contracts as contract_service
from activity.services import sessions as session_service
from audit.models import AuditEvent
from core import integrity
from core.actor import Actor
from core.validity import attendance_late_days
from people.models import Identity
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

REASON = "Feuille de présence retrouvée au local"


@pytest.fixture
def wide(world):
    """The world's programme, enrolment and contract stretched over more than a year around
    today, so sessions can be placed days before or after it whatever today is."""
    today = timezone.localdate()
    first, last = today - timedelta(days=400), today + timedelta(days=400)
    world["programme"].__class__.objects.filter(pk=world["programme"].pk).update(
        start_date=first, end_date=last
    )
    Enrolment.objects.filter(pk=world["enrolment"].pk).update(start_date=first)
    Contract.objects.filter(pk=world["contract"].pk).update(
        period_start=first, period_end=last, signed_on=first
    )
    for key in ("programme", "enrolment", "contract"):
        world[key].refresh_from_db()
    return world


def session_on(world, day, start=time(9), end=time(12), **extra):
    return WorkSession.objects.create(
        organisation=world["session"].organisation,
        programme=world["programme"],
        worksite=world["worksite"],
        partner=world["partner"],
        supervisor=world["session"].supervisor,
        date=day,
        start_time=start,
        end_time=end,
        places=8,
        hourly_rate=Decimal("10.00"),
        created_by=world["session"].created_by,
        **extra,
    )


def booked(world, day, **extra):
    session = session_on(world, day, **extra)
    return Participation.objects.create(session=session, person=world["enrolment"].person)


def mark(client, participation, **data):
    data.setdefault("version", participation.version)
    return client.post(reverse("activity:attendance", args=[participation.pk]), data)


def pay(client, participation, paid_at, **extra):
    return client.post(
        reverse("activity:payment", args=[participation.pk]),
        {
            "key": str(uuid.uuid4()),
            "amount": str(participation.pay_due),
            "method": "cash",
            "paid_at": timezone.localtime(paid_at).strftime("%Y-%m-%dT%H:%M"),
            **extra,
        },
    )


def worked(participation, when):
    Participation.objects.filter(pk=participation.pk).update(
        status="present", hours=3, pay_due=Decimal("30.00"), recorded_at=when
    )
    participation.refresh_from_db()
    return participation


def found(code):
    return [f.pk for f in integrity.run(timezone.localdate(), [code])]


# --- attendance and pay: not before the session opens ---------------------------------


def test_attendance_is_refused_before_the_session_and_recorded_after(login, wide):
    client = login("supervisor")
    today = timezone.localdate()
    future = booked(wide, today + timedelta(days=3))
    page = client.get(reverse("activity:session", args=[future.session_id]))
    assert "se notent à partir de 08:30" in page.content.decode()
    assert reverse("activity:attendance", args=[future.pk]) not in page.content.decode()
    refused = mark(client, future, status="present")
    assert "se notent à partir de 08:30" in refused.content.decode()
    future.refresh_from_db()
    assert future.status == "invited"

    past = booked(wide, today - timedelta(days=1))
    assert mark(client, past, status="present").status_code == 302
    past.refresh_from_db()
    assert past.status == "present"


def test_attendance_opens_thirty_minutes_before_the_start(wide, users):
    """People arrive early: 20 minutes before the start is accepted, an hour is not."""
    now = timezone.localtime()
    actor = Actor(user=users["supervisor"], where="test")
    results = {}
    for minutes in (20, 60):
        start = now + timedelta(minutes=minutes)
        end = start + timedelta(hours=1)
        if end.date() != now.date():
            pytest.skip("too close to midnight to place a session later today")
        p = booked(wide, now.date(), start=start.time(), end=end.time())
        try:
            session_service.mark(
                actor, p, status="present", hours=None, pay=None, pay_reason="", version=None
            )
            results[minutes] = "recorded"
        except session_service.ValidationError as error:
            results[minutes] = " ".join(error.messages)
    assert results[20] == "recorded"
    assert "se notent à partir de" in results[60]


def test_payment_is_dated_from_the_session_opening_to_now(login, wide):
    client = login("supervisor")
    yesterday = timezone.localdate() - timedelta(days=1)
    p = booked(wide, yesterday)
    mark(client, p, status="present")
    p.refresh_from_db()
    session_start = timezone.make_aware(datetime.combine(yesterday, time(9)))

    too_early = pay(client, p, session_start - timedelta(hours=1))
    assert "Saisissez une heure à partir de 08:30" in too_early.content.decode()
    day_before = pay(client, p, session_start - timedelta(days=1))
    assert "Saisissez une date entre le" in day_before.content.decode()
    future = pay(client, p, timezone.now() + timedelta(hours=2))
    assert "Saisissez une" in future.content.decode()
    assert not Payment.objects.filter(participation=p).exists()

    assert pay(client, p, session_start - timedelta(minutes=20)).status_code == 302
    assert Payment.objects.filter(participation=p).count() == 1


# --- late: only a coordinator corrects, with a reason ----------------------------------


def test_after_the_late_days_only_a_coordinator_corrects_with_a_reason(login, wide):
    late_day = timezone.localdate() - timedelta(days=attendance_late_days() + 1)
    p = booked(wide, late_day)
    supervisor = login("supervisor")
    page = supervisor.get(reverse("activity:session", args=[p.session_id]))
    assert escape("seul·e un·e chargé·e de projet corrige") in page.content.decode()
    assert reverse("activity:attendance", args=[p.pk]) not in page.content.decode()
    refused = mark(supervisor, p, status="present")
    assert escape("seul·e un·e chargé·e de projet") in refused.content.decode()
    p.refresh_from_db()
    assert p.status == "invited"

    coordinator = login("coordinator")
    page = coordinator.get(reverse("activity:session", args=[p.session_id])).content.decode()
    assert "demande un motif écrit" in page and "Noter la présence" in page
    assert 'name="status"' not in page  # no one-tap button: a reason is needed
    no_reason = mark(coordinator, p, status="present")
    assert "écrivez le motif de la correction" in no_reason.content.decode()
    p.refresh_from_db()
    assert p.status == "invited"
    assert mark(coordinator, p, status="present", correction_reason=REASON).status_code == 302
    p.refresh_from_db()
    assert (p.status, p.correction_reason) == ("present", REASON)
    event = AuditEvent.objects.filter(object_type="activity.participation").latest("pk")
    assert event.details["correction_reason"] == REASON

    paid_at = timezone.make_aware(datetime.combine(late_day, time(12, 30)))
    assert "écrivez le motif" in pay(coordinator, p, paid_at).content.decode()
    assert pay(coordinator, p, paid_at, correction_reason=REASON).status_code == 302
    assert Payment.objects.get(participation=p).reason == REASON


def test_within_the_late_days_the_supervisor_still_records(login, wide):
    last_day = timezone.localdate() - timedelta(days=attendance_late_days())
    p = booked(wide, last_day)
    client = login("supervisor")
    page = client.get(reverse("activity:session", args=[p.session_id])).content.decode()
    assert 'name="status"' in page and "demande un motif" not in page
    assert mark(client, p, status="present").status_code == 302
    p.refresh_from_db()
    assert p.status == "present" and p.correction_reason == ""


# --- enrolment dates ---------------------------------------------------------------------


def test_enrolment_dates_stay_within_the_programme_and_not_in_the_future(login, world):
    client = login("coordinator")
    programme, enrolment = world["programme"], world["enrolment"]
    newcomer = PersonFactory(
        organisation=programme.organisation, created_by=world["session"].created_by
    )
    url = reverse("activity:enrol", args=[programme.pk])
    before = programme.start_date - timedelta(days=1)
    refused = client.post(
        url,
        {"person": newcomer.code, "start_date": before.isoformat(), "override_reason": "x" * 30},
    )
    assert "Saisissez une date entre le" in refused.content.decode()
    assert not Enrolment.objects.filter(person=newcomer).exists()

    end_url = reverse("activity:enrolment_end", args=[enrolment.pk])
    today = timezone.localdate()
    for wrong in (
        enrolment.start_date - timedelta(days=1),
        today + timedelta(days=1),
        programme.end_date + timedelta(days=1),
    ):
        page = client.post(end_url, {"end_date": wrong.isoformat()})
        assert "Saisissez une date entre le" in page.content.decode()
        enrolment.refresh_from_db()
        assert enrolment.end_date is None
    assert client.post(end_url, {"end_date": today.isoformat()}).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.end_date == today


def test_programme_dates_cannot_leave_recorded_activity_out(login, wide):
    client = login("coordinator")
    programme = wide["programme"]
    data = {
        "name": programme.name,
        "start_date": (wide["session"].date + timedelta(days=1)).isoformat(),
        "end_date": programme.end_date.isoformat(),
        "target_persons": 50,
        "target_sessions": 600,
        "min_sessions_per_month": 1,
        "hourly_rate": "10.00",
    }
    url = reverse("activity:programme_edit", args=[programme.pk])
    refused = client.post(url, data)
    assert "déjà enregistrées" in refused.content.decode()
    programme.refresh_from_db()
    assert programme.start_date == wide["enrolment"].start_date
    data["start_date"] = (programme.start_date - timedelta(days=3)).isoformat()
    assert client.post(url, data).status_code == 302


# --- cancelling a session ------------------------------------------------------------------


def test_cancelling_asks_a_reason_then_the_page_says_who_why_and_offers_no_action(
    login, world, users
):
    session, p = world["session"], world["participation"]
    client = login("supervisor")
    url = reverse("activity:session_cancel", args=[session.pk])
    short = client.post(url, {"reason": "pluie"})
    assert short.status_code == 200
    assert "10 caractères au moins" in short.content.decode()
    assert "pluie</textarea>" in short.content.decode()
    session.refresh_from_db()
    assert not session.cancelled

    assert client.post(url, {"reason": "Intempéries : chantier fermé"}).status_code == 302
    session.refresh_from_db()
    assert session.cancelled and session.cancelled_by == users["supervisor"]
    assert session.cancel_reason == "Intempéries : chantier fermé"
    event = AuditEvent.objects.filter(object_type="activity.worksession").latest("pk")
    assert event.details["reason"] == "Intempéries : chantier fermé"
    page = client.get(reverse("activity:session", args=[session.pk])).content.decode()
    assert "Séance annulée le" in page and "Intempéries : chantier fermé" in page
    for action in ("activity:attendance", "activity:payment"):
        assert reverse(action, args=[p.pk]) not in page
    assert reverse("activity:session_invite", args=[session.pk]) not in page
    mark(client, p, status="present")
    p.refresh_from_db()
    assert p.status == "invited"


# --- contracts ----------------------------------------------------------------------------


def test_contract_only_for_an_enrolled_person(wide, users):
    actor = Actor(user=users["payroll"], where="test")
    stranger = PersonFactory(
        organisation=wide["programme"].organisation, created_by=users["social_worker"]
    )
    with pytest.raises(contract_service.ValidationError, match="inscrit·e à aucun programme"):
        contract_service.create(actor, stranger, session=wide["session"], start=None, end=None)
    programme = wide["programme"]
    Enrolment.objects.create(
        programme=programme,
        person=stranger,
        start_date=programme.start_date,
        created_by=users["coordinator"],
    )
    beyond = programme.end_date + timedelta(days=10)
    with pytest.raises(contract_service.ValidationError, match="Saisissez une date entre"):
        contract_service.create(
            actor, stranger, session=None, start=programme.start_date, end=beyond
        )
    assert contract_service.create(actor, stranger, session=wide["session"], start=None, end=None)


def test_contracts_of_a_person_do_not_overlap(wide, users):
    actor = Actor(user=users["payroll"], where="test")
    person, session, contract = wide["enrolment"].person, wide["session"], wide["contract"]
    first = wide["programme"].start_date
    # The session lies inside the world's period contract; two periods that meet.
    with pytest.raises(contract_service.ValidationError, match="déjà un contrat"):
        contract_service.create(actor, person, session=session, start=None, end=None)
    with pytest.raises(contract_service.ValidationError, match="déjà un contrat"):
        contract_service.create(actor, person, session=None, start=first, end=first)
    contract_service.cancel(actor, contract)
    assert contract_service.create(actor, person, session=session, start=None, end=None)
    with pytest.raises(contract_service.ValidationError, match="déjà un contrat"):
        contract_service.create(actor, person, session=session, start=None, end=None)
    # A period apart from the session is its own contract.
    other_days = (session.date + timedelta(days=1), session.date + timedelta(days=30))
    assert contract_service.create(
        actor, person, session=None, start=other_days[0], end=other_days[1]
    )
    assert not found("contract-overlap")


def test_contract_pdf_without_identity_says_so_in_french(login, world):
    response = login("payroll").get(
        reverse("activity:contract_pdf", args=[world["contract"].pk]), follow=True
    )
    assert response.status_code == 200
    assert (
        escape("L'identité civile de cette personne n'est pas saisie") in response.content.decode()
    )


# --- invitation: payroll learns what is missing before pay day ------------------------------


def _seal_identity(person, user):
    identity = Identity(person=person, updated_by=user)
    identity.seal(
        {
            "last_name": "EXEMPLE",
            "first_name": "Léa",
            "birth_date": "1990-06-02",
            "nir": "",
            "address": "",
            "postal_code": "",
            "city": "",
            "phone": "",
        }
    )
    identity.save()


def test_inviting_warns_when_contract_or_identity_is_missing(login, world, users):
    session, programme = world["session"], world["programme"]
    newcomer = PersonFactory(organisation=programme.organisation, created_by=users["social_worker"])
    Enrolment.objects.create(
        programme=programme,
        person=newcomer,
        start_date=programme.start_date,
        created_by=users["coordinator"],
    )
    client = login("supervisor")
    url = reverse("activity:session_invite", args=[session.pk])
    page = client.post(url, {"person": newcomer.pk}, follow=True).content.decode()
    assert "prévenez la paie" in page
    assert page.count("contrat à signer") == 2 and page.count("identité manquante") == 3

    # The world's person has a signed contract; with an identity, nothing is missing.
    _seal_identity(world["enrolment"].person, users["payroll"])
    page = client.get(reverse("activity:session", args=[session.pk])).content.decode()
    assert page.count("identité manquante") == 1 and page.count("contrat à signer") == 1


def test_inviting_a_person_with_contract_and_identity_says_nothing_more(login, world, users):
    person = world["enrolment"].person
    world["participation"].delete()
    _seal_identity(person, users["payroll"])
    client = login("supervisor")
    page = client.post(
        reverse("activity:session_invite", args=[world["session"].pk]),
        {"person": person.pk},
        follow=True,
    ).content.decode()
    assert "est invité·e." in page and "prévenez la paie" not in page
    assert "sentier-missing" not in page


# --- awareness, alternatives, partner notes -------------------------------------------------


def test_awareness_in_the_future_takes_no_attendee(login, world):
    client = login("coordinator")
    programme, person = world["programme"], world["enrolment"].person
    tomorrow = timezone.localdate() + timedelta(days=1)
    if tomorrow > programme.end_date:
        pytest.skip("the programme ends today")
    data = {"programme": programme.pk, "theme": "Droits", "facilitator": "Animatrice"}
    url = reverse("activity:awareness_add")
    refused = client.post(url, {**data, "date": tomorrow.isoformat(), "attendees": [person.pk]})
    page = refused.content.decode()
    assert "Saisissez une date entre le" in page and "checked" in page
    assert not AwarenessSession.objects.exists()
    outside = client.post(
        url, {**data, "date": (programme.start_date - timedelta(days=1)).isoformat()}
    )
    assert "Saisissez une date entre le" in outside.content.decode()
    assert client.post(url, {**data, "date": tomorrow.isoformat()}).status_code == 302
    today = timezone.localdate().isoformat()
    assert client.post(url, {**data, "date": today, "attendees": [person.pk]}).status_code == 302
    assert AwarenessAttendance.objects.count() == 1


def test_alternative_in_the_future_takes_no_participant(login, world):
    client = login("coordinator")
    programme, person = world["programme"], world["enrolment"].person
    kind = AlternativeKind.objects.create(name="Sport")
    tomorrow = timezone.localdate() + timedelta(days=1)
    if tomorrow > programme.end_date:
        pytest.skip("the programme ends today")
    data = {"programme": programme.pk, "kind": kind.pk, "description": "Piscine"}
    url = reverse("activity:alternative_add")
    refused = client.post(url, {**data, "date": tomorrow.isoformat(), "participants": [person.pk]})
    assert "Saisissez une date entre le" in refused.content.decode()
    assert not AlternativeActivity.objects.exists()
    today = timezone.localdate().isoformat()
    allowed = client.post(url, {**data, "date": today, "participants": [person.pk]})
    assert allowed.status_code == 302
    assert AlternativeActivity.objects.count() == 1


def test_partner_note_is_not_dated_in_the_future(login, world):
    client = login("coordinator")
    partner = world["partner"]
    url = reverse("activity:partner", args=[partner.pk])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = client.post(url, {"date": tomorrow, "text": "Rencontre prévue"})
    assert "Saisissez une date jusqu" in refused.content.decode()
    assert not PartnerNote.objects.exists()
    today = timezone.localdate().isoformat()
    assert client.post(url, {"date": today, "text": "Rencontre faite"}).status_code == 302
    assert PartnerNote.objects.count() == 1


# --- what is already stored: activity/integrity.py finds each wrong record -------------------


def test_rules_find_attendance_and_pay_before_the_session(wide, users):
    today = timezone.localdate()
    ahead = booked(wide, today + timedelta(days=5))
    right = booked(wide, today - timedelta(days=1))
    worked(ahead, timezone.now())
    worked(right, timezone.now())
    assert found("attendance-before-session") == [ahead.pk]

    def payment(p, paid_at, recorded_at=None):
        made = Payment.objects.create(
            participation=p,
            amount=p.pay_due,
            method="cash",
            paid_at=paid_at,
            idempotency_key=uuid.uuid4(),
            recorded_by=users["supervisor"],
        )
        if recorded_at:
            Payment.objects.filter(pk=made.pk).update(recorded_at=recorded_at)
        return made

    opens = right.session.opens_at
    early = payment(right, opens - timedelta(minutes=1))
    on_time = payment(ahead, ahead.session.opens_at, recorded_at=ahead.session.opens_at)
    assert found("payment-before-session") == [early.pk]
    two_days_ago = worked(booked(wide, today - timedelta(days=2)), timezone.now())
    later = payment(two_days_ago, timezone.now() + timedelta(hours=3))
    assert found("payment-in-future") == [later.pk]
    assert on_time.pk not in found("payment-in-future")


def test_rules_find_enrolments_and_contracts_that_cannot_be(wide, users):
    programme = wide["programme"]
    stranger = PersonFactory(organisation=programme.organisation, created_by=users["social_worker"])
    outside = Enrolment.objects.create(
        programme=programme,
        person=stranger,
        start_date=programme.end_date + timedelta(days=1),
        created_by=users["coordinator"],
    )
    assert found("enrolment-outside-programme") == [outside.pk]
    assert found("contract-overlap") == [] and found("contract-not-enrolled") == []

    twice = Contract.objects.create(
        organisation=programme.organisation,
        person=wide["enrolment"].person,
        session=wide["session"],
        created_by=users["payroll"],
    )
    unenrolled = Contract.objects.create(
        organisation=programme.organisation,
        person=stranger,
        period_start=programme.start_date,
        period_end=programme.start_date,
        created_by=users["payroll"],
    )
    assert found("contract-overlap") == [twice.pk]
    assert found("contract-not-enrolled") == [unenrolled.pk]
    Contract.objects.filter(pk__in=[twice.pk, unenrolled.pk]).update(status="cancelled")
    assert found("contract-overlap") == [] and found("contract-not-enrolled") == []


def test_rules_find_future_awareness_alternatives_and_notes(wide, users):
    world = wide
    programme, person = world["programme"], world["enrolment"].person
    tomorrow = timezone.localdate() + timedelta(days=1)
    coordinator = users["coordinator"]
    empty = AwarenessSession.objects.create(
        programme=programme, date=tomorrow, theme="A", facilitator="B", created_by=coordinator
    )
    full = AwarenessSession.objects.create(
        programme=programme, date=tomorrow, theme="C", facilitator="D", created_by=coordinator
    )
    AwarenessAttendance.objects.create(session=full, person=person)
    assert found("awareness-date") == [full.pk] and empty.pk
    kind = AlternativeKind.objects.create(name="Théâtre")
    activity = AlternativeActivity.objects.create(
        programme=programme, kind=kind, date=tomorrow, description="x", created_by=coordinator
    )
    assert found("alternative-date") == []
    activity.participants.set([person])
    assert found("alternative-date") == [activity.pk]
    partner: Partner = world["partner"]
    note = PartnerNote.objects.create(partner=partner, date=tomorrow, text="x", author=coordinator)
    PartnerNote.objects.create(
        partner=partner, date=timezone.localdate(), text="y", author=coordinator
    )
    assert found("partner-note-in-future") == [note.pk]


def test_an_old_cancelled_session_without_reason_is_listed_not_a_rule(world):
    WorkSession.objects.filter(pk=world["session"].pk).update(cancelled=True)
    assert list(rules.cancelled_without_reason()) == [world["session"]]
    assert all(not code.startswith("session-") for code in integrity.discover())


def test_an_entry_on_or_before_the_last_exit_is_refused_and_the_day_after_accepted(world, users):
    """An enrolment dated on or before the person's last exit would open no new pathway and
    move the due dates of the assessments already recorded."""
    from activity.services import programmes as programme_service
    from pathways.models import Exit

    programme, person = world["programme"], world["participation"].person
    actor = Actor(user=users["coordinator"], where="test")
    enrolment = Enrolment.objects.get(programme=programme, person=person)
    exit_day = programme.start_date + timedelta(days=10)
    Enrolment.objects.filter(pk=enrolment.pk).update(end_date=exit_day)
    Exit.objects.create(person=person, date=exit_day, kind="neutral", author=users["coordinator"])
    reason = "Dérogation décidée en comité de suivi."
    with pytest.raises(ValidationError) as refused:
        programme_service.enrol(actor, programme, person, exit_day, reason)
    assert "sortie du dispositif le" in refused.value.message_dict["start_date"][0]
    again = programme_service.enrol(actor, programme, person, exit_day + timedelta(days=1), reason)
    assert again.start_date == exit_day + timedelta(days=1)
