"""The portal's changed pages on a 390 px phone (issue 16, points 5 and 6): the support worker's
stays fit the screen with the approval and the "Correct" link in view, and axe finds nothing."""

import datetime

import pytest
from django.utils import timezone

from tests.browser.conftest import CHROMIUM_ARGS, save_screenshot  # noqa: F401
from tests.browser.pages import LANGUAGE_PREFIXES
from tests.browser.test_accessibility import axe_violations
from tests.factories.meetings import MeetingFactory, SupportCaseFactory
from tests.factories.relationships import RelationshipFactory, StayFactory, at
from tests.factories.users import SupportWorkerFactory

pytestmark = pytest.mark.browser

WIDTH = 390


@pytest.fixture
def phone_390(browser):
    context = browser.new_context(
        viewport={"width": WIDTH, "height": 844}, is_mobile=True, has_touch=True, locale="fi-FI"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _log_in(page, base_url, prefix, worker):
    page.goto(f"{base_url}{prefix}/tyo/kirjaudu/")
    page.locator("#id_username").fill(worker.username)
    page.locator("#id_password").fill("test-password-123")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()


@pytest.mark.parametrize("prefix", LANGUAGE_PREFIXES)
def test_stays_fit_a_390_px_phone_with_every_action_in_view(phone_390, live_server, prefix):
    page = phone_390
    worker = SupportWorkerFactory()
    relationship = RelationshipFactory(support_worker=worker)
    today = timezone.localdate()
    for days_ago in (10, 3):
        day = today - datetime.timedelta(days=days_ago)
        StayFactory(
            relationship=relationship,
            starts_at=at(day, 17),
            ends_at=at(day + datetime.timedelta(days=2), 16),
        )
    case = SupportCaseFactory(support_worker=worker, status="active")
    MeetingFactory(case=case, starts_at=timezone.now() + datetime.timedelta(days=3))
    _log_in(page, live_server.url, prefix, worker)

    page.goto(f"{live_server.url}{prefix}/tyo/suhteet/{relationship.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    links = page.locator(".stays-table a[href*='/kaynti/']")
    assert links.count() == 2
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    approval = page.locator(".stays-table tbody td:last-child").first
    box = approval.bounding_box()
    assert box["x"] + box["width"] <= WIDTH and approval.is_visible()
    assert axe_violations(page) == []
    save_screenshot(page, f"portal-stays-390{prefix.replace('/', '-') or '-fi'}")

    # The case's closing form warns of the meeting ahead; it fits and passes axe too.
    page.goto(f"{live_server.url}{prefix}/tyo/asiakkuudet/{case.pk}/sulje/")
    assert page.locator(".alert-warning").is_visible()
    assert page.locator("#id_cancel_future_meetings").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    assert axe_violations(page) == []
