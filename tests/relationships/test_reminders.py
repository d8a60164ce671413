import datetime

import pytest
from django.core import mail

from families import reminders
from families.models import SupportRelationship
from tests.factories.relationships import RelationshipFactory, at
from tests.helpers import requires_postgresql, run_at_once

TODAY = datetime.date(2026, 6, 15)
NOW = at(TODAY, 9)


def _relationship(review_in_days, **kwargs):
    review = TODAY + datetime.timedelta(days=review_in_days)
    return RelationshipFactory(
        start_date=review.replace(year=review.year - 1), review_date=review, **kwargs
    )


def test_the_support_worker_is_reminded_30_days_before_the_review(db):
    relationship = _relationship(30)
    _relationship(31)
    assert reminders.send_due(now=NOW) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [relationship.support_worker.email]
    assert f"/tyo/suhteet/{relationship.pk}/" in message.body
    # No child's name in an e-mail.
    assert relationship.child.first_name not in message.body + message.subject


def test_a_reminder_is_sent_once(db):
    _relationship(20)
    assert reminders.send_due(now=NOW) == 1
    assert reminders.send_due(now=NOW + datetime.timedelta(days=1)) == 0
    assert len(mail.outbox) == 1


def test_a_moved_review_date_is_reminded_again(db):
    relationship = _relationship(10)
    reminders.send_due(now=NOW)
    SupportRelationship.objects.filter(pk=relationship.pk).update(
        review_date=TODAY + datetime.timedelta(days=25)
    )
    assert reminders.send_due(now=NOW) == 1


def test_ended_relationships_and_passed_reviews_are_not_reminded(db):
    _relationship(10, status="ended", end_date=TODAY)
    _relationship(-1)
    assert reminders.send_due(now=NOW) == 0
    assert mail.outbox == []


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_overlapping_runs_send_each_reminder_once():
    for _ in range(3):
        _relationship(15)
    counts = run_at_once([lambda: reminders.send_due(now=NOW)] * 2)
    assert sum(counts) == 3
    assert len(mail.outbox) == 3
