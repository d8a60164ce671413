import datetime

import factory
from django.utils import timezone

from families.models import (
    Child,
    FamilyStatus,
    FamilyStatusChange,
    Guardian,
    Referral,
    ReferralSource,
    SupportFamily,
)


class SupportFamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportFamily

    contact_name = factory.Sequence(lambda n: f"Testi Perhe {n}")
    email = factory.Sequence(lambda n: f"perhe{n}@example.org")
    phone = "040 123 4567"
    postal_code = "00530"
    municipality = "Helsinki"
    languages = factory.LazyFunction(lambda: ["fi"])
    status = FamilyStatus.APPLIED
    commitment_acknowledged = True
    consent_given_at = factory.LazyFunction(timezone.now)


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
