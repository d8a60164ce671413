"""Every public page renders in Finnish, Swedish and English: the page says its language, its
headings are translated, and dates and numbers follow the language."""

import re
from decimal import Decimal
from html import unescape

import pytest

from tests.browser.pages import LANGUAGE_PREFIXES, NOT_FOUND_PATH, portal_pages, public_pages
from tests.factories.relationships import RateFactory
from trainings.models import TrainingGroup

pytestmark = pytest.mark.django_db

LANGUAGE_OF = {"": "fi", "/sv": "sv", "/en": "en"}
# The h1 and title of these pages are data (a group's name, an event's title), not text of
# ours; the whole content of the page is compared instead.
DATA_HEADINGS = {"group", "event_reply"}
# Words that are the same in English and the other language.
SAME_WORD = {("sv", "plan")}


def _text(pattern: str, html: str) -> str:
    match = re.search(pattern, html, re.S)
    assert match, pattern
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def _render_all(client, paths: dict[str, str]) -> dict[tuple[str, str], str]:
    pages = {}
    for prefix in LANGUAGE_PREFIXES:
        for name, path in paths.items():
            response = client.get(prefix + path)
            assert response.status_code in (200, 404), (prefix + path, response.status_code)
            pages[(LANGUAGE_OF[prefix], name)] = response.content.decode()
    return pages


def test_every_public_page_in_each_language_says_its_language_and_is_translated(client):
    paths = {**public_pages(), "not_found": NOT_FOUND_PATH}
    pages = _render_all(client, paths)
    for (language, name), html in pages.items():
        assert f'<html lang="{language}">' in html, (language, name)
    untranslated = []
    for name in paths:
        pattern = r"<main[^>]*>(.*?)</main>" if name in DATA_HEADINGS else r"<h1[^>]*>(.*?)</h1>"
        english = _text(pattern, pages[("en", name)])
        for language in ("fi", "sv"):
            if _text(pattern, pages[(language, name)]) == english:
                untranslated.append((language, name, english))
        # The menu and footer are translated too.
        for language in ("fi", "sv"):
            nav = _text(r"<nav[^>]*>(.*?)</nav>", pages[(language, name)])
            if nav == _text(r"<nav[^>]*>(.*?)</nav>", pages[("en", name)]):
                untranslated.append((language, name, "menu"))
    assert untranslated == []


LANGUAGE_NAMES = {"Suomi", "Svenska", "English"}  # each language's name in itself


def _all(tag: str, html: str) -> set[str]:
    found = re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S)
    return {" ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split()) for text in found}


def test_headings_labels_buttons_and_table_headers_of_public_pages_are_translated(client):
    paths = public_pages()
    data = set(TrainingGroup.objects.values_list("name", flat=True))
    untranslated = []
    for name, path in paths.items():
        english = client.get("/en" + path).content.decode()
        for prefix in ("", "/sv"):
            html = client.get(prefix + path).content.decode()
            for tag in ("h2", "h3", "label", "legend", "button", "th", "summary"):
                same = _all(tag, html) & _all(tag, english) - LANGUAGE_NAMES - data - {""}
                untranslated += [(prefix or "fi", name, tag, text) for text in sorted(same)]
    assert untranslated == []


def test_every_portal_page_says_its_language_and_has_translated_headings(client, support_worker):
    paths = portal_pages(support_worker)
    client.force_login(support_worker)
    pages = _render_all(client, paths)
    untranslated = []
    for name in paths:
        for language in ("fi", "sv", "en"):
            assert f'<html lang="{language}">' in pages[(language, name)], (language, name)
        english = _text(r"<title>(.*?)</title>", pages[("en", name)])
        for language in ("fi", "sv"):
            same = _text(r"<title>(.*?)</title>", pages[(language, name)]) == english
            if same and (language, name) not in SAME_WORD:
                untranslated.append((language, name, english))
    assert untranslated == []


def test_dates_on_public_pages_name_the_weekday_in_the_page_language(client):
    path = public_pages()["info_session"]
    headings = {
        LANGUAGE_OF[prefix]: _text(
            r"<h1[^>]*>(.*?)</h1>", client.get(prefix + path).content.decode()
        )
        for prefix in LANGUAGE_PREFIXES
    }
    english_days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    assert any(day in headings["en"] for day in english_days)
    for language in ("fi", "sv"):
        assert not any(day in headings[language] for day in english_days), headings[language]
    # Finnish dates are day.month.year, e.g. 1.12.2026.
    assert re.search(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b", headings["fi"])


def test_money_uses_the_decimal_comma_in_finnish_and_swedish(client, support_worker):
    RateFactory(amount=Decimal("40.50"))
    paths = portal_pages(support_worker)
    client.force_login(support_worker)
    shown = {}
    for prefix in LANGUAGE_PREFIXES:
        html = client.get(prefix + paths["relationship"]).content.decode()
        shown[LANGUAGE_OF[prefix]] = re.findall(r"(\d+[.,]\d{2})\s*€", unescape(html))
    assert shown["en"] and all("." in amount for amount in shown["en"])
    for language in ("fi", "sv"):
        assert shown[language] and all("," in amount for amount in shown[language]), shown
