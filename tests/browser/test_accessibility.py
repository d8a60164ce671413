"""Accessibility in a real browser: axe-core (WCAG 2.1 A and AA) on every public and portal page
in Finnish, Swedish and English, form errors announced and tied to their fields, keyboard use,
no information by colour alone, and text zoomed to 200 % without sideways scrolling.

Pages are checked in batches (one test per language) so the whole browser suite stays fast.
"""

import pytest

from tests.browser.conftest import save_screenshot
from tests.browser.pages import (
    LANGUAGE_PREFIXES,
    NOT_FOUND_PATH,
    PUBLIC_FORMS,
    portal_pages,
    public_pages,
)
from tests.factories.users import SupportWorkerFactory

pytestmark = pytest.mark.browser

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


def _check(page, url: str, found: dict) -> None:
    response = page.goto(url)
    assert response is not None
    violations = axe_violations(page)
    if violations:
        found[url] = violations


def _submit_empty(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} [type=submit]").last.click()


def _fill_meetings_request(page) -> None:
    page.locator("input[name=contact_role][value=parent]").check()
    page.locator("#id_name").fill("Testi Vanhempi")
    page.locator("#id_phone").fill("040 111 2222")
    page.locator("input[name=contact_channel][value=call]").check()
    page.locator("#id_question").fill("Tarvitsemme apua.")
    page.locator("input[name=preferred_mode][value=phone]").check()
    with page.expect_navigation():
        page.locator("form.request-form [type=submit]").last.click()


@pytest.mark.parametrize("prefix", LANGUAGE_PREFIXES)
def test_every_public_page_has_no_axe_violations(page, live_server, settings, prefix):
    pages = public_pages()
    base = live_server.url + prefix
    found: dict[str, list[str]] = {}
    for path in pages.values():
        _check(page, base + path, found)
    _check(page, base + NOT_FOUND_PATH, found)
    # The thank-you page of the meetings request opens only after a request was sent.
    page.goto(base + pages["meetings_request"])
    _fill_meetings_request(page)
    assert page.url.endswith("/tukitapaamiset/kiitos/")
    if violations := axe_violations(page):
        found[page.url] = violations
    # The "too many tries" page: the rate limit set to zero answers the next POST with it.
    settings.PUBLIC_FORM_RATE_PER_MINUTE = 0
    page.goto(base + pages["info_session"])
    _submit_empty(page, PUBLIC_FORMS["info_session"])
    assert page.locator("h1").count() == 1
    if violations := axe_violations(page):
        found["429"] = violations
    assert found == {}


def _error_state(page) -> dict:
    """What a screen reader user meets after sending a form with mistakes."""
    return page.evaluate(
        """() => {
        const invalid = [...document.querySelectorAll('main .is-invalid')]
            .filter(el => el.matches('input, select, textarea'));
        // A field, or the fieldset of a group of choices, points at its error message.
        const untied = invalid.filter(el => {
            const holder = el.hasAttribute('aria-describedby')
                ? el : el.closest('fieldset[aria-describedby]');
            const ids = holder ? holder.getAttribute('aria-describedby').split(/\\s+/) : [];
            const tied = ids.some(id => {
                const target = id && document.getElementById(id);
                return target && target.closest('.invalid-feedback')
                    && target.textContent.trim();
            });
            return !tied || el.getAttribute('aria-invalid') !== 'true';
        }).map(el => el.name);
        const active = document.activeElement;
        return {
            invalid: invalid.map(el => el.name),
            untied: [...new Set(untied)],
            focused: active ? (active.name || active.id || active.tagName) : null,
            focusedIsInvalid: !!active && (active.classList.contains('is-invalid')
                || active.getAttribute('role') === 'alert'),
            summary: !!document.querySelector('main [role=alert]'),
        };
    }"""
    )


@pytest.mark.parametrize("prefix", LANGUAGE_PREFIXES)
def test_public_forms_sent_empty_announce_errors_tied_to_their_fields(page, live_server, prefix):
    pages = public_pages()
    base = live_server.url + prefix
    found: dict[str, list[str]] = {}
    states = {}
    for name, form_selector in PUBLIC_FORMS.items():
        page.goto(base + pages[name])
        _submit_empty(page, form_selector)
        states[name] = _error_state(page)
        if violations := axe_violations(page):
            found[name] = violations
    assert found == {}
    for name, state in states.items():
        assert state["invalid"], name
        assert state["untied"] == [], name
        assert state["summary"] and state["focusedIsInvalid"], (name, state)
    save_screenshot(page, f"form-errors{prefix.replace('/', '-') or '-fi'}")


@pytest.mark.parametrize("prefix", LANGUAGE_PREFIXES)
def test_every_portal_page_has_no_axe_violations(page, live_server, prefix):
    worker = SupportWorkerFactory()
    pages = portal_pages(worker)
    page.goto(f"{live_server.url}{prefix}/tyo/kirjaudu/")
    page.locator("#id_username").fill(worker.username)
    page.locator("#id_password").fill("test-password-123")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    found: dict[str, list[str]] = {}
    for path in pages.values():
        _check(page, live_server.url + prefix + path, found)
        assert page.url.endswith(path), f"{path} redirected to {page.url}"
    assert found == {}


def test_skip_link_is_first_in_tab_order_and_moves_focus_to_main(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0  # visible when focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


FOCUS_STYLE = """() => {
    const el = document.activeElement, style = getComputedStyle(el);
    return {name: el.name || el.getAttribute('href') || el.tagName,
            visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
}"""


def test_meetings_request_form_works_with_the_keyboard_alone(page, live_server):
    """Tab goes through the form in reading order with a visible focus ring; Space, arrows and
    Enter fill it in and send it."""
    page.goto(live_server.url + "/en/tukitapaamiset/")
    page.locator("form.request-form").scroll_into_view_if_needed()
    page.locator("main h1").click()  # start from the top of the content, as after the skip link
    order = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE)
        assert focus["visible"], focus
        order.append(focus["name"])
        if focus["name"] == "contact_role":
            page.keyboard.press("Space")
        elif focus["name"] == "name":
            page.keyboard.type("Keyboard User")
        elif focus["name"] == "phone":
            page.keyboard.type("040 111 2222")
        elif focus["name"] == "contact_channel":
            page.keyboard.press("Space")
        elif focus["name"] == "question":
            page.keyboard.type("We need help with everyday life.")
        elif focus["name"] == "preferred_mode":
            page.keyboard.press("Space")
            break
    fields = [n for n in order if n in {"contact_role", "name", "phone", "question"}]
    assert fields == ["contact_role", "name", "phone", "question"]  # the visual order
    assert "website" not in order  # the honeypot is skipped
    # A parent is not asked the professional's questions: they are hidden, out of the tab order.
    assert "organisation" not in order and "family_agreed" not in order
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/en/tukitapaamiset/kiitos/")


def test_no_information_by_colour_alone_on_places_and_errors(page, live_server):
    """Places left and form errors are said in words, not only with a colour."""
    pages = public_pages()
    page.goto(live_server.url + "/en" + pages["info_session_list"])
    assert "place" in page.locator("main").inner_text().lower()
    page.goto(live_server.url + "/en" + pages["application"])
    _submit_empty(page, PUBLIC_FORMS["application"])
    feedback = page.locator("main .invalid-feedback").first
    assert feedback.inner_text().strip()  # an error is a sentence, not a red border
    # Links in running text are underlined, not told apart by colour alone.
    decoration = page.evaluate(
        "getComputedStyle(document.querySelector('main p a')).textDecorationLine"
    )
    assert "underline" in decoration


# Browser zoom to 200 % on a 1280 px screen lays the page out in 640 CSS pixels at twice the
# density; on a 375 px phone, the text alone is made twice as big (the phone's text-size setting).
ZOOMS = {"desktop-zoom-200": (640, 2, "100%"), "phone-text-200": (375, 1, "200%")}


@pytest.mark.parametrize("zoom", ZOOMS)
def test_every_public_page_zooms_to_200_percent_without_sideways_scrolling(
    browser, live_server, zoom
):
    width, scale, font_size = ZOOMS[zoom]
    context = browser.new_context(
        viewport={"width": width, "height": 800}, device_scale_factor=scale
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    too_wide = {}
    try:
        for path in [*public_pages().values(), NOT_FOUND_PATH]:
            page.goto(live_server.url + path)
            page.evaluate(f"document.documentElement.style.fontSize = '{font_size}'")
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide[path] = scroll_width
        page.goto(live_server.url + "/")
        page.evaluate(f"document.documentElement.style.fontSize = '{font_size}'")
        save_screenshot(page, f"home-{zoom}")
    finally:
        context.close()
    assert too_wide == {}
