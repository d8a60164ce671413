"""What needs a coordinator's action now: the admin index shows it above the app list.

Each item is a count and the first few rows (the oldest or most urgent), each read in one query
whatever the amount of data, so the index's query count stays constant.

Only the counts are cached, the same for every coordinator, until any model they count changes:
programme/signals.py bumps the version on every save and delete of those models, and the short
timeout catches writes that send no signal and lets "upcoming" move on with the clock. The rows
shown (names of households, children and clients) are read on every request and never cached.
The page says when its counts were computed.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from families.models import (
    REVIEW_DUE_DAYS,
    ChildStatus,
    FamilyStatus,
    SupportFamily,
    SupportRelationship,
)
from families.models.child import Child
from families.services import payments as payment_services
from families.services import reviews
from families.services.check_ins import needing_attention, reasons_of
from families.services.readiness import (
    EXPIRY_WARNING_DAYS,
    expiring_checks,
    expiry_day,
    households_with_expiring_checks,
)
from kalliola.mail import label_for
from kalliola.models import AccessibilityFeedback, FeedbackStatus, MailStatus, QueuedMail
from kalliola.roles import is_coordinator
from kalliola.subqueries import count_of
from kalliola.versioned_cache import VersionedCache
from meetings.models import FollowUp, MeetingRequest, RequestStatus
from meetings.services.followups import is_follow_up_due
from trainings.services import places_to_confirm
from trainings.services.listings import places_left, planned_groups, planned_info_sessions

SHOWN = 5


@dataclass
class Entry:
    text: str
    url: str
    detail: str = ""
    urgent: bool = False


@dataclass
class Item:
    key: str
    title: str
    count: int
    url: str
    link_text: str
    entries: list[Entry] = field(default_factory=list)
    empty_text: str = ""


class Totals:
    """Each item's count (an aggregate): the cached ones, and those counted now for the cache."""

    def __init__(self, cached: dict | None = None):
        self.values = dict(cached or {})

    def of(self, key: str, count: Callable[[], Any]) -> Any:
        if key not in self.values:
            self.values[key] = count()
        return self.values[key]


def _day(day) -> str:
    """A day as every page shows it in the reader's language (kalliola/formats)."""
    return date_format(day, "SHORT_DATE_FORMAT")


def _first(totals: Totals, key: str, queryset, n: int = SHOWN, counted=None) -> tuple[int, list]:
    """The total number of rows (cached in `totals`) and the first `n` rows, read now: one query.

    The total counts `counted` when given (the set the item's link lists, whose rows are shown
    another way: households with an expiring check, shown by their checks), else `queryset`.
    A count not yet cached comes with the rows: plain querysets count in an uncorrelated COUNT
    subquery, which the database runs once on an index; a window count reads every matching row
    (half a second with 200,000 stays) and is kept only for querysets that aggregate themselves
    (PostgreSQL refuses the subquery there).
    """
    if key in totals.values:
        return totals.values[key], list(queryset[:n])
    if counted is not None:
        total = count_of(counted)
    elif queryset.query.group_by:
        total = Window(Count("pk"))
    else:
        total = count_of(queryset)
    rows = list(queryset.annotate(total_rows=total)[:n])
    totals.values[key] = rows[0].total_rows if rows else 0
    return totals.values[key], rows


def _admin(name: str, *args, query: str = "") -> str:
    url = reverse(f"admin:{name}", args=args)
    return f"{url}?{query}" if query else url


def _days(n: int) -> str:
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _households_in_status(
    totals: Totals, today, *, key: str, status: str, title, link_text, detail, empty_text
) -> Item:
    """Households waiting in one status, the longest-waiting first."""
    count, families = _first(
        totals,
        key,
        SupportFamily.objects.filter(status=status).order_by("status_changed_at", "pk"),
    )
    return Item(
        key=key,
        title=title,
        count=count,
        url=_admin("families_supportfamily_changelist", query=f"status={status}"),
        link_text=link_text,
        entries=[
            Entry(
                text=str(f),
                url=_admin("families_supportfamily_change", f.pk),
                detail=detail % {"days": _days((today - _local_day(f.status_changed_at)).days)},
            )
            for f in families
        ],
        empty_text=empty_text,
    )


def applications(totals: Totals, today) -> Item:
    return _households_in_status(
        totals,
        today,
        key="applications",
        status=FamilyStatus.APPLIED,
        title=_("New applications"),
        link_text=_("Open the applications"),
        detail=_("waiting %(days)s"),
        empty_text=_("No new applications."),
    )


def interested_households(totals: Totals, today) -> Item:
    """Signed up for an info session only: not applications, but people to keep in touch with."""
    return _households_in_status(
        totals,
        today,
        key="interested",
        status=FamilyStatus.INTERESTED,
        title=_("Interested households (info session, no application)"),
        link_text=_("Open the interested households"),
        detail=_("interested for %(days)s"),
        empty_text=_("No interested households."),
    )


def places_to_review(totals: Totals, today) -> Item:
    """Places in a training group held by households whose application is not yet reviewed:
    the coordinator confirms each (`trainings.services.confirm_enrollment`)."""
    count, enrollments = _first(
        totals,
        "places_to_review",
        places_to_confirm().select_related("family", "group").order_by("joined_at", "pk"),
    )
    return Item(
        key="places_to_review",
        title=_("Training-group places to review"),
        count=count,
        url=_admin("trainings_enrollment_changelist", query="review=due"),
        link_text=_("Open the places to review"),
        entries=[
            Entry(
                text=f"{e.family} – {e.group.name}",
                url=_admin("trainings_enrollment_change", e.pk),
                detail=e.family.get_status_display(),
            )
            for e in enrollments
        ],
        empty_text=_("No places waiting for a review."),
    )


def waiting_for_a_group(totals: Totals, today) -> Item:
    return _households_in_status(
        totals,
        today,
        key="waiting_for_a_group",
        status=FamilyStatus.ACCEPTED_FOR_TRAINING,
        title=_("Accepted for pre-training, waiting for a group"),
        link_text=_("Open the households waiting for a group"),
        detail=_("waiting %(days)s"),
        empty_text=_("No household is waiting for a group."),
    )


def meeting_requests(totals: Totals, today) -> Item:
    count, requests = _first(
        totals,
        "meeting_requests",
        MeetingRequest.objects.filter(status=RequestStatus.WAITING).order_by("received_at", "pk"),
    )
    return Item(
        key="meeting_requests",
        title=_("Meeting requests waiting"),
        count=count,
        url=_admin("meetings_meetingrequest_changelist", query="status__exact=waiting"),
        link_text=_("Open the waiting requests"),
        entries=[
            Entry(
                text=f"{r} – {r.get_contact_role_display()}",
                url=_admin("meetings_meetingrequest_change", r.pk),
                detail=_("waiting %(days)s")
                % {"days": _days((today - _local_day(r.received_at)).days)},
                urgent=(today - _local_day(r.received_at)).days >= 7,
            )
            for r in requests
        ],
        empty_text=_("No requests waiting."),
    )


def _places_text(left: int | None) -> str:
    if left is None:
        return _("no limit")
    return ngettext("%(n)s place left", "%(n)s places left", left) % {"n": left}


def info_sessions(totals: Totals, now) -> Item:
    count, sessions = _first(
        totals,
        "info_sessions",
        planned_info_sessions(now),
    )
    return Item(
        key="info_sessions",
        title=_("Upcoming info sessions"),
        count=count,
        url=_admin("trainings_infosession_changelist", query="when=upcoming"),
        link_text=_("Open the info sessions"),
        entries=[
            Entry(
                text=str(s),
                url=_admin("trainings_infosession_change", s.pk),
                detail=_places_text(places_left(s.capacity, s.taken)),
                urgent=places_left(s.capacity, s.taken) == 0,
            )
            for s in sessions
        ],
        empty_text=_("No info sessions planned. Add the next one."),
    )


def training_groups(totals: Totals, now) -> Item:
    count, groups = _first(
        totals,
        "training_groups",
        planned_groups(now),
    )
    return Item(
        key="training_groups",
        title=_("Upcoming training groups"),
        count=count,
        url=_admin("trainings_traininggroup_changelist", query="when=upcoming"),
        link_text=_("Open the training groups"),
        entries=[
            Entry(
                text=f"{g.name} ({_day(timezone.localtime(g.first_start))})",
                url=_admin("trainings_traininggroup_change", g.pk),
                detail=_places_text(places_left(g.capacity, g.taken)),
                urgent=places_left(g.capacity, g.taken) == 0,
            )
            for g in groups
        ],
        empty_text=_("No training groups planned."),
    )


def trained_households(totals: Totals, today) -> Item:
    return _households_in_status(
        totals,
        today,
        key="trained",
        status=FamilyStatus.TRAINED,
        title=_("Trained, waiting for approval"),
        link_text=_("Open the trained households"),
        detail=_("trained %(days)s ago"),
        empty_text=_("No households waiting for approval."),
    )


def waiting_children(totals: Totals, today) -> Item:
    count, children = _first(
        totals,
        "children",
        Child.objects.filter(status=ChildStatus.WAITING).order_by("waiting_since", "pk"),
    )
    return Item(
        key="children",
        title=_("Children waiting for a family"),
        count=count,
        url=_admin("families_child_changelist", query="status__exact=waiting"),
        link_text=_("Open the waiting children"),
        entries=[
            Entry(
                text=str(c),
                url=_admin("families_child_change", c.pk),
                detail=_("waiting %(days)s") % {"days": _days((today - c.waiting_since).days)},
                urgent=(today - c.waiting_since).days >= 90,
            )
            for c in children
        ],
        empty_text=_("No children waiting."),
    )


def _review_entry(relationship, today) -> Entry:
    overdue = reviews.review_state(relationship.review_date, today) == reviews.OVERDUE
    detail = _("overdue since %(date)s") if overdue else _("due %(date)s")
    return Entry(
        text=str(relationship),
        url=_admin("families_supportrelationship_change", relationship.pk),
        detail=detail % {"date": _day(relationship.review_date)},
        urgent=overdue,
    )


def reviews_due(totals: Totals, today) -> Item:
    """Open relationships whose review is overdue or coming up (`families.services.reviews`),
    the oldest first; the list's "due" filter shows the same set."""
    count, relationships = _first(
        totals,
        "reviews",
        reviews.reviews_due(SupportRelationship.objects.all(), today)
        .select_related("child", "family")
        .order_by("review_date", "pk"),
    )
    return Item(
        key="reviews",
        title=_("Yearly reviews due"),
        count=count,
        url=_admin("families_supportrelationship_changelist", query="review=due"),
        link_text=_("Open the relationships"),
        entries=[_review_entry(r, today) for r in relationships],
        empty_text=_("No reviews due in the next %(days)s days.") % {"days": REVIEW_DUE_DAYS},
    )


def relationships_needing_attention(totals: Totals, today) -> Item:
    """Open relationships with no stay for 60 days, an overdue check-in or a scale that fell
    (the rules of `families.services.check_ins`), the longest without a check-in first."""
    count, relationships = _first(
        totals,
        "attention",
        needing_attention(SupportRelationship.objects.all(), today).select_related(
            "child", "family"
        ),
    )
    return Item(
        key="attention",
        title=_("Relationships needing attention"),
        count=count,
        url=_admin("families_supportrelationship_changelist", query="attention=any"),
        link_text=_("Open the relationships needing attention"),
        entries=[
            Entry(
                text=str(r),
                url=_admin("families_supportrelationship_change", r.pk),
                detail="; ".join(reasons_of(r)),
                urgent=True,
            )
            for r in relationships
        ],
        empty_text=_("No relationship needs attention."),
    )


def readiness_expiring(totals: Totals, today) -> Item:
    """Households with a check of the readiness checklist that stops holding within 60 days
    (the household list's "expiring" filter), shown by their checks, soonest first."""
    checks = expiring_checks(today)
    count, checks = _first(
        totals, "readiness", checks, counted=households_with_expiring_checks(today, checks)
    )
    return Item(
        key="readiness",
        title=_("Households with a readiness item expiring"),
        count=count,
        url=_admin("families_supportfamily_changelist", query="readiness=expiring"),
        link_text=_("Open the households"),
        entries=[
            Entry(
                text=f"{c.family} – {c.item}",
                url=_admin("families_supportfamily_change", c.family_id),
                detail=_("valid until %(date)s") % {"date": _day(expiry_day(c))},
                urgent=(expiry_day(c) - today).days <= 14,
            )
            for c in checks
        ],
        empty_text=_("No readiness item expires in the next %(days)s days.")
        % {"days": EXPIRY_WARNING_DAYS},
    )


def _payments_url(month: datetime.date) -> str:
    return _admin("families_paymentmonth_changelist", query=f"month={month:%Y-%m}&state=pending")


def _awaiting_url(figure: str) -> str:
    """The page of every month awaiting approval, at the figure an item counts."""
    return _admin("families_paymentmonth_awaiting") + f"#{figure}"


def stays_awaiting(totals: Totals, now) -> Item:
    """Stays begun and not approved (`families.services.payments.stays_awaiting_approval`),
    the oldest first; the "awaiting approval" page shows the same total, month by month."""
    count, stays = _first(
        totals,
        "stays",
        payment_services.stays_awaiting_approval(now)
        .select_related("relationship__family")
        .order_by("starts_at", "pk"),
    )
    return Item(
        key="stays",
        title=_("Stays awaiting approval"),
        count=count,
        url=_awaiting_url(payment_services.STAYS_FIGURE),
        link_text=_("Open the months awaiting approval"),
        entries=[
            Entry(
                text=f"{s} – {s.relationship.family}",
                url=_payments_url(_local_day(s.starts_at).replace(day=1)),
                detail=ngettext("%(n)s night", "%(n)s nights", s.nights) % {"n": s.nights},
            )
            for s in stays
        ],
        empty_text=_("No stays awaiting approval."),
    )


def payment_months(totals: Totals, now) -> Item:
    """Months already over with stays not yet approved: households per month
    (`families.services.payments.months_awaiting_approval`, one query, cached with the counts)."""
    months = [
        m
        for m in totals.of("payments", lambda: payment_services.months_awaiting_approval(now))
        if m.ended
    ]
    entries = [
        Entry(
            text=f"{m.month:%m/%Y}",
            url=_payments_url(m.month),
            detail=ngettext(
                "%(n)s household to approve", "%(n)s households to approve", m.households
            )
            % {"n": m.households},
            urgent=True,
        )
        for m in months[:SHOWN]
    ]
    return Item(
        key="payments",
        title=_("Households' payment months to approve"),
        count=payment_services.households_to_approve(months),
        url=_awaiting_url(payment_services.HOUSEHOLDS_FIGURE),
        link_text=_("Open the months awaiting approval"),
        entries=entries,
        empty_text=_("Every finished month is approved."),
    )


def follow_ups_due(totals: Totals, today) -> Item:
    count, follow_ups = _first(
        totals,
        "follow_ups",
        FollowUp.objects.filter(is_follow_up_due(today)).order_by("due_on", "pk"),
    )
    return Item(
        key="follow_ups",
        title=_("Follow-ups due"),
        count=count,
        url=_admin("meetings_followup_changelist", query="due=due"),
        link_text=_("Open the follow-ups"),
        entries=[
            Entry(
                text=str(f),
                url=_admin("meetings_followup_change", f.pk),
                detail=_("due %(date)s") % {"date": _day(f.due_on)},
                urgent=f.due_on < today,
            )
            for f in follow_ups
        ],
        empty_text=_("No follow-ups due."),
    )


def mails_not_sent(totals: Totals) -> Item:
    """E-mails the outbox gave up on (kalliola/mail.py): someone was not told something."""
    count, mails = _first(
        totals,
        "mails_not_sent",
        QueuedMail.objects.filter(status=MailStatus.FAILED).order_by("-created_at", "-pk"),
    )
    return Item(
        key="mails_not_sent",
        title=_("E-mails not sent"),
        count=count,
        url=_admin("kalliola_queuedmail_changelist", query="status__exact=failed"),
        link_text=_("Open the e-mails not sent"),
        entries=[
            Entry(
                text=label_for(m.mail),
                url=_admin("kalliola_queuedmail_change", m.pk),
                detail=_("queued %(date)s")
                % {"date": date_format(timezone.localtime(m.created_at), "SHORT_DATETIME_FORMAT")},
                urgent=True,
            )
            for m in mails
        ],
    )


def accessibility_feedback(totals: Totals, today) -> Item:
    """Feedback on accessibility not yet answered; the law gives 14 days (the answer-by date)."""
    count, feedback = _first(
        totals,
        "accessibility_feedback",
        AccessibilityFeedback.objects.filter(status=FeedbackStatus.NEW).order_by(
            "answer_by", "received_at", "pk"
        ),
    )
    return Item(
        key="accessibility_feedback",
        title=_("Accessibility feedback to answer"),
        count=count,
        url=_admin("kalliola_accessibilityfeedback_changelist", query="status__exact=new"),
        link_text=_("Open the accessibility feedback"),
        entries=[
            Entry(
                text=str(f),
                url=_admin("kalliola_accessibilityfeedback_change", f.pk),
                detail=_("answer by %(date)s") % {"date": f"{f.answer_by:%d.%m.%Y}"},
                urgent=f.answer_by <= today,
            )
            for f in feedback
        ],
        empty_text=_("No accessibility feedback waiting for an answer."),
    )


def dashboard_items(totals: Totals) -> list[Item]:
    """Every item, in the order a coordinator works through them (one query each for the rows,
    one more for each count not in `totals`).

    "E-mails not sent" shows only when there are some: a failing mail service needs action.
    """
    now = timezone.now()
    today = timezone.localdate()
    mails = mails_not_sent(totals)
    return [
        *([mails] if mails.count else []),
        applications(totals, today),
        places_to_review(totals, today),
        waiting_for_a_group(totals, today),
        interested_households(totals, today),
        meeting_requests(totals, today),
        accessibility_feedback(totals, today),
        trained_households(totals, today),
        waiting_children(totals, today),
        relationships_needing_attention(totals, today),
        reviews_due(totals, today),
        readiness_expiring(totals, today),
        stays_awaiting(totals, now),
        payment_months(totals, now),
        follow_ups_due(totals, today),
        info_sessions(totals, now),
        training_groups(totals, now),
    ]


# -- the counts, cached for every coordinator ---------------------------------------------------

CACHE = VersionedCache("kalliola:dashboard", timeout=60)


def dashboard_changed() -> None:
    """Something the dashboard counts changed: the next index counts again."""
    CACHE.changed()


def dashboard_context(request) -> dict:
    """Context for the admin index: the items for coordinators, nothing for anyone else.

    The counts come from the cache (one round trip with its version) or are counted now and
    kept with the moment they were counted; the rows and their texts are built on every request.
    """
    if not is_coordinator(request.user):
        return {}
    key = f"{CACHE.prefix}:counts:{timezone.localdate():%Y-%m-%d}"
    version, kept = CACHE.read(key)
    totals = Totals(kept and kept["values"])
    items = dashboard_items(totals)
    if kept is None:
        kept = {"values": totals.values, "computed_at": timezone.now()}
        CACHE.keep(key, version, kept)
    return {"dashboard": items, "dashboard_computed_at": kept["computed_at"]}
