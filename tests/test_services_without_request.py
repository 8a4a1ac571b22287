"""Services need no HTTP request: a management command or an import enrols a person, records
attendance and a payment and freezes a committee report through the same code as the pages,
and the journal says who acted and from where."""

import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from activity.services import payments, programmes, sessions
from audit.models import AuditEvent
from core.actor import Actor
from reporting import services as reporting
from reporting.models import Meeting
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_command_writes_through_the_services_and_is_journaled(world, users, carrier):
    coordinator = users["coordinator"]
    actor = Actor.command("import_programme", user=coordinator)
    newcomer = PersonFactory(organisation=carrier, created_by=coordinator)
    programme = world["programme"]

    enrolment = programmes.enrol(
        actor,
        programme,
        newcomer,
        programme.start_date,
        override_reason="Dérogation décidée en comité de suivi.",
    )
    participation = sessions.mark(
        actor,
        world["participation"],
        status="present",
        hours=None,
        pay=None,
        pay_reason="",
        version=None,
    )
    payment, created = payments.pay(
        actor,
        participation,
        key=uuid.uuid4(),
        amount=participation.pay_due,
        method="cash",
        paid_at=timezone.now(),
    )
    meeting = Meeting.objects.create(
        organisation=carrier, programme=programme, kind="cosui", date=timezone.localdate()
    )
    report = reporting.generate(actor, meeting, threshold=5, free_text="", leads="")

    assert enrolment.pk and created and payment.amount == Decimal(participation.pay_due)
    assert report.generated_by == coordinator
    written = AuditEvent.objects.filter(path="commande import_programme")
    assert {e.object_type for e in written} >= {
        "activity.enrolment",
        "activity.participation",
        "activity.payment",
        "reporting.report",
    }
    assert all(e.actor_id == coordinator.pk and e.ip is None for e in written)


def test_a_page_journals_its_path_and_address(login, person):
    client = login("social_worker")
    client.get(f"/personnes/{person.code}/", REMOTE_ADDR="192.0.2.7")
    event = AuditEvent.objects.filter(object_label=person.code).latest("pk")
    assert (event.path, event.ip) == (f"/personnes/{person.code}/", "192.0.2.7")
