import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from activity.models import Contract, Participation, Payment
from audit.models import Action, AuditEvent
from core.actor import Actor
from core.concurrency import STALE_MESSAGE

pytestmark = pytest.mark.django_db


def mark(client, participation, **data):
    return client.post(reverse("activity:attendance", args=[participation.pk]), data)


def pay_data(amount="30.00", key=None, **extra):
    return {
        "key": str(key or uuid.uuid4()),
        "amount": amount,
        "method": "cash",
        "paid_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "receipt_number": "R-1",
        **extra,
    }


def test_hours_and_pay_are_derived_then_checked(login, world):
    p = world["participation"]
    client = login("supervisor")
    assert mark(client, p, status="present").status_code == 302
    p.refresh_from_db()
    assert p.hours == Decimal("3.00") and p.pay_due == Decimal("30.00")
    too_long = mark(client, p, status="present", hours="4", version=p.version)
    assert "La séance dure 3.00 h" in too_long.content.decode()
    early = mark(client, p, status="left_early", version=p.version)
    assert "heures travaillées avant le départ" in early.content.decode()
    no_reason = mark(client, p, status="present", pay="35", version=p.version)
    assert "expliquez l&#x27;ajustement" in no_reason.content.decode()
    adjusted = mark(
        client,
        p,
        status="left_early",
        hours="2",
        pay="25",
        pay_reason="Prime de matériel convenue",
        version=p.version,
    )
    assert adjusted.status_code == 302
    p.refresh_from_db()
    assert (p.hours, p.pay_due, p.pay_reason) == (
        Decimal("2.00"),
        Decimal("25.00"),
        "Prime de matériel convenue",
    )
    absent = mark(client, p, status="absent", version=p.version)
    assert absent.status_code == 302
    p.refresh_from_db()
    assert p.hours == 0 and p.pay_due == 0


def test_stale_attendance_form_is_refused(login, world):
    p = world["participation"]
    client = login("supervisor")
    mark(client, p, status="present", version=p.version)
    stale = mark(client, p, status="absent", version=p.version)
    assert stale.status_code == 200
    assert escape(STALE_MESSAGE) in stale.content.decode()
    p.refresh_from_db()
    assert p.status == "present"
    # The form shown again carries the stored version: saving it again is saving over it.
    assert f'name="version" value="{p.version}"' in stale.content.decode()
    assert mark(client, p, status="absent", version=p.version).status_code == 302
    p.refresh_from_db()
    assert p.status == "absent"


@pytest.fixture
def present(login, world):
    p = world["participation"]
    mark(login("supervisor"), p, status="present")
    p.refresh_from_db()
    return p


def test_double_click_records_one_payment(login, present):
    client = login("supervisor")
    data = pay_data()
    url = reverse("activity:payment", args=[present.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Payment.objects.count() == 1
    assert (
        AuditEvent.objects.filter(action=Action.CREATE, object_type="activity.payment").count() == 1
    )


def test_second_supervisor_cannot_pay_twice(login, present, users):
    url = reverse("activity:payment", args=[present.pk])
    login("supervisor").post(url, pay_data())
    second = login("coordinator").post(url, pay_data(), follow=True)
    assert "Déjà payé" in second.content.decode()
    assert Payment.objects.count() == 1


def test_payment_rules(login, present, world, carrier):
    client = login("supervisor")
    url = reverse("activity:payment", args=[present.pk])
    wrong = client.post(url, pay_data(amount="31.00"))
    assert "diffère de la rémunération due" in wrong.content.decode()
    world["contract"].delete()
    no_contract = client.post(url, pay_data())
    assert "Aucun contrat de travail signé" in no_contract.content.decode()
    assert Payment.objects.count() == 0
    carrier.pay_requires_signed_contract = False
    carrier.save()
    assert client.post(url, pay_data()).status_code == 302
    assert Payment.objects.count() == 1


def test_absent_person_is_not_paid(login, world):
    p = world["participation"]
    client = login("supervisor")
    mark(client, p, status="absent")
    p.refresh_from_db()
    response = client.post(reverse("activity:payment", args=[p.pk]), pay_data(amount="0.01"))
    assert "on ne paie que les personnes présentes" in response.content.decode()
    assert Payment.objects.count() == 0


def test_correction_is_a_reversal_then_a_new_payment(login, present):
    client = login("supervisor")
    client.post(reverse("activity:payment", args=[present.pk]), pay_data())
    payment = Payment.objects.get()
    with pytest.raises(RuntimeError):
        payment.save()
    with pytest.raises(RuntimeError):
        payment.delete()
    blocked = mark(client, present, status="absent", version=present.version)
    assert "annulez d&#x27;abord le paiement" in blocked.content.decode()
    url = reverse("activity:payment_reverse", args=[payment.pk])
    assert (
        "10 caractères"
        in client.post(url, {"key": str(uuid.uuid4()), "reason": "non"}).content.decode()
    )
    key = str(uuid.uuid4())
    client.post(url, {"key": key, "reason": "Erreur de personne au moment du paiement"})
    client.post(url, {"key": key, "reason": "Erreur de personne au moment du paiement"})
    reversal = Payment.objects.get(kind=Payment.Kind.REVERSAL)
    assert reversal.amount == Decimal("-30.00") and reversal.reverses == payment
    assert present.net_paid() == 0
    again = client.post(reverse("activity:payment", args=[present.pk]), pay_data())
    assert again.status_code == 302
    assert present.net_paid() == Decimal("30.00")
    assert Payment.objects.filter(kind=Payment.Kind.PAYMENT).count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_give_exactly_one(world, users):
    """Several threads pay the same participation at the same moment, each with its own
    form (own key), as two supervisors or a flaky network would: one payment survives."""
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is proven on PostgreSQL (SQLite serialises writes)")

    from activity.services import payments

    p = world["participation"]
    Participation.objects.filter(pk=p.pk).update(status="present", hours=3, pay_due=30)
    barrier = threading.Barrier(6)
    outcomes = []

    def attempt():
        from django.db import connection as thread_connection

        actor = Actor(user=users["supervisor"])
        participation = Participation.objects.select_related("session__organisation", "person").get(
            pk=p.pk
        )
        barrier.wait()
        try:
            _, created = payments.pay(
                actor,
                participation,
                key=uuid.uuid4(),
                amount=Decimal("30.00"),
                method="cash",
                paid_at=timezone.now(),
            )
            outcomes.append("created" if created else "replay")
        except payments.AlreadyPaid:
            outcomes.append("already")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Payment.objects.filter(participation=p).count() == 1
    assert sorted(outcomes) == ["already"] * 5 + ["created"]


def test_contract_pdf_holds_the_identity_for_payroll_only(login, world, person):
    import io

    from pypdf import PdfReader

    from people.models import Identity

    identity = Identity(person=person, updated_by=world["contract"].created_by)
    identity.seal(
        {
            "last_name": "CONTRACTUS",
            "first_name": "Zoé",
            "birth_date": "1990-06-02",
            "nir": "",
            "address": "1 rue X",
            "postal_code": "75019",
            "city": "Paris",
            "phone": "",
        }
    )
    identity.save()
    url = reverse("activity:contract_pdf", args=[world["contract"].pk])
    for role in ("supervisor", "coordinator", "social_worker", "org_admin"):
        assert login(role).get(url).status_code == 404
    response = login("payroll").get(url)
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "CONTRACTUS" in text and "Contrat de travail" in text
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="activity.contract").exists()
    assert AuditEvent.objects.filter(action=Action.IDENTITY_VIEW).exists()


def test_contract_without_identity_says_so(login, world):
    response = login("payroll").get(
        reverse("activity:contract_pdf", args=[world["contract"].pk]), follow=True
    )
    assert escape("personne n'est pas saisie") in response.content.decode()


def test_contract_lifecycle(login, world, person):
    client = login("payroll")
    assert client.post(reverse("activity:contract_add"), {"person": person.code}).status_code == 200
    # The world's period contract covers the session: a second one would overlap it.
    Contract.objects.filter(pk=world["contract"].pk).update(status="cancelled")
    client.post(
        reverse("activity:contract_add"), {"person": person.code, "session": world["session"].pk}
    )
    contract = Contract.objects.get(session=world["session"])
    future = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    refused = client.post(
        reverse("activity:contract_sign", args=[contract.pk]), {"signed_on": future}
    )
    assert "ne peut être future" in refused.content.decode()
    client.post(
        reverse("activity:contract_sign", args=[contract.pk]),
        {"signed_on": timezone.localdate().isoformat()},
    )
    contract.refresh_from_db()
    assert contract.status == "signed"
    assert Contract.signed_cover(person, world["session"]).count() == 1


def test_payroll_export_csv_and_xlsx(login, present, person, world):
    import io

    from openpyxl import load_workbook

    from people.models import Identity

    identity = Identity(person=person, updated_by=world["contract"].created_by)
    identity.seal(
        {
            "last_name": "=HYPERLINK(1)",
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
    login("supervisor").post(reverse("activity:payment", args=[present.pk]), pay_data())
    month = present.session.date.strftime("%Y-%m")
    client = login("payroll")
    csv = client.get(reverse("activity:payroll_export"), {"month": month, "format": "csv"})
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Code;Nom")
    assert f"{person.code};'=HYPERLINK(1);Léa;1990-06-02;;1;3,00;30,00;30,00" in text
    xlsx = client.get(reverse("activity:payroll_export"), {"month": month, "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[1][0] == person.code and rows[1][6] == 3.0 and rows[1][8] == 30.0
    bad = client.get(reverse("activity:payroll_export"), {"month": "juin", "format": "pdf"})
    assert bad.status_code == 302
    assert AuditEvent.objects.filter(action=Action.EXPORT).count() == 2
    assert (
        login("supervisor")
        .get(reverse("activity:payroll_export"), {"month": month, "format": "csv"})
        .status_code
        == 404
    )
