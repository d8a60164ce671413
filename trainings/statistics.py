"""Trainings' figures for the yearly report: info sessions, pre-training and events.

Only sessions that took place count as held: started by now and not cancelled (`held`); a
session or an event belongs to the period in which it starts.
"""

from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kalliola.reports.base import Period, Table
from trainings.models import (
    Enrollment,
    EnrollmentStatus,
    Event,
    EventKind,
    HomeVisit,
    InfoSession,
    InvitationReply,
    RegistrationStatus,
    SessionStatus,
    TrainingSession,
)

HOURS = DecimalField(max_digits=10, decimal_places=2)


def held(queryset, period: Period):
    """The info sessions or training sessions of `period` that were held: not cancelled and
    started by now (a session still ahead in the period has not been held)."""
    return queryset.filter(
        status=SessionStatus.SCHEDULED, starts_at__lte=timezone.now(), **period.moments("starts_at")
    )


def info_sessions_table(period: Period) -> Table:
    """Info sessions held, sign-ups and attendance (one query)."""
    counts = held(InfoSession.objects, period).aggregate(
        sessions=Count("pk", distinct=True),
        signed_up=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
        ),
        attended=Count("registrations", filter=Q(registrations__attended=True)),
    )
    return Table(
        key="info_sessions",
        title=_("Info sessions"),
        columns=[_("Measure"), _("Number")],
        rows=[
            [_("Info sessions held"), counts["sessions"]],
            [_("Households signed up"), counts["signed_up"]],
            [_("Households attended"), counts["attended"]],
        ],
        chart=1,
    )


def training_table(period: Period) -> Table:
    """Pre-training sessions, attendance, home visits and completions (three queries)."""
    sessions = held(TrainingSession.objects, period).aggregate(
        sessions=Count("pk", distinct=True),
        groups=Count("group", distinct=True),
        households=Count("attendances__enrollment__family", distinct=True),
        hours=Coalesce(Sum("attendances__hours"), Decimal("0"), output_field=HOURS),
    )
    visits = HomeVisit.objects.filter(**period.days("visited_on")).aggregate(
        n=Count("pk"), hours=Coalesce(Sum("hours"), Decimal("0"), output_field=HOURS)
    )
    completed = Enrollment.objects.filter(
        status=EnrollmentStatus.COMPLETED, **period.moments("status_changed_at")
    ).aggregate(n=Count("family", distinct=True))["n"]
    return Table(
        key="training",
        title=_("Pre-training"),
        columns=[_("Measure"), _("Number")],
        rows=[
            [_("Training groups that met"), sessions["groups"]],
            [_("Training sessions held"), sessions["sessions"]],
            [_("Households that attended"), sessions["households"]],
            [_("Hours attended in sessions"), sessions["hours"]],
            [_("Home visits"), visits["n"]],
            [_("Households that completed the pre-training"), completed],
        ],
    )


def events_table(period: Period) -> Table:
    """Peer meetings and recreation days, with the families and people coming (one query)."""
    coming = Q(invitations__reply=InvitationReply.YES)
    by_kind = {
        row["kind"]: row
        for row in Event.objects.filter(
            status=SessionStatus.SCHEDULED, **period.moments("starts_at")
        )
        .values("kind")
        .annotate(
            events=Count("pk", distinct=True),
            families=Count("invitations", filter=coming),
            people=Coalesce(
                Sum("invitations__participants", filter=coming), 0, output_field=IntegerField()
            ),
        )
        .order_by("kind")
    }
    rows = []
    for value, label in EventKind.choices:
        row = by_kind.get(value, {})
        rows.append([label, row.get("events", 0), row.get("families", 0), row.get("people", 0)])
    return Table(
        key="events",
        title=_("Peer meetings and recreation"),
        columns=[_("Kind"), _("Events"), _("Families coming"), _("Participants")],
        rows=rows,
        chart=3,
    )


def tables(period: Period) -> list[Table]:
    return [info_sessions_table(period), training_table(period), events_table(period)]
