"""Measured plainness of every public page in Finnish (issue 25; tests/site/readability.py).

The support-meeting pages are for parents who need support in learning and understanding: they
stay at or under the thresholds below, set from the plainest public page as measured when the
measure was introduced (docs/plain-language.md has every page's figures). Run with
PLAIN_LANGUAGE_REPORT=1 and -s to print the table for the docs.
"""

import os

import pytest

from tests.browser.pages import public_pages
from tests.meetings.test_request_form import valid
from tests.site.readability import measure

pytestmark = pytest.mark.django_db

# Set from today's plainest public page, the support-meetings request page as it was before
# issue 25 (3 December 2026: no sentence over 15 words, 1.8 % of words over 14 letters, LIX 50;
# docs/plain-language.md): no long sentence, at most 2 % long words, LIX at most 50. LIX is read
# only on pages of 100 words or more (on a short page a few words swing it; the thank-you page
# has about 40).
MAX_LONG_SENTENCES = 0.0
MAX_LONG_WORDS = 0.02
MAX_LIX = 50
LIX_MIN_WORDS = 100
SUPPORT_MEETING_PAGES = ("meetings_request", "meetings_request_sent", "meetings_request_errors")


def finnish_pages(client) -> dict[str, str]:
    paths = public_pages()
    pages = {name: client.get(path).content.decode() for name, path in paths.items()}
    pages["meetings_request_errors"] = client.post(
        paths["meetings_request"], {"website": ""}
    ).content.decode()
    client.post(paths["meetings_request"], valid())
    pages["meetings_request_sent"] = client.get("/tukitapaamiset/kiitos/").content.decode()
    info_session = paths["info_session"]
    pages["info_session_thanks"] = client.get(f"{info_session}kiitos/").content.decode()
    pages["group_thanks"] = client.get(f"{paths['group']}kiitos/").content.decode()
    return pages


def test_support_meeting_pages_stay_measure(client):
    figures = {name: measure(html) for name, html in finnish_pages(client).items()}
    if os.environ.get("PLAIN_LANGUAGE_REPORT"):
        print("\n| page | sentences | words | > 15 words | > 14 letters | LIX |")
        print("|---|---|---|---|---|---|")
        for name, plainness in sorted(figures.items()):
            print(plainness.row(name))
    for name in SUPPORT_MEETING_PAGES:
        plainness = figures[name]
        assert plainness.sentences >= 10, name  # measured the page, not an empty shell
        assert plainness.long_sentences <= MAX_LONG_SENTENCES, (name, plainness)
        assert plainness.long_words <= MAX_LONG_WORDS, (name, plainness)
        if plainness.words >= LIX_MIN_WORDS:
            assert plainness.lix <= MAX_LIX, (name, plainness)


def test_the_measure_counts_long_sentences_and_long_words():
    short = measure(
        "<main><p>Soita meille. Ihminen vastaa.</p>"
        "<ul><li>Tapaamiset ovat ilmaisia.</li></ul></main>"
    )
    assert (short.sentences, short.words, short.long_sentences, short.long_words) == (3, 7, 0, 0)
    long = measure(
        "<main><p>Tukiperhetoiminnan ennakkovalmennuksessa käsitellään lapsen kehitysvaiheita "
        "sekä niihin liittyviä haasteita ja sitä, miten tukiperhe voi tukea lasta erilaisissa "
        "tilanteissa arjessa.</p></main>"
    )
    assert long.sentences == 1 and long.long_sentences == 1
    # 19 words; tukiperhetoiminnan, ennakkovalmennuksessa and kehitysvaiheita are long.
    assert long.words == 19 and long.long_words == pytest.approx(3 / 19)
    # Hidden honeypot, scripts and addresses are not read.
    hidden = measure(
        '<main><div class="hp-field"><label>Jätä tämä kenttä tyhjäksi</label></div>'
        "<script>var x;</script><p>tukitapaamiset@example.org</p><p>Hei.</p></main>"
    )
    assert (hidden.sentences, hidden.words) == (1, 1)
