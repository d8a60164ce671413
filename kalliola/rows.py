"""Cheap pieces for the rows of a list page: links and dates without per-row overhead.

A list page renders the same few things for each of its rows. reverse() costs tens of
microseconds and Django's date formatting about ten; with several links and dates on each of 20
rows that is most of a page's budget. These helpers do the expensive part once.
"""

import datetime
from collections.abc import Callable
from functools import lru_cache

from django.urls import reverse
from django.utils import formats, timezone, translation

# A number no real row has: reversed once, then replaced by each row's pk.
_MARK = "2147483647"


def pk_link(viewname: str) -> Callable[[int], str]:
    """pk → the URL of `viewname` (a URL with one pk argument), reversed once.

    Call it during the request: the URL carries the active language's prefix.
    """
    head, _mark, tail = reverse(viewname, args=[_MARK]).partition(_MARK)
    return lambda pk: f"{head}{pk}{tail}"


@lru_cache(maxsize=4096)
def _short_date(day: datetime.date, language: str) -> str:
    # `language` is the active one: it is part of the key so each language has its own entries.
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def short_date(value: datetime.date | datetime.datetime | None) -> str:
    """A date (or a moment, as a local date) in the active language's short format; "" if none."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return _short_date(value, translation.get_language())
