"""The Content-Security-Policy holds in a real browser: the DSFR's scripts and Sentier's own run
(they carry the request's nonce or come from the site), and no page reports a violation."""

import re

import pytest

from accounts.models import Membership
from accounts.roles import Role
from plan.loader import load
from plan.models import Action
from tests.browser.conftest import sign_in, sign_out
from tests.factories import programme_world

pytestmark = pytest.mark.django_db(transaction=True)

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile
    + ":" + e.lineNumber);
});
"""


def violations(page, console):
    found = list(page.evaluate("window.__cspViolations || []"))
    found += [m for m in console if "Content Security Policy" in m]
    return found


def test_main_pages_run_without_csp_violation(page, carrier, users, person):
    world = programme_world(carrier, users, person)
    plan, _ = load()
    plan.organisations.add(carrier)
    action = Action.objects.get(objective__axis__plan=plan, number=1)
    action.editors.add(carrier)
    coordinator = users[Role.COORDINATOR]
    Membership.objects.filter(user=coordinator).update(role=Role.COORDINATOR)

    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH)

    page.goto("/compte/connexion/")
    # The DSFR's module script ran: it marks the document as enhanced.
    page.wait_for_function("document.documentElement.hasAttribute('data-fr-js')")
    assert violations(page, console) == []

    sign_in(page, coordinator)
    pages = [
        "/",
        "/personnes/",
        f"/personnes/{person.code}/",
        f"/personnes/{person.code}/parcours/",
        f"/programme/seances/{world['session'].pk}/",
        f"/programme/{world['programme'].pk}/",
        f"/plan/{plan.pk}/",
        f"/plan/actions/{action.pk}/",
    ]
    for url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        header = response.headers["content-security-policy"]
        assert re.search(r"script-src 'self' 'nonce-[\w+/=-]+'", header), header
        page.wait_for_function("document.documentElement.hasAttribute('data-fr-js')")
        assert violations(page, console) == [], url

    # The mobile menu is the DSFR's script at work: it still opens under the policy.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/personnes/")
    page.get_by_role("button", name="Menu").first.click()
    assert page.locator("#fr-menu-mobile").is_visible()
    assert violations(page, console) == []

    # The contract filter sends itself on change without an inline handler.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_out(page)
    sign_in(page, users[Role.PAYROLL])
    page.goto("/programme/contrats/")
    page.get_by_label("État").select_option(index=1)
    page.wait_for_url(re.compile(r"statut=\w+"))
    assert violations(page, console) == []
