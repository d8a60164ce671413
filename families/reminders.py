"""Reminders of this app that `manage.py send_reminders` sends when due, in the support worker's
digest (`kalliola.reminders`).

The review reminder: 30 days before a relationship's review date. Each is claimed with a
conditional UPDATE (``review_reminded_for`` set to the review date only where it is not yet), so
two overlapping runs never send it twice; a moved review date gets its own reminder. The mail
names the relationship by its number, never the child.

The readiness notice: a check of a household's readiness checklist that stops holding within
60 days (`families.services.readiness.expiring_checks`) is told to every coordinator once, in
their digest. The check is claimed with a conditional UPDATE (``expiry_notice_sent_at`` set
to the run's moment where it is empty) in each digest's transaction, so it is told in one run
only; a renewed check is a new row with its own notice.
"""

import datetime
import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from families import emails
from families.models import OPEN_RELATIONSHIP_STATUSES, ReadinessCheck, SupportRelationship
from families.services.readiness import expiring_checks
from kalliola import reminders
from kalliola.mail import mail_function
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


def _claim_check(check_pk: int, now) -> bool:
    """Claimed for this run: not told yet, or told at this very run's moment (each coordinator's
    digest of one run claims the same check). An overlapping run, with its own moment, gets
    False. If one coordinator's digest fails, its claim rolls back; another's that went out
    keeps the check told."""
    claimed = (
        ReadinessCheck.objects.filter(pk=check_pk)
        .filter(Q(expiry_notice_sent_at__isnull=True) | Q(expiry_notice_sent_at=now))
        .update(expiry_notice_sent_at=now)
    )
    return claimed == 1


def _readiness_reminders(now):
    """Every coordinator is told of every check that stops holding within 60 days, once; in
    their digest, so thirty checks running out together are one mail, not thirty."""
    checks = list(
        expiring_checks(timezone.localdate(now))
        .filter(expiry_notice_sent_at__isnull=True)
        .select_related("family", "item")
    )
    if not checks:
        return
    coordinators = list(coordinators_to_tell())
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        for check in checks:
            # The household by its contact's first name only; not the item (it may say what
            # was checked), no other detail of the household.
            values = {
                "family": check.family.first_name,
                "date": formats.date_format(check.valid_until, "SHORT_DATE_FORMAT"),
            }
            title = _("A readiness item of a support family expires on %(date)s") % values
            line = (
                _(
                    "An item of the readiness checklist of the support family %(family)s stops "
                    "being valid on %(date)s. After that day the household is not suggested for "
                    "a child until the item is checked again."
                )
                % values
            )
            link = (
                _("The household in the admin"),
                settings.SITE_URL
                + reverse("admin:families_supportfamily_change", args=[check.family_id]),
            )
            claim = functools.partial(_claim_check, check.pk, now)
            for coordinator in coordinators:
                yield reminders.Reminder(
                    kind=READINESS.name,
                    to=coordinator.email,
                    language=language,
                    first_name=coordinator.first_name,
                    title=title,
                    lines=[line],
                    links=[link],
                    claim=claim,
                )


READINESS = reminders.ReminderKind(
    name="readiness", label="readiness items expiring", due=_readiness_reminders
)


# Readiness notices were queued in the outbox, one mail per check and coordinator, until they
# joined the digest: the sender still finds this for the mails queued before an upgrade.
# Remove it one release later.
@mail_function(gettext_lazy("readiness item expiring: coordinators told"))
def _send_readiness_notice(check_pk: int, user_pk: int) -> None:
    check = ReadinessCheck.objects.select_related("family", "item").get(pk=check_pk)
    emails.send_readiness_expiry(check, get_user_model().objects.get(pk=user_pk))
