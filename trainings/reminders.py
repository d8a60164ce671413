"""Reminder e-mails of this app that `manage.py send_reminders` sends when due.

A reminder goes out the day before: once a session starts within the next 24 hours. Each one is
guarded by a `SentReminder` row with a unique constraint, written in the same transaction as the
sending: a second run that overlaps waits on the first one's uncommitted row and then skips it,
and a failed send rolls the marker back so the next run tries again.
"""

import datetime
import logging

from django.db import IntegrityError, transaction

from trainings import emails
from trainings.models import (
    Enrollment,
    EnrollmentStatus,
    InfoSession,
    Registration,
    RegistrationStatus,
    SentReminder,
    SessionStatus,
    TrainingSession,
)
from trainings.tokens import ENROLLMENT, REGISTRATION

logger = logging.getLogger(__name__)

REMIND_BEFORE = datetime.timedelta(hours=24)


def _due(model, now):
    return model.objects.filter(
        status=SessionStatus.SCHEDULED, starts_at__gt=now, starts_at__lte=now + REMIND_BEFORE
    )


def _pending_info_session_reminders(now):
    sessions = _due(InfoSession, now)
    already = SentReminder.objects.filter(info_session__in=sessions).values_list(
        "info_session_id", "family_id"
    )
    done = set(already)
    for registration in Registration.objects.filter(
        session__in=sessions, status=RegistrationStatus.REGISTERED
    ).select_related("session", "family"):
        if (registration.session_id, registration.family_id) not in done:
            yield (
                registration.session,
                registration.family,
                {"info_session": registration.session},
                (REGISTRATION, registration.pk),
            )


def _pending_training_session_reminders(now):
    sessions = list(
        _due(TrainingSession, now).filter(group__status="published").select_related("group")
    )
    done = set(
        SentReminder.objects.filter(training_session__in=sessions).values_list(
            "training_session_id", "family_id"
        )
    )
    enrollments = Enrollment.objects.filter(
        group__in={s.group_id for s in sessions}, status=EnrollmentStatus.ENROLLED
    ).select_related("family")
    by_group: dict[int, list] = {}
    for enrollment in enrollments:
        by_group.setdefault(enrollment.group_id, []).append(enrollment)
    for session in sessions:
        for enrollment in by_group.get(session.group_id, []):
            if (session.pk, enrollment.family_id) not in done:
                yield (
                    session,
                    enrollment.family,
                    {"training_session": session},
                    (ENROLLMENT, enrollment.pk),
                )


def _send_once(item, family, marker: dict, signup: tuple[str, int]) -> bool:
    try:
        with transaction.atomic():
            SentReminder.objects.create(family=family, **marker)
            emails.send_reminder(item, family, signup=signup)
    except IntegrityError:
        return False  # another run sent (or is sending) this one
    except Exception:
        # Logged without personal data; the marker is rolled back so the next run retries.
        logger.exception("Reminder for session %s could not be sent", item.pk)
        return False
    return True


def send_due(*, now) -> int:
    """Send every reminder due at `now` that has not been sent yet; return how many were sent."""
    sent = 0
    for pending in (_pending_info_session_reminders, _pending_training_session_reminders):
        for item, family, marker, signup in list(pending(now)):
            if _send_once(item, family, marker, signup):
                sent += 1
    return sent
