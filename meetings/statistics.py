"""Statistics export without names or free text: only codes, counts and months."""

import csv
from collections import Counter

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse

from meetings.models import Meeting, ServiceReferral, SupportCase

HEADER = [
    "case",
    "opened_month",
    "closed_month",
    "status",
    "source_of_contact",
    "preferred_mode",
    "earlier_case",
    "meetings",
    "modes",
    "topics",
    "minutes_total",
    "referrals_municipal",
    "referrals_ngo",
    "referrals_other",
    "referrals_received",
    "follow_up_outcome",
    "referred_again",
]


def _counts(counter: Counter) -> str:
    return ";".join(f"{key}:{n}" for key, n in sorted(counter.items()))


def rows(cases: QuerySet[SupportCase]):
    """One row per case. Three queries whatever the number of cases."""
    cases = (
        cases.select_related("follow_up", "plan")
        .prefetch_related(
            Prefetch(
                "meetings",
                queryset=Meeting.objects.only("case_id", "mode", "topics", "duration_minutes"),
            ),
            Prefetch("plan__referrals", queryset=ServiceReferral.objects.all()),
        )
        .order_by("pk")
    )
    yield HEADER
    for case in cases:
        meetings = list(case.meetings.all())
        modes = Counter(m.mode for m in meetings)
        topics = Counter(t for m in meetings for t in (m.topics or []))
        plan = case.plan if _has(case, "plan") else None
        referrals = list(plan.referrals.all()) if plan else []
        kinds = Counter(r.kind for r in referrals)
        follow_up = case.follow_up if _has(case, "follow_up") else None
        done = follow_up is not None and follow_up.done_on is not None
        yield [
            case.pk,
            case.opened_on.strftime("%Y-%m"),
            case.closed_on.strftime("%Y-%m") if case.closed_on else "",
            case.status,
            case.source,
            case.preferred_mode,
            "yes" if case.earlier_case_id else "no",
            len(meetings),
            _counts(modes),
            _counts(topics),
            sum(m.duration_minutes for m in meetings),
            kinds.get("municipal", 0),
            kinds.get("ngo", 0),
            kinds.get("other", 0),
            sum(1 for r in referrals if r.status == "received"),
            follow_up.outcome if done else "",
            ("yes" if follow_up.referred_again else "no") if done else "",
        ]


def _has(case, relation: str) -> bool:
    try:
        getattr(case, relation)
    except SupportCase._meta.get_field(relation).related_model.DoesNotExist:
        return False
    return True


def csv_response(
    cases: QuerySet[SupportCase], filename: str = "tukitapaamiset.csv"
) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in rows(cases):
        writer.writerow(row)
    return response
