import uuid
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from activity.models import Enrolment, WorkSession, Worksite
from audit.models import Action, AuditEvent
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_ineligible_person_needs_an_override_reason(login, world, carrier, users):
    minor = PersonFactory(
        organisation=carrier, created_by=users["social_worker"], birth_year=date.today().year - 16
    )
    client = login("coordinator")
    url = reverse("activity:enrol", args=[world["programme"].pk])
    start = world["programme"].start_date.isoformat()
    refused = client.post(url, {"person": minor.code, "start_date": start})
    html = refused.content.decode()
    assert "n&#x27;est pas éligible" in html and "au moins 18 ans" in html
    assert not Enrolment.objects.filter(person=minor).exists()
    reason = "Projet validé en commission, majorité dans deux semaines."
    ok = client.post(url, {"person": minor.code, "start_date": start, "override_reason": reason})
    assert ok.status_code == 302
    assert Enrolment.objects.get(person=minor).override_reason == reason


def test_enrolment_rules(login, world, person):
    client = login("coordinator")
    url = reverse("activity:enrol", args=[world["programme"].pk])
    twice = client.post(
        url, {"person": person.code, "start_date": world["programme"].start_date.isoformat()}
    )
    assert "déjà inscrite" in twice.content.decode()
    outside = client.post(url, {"person": person.code, "start_date": "1999-01-01"})
    assert "Saisissez une date entre le" in outside.content.decode()
    unknown = client.post(url, {"person": "ZZZ-ZZZ", "start_date": "2025-01-01"})
    assert "Aucune personne de code ZZZ-ZZZ" in unknown.content.decode()
    assert Enrolment.objects.count() == 1


def test_worksite_outside_paris_and_inner_suburbs_is_refused(login, world):
    client = login("coordinator")
    data = {
        "name": "Atelier Versailles",
        "kind": "workshop",
        "domain": world["worksite"].domain_id,
        "address": "1 rue X",
        "postal_code": "78000",
        "commune": "Versailles",
        "station": "Gare",
        "walking_minutes": 5,
        "is_active": "on",
    }
    response = client.post(reverse("activity:worksite_add"), data)
    assert "75, 92, 93 ou 94" in response.content.decode()
    assert not Worksite.objects.filter(name="Atelier Versailles").exists()
    ok = client.post(
        reverse("activity:worksite_add"),
        {**data, "postal_code": "93200", "name": "Atelier Saint-Denis"},
    )
    assert ok.status_code == 302
    # The database refuses it too, whatever the path.
    bad = Worksite(
        **{
            **{k: v for k, v in data.items() if k not in ("domain", "is_active")},
            "domain_id": data["domain"],
            "organisation": world["programme"].organisation,
        }
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        bad.save()


def session_data(world, **overrides):
    data = {
        "programme": world["programme"].pk,
        "worksite": world["worksite"].pk,
        "supervisor": world["session"].supervisor_id,
        "date": (world["programme"].start_date + timedelta(days=14)).isoformat(),
        "start_time": "14:00",
        "end_time": "17:00",
        "places": 6,
        "hourly_rate": "",
        "weeks": 1,
    }
    data.update(overrides)
    return data


def test_plan_weekly_series(login, world):
    client = login("supervisor")
    first = world["programme"].start_date
    response = client.post(
        reverse("activity:session_add"), session_data(world, date=first.isoformat(), weeks=4)
    )
    assert response.status_code == 302
    series = WorkSession.objects.exclude(pk=world["session"].pk)
    assert [s.date for s in series.order_by("date")] == [
        first + timedelta(weeks=i) for i in range(4)
    ]
    assert len({s.series for s in series}) == 1
    assert all(s.hourly_rate == world["programme"].hourly_rate for s in series)
    assert series.first().partner == world["worksite"].partner


def test_session_times_and_dates_are_checked(login, world):
    client = login("supervisor")
    before = WorkSession.objects.count()
    backwards = client.post(
        reverse("activity:session_add"), session_data(world, start_time="15:00", end_time="14:00")
    )
    assert "finir après son début" in backwards.content.decode()
    late = client.post(
        reverse("activity:session_add"),
        session_data(world, date=world["programme"].end_date.isoformat(), weeks=3),
    )
    assert "pendant le programme" in late.content.decode()
    assert WorkSession.objects.count() == before


def test_overlapping_booking_is_refused(login, world, person):
    s = world["session"]
    other = WorkSession.objects.create(
        organisation=s.organisation,
        programme=s.programme,
        worksite=s.worksite,
        supervisor=s.supervisor,
        date=s.date,
        start_time=time(2, 0),
        end_time=time(4, 0),
        places=4,
        hourly_rate=Decimal("10"),
        created_by=s.created_by,
    )
    client = login("supervisor")
    response = client.post(
        reverse("activity:session_invite", args=[other.pk]), {"person": person.pk}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "se chevauchent" in page
    assert not other.participations.exists()


def test_only_enrolled_persons_can_be_invited(login, world, carrier, users):
    stranger = PersonFactory(organisation=carrier, created_by=users["social_worker"])
    client = login("supervisor")
    client.post(
        reverse("activity:session_invite", args=[world["session"].pk]), {"person": stranger.pk}
    )
    assert not world["session"].participations.filter(person=stranger).exists()


def test_programme_creation_is_audited(login):
    client = login("coordinator")
    client.post(
        reverse("activity:programme_add"),
        {
            "name": "Programme 2027",
            "start_date": "2027-01-01",
            "end_date": "2027-12-31",
            "target_persons": 50,
            "target_sessions": 600,
            "min_sessions_per_month": 1,
            "hourly_rate": "10.00",
        },
    )
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="activity.programme"
    ).exists()
    bad = client.post(
        reverse("activity:programme_add"),
        {
            "name": "X",
            "start_date": "2027-12-31",
            "end_date": "2027-01-01",
            "target_persons": 0,
            "target_sessions": 600,
            "min_sessions_per_month": 1,
            "hourly_rate": "10.00",
        },
    )
    assert "précède son début" in bad.content.decode()


def test_cancelled_session_takes_no_booking_and_paid_one_cannot_be_cancelled(login, world, person):
    from activity.models import Payment

    session = world["session"]
    client = login("supervisor")
    world["participation"].delete()
    client.post(
        reverse("activity:session_cancel", args=[session.pk]),
        {"reason": "Intempéries : chantier fermé."},
    )
    session.refresh_from_db()
    assert session.cancelled
    client.post(reverse("activity:session_invite", args=[session.pk]), {"person": person.pk})
    assert not session.participations.exists()
    other = WorkSession.objects.create(
        organisation=session.organisation,
        programme=session.programme,
        worksite=session.worksite,
        supervisor=session.supervisor,
        date=session.date,
        start_time=time(14),
        end_time=time(15),
        places=2,
        hourly_rate=Decimal("10"),
        created_by=session.created_by,
    )
    from activity.models import Participation

    paid = Participation.objects.create(
        session=other, person=person, status="present", hours=1, pay_due=10
    )
    Payment.objects.create(
        participation=paid,
        amount=10,
        method="cash",
        paid_at=session.created_at,
        idempotency_key=uuid.uuid4(),
        recorded_by=session.supervisor,
    )
    page = client.post(
        reverse("activity:session_cancel", args=[other.pk]),
        {"reason": "Intempéries : chantier fermé."},
        follow=True,
    )
    assert "annulez-les d" in page.content.decode()
    other.refresh_from_db()
    assert not other.cancelled


def test_organisation_adds_alternative_kinds(login):
    from activity.models import AlternativeKind

    client = login("coordinator")
    client.post(reverse("activity:alternative_kind_add"), {"name": "Théâtre"})
    client.post(reverse("activity:alternative_kind_add"), {"name": "théâtre"})
    client.post(reverse("activity:alternative_kind_add"), {"name": "Sport"})
    assert AlternativeKind.objects.filter(name__iexact="théâtre").count() == 1
    assert AlternativeKind.objects.filter(name="Sport").count() == 1
