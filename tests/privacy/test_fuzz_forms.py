"""Every public POST form, fed hostile and random values: never a 500, never a half-saved record.

Each form gets valid values as a base (`fixed_data`) and a hypothesis-chosen subset of its fields
replaced by hostile ones, so both the error path and the success path are exercised. About 30
examples each, to keep the suite fast.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from families.models import SupportFamily
from meetings.models import ContactAdult, MeetingRequest, SupportCase
from tests.factories.trainings import (
    EventFactory,
    InfoSessionFactory,
    RegistrationFactory,
    TrainingGroupFactory,
)
from tests.kalliola.test_fuzz_public_forms import post_hostile_values
from trainings.models import Enrollment, EventInvitation, InvitationReply, Registration
from trainings.tokens import REGISTRATION, cancel_token, make_token

pytestmark = pytest.mark.django_db

EXAMPLES = 30

SIGNUP = {
    "name": "Maija Meikäläinen",
    "email": "maija@example.org",
    "phone": "040 123 4567",
    "municipality": "Helsinki",
    "consent": "on",
    "website": "",
}


def _count(*models):
    return lambda: sum(model.objects.count() for model in models)


def _signup_is_whole(model):
    def check():
        signup = model.objects.select_related("family").order_by("-pk").first()
        family = signup.family
        assert family.contact_name.strip() and family.email and family.phone
        assert len(family.contact_name) <= 200 and "\x00" not in family.contact_name

    return check


def test_info_session_signup_survives_hostile_input(client):
    session = InfoSessionFactory()
    post_hostile_values(
        client,
        reverse("trainings:info_session_detail", args=[session.pk]),
        list(SIGNUP),
        fixed_data=SIGNUP,
        count_records=_count(Registration),
        check_record=_signup_is_whole(Registration),
        max_examples=EXAMPLES,
    )


def test_training_group_signup_survives_hostile_input(client):
    group = TrainingGroupFactory()
    post_hostile_values(
        client,
        reverse("trainings:group_detail", args=[group.pk]),
        list(SIGNUP),
        fixed_data=SIGNUP,
        count_records=_count(Enrollment),
        check_record=_signup_is_whole(Enrollment),
        max_examples=EXAMPLES,
    )


APPLICATION = {
    "contact_name": "Maija Meikäläinen",
    "email": "maija@example.org",
    "phone": "040 000 0123",
    "second_adult_name": "",
    "second_adult_email": "",
    "second_adult_phone": "",
    "contact_language": "en",
    "street_address": "Testikatu 1 A 2",
    "postal_code": "00530",
    "municipality": "Helsinki",
    "household_members": "Two adults and a cat",
    "languages": ["fi", "en"],
    "has_pets": "on",
    "pets": "a cat",
    "child_age_min": "4",
    "child_age_max": "10",
    "max_children": "1",
    "frequency": "weekend_month",
    "home_accessibility": "",
    "wishes": "We like the outdoors.",
    "commitment": "on",
    "consent": "on",
    "website": "",
}


def test_support_family_application_survives_hostile_input(client):
    def whole():
        family = SupportFamily.objects.order_by("-pk").first()
        family.full_clean()
        assert family.application_submitted_at is not None

    post_hostile_values(
        client,
        reverse("families:apply"),
        list(APPLICATION),
        fixed_data=APPLICATION,
        count_records=_count(SupportFamily),
        check_record=whole,
        max_examples=EXAMPLES,
    )


MEETING_REQUEST = {
    "contact_role": "parent",
    "name": "Testi Vanhempi",
    "phone": "040 123 4567",
    "email": "vanhempi@example.org",
    "contact_channel": "call",
    "best_time": "weekdays after 12",
    "question": "We need help with a letter from social services.",
    "preferred_mode": "phone",
    "municipality": "Helsinki",
    "organisation": "",
    "family_agreed": "",
    "website": "",
}


def test_support_meetings_request_survives_hostile_input(client):
    def whole():
        request = MeetingRequest.objects.order_by("-pk").first()
        request.full_clean()

    post_hostile_values(
        client,
        reverse("meetings:request"),
        list(MEETING_REQUEST),
        fixed_data=MEETING_REQUEST,
        # A request never opens a case or adds contacts by itself.
        count_records=_count(MeetingRequest, SupportCase, ContactAdult),
        check_record=whole,
        max_examples=EXAMPLES,
    )


def test_event_reply_survives_hostile_input(client):
    event = EventFactory()
    family = RegistrationFactory().family
    invitation = EventInvitation.objects.create(event=event, family=family)
    token = make_token("i", invitation.pk)

    def reply_is_consistent(response):
        invitation.refresh_from_db()
        assert invitation.reply in InvitationReply.values
        assert 0 <= invitation.participants <= 1000
        # A reply is saved whole or not at all: only "coming" has participants.
        if invitation.reply != InvitationReply.YES:
            assert invitation.participants == 0
        if invitation.reply != InvitationReply.PENDING:
            assert invitation.replied_at is not None

    post_hostile_values(
        client,
        reverse("trainings:event_reply", args=[token]),
        ["reply", "participants"],
        count_records=_count(EventInvitation),
        check_response=reply_is_consistent,
        max_examples=EXAMPLES,
    )


def test_self_cancel_survives_hostile_input(client):
    session = InfoSessionFactory(starts_at=timezone.now() + datetime.timedelta(days=20))
    registration = RegistrationFactory(session=session)
    token = cancel_token(REGISTRATION, registration.pk)

    post_hostile_values(
        client,
        reverse("trainings:cancel_signup", args=[token]),
        ["confirm", "next", "status", "pk"],
        count_records=_count(Registration),
        max_examples=EXAMPLES,
    )
    registration.refresh_from_db()
    assert registration.status == "cancelled"
