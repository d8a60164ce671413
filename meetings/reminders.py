"""Reminder e-mails of this app that `manage.py send_reminders` sends when due."""

import logging

from django.db import transaction
from django.utils import timezone

from meetings import emails
from meetings.models import CaseStatus, FollowUp

logger = logging.getLogger(__name__)


def send_due(*, now) -> int:
    """Send every reminder due at `now` that has not been sent yet; return how many were sent.

    Each follow-up is claimed with a conditional UPDATE before its e-mail goes out, so two
    overlapping runs never send the same reminder twice. If sending fails, the claim is undone
    so the next run tries again.
    """
    today = timezone.localdate(now)
    due = (
        FollowUp.objects.filter(
            due_on__lte=today,
            reminder_sent_at__isnull=True,
            done_on__isnull=True,
            case__status=CaseStatus.CLOSED,
        )
        .exclude(case__support_worker__email="")
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = FollowUp.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
        if not claimed:
            continue
        follow_up = FollowUp.objects.select_related("case__support_worker").get(pk=pk)
        try:
            emails.send_follow_up_reminder(follow_up)
        except Exception:
            logger.exception("Follow-up reminder %s could not be sent", pk)
            FollowUp.objects.filter(pk=pk).update(reminder_sent_at=None)
            continue
        sent += 1
    return sent
