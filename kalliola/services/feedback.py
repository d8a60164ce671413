"""Accessibility feedback (Act on the Provision of Digital Services 306/2019): received from the
accessibility statement's public form, answered by a coordinator within 14 days."""

import datetime

from django.db import transaction
from django.utils import timezone

from kalliola.models import ANSWER_WITHIN_DAYS, AccessibilityFeedback, FeedbackStatus


def answer_by_for(received_at: datetime.datetime) -> datetime.date:
    """The day the answer is due: 14 days after the local day the feedback arrived."""
    return timezone.localdate(received_at) + datetime.timedelta(days=ANSWER_WITHIN_DAYS)


def submit_accessibility_feedback(
    *,
    message: str,
    page_address: str = "",
    name: str = "",
    email: str = "",
    language: str = "fi",
    now: datetime.datetime | None = None,
) -> AccessibilityFeedback:
    """Keep a visitor's feedback for the coordinators, due 14 days after it arrived.

    Always a new row: a public form never changes what is stored about anyone.
    """
    received_at = now or timezone.now()
    with transaction.atomic():
        return AccessibilityFeedback.objects.create(
            received_at=received_at,
            answer_by=answer_by_for(received_at),
            message=message,
            page_address=page_address,
            name=name,
            email=email.strip().lower(),
            language=language if language in ("fi", "sv", "en") else "fi",
        )


def mark_feedback_answered(
    feedback: AccessibilityFeedback, *, by, now: datetime.datetime | None = None
) -> bool:
    """Record that a coordinator answered the feedback (who and when); False if it already was."""
    with transaction.atomic():
        locked = AccessibilityFeedback.objects.select_for_update().get(pk=feedback.pk)
        if locked.status == FeedbackStatus.ANSWERED:
            return False
        locked.status = FeedbackStatus.ANSWERED
        locked.answered_at = now or timezone.now()
        locked.answered_by = by
        locked.save(update_fields=["status", "answered_at", "answered_by"])
    feedback.refresh_from_db()
    return True
