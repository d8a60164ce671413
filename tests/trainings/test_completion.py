import datetime
from decimal import Decimal

import pytest

from families.models import FamilyStatus, FamilyStatusChange
from tests.factories.families import SupportFamilyFactory
from tests.factories.trainings import TrainingGroupFactory
from trainings import services
from trainings.models import EnrollmentStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrollment():
    family = SupportFamilyFactory()
    return services.enroll_family(TrainingGroupFactory(), family)


def test_three_evenings_and_a_home_visit_make_the_household_trained(enrollment, coordinator):
    for session in enrollment.group.sessions.all():
        services.record_attendance(enrollment, session, Decimal("3"), by=coordinator)
    family = enrollment.family
    family.refresh_from_db()
    assert family.status == FamilyStatus.IN_TRAINING  # 9 hours, no home visit yet
    assert services.completed_pretraining_hours(family) == Decimal("9")
    services.record_home_visit(
        family, visited_on=datetime.date(2026, 1, 5), hours=Decimal("1"), by=coordinator
    )
    family.refresh_from_db()
    assert family.status == FamilyStatus.TRAINED
    change = FamilyStatusChange.objects.filter(family=family).first()
    assert change.to_status == FamilyStatus.TRAINED and change.changed_by == coordinator
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert services.completed_pretraining_hours(family) == Decimal("10")


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
    enrollment.family.refresh_from_db()
    assert enrollment.family.status == FamilyStatus.IN_TRAINING


def test_home_visit_is_required_even_with_enough_session_hours(enrollment):
    for session in enrollment.group.sessions.all():
        services.record_attendance(enrollment, session, Decimal("3"))
    second = services.enroll_family(TrainingGroupFactory(), enrollment.family)
    services.record_attendance(second, second.group.sessions.first(), Decimal("3"))
    assert services.completed_pretraining_hours(enrollment.family) == Decimal("12")
    with pytest.raises(services.NotEnoughHours):
        services.complete_pretraining(enrollment.family)


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


def test_hours_of_a_cancelled_enrollment_do_not_count(enrollment):
    services.record_attendance(enrollment, enrollment.group.sessions.first(), Decimal("3"))
    services.cancel_enrollment(enrollment)
    assert services.completed_pretraining_hours(enrollment.family) == Decimal("0")
