"""Availability: the periods a support family does not host, and its free weekends.

A stay inside such a period is not forbidden (plans change), but it is logged only when the
person confirms it (`unavailable_periods_for_stay`, asked by `stays.log_stay` / `update_stay`).
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from families.models import (
    OPEN_RELATIONSHIP_STATUSES,
    Stay,
    SupportFamily,
    UnavailablePeriod,
    UnavailableReason,
)
from families.services.households import HouseholdAnonymised, months_before
from kalliola.services.anonymised import refuse_anonymised
from kalliola.validators import PLANNED, implausible_date_error

# The suggestions look this many months ahead for free weekends.
FREE_WEEKEND_MONTHS = 3
# How many of the next free weekends the suggestions name.
NEXT_FREE_SHOWN = 3
SATURDAY = 5


class AvailabilityError(Exception):
    """A period the rules do not allow; the message is shown to the user."""


class FamilyAnonymised(AvailabilityError, HouseholdAnonymised):
    """The household was erased: no period is written to it."""


def _period_bounds(period_start: datetime.date, period_end: datetime.date, tz):
    """A period covers its days whole: from its first day's midnight to the midnight after its
    last day, local time."""
    return (
        datetime.datetime.combine(period_start, datetime.time(), tzinfo=tz),
        datetime.datetime.combine(
            period_end + datetime.timedelta(days=1), datetime.time(), tzinfo=tz
        ),
    )


def unavailable_periods_for_stay(
    family_id: int, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> list[UnavailablePeriod]:
    """The household's periods without hosting that a stay overlaps: the child is there at some
    moment of one of the period's days (a stay that ends at midnight before the first day, or
    starts at midnight after the last, does not overlap)."""
    tz = timezone.get_current_timezone()
    first = timezone.localtime(starts_at, tz).date()
    last = timezone.localtime(ends_at, tz).date()
    candidates = UnavailablePeriod.objects.filter(
        family_id=family_id, start_date__lte=last, end_date__gte=first
    ).order_by("start_date", "pk")
    found = []
    for period in candidates:
        begins, ends = _period_bounds(period.start_date, period.end_date, tz)
        if starts_at < ends and ends_at > begins:
            found.append(period)
    return found


def period_refusal(start_date: datetime.date, end_date: datetime.date, reason: str) -> str | None:
    """Why a period cannot be recorded, or None: the last day before the first, a last day more
    than two years ahead (PLANNED), a reason not on the list. The services raise it; the admin's
    inline form asks it to show the message on the row."""
    if end_date < start_date:
        return _("The last day cannot be before the first day.")
    error = implausible_date_error(end_date, PLANNED)
    if error:
        return error
    if reason not in UnavailableReason.values:
        return _("Choose a reason from the list.")
    return None


def _check(start_date: datetime.date, end_date: datetime.date, reason: str) -> None:
    refusal = period_refusal(start_date, end_date, reason)
    if refusal:
        raise AvailabilityError(refusal)


def _lock_family(family_id: int) -> SupportFamily:
    locked = SupportFamily.objects.select_for_update().get(pk=family_id)
    refuse_anonymised(locked, error=FamilyAnonymised)
    return locked


def record_unavailable_period(
    family: SupportFamily,
    *,
    start_date: datetime.date,
    end_date: datetime.date,
    reason: str,
    note: str = "",
    by=None,
) -> UnavailablePeriod:
    """Record days on which the household takes no child.

    Rules: the last day is on or after the first, at most two years ahead (PLANNED); the reason
    is one of the list; the household is not anonymised (checked under its row lock).
    """
    _check(start_date, end_date, reason)
    with transaction.atomic():
        locked = _lock_family(family.pk)
        return UnavailablePeriod.objects.create(
            family=locked,
            start_date=start_date,
            end_date=end_date,
            reason=reason,
            note=note.strip(),
            created_by=by,
        )


def update_unavailable_period(
    period: UnavailablePeriod,
    *,
    start_date: datetime.date,
    end_date: datetime.date,
    reason: str,
    note: str = "",
    by=None,
) -> UnavailablePeriod:
    """Correct a period, by the same rules as recording one."""
    _check(start_date, end_date, reason)
    with transaction.atomic():
        _lock_family(period.family_id)
        current = UnavailablePeriod.objects.select_for_update().get(pk=period.pk)
        current.start_date, current.end_date = start_date, end_date
        current.reason, current.note = reason, note.strip()
        current.save(update_fields=["start_date", "end_date", "reason", "note", "updated_at"])
    period.refresh_from_db()
    return period


def delete_unavailable_period(period: UnavailablePeriod, *, by=None) -> None:
    """Remove a period (the family hosts after all); never on an anonymised household."""
    with transaction.atomic():
        _lock_family(period.family_id)
        UnavailablePeriod.objects.filter(pk=period.pk).delete()


# Free weekends.


@dataclass
class FreeWeekends:
    """A household's weekends in the coming months: how many, how many are free, the next ones."""

    free: int = 0
    total: int = 0
    next_free: list[datetime.date] = field(default_factory=list)  # their Saturdays


def weekends_ahead(today: datetime.date) -> list[datetime.date]:
    """The Saturdays of the weekends counted: from today (a Saturday today counts) to the same
    day `FREE_WEEKEND_MONTHS` months ahead (exclusive)."""
    horizon = months_before(today, -FREE_WEEKEND_MONTHS)
    saturday = today + datetime.timedelta(days=(SATURDAY - today.weekday()) % 7)
    saturdays = []
    while saturday < horizon:
        saturdays.append(saturday)
        saturday += datetime.timedelta(days=7)
    return saturdays


def free_weekends(family_ids, *, today: datetime.date | None = None) -> dict[int, FreeWeekends]:
    """For each household: its weekends (Saturday and Sunday) over the next three months that
    no period without hosting touches and no stay of its open relationships (logged or
    planned) overlaps. Two queries for any number of households."""
    today = today or timezone.localdate()
    family_ids = list(family_ids)
    saturdays = weekends_ahead(today)
    result = {pk: FreeWeekends(total=len(saturdays)) for pk in family_ids}
    if not family_ids or not saturdays:
        return result
    tz = timezone.get_current_timezone()
    last_sunday = saturdays[-1] + datetime.timedelta(days=1)
    window_start, window_end = _period_bounds(saturdays[0], last_sunday, tz)
    busy: dict[int, list[tuple[datetime.datetime, datetime.datetime]]] = {
        pk: [] for pk in family_ids
    }
    periods = UnavailablePeriod.objects.filter(
        family_id__in=family_ids, start_date__lte=last_sunday, end_date__gte=saturdays[0]
    ).values_list("family_id", "start_date", "end_date")
    for family_id, start, end in periods:
        busy[family_id].append(_period_bounds(start, end, tz))
    stays = Stay.objects.filter(
        relationship__family_id__in=family_ids,
        relationship__status__in=OPEN_RELATIONSHIP_STATUSES,
        starts_at__lt=window_end,
        ends_at__gt=window_start,
    ).values_list("relationship__family_id", "starts_at", "ends_at")
    for family_id, starts_at, ends_at in stays:
        busy[family_id].append((starts_at, ends_at))
    for family_id, spans in busy.items():
        counted = result[family_id]
        for saturday in saturdays:
            begins, ends = _period_bounds(saturday, saturday + datetime.timedelta(days=1), tz)
            if any(start < ends and end > begins for start, end in spans):
                continue
            counted.free += 1
            if len(counted.next_free) < NEXT_FREE_SHOWN:
                counted.next_free.append(saturday)
    return result
