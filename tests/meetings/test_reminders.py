import datetime

import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.utils import timezone

from meetings import reminders
from meetings.models import FollowUp
from tests.factories.meetings import ClosedCaseFactory, FollowUpFactory
from tests.helpers import requires_postgresql, run_at_once

CLOSED_ON = datetime.date(2026, 1, 15)
DUE_ON = CLOSED_ON + datetime.timedelta(days=182)


def make_follow_up(**case_fields):
    case = ClosedCaseFactory(
        opened_on=CLOSED_ON - datetime.timedelta(days=60), closed_on=CLOSED_ON, **case_fields
    )
    return FollowUpFactory(case=case, due_on=DUE_ON)


def at(day: datetime.date):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def test_no_reminder_before_the_follow_up_is_due(db):
    make_follow_up()
    assert reminders.send_due(now=at(DUE_ON - datetime.timedelta(days=1))) == 0
    assert mail.outbox == []


def test_reminder_goes_to_the_support_worker_once(db):
    follow_up = make_follow_up()
    assert reminders.send_due(now=at(DUE_ON)) == 1
    assert reminders.send_due(now=at(DUE_ON + datetime.timedelta(days=1))) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [follow_up.case.support_worker.email]
    assert f"/tyo/asiakkuudet/{follow_up.case_id}/" in message.body
    # No family data in the e-mail: only the case number.
    for adult in follow_up.case.contacts.all():
        assert adult.name not in message.body
    assert follow_up.case.question not in message.body
    follow_up.refresh_from_db()
    assert follow_up.reminder_sent_at == at(DUE_ON)


def test_recorded_follow_up_is_not_reminded(db):
    follow_up = make_follow_up()
    FollowUp.objects.filter(pk=follow_up.pk).update(done_on=DUE_ON, outcome=3)
    assert reminders.send_due(now=at(DUE_ON)) == 0


def test_failed_send_is_tried_again_next_time(db, monkeypatch):
    make_follow_up()

    def broken(message, *args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", broken)
    assert reminders.send_due(now=at(DUE_ON)) == 0
    monkeypatch.undo()
    assert reminders.send_due(now=at(DUE_ON)) == 1


def test_send_reminders_command_sends_follow_up_reminders(db, capsys):
    make_follow_up()
    with time_machine.travel(at(DUE_ON), tick=False):
        call_command("send_reminders")
        call_command("send_reminders")
    assert len(mail.outbox) == 1
    assert "support-meeting follow-ups: 1 reminder(s) sent" in capsys.readouterr().out


@requires_postgresql
def test_overlapping_runs_send_each_reminder_once(transactional_db):
    for _ in range(3):
        make_follow_up()
    results = run_at_once([lambda: reminders.send_due(now=at(DUE_ON))] * 4)
    assert sum(results) == 3
    assert len(mail.outbox) == 3
