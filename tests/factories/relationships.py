import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from families.models import (
    Rate,
    RateKind,
    RateUnit,
    Stay,
    SupportRelationship,
    UnavailablePeriod,
)
from families.models.relationship import review_date_for
from tests.factories.families import ChildFactory, SupportFamilyFactory
from tests.factories.users import SupportWorkerFactory


def at(day: datetime.date, hour: int = 17) -> datetime.datetime:
    """A local (Helsinki) moment on a day."""
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


class RelationshipFactory(factory.django.DjangoModelFactory):
    """A relationship row as it is after `create_relationship` (child matched, family active)."""

    class Meta:
        model = SupportRelationship

    child = factory.SubFactory(ChildFactory, status="matched")
    family = factory.SubFactory(SupportFamilyFactory, status="active")
    support_worker = factory.SubFactory(SupportWorkerFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=200))
    review_date = factory.LazyAttribute(lambda o: review_date_for(o.start_date))
    rhythm = "Yksi viikonloppu kuukaudessa"
    status = "active"
    # An ended row carries the structured answers `end_relationship` asks for.
    end_cause = factory.LazyAttribute(lambda o: "other" if o.status == "ended" else "")
    end_initiator = factory.LazyAttribute(lambda o: "together" if o.status == "ended" else "")


class StayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stay

    relationship = factory.SubFactory(RelationshipFactory)
    starts_at = factory.LazyFunction(lambda: at(timezone.localdate() - datetime.timedelta(days=10)))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(days=2))
    nights = factory.LazyAttribute(lambda o: (o.ends_at.date() - o.starts_at.date()).days)


class RateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rate

    kind = RateKind.FEE
    unit = RateUnit.PER_NIGHT
    amount = Decimal("40.00")
    valid_from = datetime.date(2020, 1, 1)
    valid_until = None


class UnavailablePeriodFactory(factory.django.DjangoModelFactory):
    """A holiday of the household a month from now."""

    class Meta:
        model = UnavailablePeriod

    family = factory.SubFactory(SupportFamilyFactory, status="active")
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=6))
    reason = "holiday"
