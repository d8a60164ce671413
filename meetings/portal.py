"""What this app shows in the portal (the start page's summary, the case list's rows), scoped to
the signed-in worker."""

from django.db.models import Count, F, OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kalliola.roles import is_coordinator, is_support_worker
from kalliola.rows import pk_link, short_date
from kalliola.subqueries import count_of
from meetings.models import (
    CaseStatus,
    ContactAdult,
    FollowUp,
    Meeting,
    MeetingMode,
    MeetingRequest,
    RequestStatus,
    SupportCase,
)
from meetings.services import visible_cases

NEXT_MEETINGS = 5
# A coordinator's start page lists this many of the follow-ups due (of every case) and says how
# many there are; the admin's follow-up list has them all.
FOLLOW_UPS_SHOWN = 10


def list_rows(cases) -> list[dict]:
    """What the portal's case list shows of one page of cases (a sliced queryset), in order.

    A dict per case: pk, status, question, the worker's username/first_name/last_name,
    contact_name (the first contact adult's), meeting_count and next_meeting (the next meeting's
    start, if any). The page's ids are read first (literal ids are looked up by primary key,
    as families.portal.list_rows explains) and the rest are correlated subqueries, so they run
    for that page's rows only; only the columns shown are read.
    """
    ids = list(cases.values_list("pk", flat=True))
    meetings = Meeting.objects.filter(case=OuterRef("pk"))
    return list(
        SupportCase.objects.filter(pk__in=ids)
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

    A constant handful of queries however many cases there are. The meetings and follow-ups
    come with their link and text ready, so the start page only places them. A coordinator
    (every case) sees the follow-ups due longest first, at most FOLLOW_UPS_SHOWN, and how many
    there are in all; a support worker's own are all listed.
    """
    if not (is_coordinator(user) or is_support_worker(user)):
        return {}
    now = timezone.now()
    cases = visible_cases(user)
    counts = dict(
        cases.filter(status__in=[CaseStatus.NEW, CaseStatus.ACTIVE])
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    next_meetings = list(
        Meeting.objects.not_cancelled()
        .filter(case__in=cases.values("pk"), starts_at__gte=now)
        .order_by("starts_at", "pk")
        .values("case_id", "number", "starts_at", "mode")[:NEXT_MEETINGS]
    )
    due = FollowUp.objects.filter(
        case__in=cases.values("pk"),
        case__status=CaseStatus.CLOSED,
        done_on__isnull=True,
        due_on__lte=timezone.localdate(now),
    ).order_by("due_on", "pk")
    coordinator = is_coordinator(user)
    follow_ups_due = due.values("case_id", "due_on")
    follow_ups_due = list(follow_ups_due[:FOLLOW_UPS_SHOWN] if coordinator else follow_ups_due)
    context = {
        "meetings_overview": {
            "new": counts.get(CaseStatus.NEW, 0),
            "active": counts.get(CaseStatus.ACTIVE, 0),
            "next_meetings": _with_texts_of_meetings(next_meetings),
            "follow_ups_due": _with_texts_of_follow_ups(follow_ups_due),
            "follow_ups_due_count": len(follow_ups_due),
        }
    }
    if coordinator:
        if len(follow_ups_due) == FOLLOW_UPS_SHOWN:
            context["meetings_overview"]["follow_ups_due_count"] = due.count()
        context["meetings_overview"]["requests_waiting"] = MeetingRequest.objects.filter(
            status=RequestStatus.WAITING
        ).count()
    return context


def _with_texts_of_meetings(meetings: list[dict]) -> list[dict]:
    link = pk_link("meetings_portal:case")
    modes = {value: str(label) for value, label in MeetingMode.choices}
    for meeting in meetings:
        meeting["url"] = link(meeting["case_id"])
        meeting["when"] = date_format(timezone.localtime(meeting["starts_at"]), "D j.n. H:i")
        meeting["text"] = _("meeting %(number)s, case %(case)s") % {
            "number": meeting["number"],
            "case": meeting["case_id"],
        }
        meeting["mode_label"] = modes.get(meeting["mode"], meeting["mode"])
    return meetings


def _with_texts_of_follow_ups(follow_ups: list[dict]) -> list[dict]:
    link = pk_link("meetings_portal:follow_up")
    for follow_up in follow_ups:
        follow_up["url"] = link(follow_up["case_id"])
        follow_up["text"] = _("Case %(case)s, due %(due)s") % {
            "case": follow_up["case_id"],
            "due": short_date(follow_up["due_on"]),
        }
    return follow_ups
