"""What this app shows on the portal's start page, scoped to the signed-in worker."""

from django.db.models import Count, F, OuterRef, Subquery
from django.utils import timezone

from kalliola.roles import is_coordinator, is_support_worker
from kalliola.subqueries import count_of
from meetings.models import (
    CaseStatus,
    ContactAdult,
    FollowUp,
    Meeting,
    MeetingRequest,
    RequestStatus,
    SupportCase,
)
from meetings.services import visible_cases

NEXT_MEETINGS = 5


def list_rows(cases) -> list[dict]:
    """What the portal's case list shows of one page of cases (a sliced queryset), in order.

    A dict per case: pk, status, question, the worker's username/first_name/last_name,
    contact_name (the first contact adult's), meeting_count and next_meeting (the next meeting's
    start, if any). The page is picked inside the query first and the rest are correlated
    subqueries, so they run for that page's rows only; only the columns shown are read.
    """
    meetings = Meeting.objects.filter(case=OuterRef("pk"))
    return list(
        SupportCase.objects.filter(pk__in=cases.values("pk"))
        .order_by("-opened_on", "-pk")
        .values(
            "pk",
            "status",
            "question",
            worker_username=F("support_worker__username"),
            worker_first_name=F("support_worker__first_name"),
            worker_last_name=F("support_worker__last_name"),
            contact_name=Subquery(
                ContactAdult.objects.filter(case=OuterRef("pk")).order_by("pk").values("name")[:1]
            ),
            meeting_count=count_of(meetings),
            next_meeting=Subquery(
                meetings.filter(starts_at__gte=timezone.now())
                .order_by("starts_at")
                .values("starts_at")[:1]
            ),
        )
    )


def overview(user) -> dict:
    """My open cases by status, my next meetings and the follow-ups that are due.

    A constant handful of queries however many cases there are.
    """
    if not (is_coordinator(user) or is_support_worker(user)):
        return {}
    now = timezone.now()
    cases = visible_cases(user)
    counts = dict(cases.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    next_meetings = list(
        Meeting.objects.filter(case__in=cases.values("pk"), starts_at__gte=now)
        .select_related("case")
        .order_by("starts_at")[:NEXT_MEETINGS]
    )
    follow_ups_due = list(
        FollowUp.objects.filter(
            case__in=cases.values("pk"),
            case__status=CaseStatus.CLOSED,
            done_on__isnull=True,
            due_on__lte=timezone.localdate(now),
        ).order_by("due_on")
    )
    context = {
        "meetings_overview": {
            "new": counts.get(CaseStatus.NEW, 0),
            "active": counts.get(CaseStatus.ACTIVE, 0),
            "next_meetings": next_meetings,
            "follow_ups_due": follow_ups_due,
        }
    }
    if is_coordinator(user):
        context["meetings_overview"]["requests_waiting"] = MeetingRequest.objects.filter(
            status=RequestStatus.WAITING
        ).count()
    return context
