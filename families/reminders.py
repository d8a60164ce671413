"""Reminders of this app that `manage.py send_reminders` sends when due, in the support worker's
digest (`kalliola.reminders`).

The review reminder: 30 days before a relationship's review date. Each is claimed with a
conditional UPDATE (``review_reminded_for`` set to the review date only where it is not yet), so
two overlapping runs never send it twice; a moved review date gets its own reminder. The mail
names the relationship by its number, never the child.
"""

import datetime
import functools

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from families.models import OPEN_RELATIONSHIP_STATUSES, SupportRelationship
from kalliola import reminders

REVIEW_REMINDER_DAYS = 30


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
        .order_by("review_date", "pk")
    )


def _claim(relationship: SupportRelationship) -> bool:
    claimed = (
        SupportRelationship.objects.filter(pk=relationship.pk, review_date=relationship.review_date)
        .filter(Q(review_reminded_for__isnull=True) | ~Q(review_reminded_for=F("review_date")))
        .update(review_reminded_for=F("review_date"))
    )
    return claimed == 1


def _review_reminders(now):
    for relationship in due_reviews(timezone.localdate(now)):
        worker = relationship.support_worker
        if not worker.email:
            continue
        language = settings.LANGUAGE_CODE  # workers read the portal in Finnish by default
        with translation.override(language):
            values = {
                "number": relationship.pk,
                "date": formats.date_format(relationship.review_date, "SHORT_DATE_FORMAT"),
            }
            yield reminders.Reminder(
                kind=REVIEWS.name,
                to=worker.email,
                language=language,
                first_name=worker.first_name,
                title=_("Review of support relationship %(number)s on %(date)s") % values,
                lines=[
                    _(
                        "A support relationship you follow has its yearly review on %(date)s. "
                        "Please agree on a time for the review with the support family and the "
                        "child's family."
                    )
                    % values
                ],
                links=[
                    (
                        _("The relationship in the portal"),
                        settings.SITE_URL
                        + reverse("families_portal:relationship", args=[relationship.pk]),
                    )
                ],
                claim=functools.partial(_claim, relationship),
            )


REVIEWS = reminders.ReminderKind(
    name="reviews", label="relationship reviews", due=_review_reminders
)


def send_due(*, now) -> int:
    """Send this app's reminders due at `now` (as digests); return how many were sent."""
    return sum(reminders.send_due([REVIEWS], now=now).values())
