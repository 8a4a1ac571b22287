"""A nickname searched for never lands in a URL (access logs, browser history): the search is
a POST with its CSRF token, the text stays in the session, URLs carry an opaque key."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from conftest import verified_client
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
NICK = "Papillon"


@pytest.fixture
def many(carrier, users):
    found = [
        PersonFactory(organisation=carrier, created_by=users["social_worker"], nickname=NICK)
        for _ in range(30)
    ]
    other = PersonFactory(organisation=carrier, created_by=users["social_worker"], nickname="Zorro")
    return found, other


def urls_in(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'(?:href|action|src)="([^"]*)"', html)


def test_nickname_search_keeps_the_text_out_of_every_url(login, many):
    found, other = many
    client = login("social_worker")
    posted = client.post(reverse("people:list"), {"q": NICK.lower(), "status": "active"})
    assert posted.status_code == 302
    location = posted["Location"]
    assert NICK.lower() not in location.lower() and "status=active" in location
    first = client.get(location)
    assert first.context["page_obj"].paginator.count == 30  # the search applied
    assert other.code not in first.content.decode()
    assert 'value="papillon"' in first.content.decode()  # the box shows what was typed
    links = urls_in(first)
    assert any("page=2" in url for url in links)  # paginated
    second = client.get(location + "&page=2")
    assert len(second.context["page_obj"]) == 5
    for response in (first, second):
        assert all(NICK.lower() not in url.lower() for url in urls_in(response))


def test_a_nickname_typed_into_the_address_bar_is_neither_searched_nor_echoed(login, many):
    client = login("social_worker")
    response = client.get(reverse("people:list"), {"q": NICK, "status": "active"})
    assert response.status_code == 302 and NICK not in response["Location"]
    assert "status=active" in response["Location"]


def test_a_search_key_from_another_session_finds_nothing_of_it(login, many, users):
    found, other = many
    client = login("social_worker")
    location = client.post(reverse("people:list"), {"q": "Zorro"})["Location"]
    stranger = verified_client(Client(), users["coordinator"])
    page = stranger.get(location, follow=True)
    assert "Cette recherche a expiré" in page.content.decode()
    assert page.context["page_obj"].paginator.count == 31  # no search applied


def test_search_needs_the_csrf_token(users, many):
    browser = verified_client(Client(enforce_csrf_checks=True), users["social_worker"])
    refused = browser.post(reverse("people:list"), {"q": NICK})
    assert refused.status_code == 403
    page = browser.get(reverse("people:list"))
    token = page.cookies["csrftoken"].value
    allowed = browser.post(reverse("people:list"), {"q": NICK, "csrfmiddlewaretoken": token})
    assert allowed.status_code == 302


def test_search_is_refused_to_who_views_no_person(login, many):
    assert login("org_admin").post(reverse("people:list"), {"q": NICK}).status_code == 404
    assert login("payroll").post(reverse("people:list"), {"q": NICK}).status_code == 302
