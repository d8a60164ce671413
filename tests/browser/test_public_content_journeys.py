"""Journeys of issue 18 in a real browser: a visitor finds what a support family is expected to
do and whom to ask, in each language; a coordinator changes the contact and sees it on the
public pages; a visitor sends accessibility feedback and the coordinator sees it on the
dashboard with its answer-by date."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from kalliola.models import AccessibilityFeedback, SiteContent
from kalliola.site_content import DEFAULT_CONTACT
from tests.browser.conftest import save_screenshot
from tests.browser.test_accessibility import axe_violations
from tests.factories.users import CoordinatorFactory

pytestmark = pytest.mark.browser

LANGUAGES = {
    "": ("Tukiperheet", "Vakaa elämäntilanne.", "Sitoutuminen vähintään vuodeksi kerrallaan."),
    "/sv": ("Stödfamiljer", "En stabil livssituation.", "minst ett år i taget"),
    "/en": ("Support families", "A stable life situation.", "at least one year at a time"),
}


def _sign_in(page, live_server, user) -> None:
    """A signed-in session made as the other staff tests make theirs (force_login)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.mark.parametrize("prefix", list(LANGUAGES))
def test_visitor_finds_the_expectations_and_the_contact_on_the_support_family_page(
    page, live_server, prefix
):
    menu_item, expectation, commitment = LANGUAGES[prefix]
    page.goto(f"{live_server.url}{prefix}/")
    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("link", name=menu_item, exact=True).click()
    assert page.url.endswith(f"{prefix}/tukiperhetoiminta/")
    expectations = page.locator("section[aria-labelledby=expectations-heading]")
    assert expectation in expectations.inner_text()
    assert commitment in expectations.inner_text()
    contact = page.locator("section.support-family-contact")
    assert DEFAULT_CONTACT["coordinator_name"] in contact.inner_text()
    assert contact.locator("a[href^='tel:']").inner_text() == DEFAULT_CONTACT["coordinator_phone"]
    assert (
        contact.locator("a[href^='mailto:']").inner_text() == DEFAULT_CONTACT["coordinator_email"]
    )
    assert page.locator("dl dt").count() == 5  # questions and answers
    assert axe_violations(page) == []
    save_screenshot(page, f"support-family-page{prefix.replace('/', '-') or '-fi'}")


def test_coordinator_changes_the_contact_and_sees_it_on_the_public_pages(
    browser, page, live_server
):
    # A visitor's copy of the page is in the cache before the change.
    visitor = browser.new_context(locale="fi-FI")
    visitor_page = visitor.new_page()
    visitor_page.goto(f"{live_server.url}/tukiperhetoiminta/")
    assert DEFAULT_CONTACT["coordinator_name"] in visitor_page.locator("footer").inner_text()

    # The live server's database is emptied between tests: the seeded row may be gone.
    finnish, _created = SiteContent.objects.get_or_create(language="fi", defaults=DEFAULT_CONTACT)
    _sign_in(page, live_server, CoordinatorFactory())
    page.goto(f"{live_server.url}/admin/kalliola/sitecontent/")
    with page.expect_navigation():
        page.locator(f"#result_list a[href$='/sitecontent/{finnish.pk}/change/']").click()
    page.locator("#id_coordinator_name").fill("Ville Vastaava")
    page.locator("#id_coordinator_phone").fill("+358 50 765 4321")
    page.locator("#id_coordinator_email").fill("ville.vastaava@example.org")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()
    assert page.locator(".messagelist .success").count() == 1

    for path in ("/tukiperhetoiminta/", "/"):
        visitor_page.goto(f"{live_server.url}{path}")
        footer = visitor_page.locator("footer").inner_text()
        assert "Ville Vastaava" in footer, path
        assert DEFAULT_CONTACT["coordinator_name"] not in footer, path
        assert visitor_page.locator("footer a[href='tel:+358507654321']").count() == 1
    main = visitor_page.locator("main")
    visitor_page.goto(f"{live_server.url}/tukiperhetoiminta/")
    assert "ville.vastaava@example.org" in main.inner_text()
    # The Swedish pages keep their own contact.
    visitor_page.goto(f"{live_server.url}/sv/tukiperhetoiminta/")
    assert DEFAULT_CONTACT["coordinator_name"] in visitor_page.locator("footer").inner_text()
    save_screenshot(visitor_page, "support-family-contact-changed")
    visitor.close()


def test_visitor_sends_accessibility_feedback_and_the_coordinator_sees_it_on_the_dashboard(
    browser, page, live_server
):
    page.goto(f"{live_server.url}/en/valmennus/")
    with page.expect_navigation():
        page.locator("footer").get_by_role("link", name="Accessibility statement").click()
    assert page.url.endswith("/en/saavutettavuus/")
    assert axe_violations(page) == []
    page.locator("#id_message").fill("The dates of the groups are hard to read on a phone.")
    page.locator("#id_page_address").fill("/valmennus/")
    page.locator("#id_email").fill("visitor@example.org")
    with page.expect_navigation():
        page.locator("form.feedback-form [type=submit]").click()
    assert "Thank you for your feedback" in page.locator(".alert-success").inner_text()
    feedback = AccessibilityFeedback.objects.get()
    due = timezone.localdate(feedback.received_at) + datetime.timedelta(days=14)

    coordinator_context = browser.new_context(locale="en-GB")
    coordinator_page = coordinator_context.new_page()
    _sign_in(coordinator_page, live_server, CoordinatorFactory())
    coordinator_page.goto(f"{live_server.url}/en/admin/")
    item = coordinator_page.locator("#dashboard-accessibility_feedback")
    text = item.inner_text()
    assert "Accessibility feedback to answer" in text
    assert f"answer by {due:%d.%m.%Y}" in text
    with coordinator_page.expect_navigation():
        item.locator("h3 a").click()
    assert "/admin/kalliola/accessibilityfeedback/" in coordinator_page.url
    assert coordinator_page.locator("#result_list tbody tr").count() == 1
    save_screenshot(coordinator_page, "accessibility-feedback-on-dashboard")
    coordinator_context.close()
