"""The catalogues are complete: every msgid translated into Finnish and Swedish (English is the
source text), nothing fuzzy, and the compiled .mo files match the .po files."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
LANGUAGES = ("fi", "sv", "en")


def entries(lang):
    return [
        e for e in polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po")) if not e.obsolete
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_has_no_untranslated_or_fuzzy_entries(lang):
    missing = [
        e.msgid
        for e in entries(lang)
        if "fuzzy" in e.flags
        or (not all(e.msgstr_plural.values()) if e.msgid_plural else not e.msgstr)
    ]
    assert missing == [], f"{len(missing)} untranslated in {lang}: {missing[:10]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_the_source(lang):
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr or dict(e.msgstr_plural))
        for e in polib.mofile(str(LOCALE / lang / "LC_MESSAGES" / "django.mo"))
    }
    stale = [
        e.msgid
        for e in entries(lang)
        if compiled.get((e.msgctxt, e.msgid)) != (e.msgstr or dict(e.msgstr_plural))
    ]
    assert stale == [], f"run `make messages`: {lang} .mo is out of date for {stale[:5]}"
