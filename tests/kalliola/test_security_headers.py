"""HTTP hardening: the headers a real response carries in production mode, and pages that keep
working under a Content-Security-Policy without 'unsafe-inline'."""

import contextlib
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.factories.families import SupportFamilyFactory
from tests.factories.users import UserFactory

PRODUCTION = {
    "DEBUG": False,
    "ALLOWED_HOSTS": ["tuki.example.org"],
    "SECURE_SSL_REDIRECT": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
}
HOST = "tuki.example.org"


@pytest.fixture
def production(settings):
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)
    return settings


def csp_directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("path", ["/en/", "/en/admin/login/", "/en/tyo/kirjaudu/", "/"])
def test_production_responses_carry_the_security_headers(client, db, production, path):
    response = client.get(path, secure=True, HTTP_HOST=HOST)
    assert response.status_code == 200
    headers = response.headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"

    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]


def test_production_cookies_are_secure_and_http_only(client, db, production):
    user = UserFactory(is_staff=True, is_superuser=True)
    login = client.get("/en/admin/login/", secure=True, HTTP_HOST=HOST)
    csrf_cookie = login.cookies["csrftoken"]
    assert csrf_cookie["secure"]
    assert csrf_cookie["samesite"] == "Lax"

    response = client.post(
        "/en/admin/login/",
        {"username": user.username, "password": "test-password-123", "next": "/en/admin/"},
        secure=True,
        HTTP_HOST=HOST,
    )
    assert response.status_code == 302
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["secure"]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


def test_plain_http_is_redirected_to_https(client, db, production):
    response = client.get("/en/", HTTP_HOST=HOST)
    assert response.status_code == 301
    assert response.url == f"https://{HOST}/en/"


def test_policy_is_enforced_in_development_too(client, db):
    # The same policy in DEBUG mode, so an inline script breaks on a laptop first.
    response = client.get("/en/")
    assert csp_directives(response)["script-src"] == ["'self'"]


class InlineCodeFinder(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block: inline scripts, style="..."
    attributes, <style> blocks and on* event handler attributes."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        data_types = ("application/json", "application/ld+json")
        if tag == "script" and "src" not in attributes and attributes.get("type") not in data_types:
            self.problems.append(f"inline <script> {attributes}")
        if tag == "style":
            self.problems.append("<style> block")
        for name in attributes:
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def test_finder_catches_inline_code():
    # Guards the scanner itself: it must see what it looks for.
    html = (
        '<script>alert(1)</script><p style="color:red" onclick="x()"></p><style></style>'
        '<script src="/a.js"></script><script type="application/json">{}</script>'
    )
    assert len(inline_code(html)) == 4


def _admin_pages():
    """Every admin page a coordinator uses: index, and each registered model's list and add."""
    pages = ["/en/admin/", "/en/admin/password_change/"]
    for model in admin.site._registry:
        opts = model._meta
        for action in ("changelist", "add"):
            with contextlib.suppress(NoReverseMatch):
                pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}"))
    return pages


def test_admin_pages_have_no_inline_scripts_or_styles(client, db):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    family = SupportFamilyFactory()
    client.force_login(superuser)
    pages = _admin_pages()
    for obj in (family, superuser):
        opts = obj._meta
        if obj.__class__ in admin.site._registry:
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
            pages.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
            )
    checked = 0
    for page in pages:
        response = client.get(page, follow=True)  # a one-row list opens its row
        assert response.status_code in (200, 403), (page, response.status_code)
        if response.status_code == 200:
            assert inline_code(response.content.decode()) == [], page
            checked += 1
    assert checked >= 10


def test_public_and_portal_pages_have_no_inline_scripts_or_styles(client, db, support_worker):
    pages = ["/", "/en/", "/sv/", "/en/tietosuoja/", "/en/tyo/kirjaudu/", "/en/ei-ole/"]
    for page in pages:
        response = client.get(page)
        assert inline_code(response.content.decode()) == [], page
    client.force_login(support_worker)
    for page in ["/en/tyo/", "/en/tyo/kaksivaiheinen/"]:
        response = client.get(page)
        assert response.status_code == 200
        assert inline_code(response.content.decode()) == [], page
