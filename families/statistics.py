"""Families' figures for the yearly report, each table from one aggregate query (or close).

Rules worth knowing when reading the numbers:
- The pipeline counts households that *reached* a stage during the period, from the recorded
  status history; a household counts once per stage however often it moved.
- A stay, its nights and its amounts belong to the period in which the stay starts (as they
  belong to the payment month in which they start).
- Fees and reimbursements are those of approved payment months that begin within the period.
"""

import statistics as pystats
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from families.models import (
    ChildStatus,
    EndCause,
    EndInitiator,
    FamilyStatus,
    FamilyStatusChange,
    PaymentMonth,
    Referral,
    ReferralSource,
    RelationshipStatus,
    Stay,
    SupportRelationship,
)
from families.models.child import Child
from kalliola.reports.base import Period, Table

S = FamilyStatus

# The funnel's stages: (key, statuses that mean the stage was reached).
# An info-session sign-up alone is "interested"; a coordinator's review of the application
# "accepts for pre-training" before a place in a group.
FUNNEL = (
    ("interested", Q(to_status=S.INTERESTED)),
    ("applied", Q(to_status=S.APPLIED)),
    ("info_session", Q(to_status=S.INFO_SESSION_ATTENDED)),
    ("accepted", Q(to_status=S.ACCEPTED_FOR_TRAINING)),
    ("in_training", Q(to_status=S.IN_TRAINING)),
    ("trained", Q(to_status=S.TRAINED)),
    ("approved", Q(to_status=S.APPROVED) & ~Q(from_status=S.ACTIVE)),
    ("matched", Q(to_status=S.ACTIVE, from_status=S.APPROVED)),
)


def funnel_counts(period: Period) -> dict[str, int]:
    """Households that reached each stage during the period (one query)."""
    changes = FamilyStatusChange.objects.filter(**period.moments("changed_at"))
    return changes.aggregate(
        **{key: Count("family", distinct=True, filter=when) for key, when in FUNNEL}
    )


def funnel_table(period: Period) -> Table:
    counts = funnel_counts(period)
    labels = {
        "interested": _("Signed up for an info session"),
        "applied": _("Applied"),
        "info_session": _("Attended an info session"),
        "accepted": _("Accepted for pre-training"),
        "in_training": _("Started the pre-training"),
        "trained": _("Completed the pre-training"),
        "approved": _("Approved"),
        "matched": _("Matched with a child"),
    }
    return Table(
        key="funnel",
        title=_("Household pipeline"),
        columns=[_("Stage"), _("Households")],
        rows=[[labels[key], counts[key]] for key, _when in FUNNEL],
        chart=1,
        note=_("Households that reached each stage during the period, from the status history."),
    )


def referral_table(period: Period) -> Table:
    """Children referred during the period, by who referred them (one query)."""
    referrals = Referral.objects.filter(**period.days("referred_on"))
    counts = referrals.aggregate(
        total=Count("child", distinct=True),
        **{
            value: Count("child", distinct=True, filter=Q(source=value))
            for value in ReferralSource.values
        },
    )
    return Table(
        key="referrals",
        title=_("Children referred"),
        columns=[_("Referred by"), _("Children")],
        rows=[[label, counts[value]] for value, label in ReferralSource.choices],
        chart=1,
        total=[_("Total"), counts["total"]],
    )


def days_to_match(period: Period) -> list[int]:
    """Days from referral to the start of each relationship started in the period, sorted.

    The referral is the child's latest one on or before the start; without one, the day the
    child started waiting. One query.
    """
    latest_referral = (
        Referral.objects.filter(child=OuterRef("child"), referred_on__lte=OuterRef("start_date"))
        .order_by("-referred_on", "-pk")
        .values("referred_on")[:1]
    )
    pairs = (
        SupportRelationship.objects.filter(**period.days("start_date"))
        .annotate(
            referred=Coalesce(
                Subquery(latest_referral, output_field=DateField()), F("child__waiting_since")
            )
        )
        .values_list("start_date", "referred")
    )
    return sorted(max((start - referred).days, 0) for start, referred in pairs)


def children_table(period: Period) -> Table:
    """Children matched in the period, waiting at its end, and the median wait (three queries).

    A child counts as waiting at the end of the period when waiting began by then and the
    child is still waiting, or was matched only by a relationship that started after the end.
    """
    matched = SupportRelationship.objects.filter(**period.days("start_date")).aggregate(
        n=Count("child", distinct=True)
    )["n"]
    later_match = SupportRelationship.objects.filter(
        child=OuterRef("pk"),
        status__in=(RelationshipStatus.ACTIVE, RelationshipStatus.PAUSED),
        start_date__gt=period.end,
    )
    waiting = (
        Child.objects.alias(matched_later=Exists(later_match))
        .filter(waiting_since__lte=period.end)
        .filter(Q(status=ChildStatus.WAITING) | Q(status=ChildStatus.MATCHED, matched_later=True))
        .count()
    )
    days = days_to_match(period)
    median = pystats.median(days) if days else None
    if median is not None and median == int(median):
        median = int(median)  # a half day is shown as such, never rounded either way
    return Table(
        key="children",
        title=_("Children matched and waiting"),
        columns=[_("Measure"), _("Number")],
        rows=[
            [_("Children matched with a support family"), matched],
            [_("Children waiting at the end of the period"), waiting],
            [_("Median days from referral to match"), median],
        ],
    )


def relationships_table(period: Period) -> Table:
    """Relationships started, ended and active (one query)."""
    in_period = Q(start_date__lte=period.end) & (
        Q(end_date__isnull=True) | Q(end_date__gte=period.start)
    )
    at_end = Q(start_date__lte=period.end) & (Q(end_date__isnull=True) | Q(end_date__gt=period.end))
    counts = SupportRelationship.objects.aggregate(
        started=Count("pk", filter=Q(**period.days("start_date"))),
        ended=Count("pk", filter=Q(**period.days("end_date"))),
        active=Count("pk", filter=in_period),
        at_end=Count("pk", filter=at_end),
    )
    return Table(
        key="relationships",
        title=_("Support relationships"),
        columns=[_("Measure"), _("Relationships")],
        rows=[
            [_("Started"), counts["started"]],
            [_("Ended"), counts["ended"]],
            [_("Active at some time in the period"), counts["active"]],
            [_("Active at the end of the period"), counts["at_end"]],
        ],
        chart=1,
    )


# How long ended relationships lasted: (upper bound in days, label), the last open-ended.
LENGTH_BANDS = (
    (183, gettext_lazy("Under 6 months")),
    (365, gettext_lazy("6 to 12 months")),
    (730, gettext_lazy("1 to 2 years")),
    (None, gettext_lazy("Over 2 years")),
)
DAYS_PER_MONTH = Decimal("30.44")


def _months(days: float) -> Decimal:
    return (Decimal(days) / DAYS_PER_MONTH).quantize(Decimal("0.1"))


def _median_months(lengths: list[int]):
    return _months(pystats.median(lengths)) if lengths else None


def ending_tables(period: Period) -> list[Table]:
    """Relationships ended in the period: why, who proposed it, how long they lasted (one query).

    Only the structured answers are counted; the free note is personal and never shown here."""
    endings = list(
        SupportRelationship.objects.filter(
            status=RelationshipStatus.ENDED, **period.days("end_date")
        ).values_list("end_cause", "end_initiator", "start_date", "end_date")
    )
    lengths: dict[str, list[int]] = {}
    by_initiator: dict[str, int] = {}
    for cause, initiator, start, end in endings:
        lengths.setdefault(cause, []).append((end - start).days)
        by_initiator[initiator] = by_initiator.get(initiator, 0) + 1
    every = [days for group in lengths.values() for days in group]
    reasons = Table(
        key="end_reasons",
        title=_("Why relationships ended"),
        columns=[_("Reason"), _("Relationships"), _("Median length (months)")],
        rows=[
            [label, len(lengths.get(cause, [])), _median_months(lengths.get(cause, []))]
            for cause, label in EndCause.choices
        ]
        if endings
        else [],
        chart=1,
        total=[_("Total"), len(every), _median_months(every)] if endings else None,
    )
    initiators = Table(
        key="end_initiators",
        title=_("Who proposed ending the relationship"),
        columns=[_("Proposed by"), _("Relationships")],
        rows=[
            [label, by_initiator.get(value, 0)]
            for value, label in EndInitiator.choices
            if value != EndInitiator.NOT_RECORDED or by_initiator.get(value)
        ]
        if endings
        else [],
        chart=1,
    )
    bands = [0] * len(LENGTH_BANDS)
    for days in every:
        index = next(i for i, (top, _label) in enumerate(LENGTH_BANDS) if top is None or days < top)
        bands[index] += 1
    durations = Table(
        key="end_lengths",
        title=_("How long ended relationships lasted"),
        columns=[_("Length"), _("Relationships")],
        rows=[[str(label), n] for (_top, label), n in zip(LENGTH_BANDS, bands, strict=True)]
        if endings
        else [],
        chart=1,
        note=_("From the start date to the end date of each relationship ended in the period."),
    )
    return [reasons, initiators, durations]


def _local_month(field_name: str):
    return TruncMonth(field_name, output_field=DateField(), tzinfo=timezone.get_current_timezone())


def stays_table(period: Period) -> Table:
    """Stays and nights by the month in which each stay starts (one query)."""
    by_month = {
        row["month"]: row
        for row in Stay.objects.filter(**period.moments("starts_at"))
        .annotate(month=_local_month("starts_at"))
        .values("month")
        .annotate(
            stays=Count("pk"),
            nights=Coalesce(Sum("nights"), 0, output_field=IntegerField()),
            children=Count("relationship__child", distinct=True),
        )
        .order_by("month")
    }
    rows = []
    for month in period.months():
        row = by_month.get(month, {})
        rows.append([f"{month:%m/%Y}", row.get("stays", 0), row.get("nights", 0)])
    return Table(
        key="stays",
        title=_("Stays and nights by month"),
        columns=[_("Month"), _("Stays"), _("Nights")],
        rows=rows,
        chart=2,
        total=[_("Total"), sum(r[1] for r in rows), sum(r[2] for r in rows)],
        note=_("A stay counts in the month in which it starts."),
    )


def payments_table(period: Period) -> Table:
    """Fees and reimbursements of approved payment months, by month (one query)."""
    zero = Coalesce(Sum("fee_total"), 0, output_field=PaymentMonth._meta.get_field("fee_total"))
    by_month = {
        row["month"]: row
        for row in PaymentMonth.objects.filter(**period.days("month"))
        .values("month")
        .annotate(
            households=Count("family", distinct=True),
            fees=zero,
            reimbursements=Coalesce(
                Sum("reimbursement_total"),
                0,
                output_field=PaymentMonth._meta.get_field("reimbursement_total"),
            ),
        )
        .order_by("month")
    }
    rows = []
    for month in period.months():
        if month < period.start:
            continue  # a month that begins before the period belongs to the one before
        row = by_month.get(month, {})
        fees = row.get("fees", 0)
        reimbursements = row.get("reimbursements", 0)
        rows.append([f"{month:%m/%Y}", row.get("households", 0), fees, reimbursements])
    for row in rows:
        row[2] = _money(row[2])
        row[3] = _money(row[3])
        row.append(row[2] + row[3])
    return Table(
        key="payments",
        title=_("Fees and expense reimbursements paid"),
        columns=[
            _("Month"),
            _("Households"),
            _("Fees (€)"),
            _("Reimbursements (€)"),
            _("Total (€)"),
        ],
        rows=rows,
        chart=4,
        total=[
            _("Total"),
            None,
            sum((r[2] for r in rows), _money(0)),
            sum((r[3] for r in rows), _money(0)),
            sum((r[4] for r in rows), _money(0)),
        ],
        note=_("Approved payment months that begin within the period."),
    )


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def tables(period: Period) -> list[Table]:
    return [
        funnel_table(period),
        referral_table(period),
        children_table(period),
        relationships_table(period),
        *ending_tables(period),
        stays_table(period),
        payments_table(period),
    ]
