"""The yearly review of a relationship: overdue, coming up, or neither.

A review whose date has passed is overdue; one from today up to `review_due_by(today)`
(`REVIEW_DUE_DAYS` ahead) is coming up; both are due. Ended relationships have no review. The
portal's list, a relationship's page and the start page, the admin list's filter and the
dashboard all read these, so a date is never "coming up" on one page and "overdue" on another.
"""

import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy

from families.models import OPEN_RELATIONSHIP_STATUSES, review_due_by

OVERDUE, COMING_UP = "overdue", "coming_up"
STATE_LABELS = {OVERDUE: gettext_lazy("overdue"), COMING_UP: gettext_lazy("coming up")}


def review_state(review_date: datetime.date, today: datetime.date) -> str:
    """`OVERDUE` before today, `COMING_UP` from today to `review_due_by(today)`, else ""."""
    if review_date < today:
        return OVERDUE
    if review_date <= review_due_by(today):
        return COMING_UP
    return ""


def state_label(state: str) -> str:
    """The badge of a state in the active language ("" for none)."""
    return str(STATE_LABELS[state]) if state else ""


def _open() -> Q:
    return Q(status__in=OPEN_RELATIONSHIP_STATUSES)


def overdue(today: datetime.date) -> Q:
    """An open relationship whose review date has passed."""
    return _open() & Q(review_date__lt=today)


def coming_up(today: datetime.date) -> Q:
    """An open relationship reviewed from today to `review_due_by(today)`."""
    return _open() & Q(review_date__gte=today, review_date__lte=review_due_by(today))


def due(today: datetime.date) -> Q:
    """Overdue or coming up: what the dashboard counts."""
    return _open() & Q(review_date__lte=review_due_by(today))


RULES = {OVERDUE: overdue, COMING_UP: coming_up}


def reviews_due(queryset: QuerySet, today: datetime.date) -> QuerySet:
    """The relationships of `queryset` with an overdue or coming-up review."""
    return queryset.filter(due(today))
