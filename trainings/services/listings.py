"""Upcoming info sessions and training groups with their places left (constant queries)."""

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max, Min, Prefetch, Q
from django.utils import timezone

from kalliola.pagecache import current_version, new_version
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


def places_left(capacity, taken) -> int | None:
    if capacity is None:
        return None
    return max(capacity - (taken or 0), 0)


def home_listing() -> dict:
    """What the home page shows of upcoming info sessions and training groups (two queries)."""
    now = timezone.now()
    sessions = list(
        upcoming_info_sessions(now).filter(status=SessionStatus.SCHEDULED, starts_at__gt=now)[
            :HOME_LIMIT
        ]
    )
    groups = list(
        groups_with_places()
        .filter(status=GroupStatus.PUBLISHED, first_start__gt=now)
        .order_by("first_start", "pk")[:HOME_LIMIT]
    )
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
LISTING_VERSION_KEY = "trainings:listings:version"
LISTING_TIMEOUT = 60


def listing_version() -> str:
    return current_version(LISTING_VERSION_KEY)


def bump_listing_version() -> None:
    cache.set(LISTING_VERSION_KEY, new_version(), None)


def listings_changed() -> None:
    """Forget the cached listings now and again once the change is committed.

    Bumping now serves the rest of this transaction (and the test client) fresh lists; bumping
    after commit drops anything another request cached from the old rows in between.
    """
    bump_listing_version()
    transaction.on_commit(bump_listing_version)


def cached_listing(name: str, build):
    """The value `build()` returns, cached under the current listing version."""
    key = f"trainings:listings:{listing_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, LISTING_TIMEOUT)
    return value


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
