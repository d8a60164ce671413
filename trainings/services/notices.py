"""Telling people about changes to a session they signed up for."""

from kalliola.mail import send_after_commit
from trainings import emails
from trainings.models import (
    EnrollmentStatus,
    GroupStatus,
    InfoSession,
    RegistrationStatus,
    SessionStatus,
)


def notify_session_changed(item) -> int:
    """E-mail everyone signed up for a session whose time or link changed, with the updated
    calendar entry (same UID, higher SEQUENCE); return how many will be told."""
    if item.status != SessionStatus.SCHEDULED:
        return 0
    if isinstance(item, InfoSession):
        family_ids = list(
            item.registrations.filter(status=RegistrationStatus.REGISTERED).values_list(
                "family_id", flat=True
            )
        )
    else:
        if item.group.status != GroupStatus.PUBLISHED:
            return 0
        family_ids = list(
            item.group.enrollments.filter(status=EnrollmentStatus.ENROLLED).values_list(
                "family_id", flat=True
            )
        )
    is_info = isinstance(item, InfoSession)
    for family_id in family_ids:
        send_after_commit(emails.send_session_changed, is_info, item.pk, family_id)
    return len(family_ids)
