import datetime
import functools
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction

from families.models import Rate, RateKind, RateUnit, Stay
from families.services.payments import approve_month
from families.services.stays import (
    StayError,
    delete_stay,
    log_stay,
    log_supervision_contact,
    price,
    update_stay,
)
from tests.factories.relationships import RateFactory, RelationshipFactory, StayFactory, at
from tests.helpers import ON_POSTGRESQL, requires_postgresql, run_at_once

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(at(TODAY, 12), tick=False):
        yield


@pytest.fixture
def relationship(db):
    return RelationshipFactory(start_date=datetime.date(2026, 1, 1))


def test_a_weekend_stay_has_two_nights(relationship, support_worker):
    stay = log_stay(
        relationship,
        starts_at=at(datetime.date(2026, 6, 5)),
        ends_at=at(datetime.date(2026, 6, 7)),
        notes="Kävimme uimassa",
        by=support_worker,
    )
    assert stay.nights == 2
    assert stay.logged_by == support_worker
    assert not stay.is_approved


def test_a_day_visit_has_no_nights(relationship):
    stay = log_stay(
        relationship,
        starts_at=at(datetime.date(2026, 6, 6), 10),
        ends_at=at(datetime.date(2026, 6, 6), 16),
    )
    assert stay.nights == 0


def test_a_stay_ending_before_it_starts_is_refused(relationship):
    with pytest.raises(StayError):
        log_stay(
            relationship,
            starts_at=at(datetime.date(2026, 6, 7)),
            ends_at=at(datetime.date(2026, 6, 5)),
        )
    assert not Stay.objects.exists()


def test_database_refuses_a_stay_ending_before_it_starts(relationship):
    with pytest.raises(IntegrityError), transaction.atomic():
        StayFactory(
            relationship=relationship,
            starts_at=at(datetime.date(2026, 6, 7)),
            ends_at=at(datetime.date(2026, 6, 5)),
        )


def test_a_stay_more_than_a_week_ahead_is_refused(relationship):
    with pytest.raises(StayError):
        log_stay(
            relationship,
            starts_at=at(datetime.date(2026, 6, 20)),
            ends_at=at(datetime.date(2026, 6, 23)),
        )
    stay = log_stay(
        relationship,
        starts_at=at(datetime.date(2026, 6, 19)),
        ends_at=at(datetime.date(2026, 6, 21)),
    )
    assert stay.pk


def test_a_stay_before_the_relationship_started_is_refused(relationship):
    with pytest.raises(StayError):
        log_stay(
            relationship,
            starts_at=at(datetime.date(2025, 12, 20)),
            ends_at=at(datetime.date(2025, 12, 22)),
        )


def test_overlapping_stays_of_one_relationship_are_refused(relationship):
    log_stay(
        relationship, starts_at=at(datetime.date(2026, 6, 5)), ends_at=at(datetime.date(2026, 6, 7))
    )
    with pytest.raises(StayError):
        log_stay(
            relationship,
            starts_at=at(datetime.date(2026, 6, 6)),
            ends_at=at(datetime.date(2026, 6, 8)),
        )
    assert relationship.stays.count() == 1


def test_a_stay_may_start_when_the_previous_one_ends(relationship):
    log_stay(
        relationship, starts_at=at(datetime.date(2026, 6, 5)), ends_at=at(datetime.date(2026, 6, 7))
    )
    log_stay(
        relationship, starts_at=at(datetime.date(2026, 6, 7)), ends_at=at(datetime.date(2026, 6, 8))
    )
    assert relationship.stays.count() == 2


def test_stays_of_different_relationships_may_overlap(relationship):
    other = RelationshipFactory(start_date=datetime.date(2026, 1, 1), family=relationship.family)
    for r in (relationship, other):
        log_stay(r, starts_at=at(datetime.date(2026, 6, 5)), ends_at=at(datetime.date(2026, 6, 7)))
    assert Stay.objects.count() == 2


def test_a_stay_in_an_approved_month_is_refused(relationship, coordinator):
    approve_month(relationship.family, datetime.date(2026, 5, 1), by=coordinator)
    with pytest.raises(StayError):
        log_stay(
            relationship,
            starts_at=at(datetime.date(2026, 5, 8)),
            ends_at=at(datetime.date(2026, 5, 10)),
        )
    assert not Stay.objects.exists()


def test_a_stay_in_an_approved_month_cannot_be_changed_or_removed(relationship, coordinator):
    stay = log_stay(
        relationship,
        starts_at=at(datetime.date(2026, 5, 8)),
        ends_at=at(datetime.date(2026, 5, 10)),
    )
    approve_month(relationship.family, datetime.date(2026, 5, 1), by=coordinator)
    stay.refresh_from_db()
    with pytest.raises(StayError):
        update_stay(
            stay,
            starts_at=at(datetime.date(2026, 6, 1)),
            ends_at=at(datetime.date(2026, 6, 3)),
        )
    with pytest.raises(StayError):
        delete_stay(stay)
    stay.refresh_from_db()
    assert stay.starts_at == at(datetime.date(2026, 5, 8))


def test_a_stay_can_be_corrected_before_approval(relationship):
    stay = log_stay(
        relationship, starts_at=at(datetime.date(2026, 6, 5)), ends_at=at(datetime.date(2026, 6, 7))
    )
    update_stay(
        stay, starts_at=at(datetime.date(2026, 6, 5)), ends_at=at(datetime.date(2026, 6, 8))
    )
    assert stay.nights == 3
    delete_stay(stay)
    assert not Stay.objects.exists()


def test_a_stay_after_the_relationship_ended_is_refused(db):
    relationship = RelationshipFactory(
        start_date=datetime.date(2026, 1, 1), status="ended", end_date=datetime.date(2026, 5, 31)
    )
    with pytest.raises(StayError):
        log_stay(
            relationship,
            starts_at=at(datetime.date(2026, 6, 5)),
            ends_at=at(datetime.date(2026, 6, 7)),
        )


def test_fees_are_summed_night_by_night_across_a_rate_change(db):
    RateFactory(amount=Decimal("40.00"), valid_until=datetime.date(2026, 5, 31))
    RateFactory(amount=Decimal("45.00"), valid_from=datetime.date(2026, 6, 1))
    RateFactory(kind=RateKind.REIMBURSEMENT, unit=RateUnit.PER_STAY, amount=Decimal("15.00"))
    # Nights begin on 30 May, 31 May (old rate) and 1 June (new rate).
    amounts = price(at(datetime.date(2026, 5, 30)), at(datetime.date(2026, 6, 2)))
    assert amounts.fee == Decimal("125.00")
    assert amounts.reimbursement == Decimal("15.00")
    assert amounts.total == Decimal("140.00")


def test_a_rate_overlapping_another_of_the_same_kind_is_invalid(db):
    from django.core.exceptions import ValidationError

    RateFactory(valid_from=datetime.date(2026, 1, 1))
    rate = Rate(
        kind=RateKind.FEE,
        unit=RateUnit.PER_NIGHT,
        amount=Decimal("50"),
        valid_from=datetime.date(2026, 6, 1),
    )
    with pytest.raises(ValidationError):
        rate.full_clean()
    other_kind = Rate(
        kind=RateKind.REIMBURSEMENT,
        unit=RateUnit.PER_NIGHT,
        amount=Decimal("10"),
        valid_from=datetime.date(2026, 6, 1),
    )
    other_kind.full_clean()


def test_a_supervision_contact_cannot_be_in_the_future(relationship, support_worker):
    contact = log_supervision_contact(
        relationship, date=TODAY, mode="phone", notes="Kuulumiset", by=support_worker
    )
    assert contact.created_by == support_worker
    with pytest.raises(StayError):
        log_supervision_contact(relationship, date=TODAY + datetime.timedelta(days=1), mode="phone")


@pytest.mark.skipif(not ON_POSTGRESQL, reason="The exclusion constraint exists on PostgreSQL only.")
def test_database_refuses_overlapping_stays_on_postgresql(relationship):
    StayFactory(
        relationship=relationship,
        starts_at=at(datetime.date(2026, 6, 5)),
        ends_at=at(datetime.date(2026, 6, 7)),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        StayFactory(
            relationship=relationship,
            starts_at=at(datetime.date(2026, 6, 6)),
            ends_at=at(datetime.date(2026, 6, 9)),
        )


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_overlapping_stays_logged_at_once_save_one():
    relationship = RelationshipFactory(start_date=datetime.date(2026, 1, 1))
    windows = [
        (at(datetime.date(2026, 6, 5)), at(datetime.date(2026, 6, 7))),
        (at(datetime.date(2026, 6, 6)), at(datetime.date(2026, 6, 8))),
    ]
    results = run_at_once(
        [
            functools.partial(log_stay, relationship, starts_at=starts_at, ends_at=ends_at)
            for starts_at, ends_at in windows
        ]
    )
    assert sum(isinstance(r, Stay) for r in results) == 1
    assert sum(isinstance(r, StayError) for r in results) == 1
    assert Stay.objects.filter(relationship=relationship).count() == 1
