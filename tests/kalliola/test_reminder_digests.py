"""Digests, not floods (issue 26, point 7): what one run of `send_reminders` has for one person
goes as one mail listing it all, whatever the kinds; the mail names no child, client or
household beyond the recipient's first name."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.utils import timezone

from families.models import FamilyStatus
from kalliola import reminders
from meetings.models import FollowUp
from programme.reminders import KINDS
from tests.factories.families import SupportFamilyFactory
from tests.factories.meetings import ClosedCaseFactory, ContactAdultFactory, FollowUpFactory
from tests.factories.relationships import RelationshipFactory
from tests.factories.trainings import EnrollmentFactory, InfoSessionFactory, RegistrationFactory
from tests.factories.users import CoordinatorFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
NOW = timezone.make_aware(datetime.datetime(2026, 6, 15, 9, 0))


def follow_ups_due(worker, count):
    closed_on = TODAY - datetime.timedelta(days=200)
    follow_ups = []
    for _ in range(count):
        case = ClosedCaseFactory(
            support_worker=worker,
            opened_on=closed_on - datetime.timedelta(days=60),
            closed_on=closed_on,
        )
        ContactAdultFactory(case=case, name="Salla Salainen")
        follow_ups.append(FollowUpFactory(case=case, due_on=TODAY - datetime.timedelta(days=3)))
    return follow_ups


def review_due(worker):
    review = TODAY + datetime.timedelta(days=20)
    return RelationshipFactory(
        support_worker=worker, start_date=review.replace(year=review.year - 1), review_date=review
    )


def send_reminders():
    with time_machine.travel(NOW, tick=False):
        call_command("send_reminders", stdout=StringIO())


def test_nineteen_follow_ups_go_to_their_worker_as_one_mail(support_worker):
    """The finding: one run sent one support worker 19 follow-up reminders at once."""
    follow_ups = follow_ups_due(support_worker, 19)
    send_reminders()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [support_worker.email]
    for follow_up in follow_ups:
        assert f"/tyo/asiakkuudet/{follow_up.case_id}/" in message.body
    assert "19" in message.subject
    assert not FollowUp.objects.filter(reminder_sent_at__isnull=True).exists()
    # The next run has nothing left to send.
    send_reminders()
    assert len(mail.outbox) == 1


def test_every_kind_for_one_person_is_one_mail_with_first_names_only(support_worker):
    follow_ups = follow_ups_due(support_worker, 2)
    relationship = review_due(support_worker)
    other_worker = UserFactory(email="toinen@example.org", first_name="Olli")
    follow_ups_due(other_worker, 1)
    send_reminders()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [support_worker.email, other_worker.email]
    )
    (message,) = [m for m in mail.outbox if m.to == [support_worker.email]]
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert f"/tyo/suhteet/{relationship.pk}/" in text
        assert all(f"/tyo/asiakkuudet/{f.case_id}/" in text for f in follow_ups)
        assert support_worker.first_name in text
        # No child, client or household is named.
        for secret in (
            relationship.child.first_name,
            relationship.child.last_name,
            relationship.family.contact_name,
            "Salla Salainen",
        ):
            assert secret not in text + message.subject


def test_a_household_s_session_reminders_of_one_day_are_one_mail():
    registration = RegistrationFactory(session=InfoSessionFactory(days_ahead=1))
    enrollment = EnrollmentFactory(family=registration.family, group__sessions__days_ahead=1)
    first_evening = enrollment.group.sessions.order_by("starts_at").first()
    now = min(registration.session.starts_at, first_evening.starts_at) - datetime.timedelta(hours=2)
    sent = reminders.send_due(KINDS, now=now)
    assert sent == {"info_sessions": 1, "training_sessions": 1}
    (message,) = mail.outbox
    assert message.to == [registration.family.email]
    assert len(message.attachments) == 2  # each session's calendar file
    assert message.body.count("/peru-ilmoittautuminen/") == 2  # each one's cancel link
    assert registration.family.first_name in message.body
    assert registration.family.contact_name not in message.body


def test_a_failed_digest_is_sent_whole_by_the_next_run(support_worker, monkeypatch):
    follow_ups_due(support_worker, 3)

    def broken(message, *args, **kwargs):
        raise ConnectionError("mail server down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    assert reminders.send_due(KINDS, now=NOW) == {}
    assert FollowUp.objects.filter(reminder_sent_at__isnull=True).count() == 3
    monkeypatch.undo()
    assert reminders.send_due(KINDS, now=NOW) == {"follow_ups": 3}
    assert len(mail.outbox) == 1


def test_a_coordinator_who_follows_cases_gets_the_readiness_notices_in_the_same_mail():
    """Readiness notices used to go one mail per check and coordinator, beside the digest."""
    coordinator = CoordinatorFactory(email="koordinaattori@example.org", first_name="Kaisa")
    follow_ups_due(coordinator, 2)
    households = [
        SupportFamilyFactory(
            status=FamilyStatus.APPROVED,
            contact_name=f"Hanna{n} Salainen",
            extract_seen=datetime.date(2021, 7, 1),  # valid until 1 July 2026
        )
        for n in range(3)
    ]
    send_reminders()
    (message,) = [m for m in mail.outbox if m.to == [coordinator.email]]
    assert "5" in message.subject  # two follow-ups and three readiness notices
    for household in households:
        assert f"/admin/families/supportfamily/{household.pk}/" in message.body
        assert household.contact_name.split()[0] in message.body
    assert "Salainen" not in message.body
    send_reminders()
    assert len([m for m in mail.outbox if m.to == [coordinator.email]]) == 1
