"""Attendance, home visits and completing the 10-hour pre-training."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from families.models import FamilyStatus, SupportFamily
from families.services import record_step
from trainings.models import (
    TAKES_A_PLACE,
    Attendance,
    Enrollment,
    EnrollmentStatus,
    HomeVisit,
    SessionStatus,
    TrainingSession,
)
from trainings.services.common import (
    PRETRAINING_HOURS,
    AttendanceError,
    NotEnoughHours,
)
from trainings.services.listings import listings_changed


def record_attendance(
    enrollment: Enrollment, session: TrainingSession, hours: Decimal, *, by=None
) -> Attendance:
    """Record (or correct) the hours a household attended one session of its group."""
    hours = Decimal(hours)
    if session.group_id != enrollment.group_id:
        raise AttendanceError(_("The session belongs to another group."))
    if hours < 0 or hours > session.hours:
        raise AttendanceError(
            _("Hours must be between 0 and %(hours)s, the length of the session.")
            % {"hours": session.hours}
        )
    with transaction.atomic():
        attendance, _created = Attendance.objects.update_or_create(
            enrollment=enrollment, session=session, defaults={"hours": hours, "recorded_by": by}
        )
        complete_pretraining_if_due(enrollment.family, by=by)
    return attendance


def mark_session_attended(session: TrainingSession, *, by=None) -> int:
    """Every enrolled household attended the whole session (corrections per household later)."""
    enrollments = Enrollment.objects.filter(
        group_id=session.group_id, status__in=TAKES_A_PLACE
    ).select_related("family")
    count = 0
    for enrollment in enrollments:
        record_attendance(enrollment, session, session.hours, by=by)
        count += 1
    return count


def record_home_visit(
    family: SupportFamily,
    *,
    visited_on: datetime.date,
    hours: Decimal,
    worker=None,
    notes: str = "",
    by=None,
) -> HomeVisit:
    with transaction.atomic():
        visit = HomeVisit.objects.create(
            family=family, visited_on=visited_on, hours=hours, worker=worker, notes=notes
        )
        complete_pretraining_if_due(family, by=by or worker)
    return visit


def completed_pretraining_hours(family) -> Decimal:
    """Hours of pre-training a household has completed: attended session hours + home visits.

    The families app asks this before a household may become *trained* / *approved*.
    """
    attended = Attendance.objects.filter(
        enrollment__family=family,
        enrollment__status__in=TAKES_A_PLACE,
        session__status=SessionStatus.SCHEDULED,
    ).aggregate(total=Sum("hours"))["total"] or Decimal("0")
    visits = HomeVisit.objects.filter(family=family).aggregate(total=Sum("hours"))[
        "total"
    ] or Decimal("0")
    return attended + visits


def complete_pretraining(family: SupportFamily, *, by=None, note: str = "") -> SupportFamily:
    """Attended hours plus the home visit make at least 10 hours: the household is *trained*.

    The one rule for *in_training → trained*, whoever asks (attendance, a home visit, the admin's
    enrolment action or its status change, which `families.services.change_status` hands here).
    Needs a home visit and 10 hours; the household's enrollment is marked completed and the
    status change is recorded.
    """
    with transaction.atomic():
        family = SupportFamily.objects.select_for_update().get(pk=family.pk)
        hours = completed_pretraining_hours(family)
        if hours < PRETRAINING_HOURS or not HomeVisit.objects.filter(family=family).exists():
            raise NotEnoughHours(
                _("The pre-training needs 10 hours including the home visit; done: %(hours)s.")
                % {"hours": hours}
            )
        Enrollment.objects.filter(family=family, status=EnrollmentStatus.ENROLLED).update(
            status=EnrollmentStatus.COMPLETED,
            status_changed_at=timezone.now(),
            status_changed_by=by,
        )
        listings_changed()
        completed = _("Pre-training completed: %(hours)s hours.") % {"hours": hours}
        record_step(family, FamilyStatus.TRAINED, by=by, note=f"{completed} {note}".strip())
    return family


def complete_pretraining_if_due(family: SupportFamily, *, by=None) -> bool:
    family.refresh_from_db(fields=["status"])
    if family.status != FamilyStatus.IN_TRAINING:
        return False
    try:
        complete_pretraining(family, by=by)
    except NotEnoughHours:
        return False
    return True
