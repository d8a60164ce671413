"""Attendance, home visits and completing the pre-training (`PRETRAINING_HOURS`).

Which hours count is decided once, in `counted_attendances`; `completed_pretraining_hours`, the
enrolment list in the admin and the rule of becoming *trained* (`complete_pretraining`) all read
it.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import F, QuerySet, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from families.models import FamilyStatus, SupportFamily, SystemNote
from families.services import (
    PRETRAINING_HOURS,
    TransitionNotAllowed,
    lock_for_step,
    record_step,
)
from families.services.readiness import ItemState
from kalliola.services.anonymised import refuse_anonymised
from trainings.models import (
    TAKES_A_PLACE,
    Attendance,
    Enrollment,
    EnrollmentStatus,
    HomeVisit,
    Registration,
    SessionStatus,
    TrainingSession,
)
from trainings.services.common import (
    AttendanceError,
    NotEnoughHours,
    TrainingRecordAnonymised,
    attendance_refusal,
)
from trainings.services.listings import listings_changed


def record_attendance(
    enrollment: Enrollment, session: TrainingSession, hours: Decimal, *, by=None
) -> Attendance:
    """Record (or correct) the hours a household attended one session of its group.

    Refused by `attendance_refusal` (not started, cancelled, another group's) and for hours
    outside 0 to the session's length."""
    hours = Decimal(hours)
    if refusal := attendance_refusal(session, enrollment=enrollment, hours=hours):
        raise AttendanceError(refusal)
    with transaction.atomic():
        refuse_anonymised(enrollment.family, error=TrainingRecordAnonymised)
        attendance, _created = Attendance.objects.update_or_create(
            enrollment=enrollment, session=session, defaults={"hours": hours, "recorded_by": by}
        )
        complete_pretraining_if_due(enrollment.family, by=by)
    return attendance


def mark_session_attended(session: TrainingSession, *, by=None) -> int:
    """Every enrolled household attended the whole session (corrections per household later)."""
    return len(record_session_attendance(session, enrollments_to_tick(session), by=by))


def enrollments_to_tick(session: TrainingSession) -> QuerySet[Enrollment]:
    """The households whose attendance of a training session can be ticked: those with a place
    in its group."""
    return (
        # Erased households are passed over (`record_attendance` would refuse them).
        Enrollment.objects.filter(
            group_id=session.group_id, status__in=TAKES_A_PLACE, family__anonymised_at__isnull=True
        )
        .select_related("family")
        .order_by("family__contact_name", "pk")
    )


def record_session_attendance(
    session: TrainingSession, attended: Iterable[Enrollment], *, by=None
) -> list[Attendance]:
    """The coordinator's ticks on a training session's page: each household in `attended`
    attended (the whole session, unless other hours were recorded already); the other
    households of the group did not (their attendance of this session is removed).

    Refused as a whole by `attendance_refusal`, also for an enrolment of another group.
    """
    attended = list(attended)
    if refusal := attendance_refusal(session):
        raise AttendanceError(refusal)
    for enrollment in attended:
        if refusal := attendance_refusal(session, enrollment=enrollment):
            raise AttendanceError(refusal)
    with transaction.atomic():
        TrainingSession.objects.select_for_update().get(pk=session.pk)
        ticked = {enrollment.pk for enrollment in attended}
        recorded = dict(
            Attendance.objects.filter(session=session).values_list("enrollment_id", "hours")
        )
        Attendance.objects.filter(
            session=session, enrollment__family__anonymised_at__isnull=True
        ).exclude(enrollment_id__in=ticked).delete()
        rows = []
        for enrollment in attended:
            hours = recorded.get(enrollment.pk, session.hours)
            rows.append(record_attendance(enrollment, session, hours, by=by))
    return rows


def record_home_visit(
    family: SupportFamily,
    *,
    visited_on: datetime.date,
    hours: Decimal,
    worker=None,
    notes: str = "",
    by=None,
) -> HomeVisit:
    """Record the trainer's visit to the household's home; it may complete the pre-training."""
    with transaction.atomic():
        refuse_anonymised(family, error=TrainingRecordAnonymised)
        visit = HomeVisit.objects.create(
            family=family, visited_on=visited_on, hours=hours, worker=worker, notes=notes
        )
        complete_pretraining_if_due(family, by=by or worker)
    return visit


def counted_attendances(now: datetime.datetime | None = None) -> QuerySet[Attendance]:
    """The attendance that counts towards the pre-training, the one definition of it.

    Hours count from a session of the enrolment's own group that is not cancelled and has taken
    place, and only while the enrolment takes a place (enrolled or completed). "Taken place"
    means started by `now`: attendance is recorded during or after the evening and the
    completion check runs when it is recorded, so a session in progress counts; a session still
    ahead never does.
    """
    return Attendance.objects.filter(
        enrollment__status__in=TAKES_A_PLACE,
        session__group_id=F("enrollment__group_id"),
        session__status=SessionStatus.SCHEDULED,
        session__starts_at__lte=now or timezone.now(),
    )


def completed_pretraining_hours(family: SupportFamily) -> Decimal:
    """Hours of pre-training a household has completed: its counted attendance
    (`counted_attendances`) plus its home visits."""
    attended = counted_attendances().filter(enrollment__family=family).aggregate(
        total=Sum("hours")
    )["total"] or Decimal("0")
    visits = HomeVisit.objects.filter(family=family).aggregate(total=Sum("hours"))[
        "total"
    ] or Decimal("0")
    return attended + visits


def _hours_text(hours: Decimal) -> str:
    # 9.50 → "9,5" in Finnish, 10.00 → "10".
    return formats.number_format(hours.normalize())


def complete_pretraining(family: SupportFamily, *, by=None, note: str = "") -> SupportFamily:
    """The one rule of *in_training → trained*: at least `PRETRAINING_HOURS` hours
    (`completed_pretraining_hours`) and a recorded home visit.

    Whoever asks takes this path: attendance or a home visit being recorded, the admin's
    enrolment action, and the admin's status change (`families.services.change_status` hands
    the step here). A household not in training is refused by the pipeline first
    (`TransitionNotAllowed`), then every missing condition is listed in one `NotEnoughHours`.
    On success the household's enrolment is marked completed and the step is recorded.
    """
    with transaction.atomic():
        locked = lock_for_step(family, FamilyStatus.TRAINED)
        hours = completed_pretraining_hours(locked)
        reasons = []
        if hours < PRETRAINING_HOURS:
            reasons.append(
                _(
                    "The pre-training needs %(required)s hours including the home visit; "
                    "done: %(hours)s."
                )
                % {"required": _hours_text(PRETRAINING_HOURS), "hours": _hours_text(hours)}
            )
        if not HomeVisit.objects.filter(family=locked).exists():
            reasons.append(_("No home visit has been recorded."))
        if reasons:
            raise NotEnoughHours(" ".join(reasons))
        Enrollment.objects.filter(family=locked, status=EnrollmentStatus.ENROLLED).update(
            status=EnrollmentStatus.COMPLETED,
            status_changed_at=timezone.now(),
            status_changed_by=by,
        )
        listings_changed()
        # The hours as a plain number, the coordinator's words after it (`note_shown`).
        record_step(
            locked,
            FamilyStatus.TRAINED,
            by=by,
            note=f"{hours:f}\n{note.strip()}".strip(),
            note_code=SystemNote.TRAINING_COMPLETED,
        )
    family.refresh_from_db()
    return family


def complete_pretraining_if_due(family: SupportFamily, *, by=None) -> bool:
    """Make the household *trained* if `complete_pretraining` allows it now; never refuse.

    Called whenever hours or a home visit are recorded. Returns whether it became trained.
    """
    try:
        complete_pretraining(family, by=by)
    except TransitionNotAllowed:  # not in training, or the pre-training is not complete yet
        return False
    return True


def checklist_items(family: SupportFamily) -> list[ItemState]:
    """The readiness checklist's lines this app knows (registered with
    `register_checklist_items`): the info session, the pre-training hours, the home visit.
    They do not expire; three queries whatever the household's history."""
    attended = (
        Registration.objects.filter(family=family, attended=True)
        .select_related("session")
        .order_by("-session__starts_at")
        .first()
    )
    hours = completed_pretraining_hours(family)
    visit = HomeVisit.objects.filter(family=family).order_by("-visited_on", "-pk").first()
    return [
        ItemState(
            str(_("Info session attended")),
            True,
            "done" if attended else "missing",
            checked_on=timezone.localtime(attended.session.starts_at).date() if attended else None,
        ),
        ItemState(
            str(_("Pre-training hours")),
            True,
            "done" if hours >= PRETRAINING_HOURS else "missing",
            detail=_("%(hours)s of %(required)s hours, the home visit included")
            % {"hours": _hours_text(hours), "required": _hours_text(PRETRAINING_HOURS)},
        ),
        ItemState(
            str(_("Home visit")),
            True,
            "done" if visit else "missing",
            checked_on=visit.visited_on if visit else None,
        ),
    ]
