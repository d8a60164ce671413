"""Retention of the core's own personal data: accessibility feedback.

A feedback's message, its sender's name and e-mail and the page they named are anonymised
RETENTION_FEEDBACK_DAYS after a coordinator marked it answered (an open one is never lost before
it was answered); the row stays for the count. A feedback anonymised already is blanked again
if anything was written to it since. Called by programme.retention.apply_retention with the
other apps' retention.
"""

import datetime
from collections import Counter

from django.db.models import Q

from kalliola.audit import ANONYMISED, blank, forget
from kalliola.models import AccessibilityFeedback, FeedbackStatus


def apply_feedback_retention(*, days: int, now: datetime.datetime) -> Counter:
    cutoff = now - datetime.timedelta(days=days)
    due = AccessibilityFeedback.objects.filter(anonymised_at__isnull=True).filter(
        Q(status=FeedbackStatus.ANSWERED, answered_at__lt=cutoff)
    )
    ids = list(due.values_list("pk", flat=True))
    if ids:
        AccessibilityFeedback.objects.filter(pk__in=ids).update(
            message=ANONYMISED, name="", email="", page_address="", anonymised_at=now
        )
        forget(AccessibilityFeedback, ids)
    found = len(ids) + blank(
        AccessibilityFeedback.objects.filter(anonymised_at__isnull=False).exclude(pk__in=ids),
        {"message": ANONYMISED, "name": "", "email": "", "page_address": ""},
    )
    return Counter({"accessibility_feedback": found}) if found else Counter()
