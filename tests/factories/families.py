import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from families.models import (
    Child,
    FamilyStatus,
    FamilyStatusChange,
    Guardian,
    ReadinessCheck,
    Referral,
    ReferralSource,
    SupportFamily,
)
from families.services.readiness import WATCHED_STATUSES, extract_item


class SupportFamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportFamily
        # `extract_seen` writes its fields itself: no second save of every household.
        skip_postgeneration_save = True

    contact_name = factory.Sequence(lambda n: f"Testi Perhe {n}")
    email = factory.Sequence(lambda n: f"perhe{n}@example.org")
    phone = "040 123 4567"
    postal_code = "00530"
    municipality = "Helsinki"
    languages = factory.LazyFunction(lambda: ["fi"])
    status = FamilyStatus.APPLIED
    commitment_acknowledged = True
    consent_given_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def extract_seen(obj, create, extracted, **kwargs):
        """A household that can take a child (or rests) has its criminal-record extract seen
        a month ago, as approval requires; `extract_seen=False` leaves it out, a date sets it."""
        if not create or extracted is False or obj.status not in WATCHED_STATUSES:
            return
        day = extracted or obj.criminal_record_checked_on
        day = day or timezone.localdate() - datetime.timedelta(days=30)
        checker = obj.criminal_record_checked_by or extract_checker()
        ReadinessCheck.objects.create(
            family=obj, item=extract_item(), checked_on=day, checked_by=checker
        )
        SupportFamily.objects.filter(pk=obj.pk).update(
            criminal_record_checked_on=day, criminal_record_checked_by=checker
        )
        obj.criminal_record_checked_on, obj.criminal_record_checked_by = day, checker


def extract_checker():
    """The staff account that saw the test households' extracts (one for all)."""
    user, _created = get_user_model().objects.get_or_create(
        username="extract-checker", defaults={"first_name": "Kaisa", "last_name": "Tarkastaja"}
    )
    return user


class FamilyStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyStatusChange

    family = factory.SubFactory(SupportFamilyFactory)
    from_status = ""
    to_status = FamilyStatus.APPLIED
    note = "Testi"


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    first_name = factory.Sequence(lambda n: f"Lapsi{n}")
    last_name = "Testinen"
    birth_date = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=8 * 365)
    )
    municipality = "Helsinki"
    languages = factory.LazyFunction(lambda: ["fi"])


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    child = factory.SubFactory(ChildFactory)
    name = factory.Sequence(lambda n: f"Huoltaja {n}")
    relation = "äiti"
    phone = "040 000 0100"
    email = factory.Sequence(lambda n: f"huoltaja{n}@example.org")


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    child = factory.SubFactory(ChildFactory)
    source = ReferralSource.CHILD_WELFARE
    referring_worker = "Sosiaalityöntekijä Testi"
    organisation = "Helsingin lastensuojelu"
    referred_on = factory.LazyFunction(timezone.localdate)
    guardians_consent = True
