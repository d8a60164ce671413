"""Statistics export without names or free text: only codes, counts and months."""

from collections import Counter

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils.translation import gettext as _

from kalliola.reports import export
from kalliola.reports.base import Period, Table
from meetings.models import (
    MAX_MEETINGS,
    Benefit,
    CaseTheme,
    ContactRole,
    FollowUp,
    FollowUpBenefit,
    HeardFrom,
    Meeting,
    MeetingMode,
    MeetingRequest,
    Outcome,
    ReferralKind,
    ReferralStatus,
    RequestTheme,
    ServiceReferral,
    SupportCase,
    Theme,
    Topic,
)

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
    "themes",
    "heard_from",
    "follow_up_benefits",
]


def _counts(counter: Counter) -> str:
    return ";".join(f"{key}:{n}" for key, n in sorted(counter.items()))


def rows(cases: QuerySet[SupportCase]):
    """One row per case. Five queries whatever the number of cases.

    Codes only; the learning-support need is left out of these case-level rows (it is counted
    in the yearly report's table only)."""
    cases = (
        cases.select_related("follow_up", "plan")
        .prefetch_related(
            Prefetch("theme_rows", queryset=CaseTheme.objects.only("case_id", "theme")),
            "follow_up__benefit_rows",
            Prefetch(
                "meetings",
                queryset=Meeting.objects.not_cancelled().only(
                    "case_id", "mode", "topics", "duration_minutes"
                ),
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
            ";".join(row.theme for row in case.theme_rows.all()),
            case.heard_from,
            ";".join(row.benefit for row in follow_up.benefit_rows.all()) if done else "",
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
    lines = rows(cases)
    return export.csv_response(filename, next(lines), lines)


# -- the yearly report's tables (coordinators only; aggregated, no case-level rows) ------------


def sources_table(period: Period) -> Table:
    """Requests received and cases opened, by who got in touch (two queries)."""

    requests = dict(
        MeetingRequest.objects.filter(**period.moments("received_at"))
        .values_list("contact_role")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cases = dict(
        SupportCase.objects.filter(**period.days("opened_on"))
        .values_list("source")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [
        [label, requests.get(value, 0), cases.get(value, 0)] for value, label in ContactRole.choices
    ]
    return Table(
        key="meeting_sources",
        title=_("Support meetings: who got in touch"),
        columns=[_("Who got in touch"), _("Requests received"), _("Cases opened")],
        rows=rows,
        chart=2,
        total=[_("Total"), sum(r[1] for r in rows), sum(r[2] for r in rows)],
    )


def modes_table(period: Period) -> Table:
    """Meetings held in the period by how they met (one query)."""
    by_mode = {
        row["mode"]: row
        for row in Meeting.objects.not_cancelled()
        .filter(**period.moments("starts_at"))
        .values("mode")
        .annotate(
            meetings=Count("pk"),
            minutes=Coalesce(Sum("duration_minutes"), 0, output_field=IntegerField()),
            cases=Count("case", distinct=True),
        )
        .order_by()
    }
    rows = []
    for value, label in MeetingMode.choices:
        row = by_mode.get(value, {})
        hours = round(row.get("minutes", 0) / 60, 1)
        rows.append([label, row.get("meetings", 0), row.get("cases", 0), hours])
    return Table(
        key="meeting_modes",
        title=_("Support meetings by how we met"),
        columns=[_("How we met"), _("Meetings"), _("Cases"), _("Hours")],
        rows=rows,
        chart=1,
        total=[_("Total"), sum(r[1] for r in rows), None, round(sum(r[3] for r in rows), 1)],
    )


def meetings_per_case_table(period: Period) -> Table:
    """Cases closed in the period by how many meetings they had (one query)."""
    meeting_count = (
        Meeting.objects.not_cancelled()
        .filter(case=OuterRef("pk"))
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    counts = dict(
        SupportCase.objects.filter(**period.days("closed_on"))
        .annotate(n=Coalesce(Subquery(meeting_count, output_field=IntegerField()), 0))
        .values_list("n")
        .annotate(cases=Count("pk"))
        .order_by()
    )
    rows = [[str(n), counts.get(n, 0)] for n in range(0, MAX_MEETINGS + 1)]
    return Table(
        key="meetings_per_case",
        title=_("Meetings per case"),
        columns=[_("Meetings"), _("Cases closed")],
        rows=rows,
        chart=1,
        total=[_("Total"), sum(r[1] for r in rows)],
        note=_("Cases closed during the period, by the number of meetings they had."),
    )


def topics_table(period: Period) -> Table:
    """Meetings in the period on each topic (one query; a meeting has several topics)."""
    # Topics are a JSON list of codes; a quoted code matches one element on every database.
    counts = (
        Meeting.objects.not_cancelled()
        .filter(**period.moments("starts_at"))
        .aggregate(
            **{
                value: Count("pk", filter=Q(topics__icontains=f'"{value}"'))
                for value in Topic.values
            }
        )
    )
    rows = [[label, counts[value]] for value, label in Topic.choices]
    return Table(
        key="meeting_topics",
        title=_("What was done in the meetings"),
        columns=[_("Topic"), _("Meetings")],
        rows=rows,
        chart=1,
    )


def service_referrals_table(period: Period) -> Table:
    """Services the families of cases closed in the period were guided to (one query)."""
    by_kind = {
        row["kind"]: row
        for row in ServiceReferral.objects.filter(
            **{f"plan__case__{key}": value for key, value in period.days("closed_on").items()}
        )
        .values("kind")
        .annotate(
            total=Count("pk"),
            **{value: Count("pk", filter=Q(status=value)) for value in ReferralStatus.values},
        )
        .order_by()
    }
    rows = []
    for value, label in ReferralKind.choices:
        row = by_kind.get(value, {})
        rows.append([label, row.get("total", 0)] + [row.get(s, 0) for s in ReferralStatus.values])
    return Table(
        key="service_referrals",
        title=_("Referrals to services"),
        columns=[_("Service type"), _("Referrals")]
        + [label for _v, label in ReferralStatus.choices],
        rows=rows,
        chart=1,
        total=[_("Total")]
        + [sum(r[i] for r in rows) for i in range(1, 2 + len(ReferralStatus.values))],
        note=_("Referrals in the plans of cases closed during the period, by how far they got."),
    )


def follow_up_table(period: Period) -> Table:
    """Follow-ups done in the period by outcome (one query)."""
    by_outcome = {
        row["outcome"]: row
        for row in FollowUp.objects.filter(**period.days("done_on"))
        .values("outcome")
        .annotate(n=Count("pk"), again=Count("pk", filter=Q(referred_again=True)))
        .order_by()
    }
    rows = []
    for value, label in Outcome.choices:
        row = by_outcome.get(value, {})
        rows.append([label, row.get("n", 0), row.get("again", 0)])
    return Table(
        key="follow_ups",
        title=_("Follow-up outcomes"),
        columns=[_("How things are now"), _("Follow-ups"), _("Referred to services again")],
        rows=rows,
        chart=1,
        total=[_("Total"), sum(r[1] for r in rows), sum(r[2] for r in rows)],
    )


def _theme_counts(model, period_filter: dict, owner: str) -> dict:
    return dict(
        model.objects.filter(**{f"{owner}__{k}": v for k, v in period_filter.items()})
        .values_list("theme")
        .annotate(n=Count(owner, distinct=True))
        .order_by()
    )


def themes_table(period: Period) -> Table:
    """Themes of the requests received and of the cases opened in the period (two queries; a
    request or a case has several themes, so the rows add up to more than the cases)."""
    requests = _theme_counts(RequestTheme, period.moments("received_at"), "request")
    cases = _theme_counts(CaseTheme, period.days("opened_on"), "case")
    rows = [[label, requests.get(value, 0), cases.get(value, 0)] for value, label in Theme.choices]
    return Table(
        key="meeting_themes",
        title=_("Support meetings: what people came with"),
        columns=[_("Theme"), _("Requests received"), _("Cases opened")],
        rows=rows,
        chart=2,
        note=_("A request or a case can have several themes."),
    )


def heard_from_table(period: Period) -> Table:
    """How the people of the requests and cases of the period heard of the service (two
    queries); those who did not say are a row of their own."""
    requests = dict(
        MeetingRequest.objects.filter(**period.moments("received_at"))
        .values_list("heard_from")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cases = dict(
        SupportCase.objects.filter(**period.days("opened_on"))
        .values_list("heard_from")
        .annotate(n=Count("pk"))
        .order_by()
    )
    choices = [*HeardFrom.choices, ("", _("Not known"))]
    rows = [[label, requests.get(value, 0), cases.get(value, 0)] for value, label in choices]
    return Table(
        key="meeting_heard_from",
        title=_("Support meetings: how people heard of them"),
        columns=[_("Heard from"), _("Requests received"), _("Cases opened")],
        rows=rows,
        chart=1,
        total=[_("Total"), sum(r[1] for r in rows), sum(r[2] for r in rows)],
    )


def learning_support_table(period: Period) -> Table:
    """Cases opened in the period whose parent needs support in learning and understanding,
    recorded with the client's consent (one query; a count, never a case)."""
    counts = SupportCase.objects.filter(**period.days("opened_on")).aggregate(
        total=Count("pk"), need=Count("pk", filter=Q(learning_support_need=True))
    )
    return Table(
        key="meeting_learning_support",
        title=_("Support meetings: support in learning and understanding"),
        columns=[_("Cases opened"), _("Cases")],
        rows=[
            [_("All cases opened"), counts["total"]],
            [_("The parent needs support in learning and understanding"), counts["need"]],
        ],
        chart=1,
        note=_("Recorded only with the client's consent."),
    )


def benefits_table(period: Period) -> Table:
    """What the families of the follow-ups done in the period got (one query; several each)."""
    counts = dict(
        FollowUpBenefit.objects.filter(
            **{f"follow_up__{k}": v for k, v in period.days("done_on").items()}
        )
        .values_list("benefit")
        .annotate(n=Count("follow_up", distinct=True))
        .order_by()
    )
    rows = [[label, counts.get(value, 0)] for value, label in Benefit.choices]
    return Table(
        key="follow_up_benefits",
        title=_("Follow-up: what the families got"),
        columns=[_("What the family got"), _("Follow-ups")],
        rows=rows,
        chart=1,
        note=_("Follow-ups done during the period. A family can name several."),
    )


def tables(period: Period) -> list[Table]:
    return [
        sources_table(period),
        themes_table(period),
        heard_from_table(period),
        learning_support_table(period),
        modes_table(period),
        meetings_per_case_table(period),
        topics_table(period),
        service_referrals_table(period),
        follow_up_table(period),
        benefits_table(period),
    ]
