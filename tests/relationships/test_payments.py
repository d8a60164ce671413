import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook

from families.models import PaymentMonth, RateKind, RateUnit, Stay
from families.services.payments import (
    PaymentError,
    approve_month,
    export_csv,
    export_xlsx,
    household_report,
    monthly_reports,
)
from tests.factories.relationships import RateFactory, RelationshipFactory, StayFactory, at

MAY = datetime.date(2026, 5, 1)


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(at(datetime.date(2026, 6, 15), 12), tick=False):
        yield


@pytest.fixture
def rates(db):
    return [
        RateFactory(amount=Decimal("40.00"), valid_until=datetime.date(2026, 5, 14)),
        RateFactory(amount=Decimal("50.00"), valid_from=datetime.date(2026, 5, 15)),
        RateFactory(kind=RateKind.REIMBURSEMENT, unit=RateUnit.PER_NIGHT, amount=Decimal("10")),
    ]


def _stay(relationship, day, nights=2):
    return StayFactory(
        relationship=relationship,
        starts_at=at(day),
        ends_at=at(day + datetime.timedelta(days=nights)),
        nights=nights,
    )


@pytest.fixture
def relationship(db):
    return RelationshipFactory(start_date=datetime.date(2026, 1, 1))


def test_monthly_report_sums_nights_fees_and_reimbursements(relationship, rates):
    _stay(relationship, datetime.date(2026, 5, 1))  # 2 × 40
    _stay(relationship, datetime.date(2026, 5, 14))  # 40 + 50 (rate change on the 15th)
    _stay(relationship, datetime.date(2026, 6, 5))  # another month
    report = household_report(relationship.family, MAY)
    assert len(report.rows) == 2
    assert report.nights == 4
    assert report.fee == Decimal("170.00")
    assert report.reimbursement == Decimal("40.00")
    assert report.total == Decimal("210.00")
    assert not report.is_approved


def test_approving_a_month_stores_the_amounts_and_a_later_rate_change_keeps_them(
    relationship, rates, coordinator
):
    stay = _stay(relationship, datetime.date(2026, 5, 20))
    approval = approve_month(relationship.family, MAY, by=coordinator)
    assert approval.fee_total == Decimal("100.00")
    assert approval.nights == 2
    rates[1].amount = Decimal("99.00")
    rates[1].save()
    stay.refresh_from_db()
    assert stay.fee == Decimal("100.00")
    assert stay.payment_month == approval
    report = household_report(relationship.family, MAY)
    assert report.fee == Decimal("100.00")
    assert report.is_approved


def test_an_unapproved_month_follows_the_current_rates(relationship, rates):
    _stay(relationship, datetime.date(2026, 5, 20))
    rates[1].amount = Decimal("60.00")
    rates[1].save()
    assert household_report(relationship.family, MAY).fee == Decimal("120.00")


def test_a_month_is_approved_only_once(relationship, rates, coordinator):
    approve_month(relationship.family, MAY, by=coordinator)
    with pytest.raises(PaymentError):
        approve_month(relationship.family, MAY, by=coordinator)
    assert PaymentMonth.objects.count() == 1


def test_approval_of_one_household_leaves_others_open(relationship, rates, coordinator):
    other = RelationshipFactory(start_date=datetime.date(2026, 1, 1))
    _stay(relationship, datetime.date(2026, 5, 2))
    other_stay = _stay(other, datetime.date(2026, 5, 2))
    approve_month(relationship.family, MAY, by=coordinator)
    other_stay.refresh_from_db()
    assert other_stay.payment_month is None
    assert Stay.objects.filter(payment_month__isnull=False).count() == 1


def test_reports_of_a_month_use_a_constant_number_of_queries(
    db, rates, django_assert_max_num_queries
):
    for count in (2, 20):
        for _ in range(count):
            _stay(RelationshipFactory(start_date=datetime.date(2026, 1, 1)), MAY)
        with django_assert_max_num_queries(3):
            reports = monthly_reports(MAY)
            assert all(report.total for report in reports)


def test_csv_export_has_one_row_per_household(relationship, rates, coordinator):
    _stay(relationship, datetime.date(2026, 5, 2))
    approve_month(relationship.family, MAY, by=coordinator)
    # A BOM first, as Finnish spreadsheet programs expect.
    rows = list(csv.reader(io.StringIO(export_csv(MAY).removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][0] == "household_id"
    assert rows[1][0] == str(relationship.family.pk)
    assert rows[1][4:] == ["2", "80.00", "20.00", "100.00", "yes"]


def test_xlsx_export_opens_with_the_totals(relationship, rates):
    _stay(relationship, datetime.date(2026, 5, 2))
    workbook = load_workbook(io.BytesIO(export_xlsx(MAY)))
    sheet = workbook.active
    assert sheet.title == "2026-05"
    assert sheet["H2"].value == 100.0
    assert sheet["I2"].value == "no"
