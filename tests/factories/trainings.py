import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from families.models import FamilyStatus
from tests.factories.families import SupportFamilyFactory
from trainings.models import (
    Attendance,
    Enrollment,
    Event,
    EventKind,
    GroupStatus,
    HomeVisit,
    InfoSession,
    Registration,
    TrainingGroup,
    TrainingSession,
)


def _evening(days: int, hour: int = 17) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class InfoSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InfoSession

    class Params:
        days_ahead = 7

    starts_at = factory.LazyAttribute(lambda o: _evening(o.days_ahead))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=1))
    online_link = "https://teams.example.org/l/info"
    capacity = 20
    language = "fi"


class TrainingGroupFactory(factory.django.DjangoModelFactory):
    """A published group with three 3-hour evening sessions, a week apart, the first in 10 days
    (`sessions=N`, `sessions__days_ahead=-30` for evenings that took place)."""

    class Meta:
        model = TrainingGroup
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Valmennusryhmä {n}")
    capacity = 8
    language = "fi"
    status = GroupStatus.PUBLISHED

    @factory.post_generation
    def sessions(obj, create, extracted, **kwargs):
        if not create or extracted == 0:
            return
        days = kwargs.get("days_ahead", 10)
        for week in range(extracted or 3):
            start = _evening(days + 7 * week)
            TrainingSession.objects.create(
                group=obj,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=3),
                online_link="https://teams.example.org/l/group",
            )


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(InfoSessionFactory)
    family = factory.SubFactory(SupportFamilyFactory)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    group = factory.SubFactory(TrainingGroupFactory)
    family = factory.SubFactory(SupportFamilyFactory)


class AttendanceFactory(factory.django.DjangoModelFactory):
    """Hours attended, written as a row: no rule runs (see `household_in_training`)."""

    class Meta:
        model = Attendance

    enrollment = factory.SubFactory(EnrollmentFactory)
    session = factory.LazyAttribute(lambda o: o.enrollment.group.sessions.first())
    hours = Decimal("3")


def household_in_training(
    *, hours=("3", "3", "3"), home_visit="1", days_ago=30, sessions=None, **family
) -> Enrollment:
    """A household *in training*, enrolled in a group whose sessions began `days_ago` days ago
    (a week apart), with `hours[i]` attended of session i and a home visit of `home_visit` hours
    (None: no visit). The rows are written directly, so the household stays in training until a
    test asks the rule."""
    family_row = SupportFamilyFactory(status=FamilyStatus.IN_TRAINING, **family)
    group = TrainingGroupFactory(sessions=sessions or len(hours), sessions__days_ahead=-days_ago)
    enrollment = EnrollmentFactory(group=group, family=family_row)
    for session, attended in zip(group.sessions.order_by("starts_at"), hours, strict=False):
        AttendanceFactory(enrollment=enrollment, session=session, hours=Decimal(attended))
    if home_visit is not None:
        HomeVisitFactory(family=family_row, hours=Decimal(home_visit))
    return enrollment


class HomeVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HomeVisit

    family = factory.SubFactory(SupportFamilyFactory)
    visited_on = factory.LazyFunction(timezone.localdate)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = EventKind.PEER
    title = factory.Sequence(lambda n: f"Vertaistapaaminen {n}")
    starts_at = factory.LazyFunction(lambda: _evening(30, 18))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
