"""A supervisor plans a session, takes attendance and pays on a phone, and the programme
dashboard moves."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from activity.models import Payment
from tests.factories import programme_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_plan_attend_pay_and_see_the_dashboard(phone, carrier, users, person):
    world = programme_world(carrier, users, person)
    world["participation"].delete()  # the supervisor books the person herself
    supervisor = users["supervisor"]
    device = TOTPDevice.objects.create(user=supervisor, name="tel", confirmed=True)
    page = phone
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(supervisor.email)
    page.get_by_label("Mot de passe").fill("Mot-de-passe-test-1")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_label("Code à 6 chiffres").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto("/programme/seances/nouvelle/")
    page.get_by_label("Programme").select_option(str(world["programme"].pk))
    page.get_by_label("Chantier ou atelier").select_option(str(world["worksite"].pk))
    page.get_by_label("Date").fill(world["session"].date.isoformat())
    # From midnight: attendance opens 30 minutes before the start, whatever the hour now.
    page.get_by_label("Début").fill("00:00")
    page.get_by_label("Fin").fill("03:30")
    page.get_by_label("Places").fill("4")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/programme/seances/\d+/$"))

    page.get_by_label("Personne inscrite au programme").select_option(str(person.pk))
    page.get_by_role("button", name="Inviter").click()
    page.get_by_role("button", name=re.compile("^Présent·e")).click()  # one tap
    assert "3,50 h — 35,00 €" in page.locator("#participants").inner_text()

    page.get_by_role("link", name=re.compile("^Payer")).click()
    page.locator("label", has_text="Espèces").click()
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_text("Paiement de 35,00 € enregistré.").is_visible()
    page.screenshot(path="test-results/attendance-phone.png", full_page=True)
    assert Payment.objects.count() == 1
    assert page.get_by_role("link", name=re.compile("^Payer")).count() == 0

    page.goto(f"/programme/{world['programme'].pk}/")
    assert page.locator("#prestations").inner_text() == "1"
    assert page.locator("#hours").inner_text() == "3,50"
