"""Apply translations to the gettext catalogues and report what is missing.

    python tools/po_apply.py missing            # msgids without fi or sv translation, as JSON
    python tools/po_apply.py apply FILE.json    # FILE: {"msgid": {"fi": "...", "sv": "..."}}

English catalogues are filled with the msgid itself (the source text is English). Plural entries
take lists: {"msgid": {"fi": ["one", "many"], "sv": [...]}}. Run `make messages` first so the
catalogues know every msgid; run it again afterwards to compile.
"""

import json
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"
TRANSLATED_LANGUAGES = ("fi", "sv")


def catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"), wrapwidth=100)


def key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def is_missing(entry: polib.POEntry) -> bool:
    if entry.obsolete:
        return False
    if "fuzzy" in entry.flags:
        return True
    if entry.msgid_plural:
        return not all(entry.msgstr_plural.values())
    return not entry.msgstr


def missing() -> dict:
    result: dict = {}
    for lang in TRANSLATED_LANGUAGES:
        for entry in catalogue(lang):
            if is_missing(entry):
                result.setdefault(key(entry), {"plural": entry.msgid_plural or None})[lang] = None
    return result


def fill_english() -> None:
    po = catalogue("en")
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


def apply(path: str) -> None:
    translations = json.loads(Path(path).read_text(encoding="utf-8"))
    for lang in TRANSLATED_LANGUAGES:
        po = catalogue(lang)
        for entry in po:
            text = translations.get(key(entry), {}).get(lang)
            if not text:
                continue
            if entry.msgid_plural:
                forms = text if isinstance(text, list) else [text, text]
                entry.msgstr_plural = dict(enumerate(forms))
            else:
                entry.msgstr = text
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save()
    fill_english()


if __name__ == "__main__":
    if sys.argv[1:2] == ["missing"]:
        print(json.dumps(missing(), ensure_ascii=False, indent=1))
    elif sys.argv[1:2] == ["apply"] and len(sys.argv) == 3:
        apply(sys.argv[2])
    else:
        sys.exit(__doc__)
