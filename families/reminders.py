"""Reminders of this app that `manage.py send_reminders` sends when due, in the support worker's
digest (`kalliola.reminders`).

The review reminder: 30 days before a relationship's review date. Each is claimed with a
conditional UPDATE (``review_reminded_for`` set to the review date only where it is not yet), so
two overlapping runs never send it twice; a moved review date gets its own reminder. The mail
names the relationship by its number, never the child.

The readiness notice: a check of a household's readiness checklist that stops holding within
60 days (`families.services.readiness.expiring_checks`) is told to every coordinator once,
through the outbox. The check is claimed with a conditional UPDATE (``expiry_notice_sent_at``
set only where it is empty) in the transaction that queues the mails, so it is sent exactly
once; a renewed check is a new row with its own notice.
"""

import datetime
import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from families import emails
from families.models import OPEN_RELATIONSHIP_STATUSES, ReadinessCheck, SupportRelationship
from families.services.readiness import expiring_checks
from kalliola import reminders
from kalliola.mail import mail_function, send_after_commit
from kalliola.roles import COORDINATORS

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


def coordinators_to_tell():
    return (
        get_user_model()
        .objects.filter(groups__name=COORDINATORS, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )


def send_readiness_notices(*, now) -> int:
    """Tell the coordinators of every readiness check that expires within 60 days, once per
    check; return how many checks were told."""
    today = timezone.localdate(now)
    told = 0
    coordinators = list(coordinators_to_tell().values_list("pk", flat=True))
    for check in expiring_checks(today).filter(expiry_notice_sent_at__isnull=True):
        with transaction.atomic():
            claimed = ReadinessCheck.objects.filter(
                pk=check.pk, expiry_notice_sent_at__isnull=True
            ).update(expiry_notice_sent_at=now)
            if claimed != 1:
                continue
            for user_pk in coordinators:
                send_after_commit(_send_readiness_notice, check.pk, user_pk)
        told += 1
    return told


@mail_function(gettext_lazy("readiness item expiring: coordinators told"))
def _send_readiness_notice(check_pk: int, user_pk: int) -> None:
    check = ReadinessCheck.objects.select_related("family", "item").get(pk=check_pk)
    emails.send_readiness_expiry(check, get_user_model().objects.get(pk=user_pk))
