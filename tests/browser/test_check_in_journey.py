"""A support worker records a check-in on a 390 px phone in Chromium (issue 19, point 2), and the
coordinators' dashboard shows the relationship's new reason for attention at once."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from families.models import CheckIn
from families.services.check_ins import record_check_in
from tests.browser.conftest import save_screenshot
from tests.browser.test_accessibility import axe_violations
from tests.factories.relationships import RelationshipFactory, StayFactory, at

PHONE = {"width": 390, "height": 844}


def _signed_in_context(browser, live_server, user, **options):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="fi-FI", **options)
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def _no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
def test_a_worker_records_a_check_in_on_a_phone_and_the_dashboard_follows(
    browser, live_server, support_worker, coordinator
):
    today = timezone.localdate()
    relationship = RelationshipFactory(
        support_worker=support_worker,
        start_date=today - datetime.timedelta(days=300),
        child__first_name="Veera",
    )
    StayFactory(
        relationship=relationship,
        starts_at=at(today - datetime.timedelta(days=5)),
        ends_at=at(today - datetime.timedelta(days=3)),
    )
    record_check_in(
        relationship,
        date=today - datetime.timedelta(days=60),
        for_child=3,
        for_family=3,
        for_parent=3,
    )

    desk = _signed_in_context(
        browser, live_server, coordinator, viewport={"width": 1280, "height": 900}
    )
    dashboard = desk.new_page()
    dashboard.goto(f"{live_server.url}/admin/")
    assert dashboard.get_by_text("Huomiota vaativat tukisuhteet").count() >= 1
    entry = (
        dashboard.get_by_role("listitem")
        .filter(has_text="Veera")
        .filter(has_text="Kuulumiset myöhässä")
    )
    assert entry.count() >= 1

    phone = _signed_in_context(
        browser, live_server, support_worker, viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = phone.new_page()
    page.goto(f"{live_server.url}/tyo/suhteet/")
    card = page.get_by_role("listitem").filter(has_text="Veera")
    assert card.get_by_text("Kuulumiset myöhässä").count() == 1
    card.get_by_role("link", name="Kirjaa kuulumiset").click()
    page.get_by_role("heading", name="Kirjaa kuulumiset").wait_for()
    assert axe_violations(page) == []
    assert _no_sideways_scrolling(page)

    # Sent without answers, the browser asks for them and nothing is saved.
    page.get_by_role("button", name="Tallenna kuulumiset").click()
    assert page.locator("input[name=for_child]:invalid").count() == 3
    assert CheckIn.objects.count() == 1

    page.get_by_role("group", name="Miten lapsella menee?").get_by_label("Vaihtelevasti").check()
    page.get_by_role("group", name="Miten tukiperheellä menee?").get_by_label("Hyvin").check()
    page.get_by_role("group", name="Miten lapsen vanhemmalla menee?").get_by_label("Hyvin").check()
    page.get_by_label("Huomio (vapaaehtoinen)").fill("Koulussa on ollut vaikeaa.")
    save_screenshot(page, "check-in-phone")
    page.get_by_role("button", name="Tallenna kuulumiset").click()
    page.get_by_text("Kuulumiset on tallennettu.").wait_for()
    assert _no_sideways_scrolling(page)
    assert axe_violations(page) == []
    assert page.get_by_text("Koulussa on ollut vaikeaa.").count() == 1
    saved = CheckIn.objects.order_by("-date").first()
    assert (saved.date, saved.for_child, saved.created_by) == (today, 2, support_worker)

    # The dashboard: no longer overdue, but the child's answer fell.
    dashboard.goto(f"{live_server.url}/admin/")
    entry = dashboard.get_by_role("listitem").filter(has_text="Veera")
    assert entry.filter(has_text="Kuulumiset myöhässä").count() == 0
    assert entry.filter(has_text="Menee huonommin kuin edellisellä kerralla").count() >= 1
    save_screenshot(dashboard, "check-in-dashboard")
    phone.close()
    desk.close()
