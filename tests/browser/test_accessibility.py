"""axe-core (WCAG 2.1 A and AA rules) finds no violations on the public and portal pages."""

import pytest

from tests.browser.conftest import save_screenshot

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGE_PREFIXES = ["", "/sv", "/en"]
PUBLIC_PAGES = ["/", "/tietosuoja/", "/tyo/kirjaudu/", "/ei-tallaista-sivua/"]


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


@pytest.mark.browser
@pytest.mark.parametrize("prefix", LANGUAGE_PREFIXES)
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_axe_violations(page, live_server, prefix, path):
    page.goto(f"{live_server.url}{prefix}{path}")
    assert axe_violations(page) == []


@pytest.mark.browser
def test_skip_link_is_first_in_tab_order_and_moves_focus_to_main(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


@pytest.mark.browser
def test_home_page_fits_a_phone_screen_and_text_zooms_to_200_percent(phone_page, live_server):
    phone_page.goto(live_server.url + "/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    phone_page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    save_screenshot(phone_page, "home-phone-200pct")
