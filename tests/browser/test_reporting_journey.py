"""A coordinator creates the committee calendar, freezes a report and downloads its PDF."""

import pytest

from tests.browser.conftest import sign_in
from tests.factories import programme_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_generate_and_download_a_report(page, carrier, users, person):
    world = programme_world(carrier, users, person)
    sign_in(page, users["coordinator"])
    page.goto("/comites/")
    page.get_by_role("button", name="Créer le calendrier des comités").click()
    page.get_by_role("link", name=f"15/02/{world['programme'].start_date.year}").click()
    page.get_by_label("Commentaire de la coordination").fill("Premier trimestre encourageant.")
    page.get_by_role("button", name="Générer et figer le rapport").click()
    assert page.get_by_text("Rapport généré et figé.").is_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
