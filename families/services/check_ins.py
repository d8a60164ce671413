"""Check-ins and the relationships that need attention.

Every `CHECK_IN_INTERVAL_WEEKS` (a setting) the support worker records how it goes for the
child, the support family and the child's parent. An open relationship needs attention when it
has had no stay for `NO_STAY_DAYS`, when its check-in is overdue, or when a scale of its latest
check-in fell from the one before. Each rule is one function returning a condition on
`SupportRelationship` rows; the dashboard's item, the admin list's filter and the portal all
read them through `with_attention` / `needing_attention`, so they never disagree.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from families.models import (
    OPEN_RELATIONSHIP_STATUSES,
    SCALES,
    CheckIn,
    Going,
    RelationshipStatus,
    Stay,
    SupportRelationship,
)
from families.services.stays import StayError, refuse_anonymised_relationship

# An active relationship without a stay for this many days needs attention.
NO_STAY_DAYS = 60

# The reasons, as the dashboard, the admin list and the portal name them (`reason_text`).
NO_STAYS, CHECK_IN_OVERDUE, SCALE_FELL = "no_stays", "check_in_overdue", "scale_fell"
REASONS = {
    NO_STAYS: gettext_lazy("No stay for %(days)s days"),
    CHECK_IN_OVERDUE: gettext_lazy("Check-in overdue"),
    SCALE_FELL: gettext_lazy("Going less well than at the previous check-in"),
}
SCALE_LABELS = {
    "for_child": gettext_lazy("for the child"),
    "for_family": gettext_lazy("for the support family"),
    "for_parent": gettext_lazy("for the child's parent"),
}


class CheckInError(StayError):
    """A check-in the rules do not allow; the message is shown on the form."""


def check_in_interval() -> datetime.timedelta:
    return datetime.timedelta(weeks=settings.CHECK_IN_INTERVAL_WEEKS)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _open() -> Q:
    return Q(status__in=OPEN_RELATIONSHIP_STATUSES)


def no_recent_stay(today: datetime.date) -> Q:
    """An active relationship whose last stay ended `NO_STAY_DAYS` or more days ago (counted from
    its start when it has no stay yet). A paused one is left out: the pause explains it."""
    since = today - datetime.timedelta(days=NO_STAY_DAYS)
    stayed = Stay.objects.filter(
        relationship=OuterRef("pk"), ends_at__gte=_local_midnight(since + datetime.timedelta(1))
    )
    return Q(status=RelationshipStatus.ACTIVE, start_date__lte=since) & ~Q(Exists(stayed))


def check_in_due_on(last: datetime.date) -> datetime.date:
    """The day the next check-in is due, after the last one (or the relationship's start)."""
    return last + check_in_interval()


def check_in_overdue(today: datetime.date) -> Q:
    """An open relationship whose last check-in (or its start, before the first) was more than
    `CHECK_IN_INTERVAL_WEEKS` ago: the due day itself is not overdue yet."""
    since = today - check_in_interval()
    recent = CheckIn.objects.filter(relationship=OuterRef("pk"), date__gte=since)
    return _open() & Q(start_date__lt=since) & ~Q(Exists(recent))


def _scale_of(scale: str, nth: int) -> Subquery:
    latest = CheckIn.objects.filter(relationship=OuterRef("pk")).order_by("-date", "-pk")
    return Subquery(latest.values(scale)[nth : nth + 1])


def scale_fell() -> Q:
    """An open relationship whose latest check-in rates any of the three lower than the check-in
    before it (no earlier check-in, nothing to fall from)."""
    fell = Q()
    for scale in SCALES:
        fell |= Q(LessThan(_scale_of(scale, 0), _scale_of(scale, 1)))
    return _open() & fell


def with_attention(queryset: QuerySet, today: datetime.date) -> QuerySet:
    """The relationships with each rule's answer (`no_stays`, `check_in_overdue`, `scale_fell`)
    and `last_check_in` (its day, or None), as columns of the same query."""
    last = CheckIn.objects.filter(relationship=OuterRef("pk")).order_by("-date", "-pk")
    answers = {
        NO_STAYS: no_recent_stay(today),
        CHECK_IN_OVERDUE: check_in_overdue(today),
        SCALE_FELL: Coalesce(scale_fell(), Value(False)),
    }
    return queryset.annotate(
        **{
            **{
                key: ExpressionWrapper(answer, output_field=BooleanField())
                for key, answer in answers.items()
            },
            "last_check_in": Subquery(last.values("date")[:1]),
        }
    )


def needs_attention(today: datetime.date) -> Q:
    """Any of the three rules."""
    return no_recent_stay(today) | check_in_overdue(today) | scale_fell()


def needing_attention(queryset: QuerySet, today: datetime.date) -> QuerySet:
    """The relationships of `queryset` that need attention, with the rules' columns, the longest
    without a check-in first."""
    return (
        with_attention(queryset.filter(needs_attention(today)), today)
        .annotate(_since=Coalesce("last_check_in", "start_date"))
        .order_by("_since", "pk")
    )


def reason_text(key: str) -> str:
    """A reason in the active language ("No stay for 60 days", ...)."""
    return str(REASONS[key]) % {"days": NO_STAY_DAYS}


def reasons_of(row) -> list[str]:
    """The reasons a relationship (a row from `with_attention`) needs attention, as text."""
    return [reason_text(key) for key in REASONS if getattr(row, key, False)]


def fallen_scales(latest: CheckIn, previous: CheckIn | None) -> list[str]:
    """Which of the three fell from `previous` to `latest` ("for the child", ...)."""
    if previous is None:
        return []
    return [
        str(SCALE_LABELS[scale])
        for scale in SCALES
        if getattr(latest, scale) < getattr(previous, scale)
    ]


def record_check_in(
    relationship: SupportRelationship,
    *,
    date: datetime.date,
    for_child: int,
    for_family: int,
    for_parent: int,
    note: str = "",
    by=None,
    today: datetime.date | None = None,
) -> CheckIn:
    """Record a check-in of an open relationship.

    Rules: the relationship is open and not anonymised (its row locked); the day is not before
    the relationship started, not after today, and not before its latest check-in (the latest is
    what the next one is compared with); one check-in a day; each scale one of `Going`.
    """
    today = today or timezone.localdate()
    if date > today:
        # The wording of `kalliola.validators.implausible_date_error(HAPPENED)`.
        raise CheckInError(_("This day is in the future. Choose today or a day before today."))
    if any(value not in Going.values for value in (for_child, for_family, for_parent)):
        raise CheckInError(_("Choose how it goes on each of the three questions."))
    try:
        with transaction.atomic():
            locked = SupportRelationship.objects.select_for_update().get(pk=relationship.pk)
            refuse_anonymised_relationship(locked)
            if locked.status not in OPEN_RELATIONSHIP_STATUSES:
                raise CheckInError(_("The support relationship has ended."))
            if date < locked.start_date:
                raise CheckInError(
                    _("The check-in cannot be before the support relationship started.")
                )
            latest = locked.check_ins.order_by("-date", "-pk").first()
            if latest is not None and date < latest.date:
                raise CheckInError(
                    _("A later check-in is already recorded (%(date)s).")
                    % {"date": f"{latest.date:%d.%m.%Y}"}
                )
            # A second of the same day is refused by the unique constraint (below).
            return CheckIn.objects.create(
                relationship=locked,
                date=date,
                for_child=for_child,
                for_family=for_family,
                for_parent=for_parent,
                note=note.strip(),
                created_by=by,
            )
    except IntegrityError as exc:
        raise CheckInError(_("A check-in of this day is already recorded.")) from exc
