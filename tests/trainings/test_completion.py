"""Completing the pre-training: which hours count, the home visit, and the step to *trained*."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone, translation

from families.models import FamilyStatus, FamilyStatusChange
from families.services import PRETRAINING_HOURS, TransitionNotAllowed
from tests.factories.families import SupportFamilyFactory
from tests.factories.trainings import (
    AttendanceFactory,
    EnrollmentFactory,
    HomeVisitFactory,
    TrainingGroupFactory,
    household_in_training,
)
from trainings import services
from trainings.models import EnrollmentStatus, SessionStatus, TrainingSession

pytestmark = pytest.mark.django_db

S = FamilyStatus


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def enrollment():
    """Enrolled by the service in a group whose three evenings took place last month."""
    family = SupportFamilyFactory(status=S.ACCEPTED_FOR_TRAINING)
    return services.enroll_family(TrainingGroupFactory(sessions__days_ahead=-30), family)


def _status(family):
    family.refresh_from_db()
    return family.status


def test_the_constant_is_ten_hours():
    assert Decimal("10") == PRETRAINING_HOURS
    assert services.PRETRAINING_HOURS is PRETRAINING_HOURS


def test_three_evenings_and_a_home_visit_make_the_household_trained(enrollment, coordinator):
    for session in enrollment.group.sessions.all():
        services.record_attendance(enrollment, session, Decimal("3"), by=coordinator)
    family = enrollment.family
    assert _status(family) == S.IN_TRAINING  # 9 hours, no home visit yet
    assert services.completed_pretraining_hours(family) == Decimal("9")
    services.record_home_visit(
        family, visited_on=datetime.date(2026, 1, 5), hours=Decimal("1"), by=coordinator
    )
    assert _status(family) == S.TRAINED
    change = FamilyStatusChange.objects.filter(family=family).first()
    assert change.to_status == S.TRAINED and change.changed_by == coordinator
    assert change.note_code == "training_completed"
    assert change.note_shown == "Pre-training completed: 10 hours."
    with translation.override("fi"):
        assert change.note_shown == "Ennakkovalmennus suoritettu: 10 tuntia."
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert services.completed_pretraining_hours(family) == Decimal("10")


def test_exactly_ten_hours_is_enough():
    enrollment = household_in_training(hours=("3", "3", "3"), home_visit="1")
    services.complete_pretraining(enrollment.family)
    assert _status(enrollment.family) == S.TRAINED


def test_nine_and_a_half_hours_are_not_enough():
    enrollment = household_in_training(hours=("3", "3", "2.5"), home_visit="1")
    with pytest.raises(services.NotEnoughHours) as refusal:
        services.complete_pretraining(enrollment.family)
    assert str(refusal.value) == (
        "The pre-training needs 10 hours including the home visit; done: 9.5."
    )
    assert _status(enrollment.family) == S.IN_TRAINING
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ENROLLED


def test_the_refusal_formats_the_hours_in_the_users_language():
    enrollment = household_in_training(hours=("3", "3", "2.5"), home_visit="1")
    with translation.override("fi"), pytest.raises(services.NotEnoughHours) as refusal:
        services.complete_pretraining(enrollment.family)
    assert "10" in str(refusal.value) and "9,5" in str(refusal.value)


def test_missed_hours_keep_the_household_in_training(enrollment):
    sessions = list(enrollment.group.sessions.all())
    services.record_attendance(enrollment, sessions[0], Decimal("3"))
    services.record_attendance(enrollment, sessions[1], Decimal("1.5"))
    services.record_attendance(enrollment, sessions[2], Decimal("3"))
    services.record_home_visit(
        enrollment.family, visited_on=datetime.date(2026, 1, 5), hours=Decimal("2")
    )
    with pytest.raises(services.NotEnoughHours):
        services.complete_pretraining(enrollment.family)
    assert _status(enrollment.family) == S.IN_TRAINING


def test_home_visit_is_required_even_with_enough_session_hours():
    enrollment = household_in_training(hours=("2.5",) * 4, home_visit=None)
    assert services.completed_pretraining_hours(enrollment.family) == Decimal("10")
    with pytest.raises(services.NotEnoughHours) as refusal:
        services.complete_pretraining(enrollment.family)
    assert str(refusal.value) == "No home visit has been recorded."
    assert _status(enrollment.family) == S.IN_TRAINING


def test_every_missing_condition_is_named():
    enrollment = household_in_training(hours=("3",), home_visit=None)
    with pytest.raises(services.NotEnoughHours) as refusal:
        services.complete_pretraining(enrollment.family)
    assert "done: 3." in str(refusal.value)
    assert "No home visit" in str(refusal.value)


def test_a_future_sessions_attendance_does_not_count():
    enrollment = household_in_training(hours=("3", "3"), home_visit="1")
    later = TrainingSession.objects.create(
        group=enrollment.group,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        ends_at=timezone.now() + datetime.timedelta(days=2, hours=3),
    )
    AttendanceFactory(enrollment=enrollment, session=later, hours=Decimal("3"))
    assert services.completed_pretraining_hours(enrollment.family) == Decimal("7")
    with pytest.raises(services.NotEnoughHours):
        services.complete_pretraining(enrollment.family)
    assert _status(enrollment.family) == S.IN_TRAINING


def test_a_session_counts_from_the_moment_it_starts():
    enrollment = household_in_training(hours=("3", "3"), home_visit="1")
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    evening = TrainingSession.objects.create(
        group=enrollment.group, starts_at=starts, ends_at=starts + datetime.timedelta(hours=3)
    )
    AttendanceFactory(enrollment=enrollment, session=evening, hours=Decimal("3"))
    with time_machine.travel(starts - datetime.timedelta(seconds=1), tick=False):
        assert services.completed_pretraining_hours(enrollment.family) == Decimal("7")
    with time_machine.travel(starts, tick=False):
        assert services.completed_pretraining_hours(enrollment.family) == Decimal("10")
        services.complete_pretraining(enrollment.family)
    assert _status(enrollment.family) == S.TRAINED


def test_another_groups_session_does_not_count():
    enrollment = household_in_training(hours=("3", "3"), home_visit="1")
    elsewhere = TrainingGroupFactory(sessions__days_ahead=-20).sessions.first()
    # record_attendance refuses this; a row entered another way must still not count.
    AttendanceFactory(enrollment=enrollment, session=elsewhere, hours=Decimal("3"))
    assert services.completed_pretraining_hours(enrollment.family) == Decimal("7")
    with pytest.raises(services.NotEnoughHours):
        services.complete_pretraining(enrollment.family)


def test_a_cancelled_sessions_attendance_does_not_count():
    enrollment = household_in_training(hours=("3", "3", "3"), home_visit="1")
    session = enrollment.group.sessions.order_by("starts_at").last()
    TrainingSession.objects.filter(pk=session.pk).update(status=SessionStatus.CANCELLED)
    assert services.completed_pretraining_hours(enrollment.family) == Decimal("7")
    with pytest.raises(services.NotEnoughHours):
        services.complete_pretraining(enrollment.family)


def test_hours_of_a_cancelled_enrollment_do_not_count(enrollment):
    services.record_attendance(enrollment, enrollment.group.sessions.first(), Decimal("3"))
    services.cancel_enrollment(enrollment)
    assert services.completed_pretraining_hours(enrollment.family) == Decimal("0")


def test_hours_of_a_completed_enrollment_still_count():
    enrollment = household_in_training(hours=("3", "3", "3"), home_visit="1")
    services.complete_pretraining(enrollment.family)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert services.completed_pretraining_hours(enrollment.family) == Decimal("10")


def test_a_household_not_in_training_is_refused_by_the_pipeline():
    enrollment = household_in_training(hours=("3", "3", "3"), home_visit="1")
    type(enrollment.family).objects.filter(pk=enrollment.family_id).update(status=S.APPLIED)
    with pytest.raises(TransitionNotAllowed) as refusal:
        services.complete_pretraining(enrollment.family)
    assert not isinstance(refusal.value, services.NotEnoughHours)
    assert "cannot move from “Applied” to “Trained”" in str(refusal.value)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ENROLLED


def test_completion_if_due_says_whether_the_household_became_trained():
    short = household_in_training(hours=("3",), home_visit="1")
    assert services.complete_pretraining_if_due(short.family) is False
    assert _status(short.family) == S.IN_TRAINING
    done = household_in_training(hours=("3", "3", "3"), home_visit="1")
    assert services.complete_pretraining_if_due(done.family) is True
    assert _status(done.family) == S.TRAINED
    # Already trained: nothing more happens, and no second history row.
    assert services.complete_pretraining_if_due(done.family) is False
    assert done.family.status_changes.count() == 1


def test_only_the_enrolled_households_enrolment_is_completed():
    enrollment = household_in_training(hours=("3", "3", "3"), home_visit="1")
    waiting = EnrollmentFactory(family=enrollment.family, status=EnrollmentStatus.WAITLISTED)
    services.complete_pretraining(enrollment.family)
    waiting.refresh_from_db()
    assert waiting.status == EnrollmentStatus.WAITLISTED


def test_home_visit_hours_all_count():
    enrollment = household_in_training(hours=("3", "3"), home_visit="2")
    HomeVisitFactory(family=enrollment.family, hours=Decimal("2"))
    assert services.completed_pretraining_hours(enrollment.family) == Decimal("10")


@pytest.mark.parametrize("hours", ["0", "0.5", "3"])
def test_attendance_from_nothing_to_the_whole_session_is_taken(enrollment, hours):
    session = enrollment.group.sessions.first()
    attendance = services.record_attendance(enrollment, session, Decimal(hours))
    assert attendance.hours == Decimal(hours)


def test_negative_attendance_is_refused(enrollment):
    with pytest.raises(services.AttendanceError):
        services.record_attendance(enrollment, enrollment.group.sessions.first(), Decimal("-0.5"))
    assert not enrollment.attendances.exists()


def test_marking_a_session_attended_records_every_household_in_full():
    group = TrainingGroupFactory(sessions__days_ahead=-30)
    enrolled = [EnrollmentFactory(group=group) for _ in range(2)]
    EnrollmentFactory(group=group, status=EnrollmentStatus.WAITLISTED)
    session = group.sessions.first()
    assert services.mark_session_attended(session) == 2
    for enrollment in enrolled:
        assert enrollment.attendances.get().hours == session.hours


def test_attendance_cannot_exceed_the_session_length(enrollment):
    session = enrollment.group.sessions.first()
    with pytest.raises(services.AttendanceError):
        services.record_attendance(enrollment, session, Decimal("3.5"))
    with pytest.raises(services.AttendanceError):
        services.record_attendance(enrollment, TrainingGroupFactory().sessions.first(), 1)


def test_correcting_attendance_updates_the_same_row(enrollment):
    session = enrollment.group.sessions.first()
    services.record_attendance(enrollment, session, Decimal("3"))
    services.record_attendance(enrollment, session, Decimal("2"))
    assert enrollment.attendances.count() == 1
    assert services.completed_pretraining_hours(enrollment.family) == Decimal("2")
