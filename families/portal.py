"""What this app shows on the portal's start page, scoped to the signed-in worker."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from families.models import OPEN_RELATIONSHIP_STATUSES, Stay, SupportRelationship
from kalliola.roles import is_coordinator, is_support_worker

# Reviews within this many days are shown as coming up.
REVIEW_HORIZON_DAYS = 60


def relationships_for(user):
    """The relationships a user may see: a support worker their own, a coordinator all."""
    if is_coordinator(user):
        return SupportRelationship.objects.all()
    if is_support_worker(user):
        return SupportRelationship.objects.filter(support_worker=user)
    return SupportRelationship.objects.none()


def overview(user) -> dict:
    """Counts for the start page: open relationships, reviews coming up, stays to approve."""
    if not (is_coordinator(user) or is_support_worker(user)):
        return {}
    today = timezone.localdate()
    horizon = today + datetime.timedelta(days=REVIEW_HORIZON_DAYS)
    mine = relationships_for(user)
    counts = mine.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_RELATIONSHIP_STATUSES)),
        reviews_due=Count(
            "pk", filter=Q(status__in=OPEN_RELATIONSHIP_STATUSES, review_date__lte=horizon)
        ),
    )
    waiting = Stay.objects.filter(relationship__in=mine, payment_month__isnull=True).count()
    return {
        "relationships_overview": {
            "open": counts["open"],
            "reviews_due": counts["reviews_due"],
            "stays_waiting": waiting,
            "horizon_days": REVIEW_HORIZON_DAYS,
        }
    }
