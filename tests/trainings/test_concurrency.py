"""Real threads against PostgreSQL: capacity holds under simultaneous sign-ups."""

import functools

import pytest

from tests.factories.trainings import InfoSessionFactory, TrainingGroupFactory
from tests.helpers import requires_postgresql, run_at_once
from trainings import reminders, services
from trainings.models import Enrollment, EnrollmentStatus, Registration, SentReminder

pytestmark = [requires_postgresql, pytest.mark.postgres]


def _person(n):
    return {
        "name": f"Rinnakkainen {n}",
        "email": f"rinnakkainen{n}@example.org",
        "phone": "040 123 4567",
        "municipality": "Helsinki",
    }


def _run_together(count, work):
    """`work(n)` for n in range(count), all at once: what each returned, and the errors."""
    outcomes = run_at_once([functools.partial(work, n) for n in range(count)])
    errors = [o for o in outcomes if isinstance(o, Exception)]
    return [None if isinstance(o, Exception) else o for o in outcomes], errors


def test_fifty_simultaneous_signups_for_the_last_three_places(transactional_db):
    group = TrainingGroupFactory(capacity=5)
    for n in range(100, 102):
        services.enroll(group, **_person(n))  # two places already taken

    results, errors = _run_together(50, lambda n: services.enroll(group, **_person(n)).status)

    assert errors == []
    assert results.count(EnrollmentStatus.ENROLLED) == 3
    assert results.count(EnrollmentStatus.WAITLISTED) == 47
    assert Enrollment.objects.filter(group=group, status=EnrollmentStatus.ENROLLED).count() == 5
    assert Enrollment.objects.filter(status=EnrollmentStatus.WAITLISTED).count() == 47


def test_simultaneous_info_session_signups_never_overfill(transactional_db):
    session = InfoSessionFactory(capacity=4)

    def sign_up(n):
        try:
            services.register_for_info_session(session, **_person(n))
        except services.SessionFull:
            return "full"
        return "ok"

    results, errors = _run_together(20, sign_up)
    assert errors == []
    assert results.count("ok") == 4
    assert Registration.objects.filter(session=session).count() == 4


def test_same_person_twice_at_once_is_one_household_and_one_place(transactional_db):
    group = TrainingGroupFactory(capacity=5)

    def sign_up(_n):
        return services.enroll(group, **_person(1)).pk

    results, errors = _run_together(8, sign_up)
    assert errors == []
    # Each is answered as a sign-up; all are the one enrollment.
    assert len(set(results)) == 1
    assert Enrollment.objects.filter(group=group).count() == 1


def test_overlapping_reminder_runs_send_each_reminder_once(transactional_db):
    import datetime

    from django.core import mail

    session = InfoSessionFactory(days_ahead=1)
    for n in range(5):
        services.register_for_info_session(session, **_person(n))
    mail.outbox.clear()
    now = session.starts_at - datetime.timedelta(hours=20)

    results, errors = _run_together(4, lambda _n: reminders.send_due(now=now))
    assert errors == []
    assert sum(results) == 5
    assert SentReminder.objects.count() == 5
    reminder_recipients = [m.to[0] for m in mail.outbox]
    assert len(reminder_recipients) == len(set(reminder_recipients)) == 5
