import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.factories.families import SupportFamilyFactory
from tests.factories.trainings import (
    EnrollmentFactory,
    InfoSessionFactory,
    RegistrationFactory,
    TrainingGroupFactory,
)
from trainings.models import Attendance, Enrollment, HomeVisit, Registration, TrainingSession

pytestmark = pytest.mark.django_db


def _violates(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_info_session_must_end_after_it_starts():
    session = InfoSessionFactory()
    session.ends_at = session.starts_at - datetime.timedelta(minutes=1)
    _violates(session.save)


def test_info_session_capacity_is_at_least_one_or_empty():
    InfoSessionFactory(capacity=None)
    _violates(lambda: InfoSessionFactory(capacity=0))


def test_group_capacity_is_at_least_one():
    _violates(lambda: TrainingGroupFactory(capacity=0, sessions=0))


def test_training_session_must_end_after_it_starts():
    group = TrainingGroupFactory(sessions=1)
    session = group.sessions.get()
    _violates(
        lambda: TrainingSession.objects.create(
            group=group, starts_at=session.starts_at, ends_at=session.starts_at
        )
    )


def test_one_enrollment_per_household_and_group():
    enrollment = EnrollmentFactory()
    _violates(lambda: Enrollment.objects.create(group=enrollment.group, family=enrollment.family))


def test_one_registration_per_household_and_session():
    registration = RegistrationFactory()
    _violates(
        lambda: Registration.objects.create(
            session=registration.session, family=registration.family
        )
    )


def test_one_attendance_row_per_enrollment_and_session():
    enrollment = EnrollmentFactory()
    session = enrollment.group.sessions.first()
    Attendance.objects.create(enrollment=enrollment, session=session, hours=Decimal("3"))
    _violates(
        lambda: Attendance.objects.create(
            enrollment=enrollment, session=session, hours=Decimal("2")
        )
    )


def test_attendance_hours_cannot_be_negative_or_absurd():
    enrollment = EnrollmentFactory()
    session = enrollment.group.sessions.first()
    _violates(lambda: Attendance.objects.create(enrollment=enrollment, session=session, hours=-1))
    _violates(lambda: Attendance.objects.create(enrollment=enrollment, session=session, hours=13))


def test_attendance_longer_than_the_session_fails_validation():
    from django.core.exceptions import ValidationError

    enrollment = EnrollmentFactory()
    session = enrollment.group.sessions.first()
    attendance = Attendance(enrollment=enrollment, session=session, hours=Decimal("3.5"))
    with pytest.raises(ValidationError):
        attendance.full_clean()


def test_home_visit_hours_must_be_positive():
    family = SupportFamilyFactory()
    _violates(
        lambda: HomeVisit.objects.create(
            family=family, visited_on=datetime.date(2026, 1, 1), hours=0
        )
    )
