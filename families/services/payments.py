"""Monthly payment reports per household: fees and expense reimbursements of their stays."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from families.models import PaymentMonth, Rate, Stay, SupportFamily, SupportRelationship
from families.models.relationship import first_of_month
from families.services.stays import ZERO, StayAmounts, amounts_of
from kalliola.reports.export import Sheet, csv_text, xlsx_bytes


class PaymentError(Exception):
    """A payment operation the rules do not allow; the message is shown to the user."""


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


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of the month and of the next, in local time."""
    first = first_of_month(month)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(following, datetime.time.min, tzinfo=tz),
    )


def _stays_of_month(month: datetime.date, family_ids=None):
    start, end = month_bounds(month)
    stays = Stay.objects.filter(starts_at__gte=start, starts_at__lt=end).select_related(
        "relationship__child", "relationship__family", "relationship__support_worker"
    )
    if family_ids is not None:
        stays = stays.filter(relationship__family_id__in=family_ids)
    return stays.order_by("relationship__family__contact_name", "starts_at", "pk")


def monthly_reports(month: datetime.date, *, family: SupportFamily | None = None):
    """Every household with stays in the month (or one household), in a constant number of
    queries: stays, approvals and rates are each read once."""
    month = first_of_month(month)
    stays = list(_stays_of_month(month, None if family is None else [family.pk]))
    approvals = PaymentMonth.objects.filter(month=month).select_related("approved_by")
    if family is not None:
        approvals = approvals.filter(family=family)
    approvals = {approval.family_id: approval for approval in approvals}
    rates = list(Rate.objects.all())
    reports: dict[int, HouseholdReport] = {}
    if family is not None:
        reports[family.pk] = HouseholdReport(family=family, month=month)
    for stay in stays:
        household = stay.relationship.family
        report = reports.setdefault(household.pk, HouseholdReport(family=household, month=month))
        report.rows.append(ReportRow(stay=stay, amounts=amounts_of(stay, rates)))
    for family_id, report in reports.items():
        report.approval = approvals.get(family_id)
    return sorted(reports.values(), key=lambda r: (r.family.contact_name, r.family.pk))


def household_report(family: SupportFamily, month: datetime.date) -> HouseholdReport:
    return monthly_reports(month, family=family)[0]


def approve_month(family: SupportFamily, month: datetime.date, *, by) -> PaymentMonth:
    """Approve a household's payments for a month and lock the month.

    The amounts of each stay are computed by the rates valid on its dates and stored on the
    stay, so later rate changes never alter them. The household's relationships are locked
    first, the same rows `log_stay` locks, so no stay slips into a month being approved.
    """
    month = first_of_month(month)
    try:
        with transaction.atomic():
            list(
                SupportRelationship.objects.select_for_update()
                .filter(family=family)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if PaymentMonth.objects.filter(family=family, month=month).exists():
                raise PaymentError(_("This month is already approved."))
            stays = list(_stays_of_month(month, [family.pk]).select_for_update(of=("self",)))
            rates = list(Rate.objects.all())
            rows = [(stay, amounts_of(stay, rates)) for stay in stays]
            approval = PaymentMonth.objects.create(
                family=family,
                month=month,
                stays=len(rows),
                nights=sum(stay.nights for stay, _amounts in rows),
                fee_total=sum((a.fee for _stay, a in rows), ZERO),
                reimbursement_total=sum((a.reimbursement for _stay, a in rows), ZERO),
                approved_at=timezone.now(),
                approved_by=by,
            )
            for stay, amounts in rows:
                stay.fee = amounts.fee
                stay.reimbursement = amounts.reimbursement
                stay.payment_month = approval
            Stay.objects.bulk_update(
                [stay for stay, _amounts in rows], ["fee", "reimbursement", "payment_month"]
            )
            return approval
    except IntegrityError as exc:
        raise PaymentError(_("This month is already approved.")) from exc


EXPORT_HEADER = (
    "household_id",
    "household",
    "month",
    "stays",
    "nights",
    "fee",
    "reimbursement",
    "total",
    "approved",
)


def export_rows(month: datetime.date) -> list[tuple]:
    """One row per household for payroll (ids and the contact person's name, no child data)."""
    rows = []
    for report in monthly_reports(month):
        rows.append(
            (
                report.family.pk,
                report.family.contact_name,
                f"{report.month:%Y-%m}",
                len(report.rows),
                report.nights,
                report.fee,
                report.reimbursement,
                report.total,
                "yes" if report.is_approved else "no",
            )
        )
    return rows


def export_csv(month: datetime.date) -> str:
    return csv_text(EXPORT_HEADER, export_rows(month))


def export_xlsx(month: datetime.date) -> bytes:
    sheet = Sheet(
        title=f"{first_of_month(month):%Y-%m}", header=EXPORT_HEADER, rows=export_rows(month)
    )
    return xlsx_bytes([sheet])
