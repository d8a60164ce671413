"""Search the way people type: phone numbers in any format, names with or without diacritics.

A searched model keeps a normalised copy of its names and phone numbers in columns the database
computes itself (`GeneratedField`, stored): "Mäkiharju" as "makiharju", "+358 40 000 2046" and
"040-000 2046" as "0400002046". The database keeps them true through every write (a service, the
admin, `bulk_create`, an anonymising `update()`), so no copy of a changed or erased value stays
behind. The admin normalises what the coordinator types the same way (`SearchAdminMixin`).

Why not PostgreSQL's `unaccent`: it is not IMMUTABLE, so no stored column or index can use it,
and the demo runs on SQLite, which has no such function; nested REPLACE() works on both.
"""

import re
import unicodedata

from django.contrib.admin.views.main import SEARCH_VAR
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower, Replace

# Letters with diacritics in the names we meet (Finnish, Swedish, Sami, Estonian, German, French).
# Few enough that SQLite's parser takes the nested REPLACE() calls (it gives up near 35 levels).
_FOLDED_LETTERS = {
    "ä": "a", "å": "a", "á": "a", "à": "a", "ö": "o", "ø": "o", "õ": "o",
    "ü": "u", "é": "e", "è": "e", "š": "s", "ž": "z",
}  # fmt: skip
# SQLite's LOWER() folds only A-Z: the capitals a name starts with are mapped besides.
_FOLDED_CAPITALS = {"Ä": "a", "Å": "a", "Ö": "o", "Ø": "o", "Ü": "u", "É": "e", "Š": "s", "Ž": "z"}
_PHONE_PUNCTUATION = (" ", "-", "(", ")", ".", "/", "\u00a0")
_PHONE_QUERY = re.compile(r"^\+?[\d\s\-().\/]+$")


def fold_text(text: str) -> str:
    """Lower case without diacritics: "Mäkiharju" → "makiharju" (as `folded` in the database)."""
    lowered = unicodedata.normalize("NFC", text or "").lower()
    return "".join(_FOLDED_LETTERS.get(c, c) for c in lowered)


def normalise_phone(text: str) -> str:
    """Digits only, the Finnish country code as a leading 0: "+358 40 000 2046" → "0400002046"."""
    digits = re.sub(r"[^\d+]", "", text or "")
    if digits.startswith("+358"):
        digits = "0" + digits[4:]
    elif digits.startswith("00358"):
        digits = "0" + digits[5:]
    return digits.replace("+", "")


def looks_like_phone(text: str) -> bool:
    """A query of digits and phone punctuation only, with enough digits to mean a number."""
    return bool(_PHONE_QUERY.match(text.strip())) and len(re.sub(r"\D", "", text)) >= 4


def folded(*field_names: str):
    """A database expression: the fields joined by spaces, as `fold_text` folds them."""
    expression = Lower(_joined(field_names), output_field=models.TextField())
    for letter, plain in (_FOLDED_LETTERS | _FOLDED_CAPITALS).items():
        expression = _replace(expression, letter, plain)
    return expression


def phone_digits(*field_names: str):
    """A database expression: each phone field as `normalise_phone` writes it, space-separated.

    Validated numbers hold only digits, spaces, dashes, brackets and a leading + (see
    `kalliola.validators.validate_phone`), so a leading "+358" can only be the country code.
    """
    parts = []
    for name in field_names:
        expression = models.F(name)
        for mark in _PHONE_PUNCTUATION:
            expression = _replace(expression, mark, "")
        parts.append(_replace(expression, "+358", "0"))
    return _join(parts)


def _replace(expression, text, replacement):
    return Replace(expression, Value(text), Value(replacement), output_field=models.TextField())


def _joined(field_names):
    return _join([models.F(name) for name in field_names])


def _join(parts):
    if len(parts) == 1:
        return parts[0]
    pieces = []
    for part in parts:
        pieces += [part, Value(" ")]
    return Concat(*pieces[:-1], output_field=models.TextField())


def search_column(expression, verbose_name):
    """A stored column the database computes from `expression` (see the module's note)."""
    return models.GeneratedField(
        expression=expression,
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=verbose_name,
    )


class SearchAdminMixin:
    """The admin's search box, matching names without diacritics and phones in any format.

    `search_fields` are searched as Django does (each word in one of them); besides,
    `folded_search_fields` (columns made by `folded`) match each word without its diacritics,
    and `phone_search_fields` (made by `phone_digits`) match a query that is a phone number
    however it was typed: "0400002046", "040-000-2046" and "+358 40 000 2046" find
    "040 000 2046".
    """

    folded_search_fields: tuple[str, ...] = ()
    phone_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        query = Q()
        for word in search_term.split():
            word_query = Q()
            for name in self.search_fields:
                word_query |= Q(**{f"{name}__icontains": word})
            for name in self.folded_search_fields:
                word_query |= Q(**{f"{name}__contains": fold_text(word)})
            query &= word_query
        if looks_like_phone(search_term):
            number = normalise_phone(search_term)
            for name in self.phone_search_fields:
                query |= Q(**{f"{name}__contains": number})
        fields = (*self.search_fields, *self.folded_search_fields, *self.phone_search_fields)
        return queryset.filter(query), any("__" in name for name in fields)

    def is_phone_search(self, request) -> bool:
        return looks_like_phone(request.GET.get(SEARCH_VAR, ""))
