"""schema.org `Event` data of the public info sessions and training groups, for search engines.

Built from the rows the pages already read (no query of its own). The online meeting link is
never part of it: the event's address is its public page (a VirtualLocation), and only people
who signed up get the link.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from trainings.models import GroupStatus, SessionStatus
from trainings.services.listings import places_left

SCHEMA = "https://schema.org"


def _organiser() -> dict:
    return {"@type": "Organization", "name": _("Kalliola"), "url": settings.SITE_URL + "/"}


def _event(*, name, url, starts_at, ends_at, cancelled, in_person_at, capacity, taken, language):
    left = places_left(capacity, taken)
    data = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": name,
        "url": url,
        "startDate": timezone.localtime(starts_at).isoformat(),
        "endDate": timezone.localtime(ends_at).isoformat(),
        "eventStatus": f"{SCHEMA}/EventCancelled" if cancelled else f"{SCHEMA}/EventScheduled",
        "eventAttendanceMode": f"{SCHEMA}/OfflineEventAttendanceMode"
        if in_person_at
        else f"{SCHEMA}/OnlineEventAttendanceMode",
        "location": {"@type": "Place", "name": in_person_at, "address": in_person_at}
        if in_person_at
        else {"@type": "VirtualLocation", "url": url},
        "organizer": _organiser(),
        "inLanguage": language,
        "isAccessibleForFree": True,
        "offers": {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "EUR",
            "url": url,
            "availability": f"{SCHEMA}/SoldOut" if left == 0 else f"{SCHEMA}/InStock",
        },
    }
    if left is not None:
        data["remainingAttendeeCapacity"] = left
    return data


def info_session_event(session) -> dict:
    """An info session (annotated with `taken`) as a schema.org Event."""
    path = reverse("trainings:info_session_detail", args=[session.pk])
    return _event(
        name=_("Info session on support families"),
        url=settings.SITE_URL + path,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        cancelled=session.status == SessionStatus.CANCELLED,
        in_person_at="",
        capacity=session.capacity,
        taken=session.taken,
        language=session.language,
    )


def group_event(group) -> dict | None:
    """A training group (from `groups_with_places`, sessions prefetched) as one Event from its
    first to its last evening; None for a group without sessions."""
    sessions = list(group.sessions.all())
    if not sessions:
        return None
    path = reverse("trainings:group_detail", args=[group.pk])
    return _event(
        name=group.local_name,
        url=settings.SITE_URL + path,
        starts_at=min(s.starts_at for s in sessions),
        ends_at=max(s.ends_at for s in sessions),
        cancelled=group.status == GroupStatus.CANCELLED,
        in_person_at=group.location if group.is_in_person else "",
        capacity=group.capacity,
        taken=group.taken,
        language=group.language,
    )


def events(items, build) -> list[dict]:
    return [event for event in (build(item) for item in items) if event is not None]
