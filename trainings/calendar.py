"""iCalendar files: the public feed, per-item downloads and e-mail attachments.

The online meeting link is only for people who signed up: it goes into the .ics attached to
their own e-mail (`with_links=True`), never into a public download or the public feed.

UIDs are stable (`<kind>-<pk>@<site host>`), times are in Europe/Helsinki with a VTIMEZONE, and
SEQUENCE follows the item's revision so calendar programs apply changes and cancellations.
"""

import datetime
import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from trainings.models import InfoSession, SessionStatus, TrainingSession

PRODID = "-//Kalliola//Tukiperhetoiminta//FI"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def uid_for(item) -> str:
    kind = "infosession" if isinstance(item, InfoSession) else "trainingsession"
    return f"{kind}-{item.pk}@{_host()}"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def one_line(text: str) -> str:
    """A name as one line: a calendar's content lines cannot hold a line break of a name."""
    return " ".join(str(text).split())


def _event(item, *, with_links: bool) -> Event:
    event = Event()
    event.add("uid", uid_for(item))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(item.starts_at))
    event.add("dtend", timezone.localtime(item.ends_at))
    event.add("sequence", item.sequence)
    cancelled = item.status == SessionStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if isinstance(item, InfoSession):
        summary = _("Support family info session")
        page = reverse("trainings:info_session_detail", args=[item.pk])
    else:
        summary = _("Support family pre-training: %(group)s") % {
            "group": one_line(item.group.local_name)
        }
        page = reverse("trainings:group_detail", args=[item.group_id])
    if cancelled:
        summary = _("CANCELLED: %(summary)s") % {"summary": summary}
    event.add("summary", summary)
    lines = [_absolute(page)]
    if with_links and item.online_link and not cancelled:
        event.add("location", item.online_link)
        lines.insert(0, _("Join online: %(link)s") % {"link": item.online_link})
    else:
        event.add("location", _("Online"))
    event.add("description", "\n".join(lines))
    event.add("url", _absolute(page))
    return event


def build(items, *, name: str = "", language: str | None = None, with_links: bool = False) -> bytes:
    """One VCALENDAR with an event per item (info sessions and training sessions).

    `with_links` only for an attendee's own copy (an e-mail attachment): the online link
    lets anyone into the meeting."""
    with translation.override(language or translation.get_language()):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        if name:
            calendar.add("x-wr-calname", one_line(name))
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        for item in items:
            calendar.add_component(_event(item, with_links=with_links))
        for position, tzid in enumerate(sorted(calendar.get_missing_tzids())):
            calendar.subcomponents.insert(position, _timezone_component(tzid))
        return calendar.to_ical()


@functools.cache
def _timezone_component(tzid: str) -> Timezone:
    """The VTIMEZONE of `tzid`, worked out once per process.

    icalendar derives it from the zone's transitions (milliseconds per file); it never changes,
    and every file of ours uses the same zone.
    """
    return Timezone.from_tzid(tzid)


def feed(now=None) -> bytes:
    """Public feed: info sessions and training sessions of public groups from a month back on.

    Cancelled ones stay in the feed with STATUS:CANCELLED so subscribed calendars drop them.
    """
    now = now or timezone.now()
    since = now - datetime.timedelta(days=30)
    info_sessions = InfoSession.objects.filter(ends_at__gte=since)
    training_sessions = (
        TrainingSession.objects.filter(ends_at__gte=since)
        .exclude(group__status="draft")
        .select_related("group")
    )
    return build(
        [*info_sessions, *training_sessions],
        name=_("Kalliola support family programme"),
    )
