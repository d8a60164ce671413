import datetime

import factory
from django.utils import timezone

from tests.factories.families import SupportFamilyFactory
from trainings.models import (
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
    """A published group with three 3-hour evening sessions, a week apart."""

    class Meta:
        model = TrainingGroup
        skip_postgeneration_save = True

    class Params:
        days_ahead = 10

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
