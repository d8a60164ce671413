"""Reminders of this app that `manage.py send_reminders` sends when due, in the support worker's
digest (`kalliola.reminders`): a follow-up that has fallen due. The mail names the case by its
number, never the family."""

import functools

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kalliola import reminders
from meetings.models import CaseStatus, FollowUp


def _claim(pk: int, now) -> bool:
    # A conditional UPDATE: two overlapping runs never both claim one follow-up.
    return (
        FollowUp.objects.filter(pk=pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now)
        == 1
    )


def due_follow_ups(now):
    """Follow-ups of closed cases due by today, not recorded nor reminded yet."""
    today = timezone.localdate(now)
    follow_ups = (
        FollowUp.objects.filter(
            due_on__lte=today,
            reminder_sent_at__isnull=True,
            done_on__isnull=True,
            case__status=CaseStatus.CLOSED,
        )
        .exclude(case__support_worker__email="")
        .select_related("case__support_worker")
        .order_by("due_on", "pk")
    )
    for follow_up in follow_ups:
        worker = follow_up.case.support_worker
        language = settings.LANGUAGE_CODE  # workers read the portal in Finnish by default
        with translation.override(language):
            values = {
                "case": follow_up.case_id,
                "due": formats.date_format(follow_up.due_on, "SHORT_DATE_FORMAT"),
            }
            yield reminders.Reminder(
                kind=FOLLOW_UPS.name,
                to=worker.email,
                language=language,
                first_name=worker.first_name,
                title=_("Follow-up due: case %(case)s") % values,
                lines=[
                    _("The six-month follow-up of support-meeting case %(case)s is due on %(due)s.")
                    % values,
                    _("Contact the family, ask how things are now, and record the follow-up."),
                ],
                links=[
                    (
                        _("The case in the portal"),
                        settings.SITE_URL
                        + reverse("meetings_portal:case", args=[follow_up.case_id]),
                    )
                ],
                claim=functools.partial(_claim, follow_up.pk, now),
            )


FOLLOW_UPS = reminders.ReminderKind(
    name="follow_ups", label="support-meeting follow-ups", due=due_follow_ups
)


def send_due(*, now) -> int:
    """Send this app's reminders due at `now` (as digests); return how many were sent."""
    return sum(reminders.send_due([FOLLOW_UPS], now=now).values())
