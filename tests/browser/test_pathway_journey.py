"""Health notes stay with health professionals; a shared file is seen from the partner."""

import pytest

from accounts.models import Membership
from accounts.roles import Role
from tests.browser.conftest import sign_in, sign_out
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_health_note_hidden_from_social_worker_and_shared_file_seen_by_partner(
    page, carrier, users, person
):
    person.consent_share_partners = True
    person.save()
    sign_in(page, users["health"])
    page.goto(f"/personnes/{person.code}/notes/nouvelle/")
    page.locator("label", has_text="Santé (professionnel·les de santé uniquement)").click()
    page.get_by_label("Note").fill("Suivi hépatite, traitement en cours")
    page.get_by_role("button", name="Enregistrer").click()
    assert "Suivi hépatite" in page.locator("#timeline").inner_text()
    sign_out(page)

    sign_in(page, users["social_worker"])
    page.goto(f"/personnes/{person.code}/parcours/")
    assert "hépatite" not in page.content()
    page.goto(f"/personnes/{person.code}/notes/nouvelle/")
    page.get_by_label("Note").fill("Rendez-vous mission locale pris")
    page.get_by_role("button", name="Enregistrer").click()
    partner = OrganisationFactory(name="CSAPA des Lilas (fictif)")
    page.goto(f"/personnes/{person.code}/partages/")
    page.locator("#id_organisation").select_option(label=partner.name)
    page.get_by_role("button", name="Partager").click()
    assert page.get_by_text("Suivi partagé.").is_visible()
    sign_out(page)

    colleague = UserFactory(email="partenaire@test.sentier")
    Membership.objects.create(user=colleague, organisation=partner, role=Role.SOCIAL_WORKER)
    sign_in(page, colleague)
    # The search is posted: the code typed never lands in a URL.
    page.goto("/personnes/")
    page.get_by_label("Code ou surnom").fill(person.code)
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name=person.code).click()
    page.get_by_role("link", name="Parcours").click()
    timeline = page.locator("#timeline").inner_text()
    assert "Rendez-vous mission locale pris" in timeline and "hépatite" not in timeline
    assert page.get_by_text(f"Suivi partagé par {carrier.name}").is_visible()
