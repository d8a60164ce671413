"""What this app shows on the portal's start page, scoped to the signed-in worker."""

from django.db.models import Count
from django.utils import timezone

from kalliola.roles import is_coordinator, is_support_worker
from meetings.models import CaseStatus, FollowUp, Meeting, MeetingRequest, RequestStatus
from meetings.services import visible_cases

NEXT_MEETINGS = 5


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
