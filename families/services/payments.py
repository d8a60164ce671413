"""Monthly payment reports per household: fees and expense reimbursements of their stays.

The rules: a month is approved (and so locked) only after it has ended, and only when each of
its stays has ended; a coordinator approves one household at a time or every household of the
month in one action; a coordinator reopens an approved month only with a reason, which is kept
(`PaymentMonthReopening`) and shown on the month's page. Each of these writes audit entries.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from families.models import (
    PaymentMonth,
    PaymentMonthReopening,
    Rate,
    Stay,
    SupportFamily,
    SupportRelationship,
)
from families.models.relationship import first_of_month
from families.services.stays import ZERO, StayAmounts, amounts_of, price
from kalliola.audit import record_bulk
from kalliola.reports.export import Sheet, csv_text, xlsx_bytes
from kalliola.services.anonymised import RecordAnonymised, refuse_anonymised
from kalliola.versioned_cache import rows_changed

REASON_MAX_LENGTH = 1000


class PaymentError(Exception):
    """A payment operation the rules do not allow; the message is shown to the user."""


class PaymentsAnonymised(PaymentError, RecordAnonymised):
    """The household was erased: its months are neither approved nor reopened any more."""


@dataclass
class ReportRow:
    stay: Stay
    amounts: StayAmounts


@dataclass
class HouseholdReport:
    """One household's stays of one month, with their amounts and totals."""

    family: SupportFamily
    month: datetime.date
    rows: list[ReportRow] = field(default_factory=list)
    approval: PaymentMonth | None = None
    reopenings: list[PaymentMonthReopening] = field(default_factory=list)

    @property
    def is_approved(self) -> bool:
        return self.approval is not None

    @property
    def nights(self) -> int:
        return sum(row.stay.nights for row in self.rows)

    @property
    def fee(self) -> Decimal:
        return sum((row.amounts.fee for row in self.rows), ZERO)

    @property
    def reimbursement(self) -> Decimal:
        return sum((row.amounts.reimbursement for row in self.rows), ZERO)

    @property
    def total(self) -> Decimal:
        return self.fee + self.reimbursement

    @property
    def workers(self) -> list:
        """The support workers of the relationships with stays in the month, once each."""
        seen = {}
        for row in self.rows:
            worker = row.stay.relationship.support_worker
            if worker is not None:
                seen.setdefault(worker.pk, worker)
        return list(seen.values())


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of the month and of the next, in local time."""
    first = first_of_month(month)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(following, datetime.time.min, tzinfo=tz),
    )


def has_ended(month: datetime.date, today: datetime.date | None = None) -> bool:
    """A month has ended once its last day is over: the current month never has."""
    return first_of_month(month) < first_of_month(today or timezone.localdate())


def _month_stays(month: datetime.date) -> QuerySet:
    start, end = month_bounds(month)
    return Stay.objects.filter(starts_at__gte=start, starts_at__lt=end)


def _stays_of_month(month: datetime.date, family_ids=None):
    stays = _month_stays(month).select_related(
        "relationship__family", "relationship__support_worker"
    )
    if family_ids is not None:
        stays = stays.filter(relationship__family_id__in=family_ids)
    return stays.order_by("relationship__family__contact_name", "starts_at", "pk")


def monthly_reports(
    month: datetime.date, *, family: SupportFamily | None = None, family_ids=None
) -> list[HouseholdReport]:
    """Every household with stays in the month (or one household, or the households of
    `family_ids`), in a constant number of queries: stays, approvals, reopenings and rates are
    each read once."""
    month = first_of_month(month)
    if family is not None:
        family_ids = [family.pk]
    stays = list(_stays_of_month(month, family_ids))
    approvals = PaymentMonth.objects.filter(month=month).select_related("approved_by")
    reopenings = PaymentMonthReopening.objects.filter(month=month).select_related("reopened_by")
    if family_ids is not None:
        approvals = approvals.filter(family_id__in=family_ids)
        reopenings = reopenings.filter(family_id__in=family_ids)
    approvals = {approval.family_id: approval for approval in approvals}
    rates = list(Rate.objects.all())
    reports: dict[int, HouseholdReport] = {}
    if family is not None:
        reports[family.pk] = HouseholdReport(family=family, month=month)
    for stay in stays:
        household = stay.relationship.family
        report = reports.setdefault(household.pk, HouseholdReport(family=household, month=month))
        report.rows.append(ReportRow(stay=stay, amounts=amounts_of(stay, rates)))
    for reopening in reopenings:
        if reopening.family_id in reports:
            reports[reopening.family_id].reopenings.append(reopening)
    for family_id, report in reports.items():
        report.approval = approvals.get(family_id)
    return sorted(reports.values(), key=lambda r: (r.family.contact_name, r.family.pk))


def household_report(family: SupportFamily, month: datetime.date) -> HouseholdReport:
    return monthly_reports(month, family=family)[0]


# -- the month's page: households, filters, counts ---------------------------------------------


@dataclass(frozen=True)
class MonthFilter:
    """What the coordinator narrowed the month's page to."""

    query: str = ""
    worker_id: int | None = None
    state: str = ""  # "approved", "pending" or "" (both)


APPROVED, PENDING = "approved", "pending"


def month_households(month: datetime.date, filters: MonthFilter = MonthFilter()) -> QuerySet:
    """The households with a stay in the month, with `is_approved`, narrowed by name or
    household number, support worker and approval, by name then number."""
    month = first_of_month(month)
    stays = _month_stays(month)
    families = SupportFamily.objects.filter(
        pk__in=stays.values("relationship__family_id")
    ).annotate(is_approved=Exists(PaymentMonth.objects.filter(family=OuterRef("pk"), month=month)))
    query = filters.query.strip()
    if query:
        number = query.removeprefix("#")
        by_name = Q(contact_name__icontains=query)
        families = families.filter(by_name | Q(pk=int(number)) if number.isdigit() else by_name)
    if filters.worker_id is not None:
        families = families.filter(
            pk__in=stays.filter(relationship__support_worker_id=filters.worker_id).values(
                "relationship__family_id"
            )
        )
    if filters.state == APPROVED:
        families = families.filter(is_approved=True)
    elif filters.state == PENDING:
        families = families.filter(is_approved=False)
    return families.order_by("contact_name", "pk")


# -- what awaits approval, every month at once (the dashboard and the "awaiting approval" page) --


# The figures of the "awaiting approval" page, by the id a dashboard item's link points to.
STAYS_FIGURE, HOUSEHOLDS_FIGURE = "stays-awaiting", "households-to-approve"


def stays_awaiting_approval(now: datetime.datetime) -> QuerySet:
    """Stays begun by `now` and not approved: the dashboard's "stays awaiting approval"."""
    return Stay.objects.filter(payment_month__isnull=True, starts_at__lte=now)


@dataclass(frozen=True)
class MonthAwaiting:
    month: datetime.date
    stays: int
    households: int
    ended: bool


def months_awaiting_approval(now: datetime.datetime) -> list[MonthAwaiting]:
    """Per month, oldest first: its stays of `stays_awaiting_approval` and their households, and
    whether the month has ended (only then can its households be approved). One query."""
    tz = timezone.get_current_timezone()
    rows = (
        stays_awaiting_approval(now)
        .annotate(month=TruncMonth("starts_at", output_field=DateField(), tzinfo=tz))
        .values("month")
        .annotate(stays=Count("pk"), households=Count("relationship__family", distinct=True))
        .order_by("month")
    )
    today = timezone.localdate(now)
    return [
        MonthAwaiting(
            month=row["month"],
            stays=row["stays"],
            households=row["households"],
            ended=has_ended(row["month"], today),
        )
        for row in rows
    ]


def households_to_approve(months: list[MonthAwaiting]) -> int:
    """Households awaiting approval in months that have ended, each household once per month:
    the dashboard's "payment months to approve"."""
    return sum(m.households for m in months if m.ended)


@dataclass(frozen=True)
class MonthSummary:
    approved: int
    pending: int
    nights: int
    fee: Decimal
    reimbursement: Decimal

    @property
    def households(self) -> int:
        return self.approved + self.pending

    @property
    def total(self) -> Decimal:
        return self.fee + self.reimbursement


def _noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


def month_summary(month: datetime.date) -> MonthSummary:
    """Approved and pending households and the month's totals, in four queries whatever the
    number of households: approved amounts are summed in the database, the stays still awaiting
    approval are priced here once per pair of local first and last day."""
    month = first_of_month(month)
    counts = month_households(month).aggregate(
        approved=Count("pk", filter=Q(is_approved=True)),
        pending=Count("pk", filter=Q(is_approved=False)),
    )
    approved = PaymentMonth.objects.filter(month=month).aggregate(
        nights=Sum("nights"), fee=Sum("fee_total"), reimbursement=Sum("reimbursement_total")
    )
    nights = approved["nights"] or 0
    fee = approved["fee"] or ZERO
    reimbursement = approved["reimbursement"] or ZERO
    # Stays awaiting approval, grouped by their local first and last day: a price depends on
    # nothing else, and a month has a few dozen such pairs however many stays it holds.
    tz = timezone.get_current_timezone()
    pairs = (
        _month_stays(month)
        .filter(payment_month__isnull=True)
        .annotate(
            first_day=TruncDate("starts_at", tzinfo=tz), last_day=TruncDate("ends_at", tzinfo=tz)
        )
        .values("first_day", "last_day")
        .annotate(count=Count("pk"), nights=Sum("nights"))
        .order_by()
    )
    rates = list(Rate.objects.all())
    for pair in pairs:
        amounts = price(_noon(pair["first_day"]), _noon(pair["last_day"]), rates)
        nights += pair["nights"]
        fee += amounts.fee * pair["count"]
        reimbursement += amounts.reimbursement * pair["count"]
    return MonthSummary(
        approved=counts["approved"],
        pending=counts["pending"],
        nights=nights,
        fee=fee,
        reimbursement=reimbursement,
    )


def month_workers(month: datetime.date) -> QuerySet:
    """The support workers of the relationships with stays in the month (the page's filter)."""
    ids = _month_stays(month).values("relationship__support_worker_id")
    return get_user_model().objects.filter(pk__in=ids).order_by("first_name", "last_name", "pk")


def month_reopenings(month: datetime.date, limit: int = 20) -> list[dict]:
    """The month's reopenings, newest first: one line per action (a whole-month reopening is
    one line with its number of households)."""
    return list(
        PaymentMonthReopening.objects.filter(month=first_of_month(month))
        .values(
            "reopened_at",
            "reason",
            "reopened_by__first_name",
            "reopened_by__last_name",
            "reopened_by__username",
        )
        .annotate(households=Count("pk"), total=Sum("approved_total"))
        .order_by("-reopened_at")[:limit]
    )


# -- approving --------------------------------------------------------------------------------


def _refuse_unfinished_month(month: datetime.date, today: datetime.date) -> None:
    if not has_ended(month, today):
        raise PaymentError(
            _("%(month)s has not ended yet: a month can be approved only after its last day.")
            % {"month": formats.date_format(month, "YEAR_MONTH_FORMAT")}
        )


def _unfinished_stay_error(stay: Stay) -> PaymentError:
    return PaymentError(
        _("A stay of this month has not ended yet (it ends %(date)s): approve the month after it.")
        % {"date": formats.date_format(timezone.localtime(stay.ends_at), "SHORT_DATE_FORMAT")}
    )


def _lock_relationships(family_ids) -> None:
    # The same rows log_stay, update_stay and delete_stay lock, in the same order (by pk), so no
    # stay slips into a month being approved or reopened, and two approvals cannot deadlock.
    list(
        SupportRelationship.objects.select_for_update()
        .filter(family_id__in=family_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _approval(family, month, rows, *, by, now) -> PaymentMonth:
    return PaymentMonth(
        family=family,
        month=month,
        stays=len(rows),
        nights=sum(stay.nights for stay, _amounts in rows),
        fee_total=sum((a.fee for _stay, a in rows), ZERO),
        reimbursement_total=sum((a.reimbursement for _stay, a in rows), ZERO),
        approved_at=now,
        approved_by=by,
    )


# Rows per statement of the bulk writes below (four parameters each).
BATCH = 1000


def _store_amounts(approvals_and_rows) -> None:
    """Store each stay's amounts and approval: one UPDATE per thousand stays, joined to their
    values (standard SQL that PostgreSQL and SQLite both run).

    Django's `bulk_update` builds a CASE expression per row and field in Python, which took
    20 s for a month of 6,000 stays; the database does this join in milliseconds.
    """
    values = [
        (stay.pk, amounts.fee, amounts.reimbursement, approval.pk)
        for approval, rows in approvals_and_rows
        for stay, amounts in rows
    ]
    table = connection.ops.quote_name(Stay._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(values), BATCH):
            batch = values[start : start + BATCH]
            placeholders = ", ".join(
                ["(%s, CAST(%s AS NUMERIC), CAST(%s AS NUMERIC), %s)"] * len(batch)
            )
            cursor.execute(
                f"WITH v (id, fee, reimbursement, payment_month) AS (VALUES {placeholders}) "
                f"UPDATE {table} SET fee = v.fee, reimbursement = v.reimbursement, "
                f"payment_month_id = v.payment_month FROM v WHERE {table}.id = v.id",
                [value for row in batch for value in row],
            )


def _delete_approvals(pks: list[int]) -> None:
    """Remove approvals whose stays no longer point at them, without a signal per row (the
    caller writes their audit entries and forgets the caches once)."""
    table = connection.ops.quote_name(PaymentMonth._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(pks), BATCH):
            batch = pks[start : start + BATCH]
            placeholders = ", ".join(["%s"] * len(batch))
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({placeholders})", batch)


def approve_month(
    family: SupportFamily,
    month: datetime.date,
    *,
    by,
    now: datetime.datetime | None = None,
) -> PaymentMonth:
    """Approve a household's payments for a month and lock the month.

    Rules: the month has ended (never the current month, not even on its last day); every stay
    of it has ended; it is not approved already. The amounts of each stay are computed by the
    rates valid on its dates and stored on the stay, so later rate changes never alter them.
    The household's relationships are locked first, the same rows `log_stay` locks.
    """
    now = now or timezone.now()
    month = first_of_month(month)
    _refuse_unfinished_month(month, timezone.localdate(now))
    try:
        with transaction.atomic():
            _lock_relationships([family.pk])
            refuse_anonymised(
                SupportFamily.objects.get(pk=family.pk), error=PaymentsAnonymised
            )
            if PaymentMonth.objects.filter(family=family, month=month).exists():
                raise PaymentError(_("This month is already approved."))
            stays = list(_stays_of_month(month, [family.pk]).select_for_update(of=("self",)))
            for stay in stays:
                if stay.ends_at > now:
                    raise _unfinished_stay_error(stay)
            rates = list(Rate.objects.all())
            rows = [(stay, amounts_of(stay, rates)) for stay in stays]
            approval = _approval(family, month, rows, by=by, now=now)
            approval.save()  # auditlog records its creation
            _store_amounts([(approval, rows)])
            return approval
    except IntegrityError as exc:
        raise PaymentError(_("This month is already approved.")) from exc


def _priced(stay: Stay, rates, priced: dict) -> StayAmounts:
    # A price depends only on the stay's local first and last day: stays on the same days
    # (most of a month's weekends) are priced once.
    key = (timezone.localtime(stay.starts_at).date(), timezone.localtime(stay.ends_at).date())
    if key not in priced:
        priced[key] = price(stay.starts_at, stay.ends_at, rates)
    return priced[key]


@dataclass(frozen=True)
class MonthApproval:
    """What approving a whole month did."""

    approved: int
    total: Decimal
    unfinished: int  # households left pending because a stay of theirs has not ended


def approve_all(month: datetime.date, *, by, now: datetime.datetime | None = None) -> MonthApproval:
    """Approve every household of the month still awaiting approval, in one transaction.

    The same rules as `approve_month`, for all households at once: the month has ended; a
    household with a stay that has not ended stays pending (and is counted). The relationships
    of the month's households are locked first, then approvals are inserted and stays updated
    in bulk, with one audit entry per approved household.
    """
    now = now or timezone.now()
    month = first_of_month(month)
    _refuse_unfinished_month(month, timezone.localdate(now))
    with transaction.atomic():
        # An erased household's months are left as they are (`approve_month` refuses it).
        family_ids = sorted(
            set(
                _month_stays(month)
                .filter(relationship__family__anonymised_at__isnull=True)
                .values_list("relationship__family_id", flat=True)
            )
        )
        _lock_relationships(family_ids)
        approved = set(
            PaymentMonth.objects.filter(month=month, family_id__in=family_ids).values_list(
                "family_id", flat=True
            )
        )
        pending = [pk for pk in family_ids if pk not in approved]
        stays = (
            _month_stays(month)
            .filter(relationship__family_id__in=pending, payment_month__isnull=True)
            .annotate(family_id=F("relationship__family_id"))
            .only("pk", "starts_at", "ends_at", "nights", "payment_month_id")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        by_family: dict[int, list[Stay]] = {}
        for stay in stays:
            by_family.setdefault(stay.family_id, []).append(stay)
        unfinished = {pk for pk, rows in by_family.items() if any(s.ends_at > now for s in rows)}
        families = SupportFamily.objects.only("pk", "contact_name").in_bulk(
            [pk for pk in by_family if pk not in unfinished]
        )
        rates = list(Rate.objects.all())
        priced: dict[tuple, StayAmounts] = {}
        approvals_and_rows = []
        for family_id, family in sorted(families.items()):
            rows = [(stay, _priced(stay, rates, priced)) for stay in by_family[family_id]]
            approvals_and_rows.append((_approval(family, month, rows, by=by, now=now), rows))
        approvals = PaymentMonth.objects.bulk_create([a for a, _rows in approvals_and_rows])
        _store_amounts(approvals_and_rows)
        record_bulk(approvals, action=LogEntry.Action.CREATE, actor=by)
        rows_changed(PaymentMonth)
    return MonthApproval(
        approved=len(approvals),
        total=sum((a.total for a in approvals), ZERO),
        unfinished=len(unfinished),
    )


# -- reopening --------------------------------------------------------------------------------


def reopen_month(
    month: datetime.date,
    *,
    reason: str,
    by,
    family: SupportFamily | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Reopen an approved month, one household's (`family`) or every household's.

    Rule: only with a reason. The approvals are removed, so the month is unlocked (the support
    worker can log and correct its stays) and can be approved again; the stays' stored amounts
    are cleared; each reopened approval leaves a `PaymentMonthReopening` with the reason and
    what had been approved. Audit entries record the removed approvals and the reopenings.
    Returns how many households were reopened.
    """
    now = now or timezone.now()
    month = first_of_month(month)
    reason = reason.strip()
    if not reason:
        raise PaymentError(_("Give the reason for reopening the month."))
    if len(reason) > REASON_MAX_LENGTH:
        raise PaymentError(
            _("The reason can be at most %(count)s characters long.") % {"count": REASON_MAX_LENGTH}
        )
    with transaction.atomic():
        # An erased household's approvals stay as they are: nothing more is written for it.
        approvals = PaymentMonth.objects.filter(month=month)
        if family is not None:
            refuse_anonymised(SupportFamily.objects.get(pk=family.pk), error=PaymentsAnonymised)
            approvals = approvals.filter(family=family)
        approvals = approvals.filter(family__anonymised_at__isnull=True)
        family_ids = sorted(set(approvals.values_list("family_id", flat=True)))
        _lock_relationships(family_ids)
        approvals = list(
            approvals.select_related("family").select_for_update(of=("self",)).order_by("pk")
        )
        if not approvals:
            raise PaymentError(_("This month is not approved: there is nothing to reopen."))
        reopenings = PaymentMonthReopening.objects.bulk_create(
            [
                PaymentMonthReopening(
                    family=approval.family,
                    month=month,
                    reason=reason,
                    approved_at=approval.approved_at,
                    approved_by_id=approval.approved_by_id,
                    approved_total=approval.total,
                    reopened_at=now,
                    reopened_by=by,
                )
                for approval in approvals
            ]
        )
        Stay.objects.filter(payment_month__in=approvals).update(
            payment_month=None, fee=None, reimbursement=None
        )
        _delete_approvals([approval.pk for approval in approvals])
        record_bulk(approvals, action=LogEntry.Action.DELETE, actor=by)
        record_bulk(reopenings, action=LogEntry.Action.CREATE, actor=by)
        rows_changed(PaymentMonth)
    return len(approvals)


# -- payroll files ----------------------------------------------------------------------------


def export_header() -> list[str]:
    """The payroll file's column names, in the reader's language."""
    return [
        _("Household number"),
        _("Household"),
        _("Municipality"),
        _("Month"),
        _("Stays"),
        _("Nights"),
        _("Fee"),
        _("Expense reimbursement"),
        _("Total"),
        _("Approved"),
    ]


def export_rows(month: datetime.date) -> list[tuple]:
    """One row per household for payroll (ids and the contact person's name, no child data)."""
    return [
        (
            report.family.pk,
            report.family.contact_name,
            report.family.municipality,
            f"{report.month:%Y-%m}",
            len(report.rows),
            report.nights,
            report.fee,
            report.reimbursement,
            report.total,
            report.is_approved,
        )
        for report in monthly_reports(month)
    ]


def export_csv(month: datetime.date, rows: list[tuple] | None = None) -> str:
    return csv_text(export_header(), export_rows(month) if rows is None else rows)


def export_xlsx(month: datetime.date, rows: list[tuple] | None = None) -> bytes:
    sheet = Sheet(
        title=f"{first_of_month(month):%Y-%m}",
        header=export_header(),
        rows=export_rows(month) if rows is None else rows,
    )
    return xlsx_bytes([sheet])
