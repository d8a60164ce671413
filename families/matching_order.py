"""The order of matching suggestions with equal scores, and that order in words.

With thousands of households many share the top score; ordered by name, the list would be the
alphabetically first of them. After the score the database orders by what matters to the child:

1. **Waiting time**: an approved household by the day it became approved (waiting for a child),
   the earliest first. Days, as the page shows them: two approvals of the same day are an equal
   wait, and the next key decides. A household without a waiting time (an active one, which
   already supports a child and has a place left) comes after every one with a waiting time.
2. **The child's age in the household's wishes**: the distance of the child's age from the middle
   of the wished range (``child_age_min``–``child_age_max``), the smallest first; at an equal
   distance the narrower range first (6–10 fits a child of 8 better than 0–16: that household
   wished for a child of about this age).
3. **Municipality and distance**: the score already ranks the same municipality above a
   neighbouring one above the others, so nothing is added here. No addresses are geocoded (there
   are no coordinates), so distance within a municipality cannot order the list yet.
4. **Free weekends** over the next three months, the most first: the weekends no period
   without hosting touches and no stay of an open relationship overlaps, as
   `families.services.availability.free_weekends` counts them and the page shows them.
5. The household's number (``pk``), so that the order is the same every time; never the name.

The score and keys 1, 2 and 5 are SQL expressions in the one query of
`families.matching.suggest` (`order_by_score_and_ties`), which returns the list's rows and any
rows tied with its last one; the free weekends of those rows (two queries, needed for the page
anyway) order them last (`by_free_weekends`). The words are written for the list's rows only.
"""

import datetime
from itertools import groupby

from django.db.models import Case, DateField, F, Value, When, Window
from django.db.models.functions import Abs, Rank, TruncDate
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from families.models import FamilyStatus
from families.services.availability import FREE_WEEKEND_MONTHS, FreeWeekends

KEYS_BEFORE_WEEKENDS = ("score", "waiting_since", "age_gap", "age_span")


def order_by_score_and_ties(rows, *, age: int, today: datetime.date, limit: int | None):
    """Rows annotated with ``score``, annotated with the keys after it and ordered by the score,
    the waiting time and the age fit, then by number; with a `limit`, only the rows that can
    still reach the list: fewer than `limit` rows ahead of them on those keys (a window's rank).

    Those are the list and the rows tied with its last one; `by_free_weekends` then orders
    them by free weekends and cuts the list. Counting free weekends in SQL would cost a look-up
    per weekend and household; `free_weekends` counts them for these rows in two queries.
    """
    rows = rows.annotate(
        waiting_since=Case(
            When(
                status=FamilyStatus.APPROVED,
                then=TruncDate("status_changed_at", tzinfo=timezone.get_current_timezone()),
            ),
            default=Value(None),
            output_field=DateField(),
        ),
        # Twice the distance from the middle of the range: whole numbers, no rounding.
        age_gap=Abs(Value(2 * age) - F("child_age_min") - F("child_age_max")),
        age_span=F("child_age_max") - F("child_age_min"),
    )
    order = (
        F("score").desc(),
        F("waiting_since").asc(nulls_last=True),
        F("age_gap").asc(),
        F("age_span").asc(),
    )
    if limit is not None:
        rows = rows.annotate(ahead=Window(Rank(), order_by=order)).filter(ahead__lte=limit)
    return rows.order_by(*order, F("pk").asc())


def by_free_weekends(rows: list[dict], weekends: dict[int, FreeWeekends], limit: int | None):
    """The rows in the database's order, those equal on every key before the weekends reordered
    by free weekends (the most first; the number still decides among equals), cut to `limit`."""
    ordered = []
    for _keys, equals in groupby(rows, key=lambda row: [row[key] for key in KEYS_BEFORE_WEEKENDS]):
        ordered += sorted(equals, key=lambda row: -weekends[row["pk"]].free)  # stable: pk order
    return ordered[:limit]


def explain_ties(row, *, age: int, today: datetime.date, weekends: FreeWeekends) -> list[str]:
    """Where the household stands on each key after the score, in words (active language)."""
    return [
        _waiting_words(row, today),
        _age_words(age, row["child_age_min"], row["child_age_max"]),
        ngettext(
            "%(free)s of %(total)s weekend free in the next %(months)s months.",
            "%(free)s of %(total)s weekends free in the next %(months)s months.",
            weekends.total,
        )
        % {"free": weekends.free, "total": weekends.total, "months": FREE_WEEKEND_MONTHS},
    ]


def _waiting_words(row, today: datetime.date) -> str:
    since = row["waiting_since"]
    if since is None:
        return _("No waiting time: the household already supports a child.")
    days = (today - since).days
    return ngettext(
        "Waiting since %(date)s (%(days)s day).",
        "Waiting since %(date)s (%(days)s days).",
        days,
    ) % {"date": date_format(since, "SHORT_DATE_FORMAT"), "days": days}


def _age_words(age: int, lowest: int, highest: int) -> str:
    wished = {"age": age, "min": lowest, "max": highest}
    twice_gap = abs(2 * age - lowest - highest)
    if twice_gap == 0:
        return _("Age %(age)s is the middle of the wished range %(min)s–%(max)s.") % wished
    if twice_gap == 1:
        return (
            _("Age %(age)s is half a year from the middle of the wished range %(min)s–%(max)s.")
            % wished
        )
    gap = twice_gap / 2
    return ngettext(
        "Age %(age)s is %(years)s year from the middle of the wished range %(min)s–%(max)s.",
        "Age %(age)s is %(years)s years from the middle of the wished range %(min)s–%(max)s.",
        # A fraction takes the plural in Finnish, Swedish and English alike.
        int(gap) if gap.is_integer() else 2,
    ) % {**wished, "years": number_format(gap, decimal_pos=0 if gap.is_integer() else 1)}
