import datetime

import factory
from django.utils import timezone

from meetings.models import (
    CaseStatus,
    ContactAdult,
    ContactChannel,
    ContactRole,
    FollowUp,
    Meeting,
    MeetingMode,
    MeetingRequest,
    SupportCase,
)
from tests.factories.users import SupportWorkerFactory


class MeetingRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingRequest

    contact_role = ContactRole.PARENT
    name = factory.Sequence(lambda n: f"Vanhempi {n}")
    phone = "040 123 4567"
    email = factory.Sequence(lambda n: f"vanhempi{n}@example.org")
    contact_channel = ContactChannel.PHONE_CALL
    question = "Tarvitsemme apua hakemuksen kanssa."
    preferred_mode = MeetingMode.FACE_TO_FACE


class SupportCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportCase

    support_worker = factory.SubFactory(SupportWorkerFactory)
    source = ContactRole.PARENT
    question = "Miten haemme tukea arkeen?"
    preferred_mode = MeetingMode.FACE_TO_FACE
    opened_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    status = CaseStatus.NEW


class ContactAdultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactAdult

    case = factory.SubFactory(SupportCaseFactory)
    name = factory.Sequence(lambda n: f"Aikuinen {n}")
    relation = "äiti"
    phone = "040 765 4321"
    email = factory.Sequence(lambda n: f"aikuinen{n}@example.org")


class MeetingFactory(factory.django.DjangoModelFactory):
    """Bypasses the service: give `number` yourself."""

    class Meta:
        model = Meeting

    case = factory.SubFactory(SupportCaseFactory, status=CaseStatus.ACTIVE)
    number = 1
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    mode = MeetingMode.FACE_TO_FACE
    duration_minutes = 60
    topics = factory.LazyFunction(lambda: ["mapping"])


class ClosedCaseFactory(SupportCaseFactory):
    status = CaseStatus.CLOSED
    opened_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=300))
    closed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=200))


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    case = factory.SubFactory(ClosedCaseFactory)
    due_on = factory.LazyAttribute(lambda f: f.case.closed_on + datetime.timedelta(days=182))
