"""At 1366 × 900 with the admin's side menu open, the households and children lists show every
column without a horizontal scroll (issue 26, point 9)."""

import pytest

from families.models import FamilyStatus
from tests.browser.conftest import save_screenshot
from tests.browser.test_meeting_themes import sign_in
from tests.factories.families import ChildFactory, GuardianFactory, SupportFamilyFactory
from tests.factories.users import CoordinatorFactory

pytestmark = pytest.mark.browser

LONG_NAMES = ("Anna-Kaisa Mäkiharju-Lindqvist", "Juho-Petteri Kärkkäinen-Söderström")


@pytest.fixture
def wide_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fi-FI")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def overflow(page) -> dict:
    """How far the page and the results table reach past what is visible, in pixels."""
    return page.evaluate(
        """() => {
            const results = document.querySelector('#changelist .results');
            return {
                page: document.documentElement.scrollWidth - window.innerWidth,
                table: results ? results.scrollWidth - results.clientWidth : null,
                sidebarOpen: document.querySelector('#nav-sidebar')?.offsetWidth > 0,
            };
        }"""
    )


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_households_and_children_lists_fit_1366_px_with_the_side_menu_open(
    live_server, wide_page, language
):
    for i, status in enumerate(FamilyStatus.values):
        SupportFamilyFactory(
            contact_name=LONG_NAMES[i % 2],
            status=status,
            municipality="Kristiinankaupunki",
            languages=["fi", "sv", "en", "ar", "so"],
            max_children=2,
            phone="040 000 2046",
            second_adult_phone="+358 50 123 4567",
        )
        child = ChildFactory(
            first_name="Aleksanteri-Johannes",
            last_name="Mäkiharju-Lindqvist",
            municipality="Kristiinankaupunki",
            languages=["fi", "sv", "en", "ar"],
        )
        GuardianFactory(child=child, phone="040 000 2046")
        GuardianFactory(child=child, phone="+358 50 123 4567")
    sign_in(wide_page, live_server, CoordinatorFactory())
    prefix = "" if language == "fi" else f"/{language}"
    lists = [
        (model, query) for model in ("supportfamily", "child") for query in ("", "?q=0400002046")
    ]
    for model, query in lists:
        wide_page.goto(f"{live_server.url}{prefix}/admin/families/{model}/{query}")
        assert wide_page.locator("#result_list tbody tr").count() == len(FamilyStatus.values)
        measured = overflow(wide_page)
        save_screenshot(wide_page, f"admin-{model}-1366-{language}{'-phone' if query else ''}")
        if query:  # found by a phone number: the number shows, as typed when saved
            assert wide_page.locator("#result_list td", has_text="040 000 2046").count()
        assert measured["sidebarOpen"], "the side menu is open on a wide screen"
        assert measured["page"] <= 0, f"{model}: the page scrolls sideways by {measured}"
        assert measured["table"] <= 0, f"{model}: the list scrolls sideways by {measured}"
