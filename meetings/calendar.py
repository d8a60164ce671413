"""A support worker's private iCalendar feed of their meetings (no family names in it)."""

import datetime
import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from meetings.models import CalendarToken, Meeting

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
FEED_DAYS_BACK = 90


def token_for(user) -> CalendarToken:
    token, _created = CalendarToken.objects.get_or_create(user=user)
    return token


def reset_token(user) -> CalendarToken:
    """Give the worker a new secret address; the old one stops working at once."""
    token = token_for(user)
    token.token = CalendarToken._meta.get_field("token").default()
    token.save(update_fields=["token", "created_at"])
    return token


def worker_feed(user) -> bytes:
    """The worker's meetings from three months back onwards, times in Europe/Helsinki."""
    since = timezone.now() - datetime.timedelta(days=FEED_DAYS_BACK)
    meetings = (
        Meeting.objects.not_cancelled()
        .filter(case__support_worker=user, starts_at__gte=since)
        .select_related("case")
        .order_by("starts_at")
    )
    with translation.override(settings.LANGUAGE_CODE):
        cal = Calendar()
        cal.add("prodid", "-//Kalliola//Support meetings//FI")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", _("My support meetings"))
        cal.add("x-wr-timezone", "Europe/Helsinki")
        # Always present, also in an empty feed, so calendar programs know the zone.
        cal.add_component(Timezone.from_tzid("Europe/Helsinki"))
        for meeting in meetings:
            event = Event()
            event.add("uid", f"meeting-{meeting.pk}@kalliola")
            event.add("dtstamp", meeting.created_at)
            event.add("dtstart", meeting.starts_at.astimezone(HELSINKI))
            event.add("dtend", meeting.ends_at.astimezone(HELSINKI))
            event.add(
                "summary",
                _("Support meeting %(number)s/5, case %(case)s (%(mode)s)")
                % {
                    "number": meeting.number,
                    "case": meeting.case_id,
                    "mode": meeting.get_mode_display(),
                },
            )
            path = reverse("meetings_portal:case", args=[meeting.case_id])
            event.add("url", settings.SITE_URL + path)
            cal.add_component(event)
    return cal.to_ical()
