"""Security headers: nothing a signed-in member sees is cached, a Content-Security-Policy with a
nonce per request, no browser feature the application does not use, HSTS for subdomains."""

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def no_store(response):
    return "no-store" in response.get("Cache-Control", "")


def test_every_page_a_member_sees_is_kept_out_of_caches(login, world, person):
    client = login("coordinator")
    for url in (
        reverse("people:list"),
        reverse("people:detail", args=[person.code]),
        reverse("pathways:timeline", args=[person.code]),
        reverse("pathways:shares", args=[person.code]),
        reverse("pathways:alerts"),
        reverse("audit:journal"),
        reverse("people:detail", args=["XXX-XXX"]),  # a 404 too
    ):
        response = client.get(url)
        assert no_store(response), url
        assert "private" in response["Cache-Control"] and response["Pragma"] == "no-cache"


def test_downloads_are_kept_out_of_caches(login, world):
    month = world["session"].date.strftime("%Y-%m")
    response = login("payroll").get(
        reverse("activity:payroll_export"), {"month": month, "format": "xlsx"}
    )
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert no_store(response)


def test_anonymous_pages_and_static_files_keep_their_caching(client):
    privacy = client.get(reverse("core:privacy"))
    assert privacy.status_code == 200 and not no_store(privacy)
    static = client.get("/static/core/sentier.css")
    assert static.status_code == 200 and not no_store(static)


def test_signing_out_answer_is_not_cached_either(login):
    client = login("coordinator")
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and no_store(response)


def test_content_security_policy_with_a_fresh_nonce_on_every_page(login, client):
    anonymous = Client().get(reverse("accounts:login"))
    policy = anonymous["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "style-src 'self'",
    ):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy).group(1)
    html = anonymous.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), scripts

    member_page = login("coordinator").get(reverse("people:list"))
    other = re.search(r"'nonce-([^']+)'", member_page["Content-Security-Policy"]).group(1)
    assert other != nonce and f'nonce="{other}"' in member_page.content.decode()


def test_no_inline_handler_or_style_attribute_in_templates():
    """The policy refuses them: an `onchange=` or `style=` would silently stop working."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        if path.name.endswith("_pdf.html"):  # rendered by WeasyPrint, never by a browser
            continue
        text = path.read_text()
        if re.search(r"\son[a-z]+=|\sstyle=|<style\b|javascript:", text):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_permissions_policy_denies_unused_features(client):
    header = client.get(reverse("accounts:login"))["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in header


def test_hsts_covers_subdomains_when_on(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = False
    response = Client().get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
