"""A coordinator ends a support relationship with a structured reason in Chromium, and the
reason, who proposed the ending and the relationship's length appear in the statistics."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from families.models import EndCause, EndInitiator, RelationshipStatus
from tests.browser.conftest import save_screenshot
from tests.browser.test_accessibility import axe_violations
from tests.factories.relationships import RelationshipFactory


def _sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.mark.browser
def test_an_ended_relationships_reason_appears_in_the_statistics(page, live_server, coordinator):
    today = timezone.localdate()
    relationship = RelationshipFactory(start_date=today - datetime.timedelta(days=400))
    with translation.override("fi"):
        cause = str(EndCause.CHILD_MOVED.label)
        initiator = str(EndInitiator.CHILDS_FAMILY.label)
        other = str(EndCause.GOALS_REACHED.label)
    _sign_in(page, live_server, coordinator)

    with translation.override("fi"):
        end_url = reverse("admin:families_supportrelationship_end", args=[relationship.pk])
    page.goto(f"{live_server.url}{end_url}")
    assert axe_violations(page) == []
    # Without a reason the browser asks for one and nothing ends.
    page.get_by_role("button", name="Päätä tukisuhde").click()
    assert page.locator("input[name=cause]:invalid").count() == len(EndCause.values)
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.ACTIVE
    page.get_by_label(cause).check()
    page.get_by_label(initiator).check()
    page.get_by_label("Huomio (vapaaehtoinen)").fill("Perhe muutti Ouluun.")
    page.get_by_role("button", name="Päätä tukisuhde").click()
    page.get_by_text("Tukisuhde on päättynyt.").wait_for()
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.ENDED
    assert relationship.end_cause == EndCause.CHILD_MOVED

    page.goto(f"{live_server.url}/admin/tilastot/?year={today.year}")
    save_screenshot(page, "statistics-endings")
    reasons = page.locator("#end_reasons table")
    assert "Tukisuhteiden päättymisen syyt" in page.locator("#end_reasons h2").inner_text()
    assert reasons.locator("tr", has_text=cause).locator("td").first.inner_text() == "1"
    assert reasons.locator("tr", has_text=other).locator("td").first.inner_text() == "0"
    proposed = page.locator("#end_initiators table")
    assert proposed.locator("tr", has_text=initiator).locator("td").first.inner_text() == "1"
    lengths = page.locator("#end_lengths table")
    assert lengths.locator("tr", has_text="1–2 vuotta").locator("td").first.inner_text() == "1"
    assert page.get_by_text("Perhe muutti Ouluun.").count() == 0  # the free note stays out
