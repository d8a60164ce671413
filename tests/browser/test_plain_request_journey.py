"""A parent asks for support meetings on a 390 px phone, with the mistakes issue 25 found, in
Finnish and Swedish: what the page says before sending, the messages after it, where the focus
and the error links go, and that the question and the way to meet may be left open."""

import pytest

from tests.browser.conftest import CHROMIUM, save_screenshot
from tests.browser.test_accessibility import axe_violations

pytestmark = pytest.mark.browser

WORDS = {
    "fi": {
        "prefix": "",
        "parent": "Olen vanhempi",
        "rule": "Anna puhelinnumero tai sähköposti. Yksi riittää.",
        "star": "Vastaa kysymyksiin, joissa on tähti *.",
        "only_professionals": "Vain ammattilaiselle",
        "errors": [
            "Kirjoita puhelinnumero tai sähköposti. Yksi riittää.",
            "Valitse, miten otamme sinuun yhteyttä.",
            "Valitse, miten haluaisit tavata.",
        ],
        "bad_email": "Tarkista sähköpostiosoite. Se on tällainen: nimi@esimerkki.fi",
        "not_known": "En tiedä vielä",
        "thanks": "Eikö kukaan ole ottanut yhteyttä viikon kuluessa?",
        "optional_question": "Voit kertoa myös puhelimessa.",
    },
    "sv": {
        "prefix": "/sv",
        "parent": "Jag är förälder",
        "rule": "Ge ett telefonnummer eller en e-postadress. Det räcker med en.",
        "star": "Svara på frågorna som har en stjärna *.",
        "only_professionals": "Bara för yrkespersoner",
        "errors": [
            "Skriv ett telefonnummer eller en e-postadress. Det räcker med en.",
            "Välj hur vi kontaktar dig.",
            "Välj hur du vill träffas.",
        ],
        "bad_email": "Kontrollera e-postadressen. Den ser ut så här: namn@exempel.fi",
        "not_known": "Jag vet inte ännu",
        "thanks": "Har ingen kontaktat dig inom en vecka?",
        "optional_question": "Du kan också berätta i telefon.",
    },
}

DJANGO_DEFAULTS = [
    "Tämä kenttä vaaditaan",
    "Syötä kelvollinen",
    "Detta fält måste fyllas i",
    "Fyll i en giltig",
    "This field is required",
    "Enter a valid",
]


@pytest.fixture
def parent_phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="fi-FI"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _professional_group(page):
    return page.locator("fieldset[data-shown-for]")


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_parent_sends_the_request_with_mistakes_and_fixes_them(
    parent_phone, live_server, language
):
    page, words = parent_phone, WORDS[language]
    page.goto(f"{live_server.url}{words['prefix']}/tukitapaamiset/")

    # Before sending: what the star means, and the rule that joins phone and e-mail.
    assert page.get_by_text(words["star"]).is_visible()
    assert page.get_by_text(words["rule"]).is_visible()
    assert page.get_by_text(words["optional_question"]).is_visible()
    # The professional's questions are not shown to a parent.
    assert not _professional_group(page).is_visible()
    page.get_by_label(words["parent"]).check()
    assert not _professional_group(page).is_visible()
    page.locator("input[name=contact_role][value=professional]").check()
    assert _professional_group(page).is_visible()
    page.get_by_label(words["parent"]).check()
    assert not _professional_group(page).is_visible()

    # The mistakes: a name only, an e-mail address written wrong, no way to contact, no way
    # to meet, no question.
    page.locator("#id_name").fill("Testi Vanhempi")
    page.locator("#id_email").fill("testi(at)example")
    with page.expect_navigation():
        page.locator("form.request-form [type=submit]").click()

    summary = page.locator("main .form-error-summary")
    assert page.evaluate("document.activeElement.id") == "form-errors"
    text = summary.inner_text()
    for message in [words["bad_email"], *words["errors"][1:]]:
        assert message in text, (message, text)
    for default in DJANGO_DEFAULTS:
        assert default not in page.locator("main").inner_text()
    assert page.locator("#id_name").input_value() == "Testi Vanhempi"  # kept
    assert not _professional_group(page).is_visible()

    # Every link of the summary goes to an element of the page; none to "#".
    hrefs = summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "#" not in hrefs and len(hrefs) == 3
    for href in hrefs:
        assert page.locator(href).count() == 1, href

    # The link of a choice question takes the focus to its first choice and shows the question.
    page.evaluate("window.scrollTo(0, 0)")
    summary.locator("a[href='#id_contact_channel_0']").click()
    assert page.evaluate("document.activeElement.id") == "id_contact_channel_0"
    legend = page.locator("#div_id_contact_channel legend")
    assert legend.is_visible()
    box = legend.bounding_box()
    assert box is not None and 0 <= box["y"] < 844, box
    assert page.evaluate("window.scrollY") > 0  # not back at the top of the page
    # A text field's link takes the focus to the field.
    summary.locator("a[href='#id_email']").click()
    assert page.evaluate("document.activeElement.id") == "id_email"

    if violations := axe_violations(page):
        pytest.fail(f"axe: {violations}")
    save_screenshot(page, f"request-journey-errors-{language}")

    # Fixed: a phone number instead of the e-mail, a call, "I don't know yet"; the question
    # is left for the phone call.
    page.locator("#id_email").fill("")
    page.locator("#id_phone").fill("040 111 2222")
    page.locator("input[name=contact_channel][value=call]").check()
    page.get_by_label(words["not_known"]).check()
    with page.expect_navigation():
        page.locator("form.request-form [type=submit]").click()
    assert page.url.endswith("/tukitapaamiset/kiitos/")
    assert page.get_by_text(words["thanks"]).is_visible()
    assert page.locator("main a[href^='tel:']").count() == 1
    if violations := axe_violations(page):
        pytest.fail(f"axe: {violations}")


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_without_scripts_the_professional_questions_stand_under_their_heading(
    browser, live_server, language
):
    assert CHROMIUM.exists()
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}{WORDS[language]['prefix']}/tukitapaamiset/")
        group = _professional_group(page)
        assert group.is_visible()
        assert group.locator("legend").inner_text().strip() == WORDS[language]["only_professionals"]
        assert group.locator("input[name=organisation]").is_visible()
    finally:
        context.close()
