"""A support worker records a support family's holiday on a 390 px phone, a stay logged inside
it asks for confirmation, and the matching suggestions show the household's free weekends."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from families.models import UnavailablePeriod
from families.services.availability import free_weekends, record_unavailable_period
from tests.browser.conftest import save_screenshot
from tests.browser.test_accessibility import axe_violations
from tests.factories.families import ChildFactory, SupportFamilyFactory
from tests.factories.relationships import RelationshipFactory

pytestmark = pytest.mark.browser


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


@pytest.fixture
def phone_390(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="fi-FI"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_a_worker_records_a_holiday_and_a_stay_inside_it_asks_for_confirmation(
    phone_390, live_server, support_worker
):
    page = phone_390
    today = timezone.localdate()
    relationship = RelationshipFactory(
        support_worker=support_worker,
        start_date=today - datetime.timedelta(days=100),
        child__first_name="Eeli",
    )
    first, last = today + datetime.timedelta(days=1), today + datetime.timedelta(days=4)
    _sign_in(page, live_server, support_worker)

    page.goto(f"{live_server.url}/tyo/suhteet/{relationship.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Tauot, jolloin perhe ei ota lasta").click()
    assert axe_violations(page) == []
    page.get_by_label("Ensimmäinen päivä").fill(first.isoformat())
    page.get_by_label("Viimeinen päivä").fill(last.isoformat())
    page.get_by_label("Loma tai matka").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Tallenna tauko").click()
    page.get_by_text("Tauko on tallennettu.").wait_for()
    period = UnavailablePeriod.objects.get()
    assert (period.family, period.start_date, period.end_date) == (relationship.family, first, last)
    assert period.created_by == support_worker
    assert page.locator("main .list-group-item").count() == 1
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390

    page.goto(f"{live_server.url}/tyo/suhteet/{relationship.pk}/kaynti/")
    page.get_by_label("Päivä, jolloin lapsi tuli").fill(first.isoformat())
    page.get_by_label("Päivä, jolloin lapsi lähti").fill(
        (first + datetime.timedelta(days=1)).isoformat()
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Tallenna jakso").click()
    warning = page.get_by_text("Tukiperhe on ilmoittanut, ettei se ota lasta")
    warning.wait_for()
    assert f"{first:%d.%m.%Y}" in warning.inner_text()
    assert relationship.stays.count() == 0
    assert axe_violations(page) == []
    save_screenshot(page, "availability-stay-asks-confirmation")
    page.get_by_label("Kirjaa silti").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Tallenna jakso").click()
    page.get_by_text("Jakso on tallennettu").wait_for()
    assert relationship.stays.count() == 1


def test_the_suggestions_show_each_household_s_free_weekends(page, live_server, coordinator):
    today = timezone.localdate()
    child = ChildFactory(birth_date=today - datetime.timedelta(days=8 * 365))
    family = SupportFamilyFactory(status="approved", contact_name="Vapaa Perhe")
    saturday = today + datetime.timedelta(days=(5 - today.weekday()) % 7 + 7)
    record_unavailable_period(
        family,
        start_date=saturday,
        end_date=saturday + datetime.timedelta(days=8),
        reason="holiday",
    )
    expected = free_weekends([family.pk], today=today)[family.pk]
    assert expected.free == expected.total - 2
    _sign_in(page, live_server, coordinator)

    page.goto(f"{live_server.url}/admin/families/child/{child.pk}/change/")
    with page.expect_navigation():
        page.locator(f"a[href*='/lapset/{child.pk}/ehdotukset/']").first.click()
    assert page.get_by_role("columnheader", name="Vapaat viikonloput").count() == 1
    row = page.locator("tr", has_text="Vapaa Perhe")
    assert f"{expected.free}/{expected.total}" in row.inner_text()
    first_free = expected.next_free[0]
    assert f"{first_free.day}.{first_free.month}." in row.inner_text()
    assert axe_violations(page) == []
    save_screenshot(page, "availability-suggestions-free-weekends")
