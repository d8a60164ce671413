import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from auditlog.models import LogEntry
from django.utils import timezone, translation
from openpyxl import load_workbook

from families.models import PaymentMonth, PaymentMonthReopening, RateKind, RateUnit, Stay
from families.retention import anonymise_family, export_family
from families.services.payments import (
    APPROVED,
    PENDING,
    MonthFilter,
    PaymentError,
    approve_all,
    approve_month,
    export_csv,
    export_xlsx,
    household_report,
    month_households,
    month_summary,
    monthly_reports,
    reopen_month,
)
from families.services.stays import StayError, delete_stay, log_stay, money, update_stay
from kalliola.audit import ANONYMISED
from tests.factories.relationships import RateFactory, RelationshipFactory, StayFactory, at

MAY = datetime.date(2026, 5, 1)


@pytest.fixture(autouse=True)
def _frozen_now():
    # Messages are matched in English; the exports' tests choose their language.
    with (
        time_machine.travel(at(datetime.date(2026, 6, 15), 12), tick=False),
        translation.override("en"),
    ):
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
        with django_assert_max_num_queries(4):
            reports = monthly_reports(MAY)
            assert all(report.total for report in reports)


def _rows(content: str) -> list[list[str]]:
    assert content.startswith("\ufeff")  # a BOM first, as Finnish spreadsheet programs expect
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))


def test_csv_export_is_in_the_reader_s_language_with_decimal_commas(
    relationship, rates, coordinator
):
    _stay(relationship, datetime.date(2026, 5, 2))
    approve_month(relationship.family, MAY, by=coordinator)
    with translation.override("fi"):
        rows = _rows(export_csv(MAY))
    assert rows[0][0] == "Perheen numero"
    assert "household_id" not in rows[0]
    assert rows[1][0] == str(relationship.family.pk)
    assert rows[1][5:] == ["2", "80,00", "20,00", "100,00", "kyllä"]
    with translation.override("sv"):
        rows = _rows(export_csv(MAY))
    assert rows[1][6:] == ["80,00", "20,00", "100,00", "ja"]
    with translation.override("en"):
        rows = _rows(export_csv(MAY))
    assert rows[0][0] == "Household number"
    assert rows[1][6:] == ["80.00", "20.00", "100.00", "yes"]


def test_xlsx_export_opens_with_the_totals_and_translated_headers(relationship, rates):
    _stay(relationship, datetime.date(2026, 5, 2))
    with translation.override("fi"):
        workbook = load_workbook(io.BytesIO(export_xlsx(MAY)))
    sheet = workbook.active
    assert sheet.title == "2026-05"
    assert sheet["A1"].value == "Perheen numero"
    assert sheet["I2"].value == 100.0
    assert sheet["J2"].value == "ei"


@pytest.mark.parametrize(
    ("language", "shown"), [("fi", "122,00 €"), ("sv", "122,00 €"), ("en", "122.00 €")]
)
def test_amounts_are_written_as_the_reader_s_language_writes_them(language, shown):
    with translation.override(language):
        assert money(Decimal("122")) == shown


# -- a month is approved only after it has ended ------------------------------------------------


def test_the_current_month_cannot_be_approved_even_on_its_last_day(relationship, coordinator):
    june = datetime.date(2026, 6, 1)
    _stay(relationship, datetime.date(2026, 6, 5))
    last_evening = at(datetime.date(2026, 6, 30), 23)
    with pytest.raises(PaymentError, match="not ended"):
        approve_month(relationship.family, june, by=coordinator, now=last_evening)
    with pytest.raises(PaymentError, match="not ended"):
        approve_all(june, by=coordinator, now=last_evening)
    assert not PaymentMonth.objects.exists()
    first_morning = at(datetime.date(2026, 7, 1), 0)
    approve_month(relationship.family, june, by=coordinator, now=first_morning)
    assert PaymentMonth.objects.filter(month=june).exists()


def test_a_future_month_cannot_be_approved(relationship, coordinator):
    with pytest.raises(PaymentError):
        approve_month(relationship.family, datetime.date(2026, 8, 1), by=coordinator)
    assert not PaymentMonth.objects.exists()


def test_a_stay_that_has_not_ended_cannot_be_approved(relationship, rates, coordinator):
    # The last weekend of May goes on into June: on 1 June it has not happened in full.
    stay = _stay(relationship, datetime.date(2026, 5, 31), nights=2)
    june_first = at(datetime.date(2026, 6, 1), 12)
    with pytest.raises(PaymentError, match="has not ended"):
        approve_month(relationship.family, MAY, by=coordinator, now=june_first)
    result = approve_all(MAY, by=coordinator, now=june_first)
    assert (result.approved, result.unfinished) == (0, 1)
    stay.refresh_from_db()
    assert stay.payment_month is None
    assert not PaymentMonth.objects.exists()
    approve_month(relationship.family, MAY, by=coordinator, now=stay.ends_at)
    stay.refresh_from_db()
    assert stay.is_approved


# -- the whole month in one action --------------------------------------------------------------


def test_approving_all_approves_every_pending_household_once(rates, coordinator):
    relationships = [RelationshipFactory(start_date=datetime.date(2026, 1, 1)) for _ in range(3)]
    for relationship in relationships:
        _stay(relationship, datetime.date(2026, 5, 2))
        _stay(relationship, datetime.date(2026, 5, 20), nights=1)
    june = _stay(relationships[0], datetime.date(2026, 6, 5))
    approve_month(relationships[0].family, MAY, by=coordinator)
    result = approve_all(MAY, by=coordinator)
    assert (result.approved, result.unfinished) == (2, 0)
    assert result.total == 2 * Decimal("80.00") + 2 * Decimal("50.00") + 2 * Decimal("30.00")
    assert PaymentMonth.objects.filter(month=MAY).count() == 3
    may_stays = Stay.objects.exclude(pk=june.pk)
    assert not may_stays.filter(payment_month__isnull=True).exists()
    assert not may_stays.filter(fee__isnull=True).exists()
    june.refresh_from_db()
    assert june.payment_month is None
    again = approve_all(MAY, by=coordinator)
    assert again.approved == 0
    assert PaymentMonth.objects.filter(month=MAY).count() == 3


def test_approving_all_writes_one_audit_entry_per_household(rates, coordinator):
    for _ in range(2):
        _stay(RelationshipFactory(start_date=datetime.date(2026, 1, 1)), datetime.date(2026, 5, 2))
    approve_all(MAY, by=coordinator)
    for approval in PaymentMonth.objects.all():
        (entry,) = LogEntry.objects.get_for_object(approval)
        assert entry.action == LogEntry.Action.CREATE
        assert entry.actor == coordinator
        assert entry.changes["fee_total"][1] == "80.00"


def test_approving_one_household_writes_an_audit_entry(relationship, rates, coordinator):
    _stay(relationship, datetime.date(2026, 5, 2))
    approval = approve_month(relationship.family, MAY, by=coordinator)
    (entry,) = LogEntry.objects.get_for_object(approval)
    assert entry.action == LogEntry.Action.CREATE


def test_approving_all_takes_the_same_queries_for_few_and_many_households(
    rates, coordinator, django_assert_max_num_queries
):
    month = MAY
    for count in (3, 30):
        for _ in range(count):
            _stay(RelationshipFactory(start_date=datetime.date(2026, 1, 1)), month)
        with django_assert_max_num_queries(16):
            assert approve_all(month, by=coordinator).approved == count
        month = datetime.date(2026, 4, 1)


# -- a locked month and its reopening -----------------------------------------------------------


def test_a_locked_month_refuses_every_edit_until_it_is_reopened(relationship, rates, coordinator):
    stay = _stay(relationship, datetime.date(2026, 5, 2))
    approve_month(relationship.family, MAY, by=coordinator)
    new_start, new_end = at(datetime.date(2026, 5, 16)), at(datetime.date(2026, 5, 17))
    with pytest.raises(StayError, match="locked"):
        log_stay(relationship, starts_at=new_start, ends_at=new_end)
    with pytest.raises(StayError, match="locked"):
        update_stay(stay, starts_at=stay.starts_at, ends_at=new_end)
    with pytest.raises(StayError, match="locked"):
        delete_stay(stay)
    assert relationship.stays.count() == 1
    reopen_month(MAY, reason="Puuttuva viikonloppu", by=coordinator, family=relationship.family)
    added = log_stay(relationship, starts_at=new_start, ends_at=new_end)
    update_stay(added, starts_at=new_start, ends_at=at(datetime.date(2026, 5, 18)))
    delete_stay(stay)
    assert list(relationship.stays.all()) == [added]
    again = approve_month(relationship.family, MAY, by=coordinator)
    assert again.nights == 2


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_reopening_without_a_reason_is_refused(relationship, rates, coordinator, reason):
    _stay(relationship, datetime.date(2026, 5, 2))
    approve_month(relationship.family, MAY, by=coordinator)
    with pytest.raises(PaymentError, match="reason"):
        reopen_month(MAY, reason=reason, by=coordinator, family=relationship.family)
    assert PaymentMonth.objects.count() == 1
    assert not PaymentMonthReopening.objects.exists()


def test_reopening_with_an_overlong_reason_is_refused(relationship, rates, coordinator):
    approve_month(relationship.family, MAY, by=coordinator)
    with pytest.raises(PaymentError):
        reopen_month(MAY, reason="x" * 1001, by=coordinator)
    assert PaymentMonth.objects.count() == 1


def test_reopening_a_month_that_is_not_approved_is_refused(relationship, coordinator):
    with pytest.raises(PaymentError, match="nothing to reopen"):
        reopen_month(MAY, reason="Korjaus", by=coordinator, family=relationship.family)


def test_reopening_keeps_what_was_approved_and_why_in_the_trail(
    relationship, rates, coordinator, admin_user
):
    stay = _stay(relationship, datetime.date(2026, 5, 2))
    approval = approve_month(relationship.family, MAY, by=coordinator)
    approval_pk = approval.pk
    assert reopen_month(MAY, reason="Väärä päivä", by=admin_user, family=relationship.family) == 1
    assert not PaymentMonth.objects.exists()
    stay.refresh_from_db()
    assert (stay.payment_month, stay.fee, stay.reimbursement) == (None, None, None)
    reopening = PaymentMonthReopening.objects.get()
    assert reopening.reason == "Väärä päivä"
    assert reopening.approved_by == coordinator
    assert reopening.approved_total == Decimal("100.00")
    assert reopening.reopened_by == admin_user
    deleted = LogEntry.objects.get(
        content_type__model="paymentmonth",
        object_pk=str(approval_pk),
        action=LogEntry.Action.DELETE,
    )
    assert deleted.actor == admin_user
    (created,) = LogEntry.objects.get_for_object(reopening)
    assert created.changes["reason"][1] == "Väärä päivä"
    assert household_report(relationship.family, MAY).reopenings == [reopening]


def test_reopening_the_whole_month_reopens_every_household(rates, coordinator):
    for _ in range(3):
        _stay(RelationshipFactory(start_date=datetime.date(2026, 1, 1)), datetime.date(2026, 5, 2))
    approve_all(MAY, by=coordinator)
    assert reopen_month(MAY, reason="Hinnat korjattu", by=coordinator) == 3
    assert not PaymentMonth.objects.exists()
    assert PaymentMonthReopening.objects.filter(reason="Hinnat korjattu").count() == 3
    assert month_summary(MAY).pending == 3
    assert approve_all(MAY, by=coordinator).approved == 3


# -- the month's households: search, filters, counts --------------------------------------------


def test_households_of_a_month_are_searched_and_filtered(rates, coordinator, support_worker):
    mine = RelationshipFactory(
        start_date=datetime.date(2026, 1, 1),
        support_worker=support_worker,
        family__contact_name="Virtanen Aino",
    )
    other = RelationshipFactory(
        start_date=datetime.date(2026, 1, 1), family__contact_name="Korhonen Eero"
    )
    _stay(mine, datetime.date(2026, 5, 2))
    _stay(other, datetime.date(2026, 5, 9))
    approve_month(other.family, MAY, by=coordinator)

    def names(**filters):
        return [f.contact_name for f in month_households(MAY, MonthFilter(**filters))]

    assert names() == ["Korhonen Eero", "Virtanen Aino"]
    assert names(query="virta") == ["Virtanen Aino"]
    assert names(query=f"#{other.family.pk}") == ["Korhonen Eero"]
    assert names(worker_id=support_worker.pk) == ["Virtanen Aino"]
    assert names(state=APPROVED) == ["Korhonen Eero"]
    assert names(state=PENDING) == ["Virtanen Aino"]
    summary = month_summary(MAY)
    assert (summary.approved, summary.pending) == (1, 1)
    assert summary.total == Decimal("200.00")
    assert summary.nights == 4


def test_the_month_summary_takes_the_same_queries_for_few_and_many_households(
    rates, django_assert_max_num_queries
):
    for count in (2, 25):
        for _ in range(count):
            _stay(RelationshipFactory(start_date=datetime.date(2026, 1, 1)), MAY)
        with django_assert_max_num_queries(4):
            month_summary(MAY)


def test_erasing_a_household_blanks_the_reasons_of_its_reopenings(relationship, rates, coordinator):
    approve_month(relationship.family, MAY, by=coordinator)
    reopen_month(MAY, reason="Aino Virtanen soitti", by=coordinator, family=relationship.family)
    exported = export_family(relationship.family)
    assert exported["payment_reopenings"][0]["reason"] == "Aino Virtanen soitti"
    anonymise_family(relationship.family.pk, timezone.now())
    assert PaymentMonthReopening.objects.get().reason == ANONYMISED


def test_an_erased_households_months_are_neither_approved_nor_reopened(rates, coordinator):
    erased, kept = (RelationshipFactory(start_date=datetime.date(2026, 1, 1)) for _ in range(2))
    for relationship in (erased, kept):
        _stay(relationship, datetime.date(2026, 5, 2))
    approve_month(erased.family, MAY, by=coordinator)
    anonymise_family(erased.family_id, timezone.now())
    with pytest.raises(PaymentError):
        reopen_month(MAY, reason="Korjaus", by=coordinator, family=erased.family)
    with pytest.raises(PaymentError):  # the month's only approval is the erased household's
        reopen_month(MAY, reason="Korjaus", by=coordinator)
    assert PaymentMonth.objects.filter(family=erased.family, month=MAY).exists()
    other = RelationshipFactory(start_date=datetime.date(2026, 1, 1))
    _stay(other, datetime.date(2026, 5, 9))
    anonymise_family(other.family_id, timezone.now())
    with pytest.raises(PaymentError):
        approve_month(other.family, MAY, by=coordinator)
    result = approve_all(MAY, by=coordinator)
    assert result.approved == 1  # the household not erased
    assert not PaymentMonth.objects.filter(family=other.family).exists()
    assert PaymentMonth.objects.filter(family=kept.family, month=MAY).exists()
