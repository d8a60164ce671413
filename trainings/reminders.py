"""Reminders of this app that `manage.py send_reminders` sends when due, in the household's
digest (`kalliola.reminders`: an info session and a training evening on the same day come in one
mail, each with its calendar file and cancel link).

A reminder goes out the day before: once a session starts within the next 24 hours. Each one is
claimed by a `SentReminder` row with a unique constraint, written in the same transaction as the
sending: a second run that overlaps waits on the first one's uncommitted row and then skips it,
and a failed send rolls the marker back so the next run tries again.
"""

import datetime
import functools

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kalliola import reminders
from trainings import calendar
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
from trainings.tokens import ENROLLMENT, REGISTRATION, cancel_token

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


def _claim(family, marker: dict) -> bool:
    # The unique row: an overlapping run waits for this one's and then finds it taken.
    try:
        with transaction.atomic():
            SentReminder.objects.create(family=family, **marker)
    except IntegrityError:
        return False
    return True


def _reminder(kind: str, item, family, marker: dict, signup: tuple[str, int]):
    language = family.contact_language or settings.LANGUAGE_CODE
    with translation.override(language):
        if isinstance(item, InfoSession):
            title = _("Reminder: the info session is tomorrow")
            path = reverse("trainings:info_session_detail", args=[item.pk])
            ics_name = "infotilaisuus.ics"
        else:
            title = _("Reminder: the pre-training evening is tomorrow")
            path = reverse("trainings:group_detail", args=[item.group_id])
            ics_name = "valmennus.ics"
        starts, ends = timezone.localtime(item.starts_at), timezone.localtime(item.ends_at)
        lines = [
            _("%(day)s %(date)s at %(start)s–%(end)s")
            % {
                "day": formats.date_format(starts, "l"),
                "date": formats.date_format(starts, "j.n.Y"),
                "start": formats.time_format(starts, "H.i"),
                "end": formats.time_format(ends, "H.i"),
            }
        ]
        if item.online_link:  # a reminder goes only to those with a place or a sign-up
            lines.append(_("Join online: %(link)s") % {"link": item.online_link})
        return reminders.Reminder(
            kind=kind,
            to=family.email,
            language=language,
            first_name=family.first_name,
            title=title,
            lines=lines,
            links=[
                (_("More information"), settings.SITE_URL + path),
                (
                    _("Cancel your sign-up"),
                    settings.SITE_URL
                    + reverse("trainings:cancel_signup", args=[cancel_token(*signup)]),
                ),
            ],
            attachment=(
                ics_name,
                calendar.build([item], language=language, with_links=True),
                "text/calendar",
            ),
            claim=functools.partial(_claim, family, marker),
        )


def _info_session_reminders(now):
    for item, family, marker, signup in _pending_info_session_reminders(now):
        yield _reminder(INFO_SESSIONS.name, item, family, marker, signup)


def _training_session_reminders(now):
    for item, family, marker, signup in _pending_training_session_reminders(now):
        yield _reminder(TRAINING_SESSIONS.name, item, family, marker, signup)


INFO_SESSIONS = reminders.ReminderKind(
    name="info_sessions", label="info sessions", due=_info_session_reminders
)
TRAINING_SESSIONS = reminders.ReminderKind(
    name="training_sessions", label="training sessions", due=_training_session_reminders
)


def send_due(*, now) -> int:
    """Send this app's reminders due at `now` (as digests); return how many were sent."""
    return sum(reminders.send_due([INFO_SESSIONS, TRAINING_SESSIONS], now=now).values())
