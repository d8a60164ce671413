import datetime
import functools

import pytest
from django.db import transaction
from django.db.utils import IntegrityError

from families.models import (
    EndCause,
    EndInitiator,
    FamilyStatus,
    RelationshipStatus,
    SupportFamily,
    SupportRelationship,
)
from families.models.child import ChildStatus
from families.services.relationships import (
    RelationshipError,
    create_relationship,
    end_relationship,
    pause_relationship,
    resume_relationship,
)
from tests.factories.families import ChildFactory, SupportFamilyFactory
from tests.factories.relationships import RelationshipFactory
from tests.helpers import requires_postgresql, run_at_once

START = datetime.date(2026, 3, 1)
GOALS_REACHED = {"cause": EndCause.GOALS_REACHED, "initiator": EndInitiator.TOGETHER}


@pytest.fixture
def waiting_child(db):
    return ChildFactory()


@pytest.fixture
def approved_family(db):
    return SupportFamilyFactory(status=FamilyStatus.APPROVED)


def test_creating_a_relationship_matches_the_child_and_activates_the_household(
    waiting_child, approved_family, support_worker, coordinator
):
    relationship = create_relationship(
        child=waiting_child,
        family=approved_family,
        support_worker=support_worker,
        start_date=START,
        rhythm="One weekend a month",
        by=coordinator,
    )
    waiting_child.refresh_from_db()
    approved_family.refresh_from_db()
    assert relationship.status == RelationshipStatus.ACTIVE
    assert relationship.review_date == datetime.date(2027, 3, 1)
    assert waiting_child.status == ChildStatus.MATCHED
    assert approved_family.status == FamilyStatus.ACTIVE
    assert approved_family.status_changes.filter(
        to_status=FamilyStatus.ACTIVE, changed_by=coordinator
    ).exists()
    assert relationship.status_changes.filter(to_status="active").count() == 1


def test_review_date_of_a_leap_day_start_is_the_last_of_february(
    waiting_child, approved_family, support_worker
):
    relationship = create_relationship(
        child=waiting_child,
        family=approved_family,
        support_worker=support_worker,
        start_date=datetime.date(2028, 2, 29),
    )
    assert relationship.review_date == datetime.date(2029, 2, 28)


def test_a_matched_child_cannot_get_a_second_relationship(
    waiting_child, approved_family, support_worker
):
    create_relationship(
        child=waiting_child, family=approved_family, support_worker=support_worker, start_date=START
    )
    other = SupportFamilyFactory(status=FamilyStatus.APPROVED)
    with pytest.raises(RelationshipError):
        create_relationship(
            child=waiting_child, family=other, support_worker=support_worker, start_date=START
        )
    other.refresh_from_db()
    assert other.status == FamilyStatus.APPROVED
    assert SupportRelationship.objects.count() == 1


def test_database_allows_only_one_open_relationship_per_child(db):
    first = RelationshipFactory()
    with pytest.raises(IntegrityError):
        RelationshipFactory(child=first.child, status=RelationshipStatus.PAUSED)


def test_a_full_household_gets_no_new_child(approved_family, support_worker):
    create_relationship(
        child=ChildFactory(),
        family=approved_family,
        support_worker=support_worker,
        start_date=START,
    )
    second_child = ChildFactory()
    with pytest.raises(RelationshipError):
        create_relationship(
            child=second_child,
            family=approved_family,
            support_worker=support_worker,
            start_date=START,
        )
    second_child.refresh_from_db()
    assert second_child.status == ChildStatus.WAITING


def test_a_household_with_two_places_takes_a_second_child(support_worker):
    family = SupportFamilyFactory(status=FamilyStatus.APPROVED, max_children=2)
    for _ in range(2):
        create_relationship(
            child=ChildFactory(), family=family, support_worker=support_worker, start_date=START
        )
    assert family.support_relationships.count() == 2


def test_a_household_in_training_cannot_get_a_child(waiting_child, support_worker):
    family = SupportFamilyFactory(status=FamilyStatus.IN_TRAINING)
    with pytest.raises(RelationshipError):
        create_relationship(
            child=waiting_child, family=family, support_worker=support_worker, start_date=START
        )


def test_only_a_support_worker_can_follow_a_relationship(
    waiting_child, approved_family, coordinator
):
    with pytest.raises(RelationshipError):
        create_relationship(
            child=waiting_child,
            family=approved_family,
            support_worker=coordinator,
            start_date=START,
        )


def test_ending_the_last_relationship_frees_the_household(
    waiting_child, approved_family, support_worker, coordinator
):
    relationship = create_relationship(
        child=waiting_child, family=approved_family, support_worker=support_worker, start_date=START
    )
    # An end at most three months ahead (issue 24): a day already past is always allowed.
    end_relationship(
        relationship,
        end_date=datetime.date(2026, 12, 1),
        cause=EndCause.CHILD_MOVED,
        initiator=EndInitiator.CHILDS_FAMILY,
        note="Moved away",
        by=coordinator,
    )
    relationship.refresh_from_db()
    approved_family.refresh_from_db()
    waiting_child.refresh_from_db()
    assert relationship.status == RelationshipStatus.ENDED
    assert (relationship.end_cause, relationship.end_initiator) == ("child_moved", "childs_family")
    assert relationship.end_reason == "Moved away"
    assert approved_family.status == FamilyStatus.APPROVED
    assert waiting_child.status == ChildStatus.ENDED


def test_ending_can_put_the_household_on_hold_and_the_child_back_waiting(
    waiting_child, approved_family, support_worker
):
    relationship = create_relationship(
        child=waiting_child, family=approved_family, support_worker=support_worker, start_date=START
    )
    end_relationship(
        relationship,
        end_date=datetime.date(2026, 9, 1),
        cause=EndCause.FAMILY_SITUATION_CHANGED,
        initiator=EndInitiator.SUPPORT_FAMILY,
        household_on_hold=True,
        child_waits_again=True,
    )
    approved_family.refresh_from_db()
    waiting_child.refresh_from_db()
    assert approved_family.status == FamilyStatus.ON_HOLD
    assert waiting_child.status == ChildStatus.WAITING
    assert waiting_child.waiting_since == datetime.date(2026, 9, 1)


def test_household_stays_active_while_another_relationship_is_open(support_worker):
    family = SupportFamilyFactory(status=FamilyStatus.APPROVED, max_children=2)
    first = create_relationship(
        child=ChildFactory(), family=family, support_worker=support_worker, start_date=START
    )
    create_relationship(
        child=ChildFactory(), family=family, support_worker=support_worker, start_date=START
    )
    end_relationship(first, end_date=datetime.date(2026, 6, 1), **GOALS_REACHED)
    family.refresh_from_db()
    assert family.status == FamilyStatus.ACTIVE


def test_ending_needs_a_reason_and_a_date_after_the_start(db):
    relationship = RelationshipFactory(start_date=START)
    with pytest.raises(RelationshipError):
        end_relationship(relationship, end_date=datetime.date(2026, 2, 1), **GOALS_REACHED)
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.ACTIVE


@pytest.mark.parametrize(
    ("cause", "initiator"),
    [
        ("", "together"),  # no reason chosen
        ("moved far away", "together"),  # not one of the reasons
        ("goals_reached", ""),  # nobody named
        ("goals_reached", "not_recorded"),  # only for endings before the question existed
    ],
)
def test_ending_refuses_without_a_listed_reason_and_who_proposed_it(db, cause, initiator):
    relationship = RelationshipFactory(start_date=START)
    with pytest.raises(RelationshipError):
        end_relationship(
            relationship, end_date=datetime.date(2026, 5, 1), cause=cause, initiator=initiator
        )
    relationship.refresh_from_db()
    assert relationship.status == RelationshipStatus.ACTIVE
    assert relationship.end_cause == relationship.end_initiator == ""


def test_the_database_refuses_an_ended_relationship_without_a_reason(db):
    relationship = RelationshipFactory(start_date=START)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportRelationship.objects.filter(pk=relationship.pk).update(
            status="ended", end_date=datetime.date(2026, 5, 1)
        )


def test_pause_and_resume_are_recorded(db, coordinator):
    relationship = RelationshipFactory()
    pause_relationship(relationship, by=coordinator, note="Summer")
    assert relationship.status == RelationshipStatus.PAUSED
    with pytest.raises(RelationshipError):
        pause_relationship(relationship)
    resume_relationship(relationship, by=coordinator)
    assert relationship.status == RelationshipStatus.ACTIVE
    assert list(relationship.status_changes.order_by("pk").values_list("to_status", flat=True)) == [
        "paused",
        "active",
    ]


def _race(target, n=2):
    return run_at_once([functools.partial(target, i) for i in range(n)])


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_matching_one_child_at_once_create_one_relationship():
    from tests.factories.users import SupportWorkerFactory

    child = ChildFactory()
    families = [SupportFamilyFactory(status=FamilyStatus.APPROVED) for _ in range(2)]
    worker = SupportWorkerFactory()

    def create(i):
        return create_relationship(
            child=child, family=families[i], support_worker=worker, start_date=START
        )

    results = _race(create)
    assert sum(isinstance(r, SupportRelationship) for r in results) == 1
    assert sum(isinstance(r, RelationshipError) for r in results) == 1
    assert SupportRelationship.objects.filter(child=child).count() == 1
    statuses = sorted(SupportFamily.objects.values_list("status", flat=True))
    assert statuses == ["active", "approved"]


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_children_for_the_last_place_at_once_fill_it_once():
    from tests.factories.users import SupportWorkerFactory

    family = SupportFamilyFactory(status=FamilyStatus.APPROVED, max_children=1)
    children = [ChildFactory() for _ in range(2)]
    worker = SupportWorkerFactory()

    def create(i):
        return create_relationship(
            child=children[i], family=family, support_worker=worker, start_date=START
        )

    results = _race(create)
    assert sum(isinstance(r, SupportRelationship) for r in results) == 1
    assert family.support_relationships.count() == 1
