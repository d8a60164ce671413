"""Follow-ups about six months after a case closes."""

import datetime

from django.db import transaction
from django.db.models import Q

from kalliola.validators import HAPPENED, implausible_date_error
from meetings.models import CaseStatus, FollowUp, SupportCase
from meetings.services.cases import _lock, _record_status
from meetings.services.errors import FollowUpNotAllowed
from meetings.services.themes import set_benefits


def is_follow_up_due(today: datetime.date) -> Q:
    """A follow-up not done whose day has come (today's included): the dashboard's item and
    the follow-up list's "due now" filter."""
    return Q(done_on__isnull=True, due_on__lte=today)


def is_follow_up_coming(today: datetime.date) -> Q:
    return Q(done_on__isnull=True, due_on__gt=today)


def record_follow_up(
    case: SupportCase,
    *,
    by,
    done_on: datetime.date,
    outcome: int,
    notes: str,
    referred_again: bool,
    benefits=(),
) -> FollowUp:
    """Record how things went (the 4-point scale) and what the family got (`benefits`, several
    codes of `Benefit`). Only for a closed case, not before the day it closed."""
    with transaction.atomic():
        case = _lock(case)
        if case.status != CaseStatus.CLOSED or case.closed_on is None:
            raise FollowUpNotAllowed()
        if done_on < case.closed_on:
            raise FollowUpNotAllowed()
        if error := implausible_date_error(done_on, HAPPENED):
            raise FollowUpNotAllowed(error)
        follow_up = FollowUp.objects.select_for_update().filter(case=case).first()
        if follow_up is None:
            raise FollowUpNotAllowed()
        follow_up.done_on = done_on
        follow_up.outcome = outcome
        follow_up.notes = notes
        follow_up.referred_again = referred_again
        follow_up.recorded_by = by
        follow_up.full_clean(exclude=["case"], validate_unique=False)
        follow_up.save()
        set_benefits(follow_up, benefits)
        _record_status(case, CaseStatus.FOLLOWED_UP, by=by)
        case.save(update_fields=["status"])
    return follow_up
