"""Reminder e-mails of this app that `manage.py send_reminders` sends when due.

The review reminder: 30 days before a relationship's review date, its support worker gets one
e-mail. Each reminder is claimed with a conditional UPDATE (``review_reminded_for`` set to the
review date only where it is not yet), so two overlapping runs never send it twice; a moved
review date gets its own reminder.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from families.models import OPEN_RELATIONSHIP_STATUSES, SupportRelationship

REVIEW_REMINDER_DAYS = 30
logger = logging.getLogger(__name__)


def due_reviews(today: datetime.date):
    """Open relationships whose review is within 30 days (not passed) and not yet reminded."""
    return (
        SupportRelationship.objects.filter(
            status__in=OPEN_RELATIONSHIP_STATUSES,
            review_date__gte=today,
            review_date__lte=today + datetime.timedelta(days=REVIEW_REMINDER_DAYS),
        )
        .filter(Q(review_reminded_for__isnull=True) | ~Q(review_reminded_for=F("review_date")))
        .select_related("support_worker")
    )


def _claim(relationship: SupportRelationship) -> bool:
    claimed = (
        SupportRelationship.objects.filter(pk=relationship.pk, review_date=relationship.review_date)
        .filter(Q(review_reminded_for__isnull=True) | ~Q(review_reminded_for=F("review_date")))
        .update(review_reminded_for=F("review_date"))
    )
    return claimed == 1


def send_due(*, now) -> int:
    """Send every reminder due at `now` that has not been sent yet; return how many were sent."""
    today = timezone.localdate(now)
    sent = 0
    for relationship in due_reviews(today):
        worker = relationship.support_worker
        if not worker.email or not _claim(relationship):
            continue
        # Workers read the portal in Finnish by default; no names of the child in the e-mail.
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "relationship": relationship,
                "worker": worker,
                "url": settings.SITE_URL
                + reverse("families_portal:relationship", args=[relationship.pk]),
            }
            subject = render_to_string(
                "emails/families/review_reminder_subject.txt", context
            ).strip()
            body = render_to_string("emails/families/review_reminder.txt", context)
        send_mail(subject, body, None, [worker.email])
        logger.info("Review reminder sent for relationship %s", relationship.pk)
        sent += 1
    return sent
