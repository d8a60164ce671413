"""Yearly statements: a support family's fees and expense reimbursements of one year, by month.

The rules: a statement holds only approved months (`PaymentMonth` rows: a month awaiting
approval has none, and reopening a month removes its approval until it is approved again), so
its totals are the approved months' totals; the admin page, the CSV and the family's own page
behind the e-mailed link all read `yearly_statement`. Coordinators send every statement of a
year in one action (`send_statements`): one queued mail per household with an approved month,
holding a signed link that expires after `STATEMENT_LINK_DAYS` (`statement_links`) and no
figures; each sending leaves an audit entry per household.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.models import LogEntry
from django.db import transaction
from django.utils.translation import gettext as _

from families import emails
from families.models import PaymentMonth, SupportFamily
from families.services.statement_links import is_statement_year
from families.services.stays import ZERO
from kalliola.audit import record_bulk
from kalliola.mail import queue_many
from kalliola.reports.export import csv_text


class StatementError(Exception):
    """A statement the rules do not allow; the message is shown to the user."""


@dataclass
class MonthLine:
    month: datetime.date
    stays: int = 0
    nights: int = 0
    fee: Decimal = ZERO
    reimbursement: Decimal = ZERO
    approved: bool = False

    @property
    def total(self) -> Decimal:
        return self.fee + self.reimbursement


@dataclass
class YearlyStatement:
    """One household's approved payments of one year: twelve months and the year's totals."""

    family: SupportFamily
    year: int
    months: list[MonthLine] = field(default_factory=list)

    @property
    def stays(self) -> int:
        return sum(line.stays for line in self.months)

    @property
    def nights(self) -> int:
        return sum(line.nights for line in self.months)

    @property
    def fee(self) -> Decimal:
        return sum((line.fee for line in self.months), ZERO)

    @property
    def reimbursement(self) -> Decimal:
        return sum((line.reimbursement for line in self.months), ZERO)

    @property
    def total(self) -> Decimal:
        return self.fee + self.reimbursement

    @property
    def approved_months(self) -> int:
        return sum(1 for line in self.months if line.approved)


def check_year(year) -> int:
    """A statement's year as an int between 1900 and 2100; StatementError otherwise."""
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise StatementError(_("Choose a year between 1900 and 2100.")) from None
    if not is_statement_year(year):
        raise StatementError(_("Choose a year between 1900 and 2100."))
    return year


def yearly_statement(family: SupportFamily, year: int) -> YearlyStatement:
    """The household's statement of `year`: each month's approved totals (zero for a month
    without an approval, whether it had no stays, awaits approval or was reopened), in one
    query. The figures are those stored at approval, so they match the payment month pages."""
    year = check_year(year)
    approvals = {
        approval.month.month: approval
        for approval in PaymentMonth.objects.filter(family=family, month__year=year).only(
            "month", "stays", "nights", "fee_total", "reimbursement_total"
        )
    }
    statement = YearlyStatement(family=family, year=year)
    for number in range(1, 13):
        approval = approvals.get(number)
        line = MonthLine(month=datetime.date(year, number, 1))
        if approval is not None:
            line.stays = approval.stays
            line.nights = approval.nights
            line.fee = approval.fee_total
            line.reimbursement = approval.reimbursement_total
            line.approved = True
        statement.months.append(line)
    return statement


def statement_csv(statement: YearlyStatement) -> str:
    """The statement as CSV, in the reader's language (one row per month and a total row)."""
    header = [
        _("Household number"),
        _("Household"),
        _("Month"),
        _("Stays"),
        _("Nights"),
        _("Fee"),
        _("Expense reimbursement"),
        _("Total"),
        _("Approved"),
    ]
    family = statement.family
    rows = [
        (
            family.pk,
            family.contact_name,
            f"{line.month:%Y-%m}",
            line.stays,
            line.nights,
            line.fee,
            line.reimbursement,
            line.total,
            line.approved,
        )
        for line in statement.months
    ]
    rows.append(
        (
            family.pk,
            family.contact_name,
            _("Year %(year)s") % {"year": statement.year},
            statement.stays,
            statement.nights,
            statement.fee,
            statement.reimbursement,
            statement.total,
            None,
        )
    )
    return csv_text(header, rows)


# -- sending a year's statements --------------------------------------------------------------


def statement_families(year: int):
    """The households with an approved month in `year` and an address (not anonymised): the
    ones a statement is sent to."""
    year = check_year(year)
    return (
        SupportFamily.objects.filter(
            pk__in=PaymentMonth.objects.filter(month__year=year).values("family_id"),
            anonymised_at__isnull=True,
        )
        .exclude(email="")
        .order_by("contact_name", "pk")
    )


def send_statements(year: int, *, by) -> int:
    """Queue one statement mail per household of `statement_families(year)`, in bulk (sent by
    the outbox's sender, never in the request), with an audit entry per household saying the
    statement was sent. Returns how many."""
    year = check_year(year)
    with transaction.atomic():
        families = list(statement_families(year).only("pk", "contact_name"))
        count = queue_many(emails.send_yearly_statement, [(f.pk, year) for f in families])
        record_bulk(
            families,
            action=LogEntry.Action.UPDATE,
            actor=by,
            changes={"yearly_statement_sent": ["", str(year)]},
        )
    return count
