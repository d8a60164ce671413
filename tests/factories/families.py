import datetime

import factory
from django.utils import timezone

from families.models import Child, FamilyStatus, SupportFamily


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
