"""The main journeys, in a real browser: second factor, registering, identity, refusal."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership
from accounts.roles import Role
from people.models import Identity, Person
from tests.factories import PersonFactory, UserFactory

PASSWORD = "Mot-de-passe-test-1"
pytestmark = pytest.mark.django_db(transaction=True)


def code_for(device):
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def member(org, role, email):
    user = UserFactory(email=email)
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


def sign_in(page, email):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_social_worker_enrols_second_factor_and_registers_a_person(page, carrier):
    user = member(carrier, Role.SOCIAL_WORKER, "sw@test.sentier")
    sign_in(page, user.email)
    page.wait_for_url(re.compile("/second-facteur/activer/"))
    assert page.locator("svg").count() >= 1
    device = TOTPDevice.objects.get(user=user)
    page.get_by_label("Code à 6 chiffres").fill(code_for(device))
    page.get_by_role("button", name="Activer").click()
    page.get_by_role("link", name="Personnes suivies").first.click()
    page.get_by_role("link", name="Enregistrer une personne").click()
    page.get_by_label("Surnom").fill("Mimosa")
    page.get_by_label("Année de naissance").fill("1990")
    page.get_by_label("Mois de naissance").select_option("3")
    page.get_by_label("Droit au travail").select_option("french")
    page.locator("label[for=id_assore_housed]").click()  # DSFR draws the box on the label
    page.get_by_label("Consentement au suivi recueilli le").fill("2025-01-15")
    page.get_by_label("Statut").select_option("active")
    page.get_by_role("button", name="Enregistrer").click()
    person = Person.objects.get(nickname="Mimosa")
    page.wait_for_url(re.compile(person.code))
    assert page.get_by_text(f"Personne enregistrée sous le code {person.code}").is_visible()
    assert page.get_by_text("La personne remplit les conditions.").is_visible()


def test_payroll_officer_opens_an_identity(page, carrier):
    user = member(carrier, Role.PAYROLL, "paie@test.sentier")
    device = TOTPDevice.objects.create(user=user, name="tel", confirmed=True)
    person = PersonFactory(organisation=carrier, created_by=user, birth_year=1990, birth_month=6)
    identity = Identity(person=person, updated_by=user)
    identity.seal(
        {
            "last_name": "FICTIVUS",
            "first_name": "Ana",
            "birth_date": "1990-06-02",
            "nir": "",
            "address": "",
            "postal_code": "",
            "city": "",
            "phone": "",
        }
    )
    identity.save()
    sign_in(page, user.email)
    page.wait_for_url(re.compile("/second-facteur/"))
    page.get_by_label("Code à 6 chiffres").fill(code_for(device))
    page.get_by_role("button", name="Valider").click()
    # The search is posted: the code typed never lands in a URL.
    page.goto("/personnes/")
    page.get_by_label("Code ou surnom").fill(person.code)
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name=person.code).click()
    page.get_by_role("link", name="Identité civile").click()
    assert page.locator("#identity").get_by_text("FICTIVUS").is_visible()


def test_funder_is_refused_a_person(page, carrier, funder_org):
    user = member(funder_org, Role.FUNDER, "fin@test.sentier")
    person = PersonFactory(organisation=carrier, created_by=user)
    sign_in(page, user.email)
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_text("Espace financeur").is_visible()
    assert page.get_by_role("link", name="Personnes suivies").count() == 0
    response = page.goto(f"/personnes/{person.code}/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Page introuvable").is_visible()
    assert person.code not in page.content()
