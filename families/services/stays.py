"""Stays: logging a visit of the child at the support family, and pricing it by the rates."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from families.models import (
    OPEN_RELATIONSHIP_STATUSES,
    PaymentMonth,
    Rate,
    RateKind,
    RateUnit,
    Stay,
    SupervisionContact,
    SupportRelationship,
)
from families.models.relationship import first_of_month
from families.services.availability import unavailable_periods_for_stay
from kalliola.services.anonymised import RecordAnonymised, refuse_anonymised

# How far ahead a stay may be logged (a planned weekend, agreed already).
MAX_DAYS_AHEAD = 7
ZERO = Decimal("0.00")


def money(amount: Decimal) -> str:
    """An amount in euros as the reader's language writes it: "122,00 €" in Finnish."""
    return f"{formats.number_format(amount, 2, use_l10n=True)} €"


class StayError(Exception):
    """A stay the rules do not allow; the message is shown to the user."""


class RelationshipAnonymised(StayError, RecordAnonymised):
    """The relationship (or its child or household) was erased: no stay or contact is written."""


class StayInUnavailablePeriod(StayError):
    """The stay falls in the household's period without hosting; logged only when confirmed.
    `periods` are the periods it overlaps, for the form's warning."""

    def __init__(self, periods):
        self.periods = periods
        super().__init__(
            _(
                "The support family has said it does not host on these days (%(periods)s). "
                "Tick “Log anyway” if the stay took place or is agreed all the same."
            )
            % {"periods": ", ".join(str(period) for period in periods)}
        )


def refuse_anonymised_relationship(relationship: SupportRelationship) -> None:
    """The guard for everything written to a relationship: the relationship, its child and its
    household must not be anonymised."""
    refuse_anonymised(
        relationship, relationship.child, relationship.family, error=RelationshipAnonymised
    )


@dataclass(frozen=True)
class StayAmounts:
    fee: Decimal
    reimbursement: Decimal

    @property
    def total(self) -> Decimal:
        return self.fee + self.reimbursement


def nights_between(starts_at: datetime.datetime, ends_at: datetime.datetime) -> int:
    """Nights of a stay: how many local dates it moves forward (a day visit has none)."""
    start = timezone.localtime(starts_at).date()
    end = timezone.localtime(ends_at).date()
    return max((end - start).days, 0)


def stay_month(starts_at: datetime.datetime) -> datetime.date:
    """A stay belongs to the payment month in which it starts."""
    return first_of_month(timezone.localtime(starts_at).date())


def price(
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    rates: Iterable[Rate] | None = None,
) -> StayAmounts:
    """Fee and expense reimbursement for a stay by the rates valid on its dates.

    Each night is priced by the per-night rate valid on the date the night begins, so a stay
    across a rate change is paid partly at each rate; a per-stay amount by the rate valid on the
    first day. Pass `rates` (all of them, e.g. `list(Rate.objects.all())`) when pricing many
    stays, to keep the number of queries constant.
    """
    rates = list(Rate.objects.all()) if rates is None else list(rates)
    first_day = timezone.localtime(starts_at).date()
    nights = nights_between(starts_at, ends_at)
    totals = {RateKind.FEE: ZERO, RateKind.REIMBURSEMENT: ZERO}
    for rate in rates:
        if rate.unit == RateUnit.PER_STAY:
            if rate.is_valid_on(first_day):
                totals[rate.kind] += rate.amount
            continue
        for offset in range(nights):
            if rate.is_valid_on(first_day + datetime.timedelta(days=offset)):
                totals[rate.kind] += rate.amount
    return StayAmounts(fee=totals[RateKind.FEE], reimbursement=totals[RateKind.REIMBURSEMENT])


def amounts_of(stay: Stay, rates: Iterable[Rate] | None = None) -> StayAmounts:
    """The stored amounts of an approved stay, otherwise the amounts by today's rates."""
    if stay.is_approved:
        return StayAmounts(fee=stay.fee, reimbursement=stay.reimbursement)
    return price(stay.starts_at, stay.ends_at, rates)


@dataclass(frozen=True)
class StayRows:
    """Some of a relationship's stays with their amounts, the totals of those rows, and the
    number and nights of all its stays (what the totals leave out is said on the page)."""

    rows: list[tuple[Stay, StayAmounts]]
    all_stays: int
    all_nights: int

    @property
    def nights(self) -> int:
        return sum(stay.nights for stay, _amounts in self.rows)

    @property
    def fee(self) -> Decimal:
        return sum((a.fee for _stay, a in self.rows), ZERO)

    @property
    def reimbursement(self) -> Decimal:
        return sum((a.reimbursement for _stay, a in self.rows), ZERO)

    @property
    def is_all(self) -> bool:
        return len(self.rows) == self.all_stays


def stay_rows(relationship: SupportRelationship, stays: Iterable[Stay], rates=None) -> StayRows:
    """`stays` (some of the relationship's) priced, with the all-time count and nights of the
    relationship's stays from one aggregate query."""
    rates = list(Rate.objects.all()) if rates is None else rates
    everything = relationship.stays.aggregate(stays=Count("pk"), nights=Sum("nights"))
    return StayRows(
        rows=[(stay, amounts_of(stay, rates)) for stay in stays],
        all_stays=everything["stays"],
        all_nights=everything["nights"] or 0,
    )


def is_month_locked(family_id: int, month: datetime.date) -> bool:
    return PaymentMonth.objects.filter(family_id=family_id, month=first_of_month(month)).exists()


def _validate(
    relationship: SupportRelationship,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    *,
    now: datetime.datetime,
    exclude_pk: int | None = None,
    confirm_unavailable: bool = False,
) -> None:
    if ends_at <= starts_at:
        raise StayError(_("The stay must end after it starts."))
    if ends_at > now + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise StayError(
            _("A stay can be logged at most %(days)s days ahead.") % {"days": MAX_DAYS_AHEAD}
        )
    if timezone.localtime(starts_at).date() < relationship.start_date:
        raise StayError(_("The stay cannot start before the support relationship started."))
    if relationship.end_date and timezone.localtime(starts_at).date() > relationship.end_date:
        raise StayError(_("The stay cannot start after the support relationship ended."))
    if is_month_locked(relationship.family_id, stay_month(starts_at)):
        raise StayError(_("The payments of that month are already approved; the month is locked."))
    overlapping = relationship.stays.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    if overlapping.exists():
        raise StayError(_("This stay overlaps another stay of the same relationship."))
    if not confirm_unavailable:
        periods = unavailable_periods_for_stay(relationship.family_id, starts_at, ends_at)
        if periods:
            raise StayInUnavailablePeriod(periods)


def _lock(relationship: SupportRelationship) -> SupportRelationship:
    # The relationship row serialises stays of one relationship (overlap) and approval of its
    # household's month (lock), see families.services.payments.approve_month.
    locked = SupportRelationship.objects.select_for_update().get(pk=relationship.pk)
    refuse_anonymised_relationship(locked)
    return locked


def log_stay(
    relationship: SupportRelationship,
    *,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    notes: str = "",
    by=None,
    now: datetime.datetime | None = None,
    confirm_unavailable: bool = False,
) -> Stay:
    """Record one stay of the child at the household.

    Rules: it ends after it starts, no more than a week from now; it does not overlap another
    stay of the relationship; its month is not approved yet; the relationship is open (or the
    stay falls before its end); a stay in the household's period without hosting only with
    `confirm_unavailable` (else `StayInUnavailablePeriod`). Checked under a lock on the
    relationship row; on PostgreSQL an exclusion constraint backs up the overlap rule.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            locked = _lock(relationship)
            if locked.status not in OPEN_RELATIONSHIP_STATUSES and locked.end_date is None:
                raise StayError(_("The support relationship has ended."))
            _validate(locked, starts_at, ends_at, now=now, confirm_unavailable=confirm_unavailable)
            return Stay.objects.create(
                relationship=locked,
                starts_at=starts_at,
                ends_at=ends_at,
                nights=nights_between(starts_at, ends_at),
                notes=notes.strip(),
                logged_by=by,
            )
    except IntegrityError as exc:
        raise StayError(_("This stay overlaps another stay of the same relationship.")) from exc


def update_stay(
    stay: Stay,
    *,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    notes: str = "",
    by=None,
    now: datetime.datetime | None = None,
    confirm_unavailable: bool = False,
) -> Stay:
    """Correct a stay that is not in an approved month (neither its old nor its new month); in
    a period without hosting only with `confirm_unavailable`, as `log_stay`."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            locked = _lock(stay.relationship)
            current = Stay.objects.select_for_update().get(pk=stay.pk)
            if current.is_approved or is_month_locked(
                locked.family_id, stay_month(current.starts_at)
            ):
                raise StayError(
                    _("The payments of that month are already approved; the month is locked.")
                )
            _validate(
                locked,
                starts_at,
                ends_at,
                now=now,
                exclude_pk=current.pk,
                confirm_unavailable=confirm_unavailable,
            )
            current.starts_at = starts_at
            current.ends_at = ends_at
            current.nights = nights_between(starts_at, ends_at)
            current.notes = notes.strip()
            current.save(update_fields=["starts_at", "ends_at", "nights", "notes", "updated_at"])
    except IntegrityError as exc:
        raise StayError(_("This stay overlaps another stay of the same relationship.")) from exc
    stay.refresh_from_db()
    return stay


def delete_stay(stay: Stay, *, by=None) -> None:
    """Remove a stay logged by mistake; never one in an approved month."""
    with transaction.atomic():
        locked = _lock(stay.relationship)
        current = Stay.objects.select_for_update().get(pk=stay.pk)
        if current.is_approved or is_month_locked(locked.family_id, stay_month(current.starts_at)):
            raise StayError(
                _("The payments of that month are already approved; the month is locked.")
            )
        current.delete()


def log_supervision_contact(
    relationship: SupportRelationship,
    *,
    date: datetime.date,
    mode: str,
    notes: str = "",
    by=None,
    today: datetime.date | None = None,
) -> SupervisionContact:
    """Record the support worker's contact with the family; it cannot be in the future."""
    today = today or timezone.localdate()
    if date > today:
        raise StayError(_("A contact cannot be logged for a future date."))
    if date < relationship.start_date:
        raise StayError(_("The contact cannot be before the support relationship started."))
    with transaction.atomic():
        relationship = _lock(relationship)
        return SupervisionContact.objects.create(
            relationship=relationship, date=date, mode=mode, notes=notes.strip(), created_by=by
        )
