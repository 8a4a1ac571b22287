"""A pilot marks a step blocked with a blocker and finds it in the monthly table export."""

import io

import pytest
from openpyxl import load_workbook

from accounts.models import Membership
from accounts.roles import Role
from plan.loader import load
from plan.models import Action
from tests.browser.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_block_a_step_and_find_it_in_the_export(page):
    plan, _ = load()
    org = OrganisationFactory(name="CAARUD pilote (fictif)", kind="caarud")
    user = UserFactory(email="pilote@test.sentier")
    Membership.objects.create(user=user, organisation=org, role=Role.COORDINATOR)
    plan.organisations.add(org)
    action = Action.objects.get(objective__axis__plan=plan, number=1)
    action.editors.add(org)
    step = action.steps.first()

    sign_in(page, user)
    page.goto(f"/plan/actions/{action.pk}/")
    block = page.locator(f"#step-{step.pk}")
    block.get_by_label("État").select_option("blocked")
    block.get_by_role("button", name="Enregistrer l'état").click()
    block = page.locator(f"#step-{step.pk}")
    block.get_by_text("Signaler un frein").click()
    block.get_by_label("Frein").fill("Pas de véhicule pour la maraude de nuit")
    block.get_by_label("Responsable").fill("Ville de Paris")
    block.get_by_role("button", name="Enregistrer le frein").click()
    assert page.get_by_text("Frein enregistré.").is_visible()

    page.goto(f"/plan/{plan.pk}/suivi/")
    with page.expect_download() as info:
        page.get_by_role("link", name="XLSX").click()
    with open(info.value.path(), "rb") as handle:
        rows = list(load_workbook(io.BytesIO(handle.read())).active.values)
    row = next(r for r in rows if r[0] == 1)
    assert row[2] == "Bloquée" and "Pas de véhicule pour la maraude de nuit" in row[4]
