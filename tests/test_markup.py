"""Whatever a member types is shown as text, never run as markup: every free-text field of
every form a role reaches gets markup, then every page and every message that shows it must
carry it escaped (issue 13: flash messages rendered HTML, django-dsfr's DSFR_CONTENT_IS_SAFE)."""

from datetime import date

import pytest
from django.conf import settings
from django.contrib import messages
from django.test import RequestFactory
from django.urls import reverse

from accounts.roles import Role
from conftest import verified_client
from tests.test_fuzz_forms import collect_forms, crawl, site_world  # noqa: F401  (a fixture)

MARKUP = "<script>alert(1)</script>"
SHORT = "<i>x</i>"  # for fields too short for the script
RAW = (MARKUP, "<script>alert(", SHORT)
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;i&gt;x&lt;/i&gt;")

TODAY = date.today()
# What a valid form needs where the page offers nothing, by input type: the free text then
# gets stored, and every page that shows it is checked.
FILL = {
    "number": "1",
    "date": TODAY.isoformat(),
    "time": "10:00",
    "month": f"{TODAY:%Y-%m}",
    "datetime-local": f"{TODAY.isoformat()}T10:00",
    "email": "balise@test.sentier",
    "tel": "0600000000",
    "url": "https://example.org/",
}
TYPED = {"text", "search", "textarea", "number", "email", "tel", "url"}
# Forms that would end the session or the second factor of the member who sends them.
SKIP = ("/compte/second-facteur/", "/compte/deconnexion/")


def raw_markup(html: str) -> list[str]:
    return [marker for marker in RAW if marker in html]


def markup_for(form, name):
    limit = form["maxlength"].get(name)
    return SHORT if limit is not None and limit < len(MARKUP) else MARKUP


def filled(form):
    data = {}
    for name, value in form["fields"].items():
        kind = form["kinds"].get(name, "text")
        if value in (None, "") and kind in FILL:
            value = FILL[kind]
        if value is not None:
            data[name] = value
    return data


def test_flash_messages_are_escaped_by_the_dsfr_setting():
    assert settings.DSFR_CONTENT_IS_SAFE is False


@pytest.mark.django_db
def test_a_message_quoting_what_was_typed_shows_it_as_text(login, carrier):
    """The indicator value typed as markup comes back in the error message, escaped."""
    from plan.loader import load
    from plan.models import Action, Indicator

    plan, _ = load()
    plan.organisations.add(carrier)
    action = Action.objects.get(objective__axis__plan=plan, number=1)
    action.editors.add(carrier)
    indicator = Indicator.objects.create(action=action, name="Indicateur saisi")
    response = login("coordinator").post(
        reverse("plan:value_add", args=[indicator.pk]),
        {"period_start": f"{plan.start_year}-01-01", "value": MARKUP},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200 and raw_markup(html) == []
    assert ESCAPED[0] in html


@pytest.mark.django_db
def test_a_message_with_markup_renders_as_text(client, users, carrier):
    """Any message, whatever view adds it: the DSFR alert escapes it."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.template.loader import render_to_string

    request = RequestFactory().get("/")
    request.user = users[Role.COORDINATOR]
    request.user.is_verified = lambda: True  # as django_otp's middleware sets it
    request.session = {}
    request._messages = FallbackStorage(request)
    messages.error(request, f"Le domaine « {MARKUP} » existe déjà.")
    html = render_to_string("base.html", {"messages": messages.get_messages(request)}, request)
    assert raw_markup(html) == [] and ESCAPED[0] in html


@pytest.mark.crawl
@pytest.mark.django_db
@pytest.mark.usefixtures("site_world")
def test_markup_typed_in_every_free_text_field_is_shown_escaped(client, users):
    client.raise_request_exception = False
    forms = collect_forms(client, users)
    failures, stored = [], 0
    signed_in_as = None
    for (method, _shape, _names), (role, url, form) in sorted(forms.items()):
        if method != "post" or url.startswith(SKIP):
            continue
        if role != signed_in_as:
            verified_client(client, users[role])
            signed_in_as = role
        base = filled(form)
        free = {name: markup_for(form, name) for name in form["text"]}
        typed = {
            name: markup_for(form, name) for name, kind in form["kinds"].items() if kind in TYPED
        }
        # Each free-text field alone (the rest valid: it gets stored), then every typed field
        # at once (numbers and dates too: the error messages quote them).
        tries = [{**base, name: value} for name, value in sorted(free.items())]
        for data in tries + [{**base, **typed}] * bool(typed):
            response = client.post(url, data, follow=True)
            if response.status_code == 500:
                failures.append(f"{role} POST {url}: 500")
            elif raw_markup(response.content.decode()):
                failures.append(f"{role} POST {url}: raw markup in the answer")
    # Every page every role reaches, now that the markup is stored wherever it was accepted.
    for role in Role.values:
        verified_client(client, users[role])
        for url, html in crawl(client, rollback=False):
            if raw_markup(html):
                failures.append(f"{role} GET {url}: raw markup")
            stored += any(marker in html for marker in ESCAPED)
    assert not failures, "\n" + "\n".join(failures)
    assert stored > 20, "the markup should have been stored and shown on many pages"


def test_nothing_is_marked_safe_but_the_qr_code():
    """The one `|safe` of the project: the second-factor QR code, an SVG that segno draws from
    the provisioning URI as path data only (no text of the URI, no user input, in it)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    allowed = {("templates/accounts/otp_setup.html", "{{ qr_svg|safe }}")}
    found = set()
    pattern = re.compile(r"\{\{[^}]*\|\s*safe[^}]*\}\}|autoescape off|mark_safe\(|SafeString\(")
    tops = [d for d in root.iterdir() if (d / "__init__.py").exists() or d.name == "templates"]
    for path in (p for top in tops if top.name != "tests" for p in top.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.suffix not in (".py", ".html") or "/tests/" in relative:
            continue
        for match in pattern.finditer(path.read_text(errors="ignore")):
            found.add((relative, match.group(0)))
    assert found == allowed
