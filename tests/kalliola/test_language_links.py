"""The language switcher: plain links to the same page in Finnish, Swedish and English."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _links(html: str) -> dict[str, str]:
    switcher = html[html.index('class="language-switcher') :]
    switcher = switcher[: switcher.index("</ul>")]
    return dict(re.findall(r'href="([^"]+)" lang="(\w+)"', switcher)[i][::-1] for i in range(3))


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/", {"fi": "/", "sv": "/sv/", "en": "/en/"}),
        (
            "/sv/infotilaisuudet/",
            {"fi": "/infotilaisuudet/", "sv": "/sv/infotilaisuudet/", "en": "/en/infotilaisuudet/"},
        ),
        (
            "/en/tukitapaamiset/",
            {"fi": "/tukitapaamiset/", "sv": "/sv/tukitapaamiset/", "en": "/en/tukitapaamiset/"},
        ),
    ],
)
def test_each_language_link_opens_the_same_page_in_that_language(path, expected):
    assert _links(Client().get(path).content.decode()) == expected


def test_a_page_without_a_form_carries_no_csrf_token():
    # Nothing on the home page is tied to one visitor, so it can be cached for all.
    assert "csrfmiddlewaretoken" not in Client().get("/").content.decode()


def test_the_current_language_is_marked_for_screen_readers():
    html = Client().get("/sv/").content.decode()
    assert re.search(
        r'href="/sv/" lang="sv" hreflang="sv"\s+class="[^"]*"\s+aria-current="page"', html
    )
    assert 'href="/en/" lang="en" hreflang="en"' in html


def test_an_unknown_address_links_to_the_same_address_in_each_language():
    response = Client().get("/en/no-such-page/")
    assert response.status_code == 404
    assert _links(response.content.decode()) == {
        "fi": "/no-such-page/",
        "sv": "/sv/no-such-page/",
        "en": "/en/no-such-page/",
    }


def test_the_query_string_is_kept():
    html = Client().get("/sv/infotilaisuudet/?utm_source=uutiskirje").content.decode()
    assert _links(html)["fi"] == "/infotilaisuudet/?utm_source=uutiskirje"


def test_following_a_link_switches_the_language():
    html = Client().get("/sv/infotilaisuudet/").content.decode()
    assert '<html lang="sv">' in html
    assert '<html lang="fi">' in Client().get(_links(html)["fi"]).content.decode()
