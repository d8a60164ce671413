"""Events for support families: invitations by e-mail and replies through a signed link."""

import re

import pytest
from django.core import mail

from families.models import FamilyStatus
from kalliola.mail import send_due as send_queued
from tests.factories.families import SupportFamilyFactory
from tests.factories.trainings import EventFactory
from trainings import services
from trainings.models import EventInvitation
from trainings.tokens import INVITATION, REGISTRATION, make_token

pytestmark = pytest.mark.django_db


def invite(django_capture_on_commit_callbacks, event=None):
    event = event or EventFactory()
    SupportFamilyFactory(status=FamilyStatus.ACTIVE, contact_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_families(event, audiences=["active"])
    send_queued()  # the outbox's sender
    match = re.search(r"https?://[^/\s]+(/\S*tapahtumat/vastaa/\S+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return EventInvitation.objects.get(event=event), match.group(1)


def test_family_replies_through_the_link(client, django_capture_on_commit_callbacks):
    invitation, path = invite(django_capture_on_commit_callbacks)
    assert client.get(path).status_code == 200
    response = client.post(path, {"reply": "yes", "participants": "4"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert (invitation.reply, invitation.participants) == ("yes", 4)
    page = client.get(path).content.decode()
    assert "4 people are coming" in page


def test_yes_without_a_number_is_a_form_error(client, django_capture_on_commit_callbacks):
    invitation, path = invite(django_capture_on_commit_callbacks)
    response = client.post(path, {"reply": "yes", "participants": ""})
    assert response.status_code == 200
    assert b"is-invalid" in response.content
    response = client.post(path, {"reply": "maybe", "participants": "99"})
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.reply == "pending"


def test_reply_link_is_404_when_tampered_or_of_another_kind(client):
    assert client.get("/en/tapahtumat/vastaa/nonsense/").status_code == 404
    other_kind = make_token(REGISTRATION, 1)
    assert client.get(f"/en/tapahtumat/vastaa/{other_kind}/").status_code == 404
    missing = make_token(INVITATION, 999999)
    assert client.get(f"/en/tapahtumat/vastaa/{missing}/").status_code == 404


def test_past_event_takes_no_more_replies(client, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    event = EventFactory(
        starts_at=timezone.now() - datetime.timedelta(days=1),
        ends_at=timezone.now() - datetime.timedelta(hours=20),
    )
    invitation, path = invite(django_capture_on_commit_callbacks, event)
    assert client.post(path, {"reply": "yes", "participants": "2"}).status_code == 409
    invitation.refresh_from_db()
    assert invitation.reply == "pending"
