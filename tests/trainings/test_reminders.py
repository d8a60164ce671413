import datetime

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command

from tests.factories.trainings import EnrollmentFactory, InfoSessionFactory, RegistrationFactory
from trainings import reminders
from trainings.models import EnrollmentStatus, RegistrationStatus

pytestmark = pytest.mark.django_db


def test_reminder_goes_out_the_day_before_and_only_once():
    registration = RegistrationFactory(session=InfoSessionFactory(days_ahead=3))
    start = registration.session.starts_at
    assert reminders.send_due(now=start - datetime.timedelta(hours=30)) == 0
    assert reminders.send_due(now=start - datetime.timedelta(hours=23)) == 1
    assert reminders.send_due(now=start - datetime.timedelta(hours=22)) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [registration.family.email]
    assert mail.outbox[0].attachments


def test_training_session_reminders_reach_enrolled_households_only():
    enrolled = EnrollmentFactory()
    EnrollmentFactory(group=enrolled.group, status=EnrollmentStatus.WAITLISTED)
    EnrollmentFactory(group=enrolled.group, status=EnrollmentStatus.CANCELLED)
    first = enrolled.group.sessions.order_by("starts_at").first()
    assert reminders.send_due(now=first.starts_at - datetime.timedelta(hours=2)) == 1
    assert mail.outbox[0].to == [enrolled.family.email]


def test_no_reminder_for_cancelled_sessions_or_registrations():
    cancelled_session = InfoSessionFactory(days_ahead=1, status="cancelled")
    RegistrationFactory(session=cancelled_session)
    session = InfoSessionFactory(days_ahead=1, starts_at=cancelled_session.starts_at)
    RegistrationFactory(session=session, status=RegistrationStatus.CANCELLED)
    assert reminders.send_due(now=session.starts_at - datetime.timedelta(hours=5)) == 0


def test_send_reminders_command_sends_due_ones():
    registration = RegistrationFactory(session=InfoSessionFactory(days_ahead=1))
    with time_machine.travel(registration.session.starts_at - datetime.timedelta(hours=12)):
        call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1


def test_failed_send_is_retried_next_run(monkeypatch):
    registration = RegistrationFactory(session=InfoSessionFactory(days_ahead=1))
    now = registration.session.starts_at - datetime.timedelta(hours=3)

    def broken(*args, **kwargs):
        raise ConnectionError("mail server down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    assert reminders.send_due(now=now) == 0
    monkeypatch.undo()
    assert reminders.send_due(now=now) == 1


def test_reminder_has_a_cancel_link_that_works(client):
    registration = RegistrationFactory(session=InfoSessionFactory(days_ahead=1))
    reminders.send_due(now=registration.session.starts_at - datetime.timedelta(hours=6))
    body = mail.outbox[0].body
    token = body.split("/peru-ilmoittautuminen/")[1].split("/")[0]
    response = client.post(f"/peru-ilmoittautuminen/{token}/")
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
