"""Upcoming info sessions and training groups with their places left (constant queries)."""

from django.db.models import Count, Max, Min, Prefetch, Q
from django.utils import timezone

from kalliola.versioned_cache import VersionedCache
from trainings.models import (
    TAKES_A_PLACE,
    EnrollmentStatus,
    GroupStatus,
    InfoSession,
    RegistrationStatus,
    SessionStatus,
    TrainingGroup,
    TrainingSession,
)
from trainings.services.common import HOME_LIMIT


def info_sessions_with_places():
    """Info sessions annotated with `taken` (active registrations)."""
    return InfoSession.objects.annotate(
        taken=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED))
    )


def upcoming_info_sessions(now=None):
    now = now or timezone.now()
    return info_sessions_with_places().filter(ends_at__gte=now).order_by("starts_at", "pk")


def is_planned_info_session(now) -> Q:
    """An info session still to come: scheduled, not yet started (one that started earlier
    today is under way, a cancelled one will not be held). The home page, the dashboard's item
    and the admin list's "upcoming" filter all read this."""
    return Q(status=SessionStatus.SCHEDULED, starts_at__gt=now)


def planned_info_sessions(now=None):
    now = now or timezone.now()
    return (
        info_sessions_with_places().filter(is_planned_info_session(now)).order_by("starts_at", "pk")
    )


def groups_with_places():
    """Training groups annotated with `taken`, `waitlisted`, `first_start` and `last_end`."""
    return TrainingGroup.objects.annotate(
        taken=Count(
            "enrollments",
            filter=Q(enrollments__status__in=TAKES_A_PLACE),
            distinct=True,
        ),
        waitlisted=Count(
            "enrollments",
            filter=Q(enrollments__status=EnrollmentStatus.WAITLISTED),
            distinct=True,
        ),
        first_start=Min("sessions__starts_at", filter=Q(sessions__status=SessionStatus.SCHEDULED)),
        last_end=Max("sessions__ends_at"),
    )


def public_groups():
    """Groups the public may see (published or cancelled, never drafts), with their sessions."""
    return (
        groups_with_places()
        .exclude(status=GroupStatus.DRAFT)
        .prefetch_related(
            Prefetch("sessions", queryset=TrainingSession.objects.order_by("starts_at"))
        )
    )


def upcoming_groups(now=None):
    now = now or timezone.now()
    return public_groups().filter(last_end__gte=now).order_by("first_start", "pk")


def is_planned_group(now) -> Q:
    """A training group still to come: published, its first scheduled session not yet begun
    (drafts and cancelled groups are not offered). On `groups_with_places` rows: the home page,
    the dashboard's item and the admin list's "upcoming" filter all read this."""
    return Q(status=GroupStatus.PUBLISHED, first_start__gt=now)


def planned_groups(now=None):
    now = now or timezone.now()
    return groups_with_places().filter(is_planned_group(now)).order_by("first_start", "pk")


def places_left(capacity, taken) -> int | None:
    if capacity is None:
        return None
    return max(capacity - (taken or 0), 0)


def home_listing() -> dict:
    """What the home page shows of upcoming info sessions and training groups (two queries)."""
    now = timezone.now()
    sessions = list(planned_info_sessions(now)[:HOME_LIMIT])
    groups = list(planned_groups(now)[:HOME_LIMIT])
    for item in sessions:
        item.places_left = places_left(item.capacity, item.taken)
    for item in groups:
        item.places_left = places_left(item.capacity, item.taken)
    return {"upcoming_info_sessions": sessions, "upcoming_training_groups": groups}


# -- Cached public listings --------------------------------------------------------------------
# The public lists and the calendar feed change rarely but are read all the time. They are
# cached under a version key; every change to info sessions, groups, their sessions, sign-ups or
# enrollments bumps the version (trainings.signals), so the next reader rebuilds them from the
# database. The short timeout only lets the "upcoming" window move on with the clock. The detail
# pages that carry the sign-up form are never cached: their places left are always counted fresh.
LISTINGS = VersionedCache("trainings:listings", timeout=60)


def listing_version() -> str:
    return LISTINGS.version()


def listings_changed() -> None:
    """Forget the cached listings now and again once the change is committed."""
    LISTINGS.changed()


def cached_listing(name: str, build):
    """The value `build()` returns, cached under the current listing version."""
    return LISTINGS.get_or_build(name, build)


def _with_places(items):
    items = list(items)
    for item in items:
        item.places_left = places_left(item.capacity, item.taken)
    return items


def cached_upcoming_info_sessions() -> list:
    return cached_listing("info_sessions", lambda: _with_places(upcoming_info_sessions()))


def cached_upcoming_groups() -> list:
    return cached_listing("groups", lambda: _with_places(upcoming_groups()))


def cached_home_listing() -> dict:
    return cached_listing("home", home_listing)
