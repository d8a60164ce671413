"""axe-core (WCAG 2.1 A and AA) finds no violations on the coordinators' dashboard and the
statistics pages (owned with tests/dashboard/)."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from tests.browser.conftest import save_screenshot
from tests.browser.test_accessibility import axe_violations
from tests.dashboard import fixtures

PAGES = {
    "dashboard": "/admin/",
    "statistics": "/admin/tilastot/?year={year}",
    "statistics-print": "/admin/tilastot/tulosta/?year={year}",
}


@pytest.mark.browser
def test_dashboard_and_statistics_have_no_axe_violations(page, live_server):
    fixtures.make_year_2025()
    boss = get_user_model().objects.create_superuser("boss", "boss@example.org", "x")
    client = Client()
    client.force_login(boss)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    for name, path in PAGES.items():
        page.goto(f"{live_server.url}{path.format(year=2025)}")
        save_screenshot(page, name)
        assert axe_violations(page) == [], name
