"""The e-mail outbox (kalliola/mail.py): a saved change never loses its mail, and never 500s.

Mail is queued in the change's transaction; it is sent right after the commit
(EMAIL_DELIVERY=request) or by `send_queued_mail` (EMAIL_DELIVERY=worker); a failing provider is
retried, then given up and shown in the admin.
"""

import datetime
import logging
import threading
import time

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from families import emails as family_emails
from families.services import households
from kalliola import mail as outbox
from kalliola.models import MailStatus, QueuedMail
from meetings import emails as meeting_emails
from tests.factories.families import SupportFamilyFactory
from tests.factories.trainings import InfoSessionFactory, RegistrationFactory
from tests.helpers import requires_postgresql, run_at_once, signup_form
from trainings import emails, services
from trainings.models import Registration

pytestmark = pytest.mark.django_db(transaction=True)


class RefusingBackend(BaseEmailBackend):
    """Refuses mail to any address with "refused" in it, as a provider might; delivers the rest.

    While `RefusingBackend.down` is set it refuses everything, as a provider that is down.
    """

    down = False

    def send_messages(self, messages):
        for message in messages:
            if self.down or any("refused" in address for address in message.to):
                raise ConnectionError(f"provider refused {message.to[0]}")
            mail.outbox.append(message)
        return len(messages)


@pytest.fixture(autouse=True)
def _refusing_mail(settings):
    settings.EMAIL_BACKEND = "tests.kalliola.test_mail.RefusingBackend"
    RefusingBackend.down = False
    mail.outbox = []


@pytest.fixture
def worker_delivery(settings):
    settings.EMAIL_DELIVERY = "worker"


def sign_up(session, email="someone@example.org"):
    return Client().post(f"/en/infotilaisuudet/{session.pk}/", signup_form(email=email))


def test_a_signup_is_saved_and_thanked_for_when_its_mail_fails(caplog):
    session = InfoSessionFactory(capacity=5)
    with caplog.at_level(logging.WARNING, logger="kalliola.mail"):
        response = sign_up(session, "refused@example.org")
    assert response.status_code == 302
    assert Registration.objects.filter(session=session).count() == 1
    assert "send_registration_confirmation" in caplog.text
    # The log says which mail and why, never to whom.
    assert "refused@example.org" not in caplog.text
    # The mail is not lost: it waits for the sender's next attempt.
    queued = QueuedMail.objects.get()
    assert (queued.status, queued.attempts, queued.last_error) == ("queued", 1, "ConnectionError")
    assert queued.next_attempt_at > timezone.now()


def test_one_refused_address_does_not_stop_the_others_being_told():
    session = InfoSessionFactory()
    for email in ("a@example.org", "refused@example.org", "c@example.org"):
        RegistrationFactory(session=session, family=SupportFamilyFactory(email=email))
    services.cancel_info_session(session)
    told = sorted(message.to[0] for message in mail.outbox)
    assert told == ["a@example.org", "c@example.org"]


def test_in_request_delivery_sends_the_confirmation_at_once_and_records_it():
    session = InfoSessionFactory()
    sign_up(session)
    assert [m.to for m in mail.outbox] == [["someone@example.org"]]
    queued = QueuedMail.objects.get()
    assert queued.status == MailStatus.SENT and queued.sent_at is not None
    # The row names the mail and the record, not the person.
    assert queued.args == [Registration.objects.get().pk]
    assert "someone" not in str(queued.args) + queued.mail


def test_with_a_worker_the_request_only_queues_and_the_sender_sends(worker_delivery):
    session = InfoSessionFactory()
    assert sign_up(session).status_code == 302
    assert mail.outbox == []
    assert QueuedMail.objects.get().status == MailStatus.QUEUED

    call_command("send_queued_mail", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert [m.to for m in mail.outbox] == [["someone@example.org"]]
    assert "infotilaisuus.ics" in [a[0] for a in mail.outbox[0].attachments]
    assert QueuedMail.objects.get().status == MailStatus.SENT


def test_a_change_that_rolls_back_owes_no_mail(worker_delivery):
    registration = RegistrationFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.send_after_commit(emails.send_registration_confirmation, registration.pk)
        raise RuntimeError("the change failed after its mail was queued")
    assert not QueuedMail.objects.exists()
    outbox.send_due()
    assert mail.outbox == []


def test_a_failing_provider_is_retried_with_growing_pauses_then_given_up(worker_delivery, caplog):
    session = InfoSessionFactory()
    sign_up(session)
    RefusingBackend.down = True
    start = timezone.now()
    attempts_at = []
    with caplog.at_level(logging.WARNING, logger="kalliola.mail"):
        for _ in range(outbox.MAX_ATTEMPTS):
            queued = QueuedMail.objects.get()
            attempts_at.append(queued.next_attempt_at)
            with time_machine.travel(queued.next_attempt_at, tick=False):
                # Not yet due a moment before: nothing is sent.
                assert outbox.send_due(now=queued.next_attempt_at - datetime.timedelta(1)) == {}
                outbox.send_due()
    queued = QueuedMail.objects.get()
    assert queued.status == MailStatus.FAILED
    assert queued.attempts == outbox.MAX_ATTEMPTS
    retries = attempts_at[1:]
    pauses = [later - earlier for earlier, later in zip(retries, retries[1:], strict=False)]
    assert pauses == sorted(pauses) and pauses[0] > datetime.timedelta(0)
    assert attempts_at[-1] - start < datetime.timedelta(hours=8)
    assert "given up" in caplog.text
    # Given up means given up: later passes leave it alone.
    with time_machine.travel(start + datetime.timedelta(days=2)):
        assert outbox.send_due() == {}
    assert mail.outbox == []


def test_a_mail_given_up_can_be_sent_again_from_the_admin(worker_delivery, coordinator):
    session = InfoSessionFactory()
    sign_up(session)
    QueuedMail.objects.update(status=MailStatus.FAILED, attempts=outbox.MAX_ATTEMPTS)
    client = Client()
    client.force_login(coordinator)
    listing = client.get("/en/admin/kalliola/queuedmail/?status=failed")
    assert "info-session sign-up confirmation" in listing.content.decode()

    response = client.post(
        "/en/admin/kalliola/queuedmail/",
        {"action": "send_again", "_selected_action": [QueuedMail.objects.get().pk]},
    )
    assert response.status_code == 302
    outbox.send_due()
    assert [m.to for m in mail.outbox] == [["someone@example.org"]]


def test_coordinators_read_the_outbox_but_cannot_edit_or_delete_it(coordinator):
    session = InfoSessionFactory()
    sign_up(session)
    queued = QueuedMail.objects.get()
    client = Client()
    client.force_login(coordinator)
    page = client.get(f"/en/admin/kalliola/queuedmail/{queued.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get(f"/en/admin/kalliola/queuedmail/{queued.pk}/delete/").status_code == 403
    assert client.get("/en/admin/kalliola/queuedmail/add/").status_code == 403


def test_a_mail_whose_record_is_gone_is_dropped_not_retried(worker_delivery):
    session = InfoSessionFactory()
    sign_up(session)
    Registration.objects.all().delete()
    assert outbox.send_due() == {"dropped": 1}
    assert mail.outbox == []


def test_only_registered_mail_functions_can_be_queued_or_sent():
    with pytest.raises(LookupError):
        outbox.send_after_commit(print, 1)
    QueuedMail.objects.create(mail="os.system", args=["true"])
    with pytest.raises(LookupError):
        outbox.function_for("os.system")
    assert outbox.send_due() == {"queued": 1}  # refused, counted as a failed attempt
    assert QueuedMail.objects.get().last_error == "LookupError"


def test_sent_mails_are_deleted_after_the_outbox_period():
    session = InfoSessionFactory()
    sign_up(session)
    assert outbox.delete_finished(days=30) == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        assert outbox.delete_finished(days=30) == 1
    assert not QueuedMail.objects.exists()


@requires_postgresql
def test_two_senders_at_once_send_each_mail_once(worker_delivery):
    session = InfoSessionFactory()
    for n in range(12):
        RegistrationFactory(session=session, family=SupportFamilyFactory(email=f"p{n}@example.org"))
    services.cancel_info_session(session)  # queues 12 notices
    assert QueuedMail.objects.count() == 12
    results = run_at_once([outbox.send_due, outbox.send_due])
    assert not any(isinstance(result, Exception) for result in results)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"p{n}@example.org" for n in range(12))
    assert set(QueuedMail.objects.values_list("status", flat=True)) == {"sent"}


def test_the_sender_loop_stops_when_asked(worker_delivery):
    """`--loop` sends what is queued while it runs and ends cleanly on SIGTERM/SIGINT."""
    import signal

    session = InfoSessionFactory()
    sign_up(session)
    stopper = threading.Timer(1.0, lambda: signal.raise_signal(signal.SIGINT))
    stopper.start()
    started = time.monotonic()
    call_command("send_queued_mail", "--loop", "--interval", "0.2", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert time.monotonic() - started < 10
    assert [m.to for m in mail.outbox] == [["someone@example.org"]]


def test_every_mail_function_is_registered():
    """Functions queued by the services are the registered ones (a rename would break queueing)."""
    for send in (
        emails.send_registration_confirmation,
        emails.send_enrollment_confirmation,
        emails.send_waitlist_notice,
        emails.send_promotion_notice,
        emails.send_enrollment_cancelled,
        emails.send_info_session_cancelled,
        emails.send_training_session_cancelled,
        emails.send_session_changed,
        emails.send_group_cancelled,
        emails.send_event_invitation,
        households._send_confirmation,
        meeting_emails.send_request_confirmation,
        meeting_emails.send_case_assigned,
        family_emails.send_relationship_started_to_family,
        family_emails.send_relationship_started_to_worker,
    ):
        name = f"{send.__module__}.{send.__qualname__}"
        assert outbox.function_for(name) is send
        assert outbox.label_for(name) != name
