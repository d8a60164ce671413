"""A household whose criminal-record extract ran out disappears from a waiting child's
suggestions with the reason shown; the coordinator records the renewed extract on the
household's page and the household is suggested again (issue 19, point 1). Axe on every page
the journey passes, the dashboard included."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from families.models import FamilyStatus, ReadinessCheck
from families.services.readiness import extract_item, months_before
from tests.browser.test_accessibility import axe_violations
from tests.factories.families import ChildFactory, SupportFamilyFactory


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
def test_an_expired_extract_leaves_the_suggestions_with_the_reason(page, live_server, coordinator):
    today = timezone.localdate()
    child = ChildFactory(birth_date=today - datetime.timedelta(days=8 * 365), municipality="Espoo")
    SupportFamilyFactory(
        contact_name="Voimassa Perhe", status=FamilyStatus.APPROVED, municipality="Espoo"
    )
    expired = SupportFamilyFactory(
        contact_name="Vanhentunut Perhe",
        status=FamilyStatus.APPROVED,
        municipality="Espoo",
        extract_seen=months_before(today, 60) - datetime.timedelta(days=1),
    )
    # A third household's extract runs out within 60 days: the dashboard lists it.
    SupportFamilyFactory(
        contact_name="Pian Vanheneva",
        status=FamilyStatus.ACTIVE,
        extract_seen=months_before(today + datetime.timedelta(days=20), 60),
    )
    _sign_in(page, live_server, coordinator)
    with translation.override("fi"):
        suggestions = reverse("admin:families_child_suggestions", args=[child.pk])
        family_page = reverse("admin:families_supportfamily_change", args=[expired.pk])
        reason = gettext("%(item)s expired") % {"item": extract_item()}
        record_link = gettext("Record a readiness item")
        record_button = gettext("Record")
        checked_on = gettext("Checked on")
        dashboard_title = gettext("Households with a readiness item expiring")

    page.goto(f"{live_server.url}{suggestions}")
    assert axe_violations(page) == []
    suggested = page.locator("form table tbody")
    assert suggested.get_by_text("Voimassa Perhe").count() == 1
    assert suggested.get_by_text("Vanhentunut Perhe").count() == 0
    left_out = page.locator("section[aria-labelledby=blocked-heading]")
    row = left_out.get_by_role("row", name="Vanhentunut Perhe")
    assert reason in row.inner_text()

    row.get_by_role("link", name="Vanhentunut Perhe").click()
    page.wait_for_url(f"**{family_page}")
    assert axe_violations(page) == []
    page.get_by_role("link", name=record_link).click()
    assert axe_violations(page) == []
    page.get_by_label(checked_on).fill(today.isoformat())
    page.get_by_role("button", name=record_button).click()
    page.wait_for_url(f"**{family_page}")
    assert ReadinessCheck.objects.filter(family=expired, checked_on=today).exists()

    page.goto(f"{live_server.url}{suggestions}")
    assert page.locator("form table tbody").get_by_text("Vanhentunut Perhe").count() == 1
    assert page.locator("section[aria-labelledby=blocked-heading]").count() == 0

    page.goto(f"{live_server.url}/admin/")
    assert axe_violations(page) == []
    assert page.get_by_text(dashboard_title).count() >= 1
    assert page.get_by_text("Pian Vanheneva").count() == 1
