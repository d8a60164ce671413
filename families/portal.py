"""What this app shows in the portal (the start page's summary, the relationship list's rows),
scoped to the signed-in worker."""

from django.db.models import Count, F, Max, Q
from django.utils import timezone

from families.models import (
    OPEN_RELATIONSHIP_STATUSES,
    REVIEW_DUE_DAYS,
    Stay,
    SupportRelationship,
)
from families.services import reviews
from families.services.check_ins import (
    CHECK_IN_OVERDUE,
    check_in_due_on,
    check_in_overdue,
    reasons_of,
    with_attention,
)
from kalliola.roles import is_coordinator, is_support_worker


def relationships_for(user):
    """The relationships a user may see: a support worker their own, a coordinator all."""
    if is_coordinator(user):
        return SupportRelationship.objects.all()
    if is_support_worker(user):
        return SupportRelationship.objects.filter(support_worker=user)
    return SupportRelationship.objects.none()


def open_relationships_for(user):
    """The user's open relationships, the nearest review first: the order of the portal's list."""
    return (
        relationships_for(user)
        .filter(status__in=OPEN_RELATIONSHIP_STATUSES)
        .order_by("review_date", "pk")
    )


def list_rows(relationships) -> list[dict]:
    """What the portal's list shows of one page of relationships (a sliced queryset), in order.

    A dict per relationship: pk, review_date, status, child_name, family_name, the worker's
    username/first_name/last_name, stays_waiting (stays awaiting approval) and last_stay (when
    the latest stay began). The page's ids are read first, so the join over stays and its
    grouping cover that page's rows only, never the rows an OFFSET skips; as literal ids (not a
    subquery, which PostgreSQL guessed at 1,000 rows and answered with a sequential scan) they
    are looked up by primary key. Only the columns shown are read, into plain dicts.
    """
    ids = list(relationships.values_list("pk", flat=True))
    return list(
        SupportRelationship.objects.filter(pk__in=ids)
        .order_by("review_date", "pk")
        .values(
            "pk",
            "review_date",
            "status",
            child_name=F("child__first_name"),
            family_name=F("family__contact_name"),
            worker_username=F("support_worker__username"),
            worker_first_name=F("support_worker__first_name"),
            worker_last_name=F("support_worker__last_name"),
        )
        .annotate(
            stays_waiting=Count("stays", filter=Q(stays__payment_month__isnull=True)),
            last_stay=Max("stays__starts_at"),
        )
    )


def attention_of(ids: list[int], today) -> dict[int, dict]:
    """For the relationships `ids` (one page): why each needs attention (the rules of
    `families.services.check_ins`), its last check-in and the day the next is due. One query."""
    rows = with_attention(SupportRelationship.objects.filter(pk__in=ids).order_by(), today)
    return {
        row.pk: {
            "reasons": reasons_of(row),
            "check_in_overdue": getattr(row, CHECK_IN_OVERDUE),
            "last_check_in": row.last_check_in,
            "check_in_due": check_in_due_on(row.last_check_in or row.start_date),
        }
        for row in rows.only("pk", "start_date", "status")
    }


def overview(user) -> dict:
    """Counts for the start page: open relationships, reviews overdue and coming up (apart:
    `families.services.reviews`), check-ins overdue, stays to approve."""
    if not (is_coordinator(user) or is_support_worker(user)):
        return {}
    today = timezone.localdate()
    mine = relationships_for(user)
    counts = mine.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_RELATIONSHIP_STATUSES)),
        reviews_overdue=Count("pk", filter=reviews.overdue(today)),
        reviews_coming_up=Count("pk", filter=reviews.coming_up(today)),
        check_ins_overdue=Count("pk", filter=check_in_overdue(today)),
    )
    waiting = Stay.objects.filter(payment_month__isnull=True)
    if mine.query.has_filters():
        waiting = waiting.filter(relationship__in=mine)
    # else: a coordinator's are all stays, counted on the partial index of stays awaiting
    # approval rather than checked one by one against every relationship.
    waiting = waiting.count()
    return {
        "relationships_overview": {
            "open": counts["open"],
            "reviews_overdue": counts["reviews_overdue"],
            "reviews_coming_up": counts["reviews_coming_up"],
            "check_ins_overdue": counts["check_ins_overdue"],
            "stays_waiting": waiting,
            "horizon_days": REVIEW_DUE_DAYS,
        }
    }
