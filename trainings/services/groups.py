"""Training-group sign-ups, the waiting list, cancellations and copying a schedule.

The group row is locked before places are counted, so simultaneous sign-ups never overfill it.
"""

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from families.models import FamilyStatus, SubmissionSource, SupportFamily, SystemNote
from families.services import change_status, find_or_create_applicant
from families.services.households import REVIEWED_FROM
from kalliola.mail import send_after_commit
from kalliola.services.anonymised import refuse_anonymised
from trainings import emails
from trainings.models import (
    TAKES_A_PLACE,
    Enrollment,
    EnrollmentStatus,
    GroupStatus,
    SessionStatus,
    TrainingGroup,
    TrainingSession,
)
from trainings.services.common import (
    AlreadySignedUp,
    NotReviewed,
    SignupClosed,
    TrainingRecordAnonymised,
    _advance,
)


def _group_signup_closed_reason(group: TrainingGroup) -> str | None:
    if group.status == GroupStatus.CANCELLED:
        return _("This training group has been cancelled.")
    if group.status != GroupStatus.PUBLISHED:
        return _("Sign-up for this training group is not open.")
    first = group.sessions.filter(status=SessionStatus.SCHEDULED).order_by("starts_at").first()
    if first is None or first.starts_at <= timezone.now():
        return _("This training group has already started. Please choose a later group.")
    return None


def enroll(
    group: TrainingGroup,
    *,
    name: str,
    email: str,
    phone: str,
    municipality: str = "",
    language: str = "fi",
) -> Enrollment:
    """Public sign-up for a training group: a place if one is free, else the waiting list.

    The sign-up changes nothing stored about a household: a new address becomes an *applied*
    household (the sign-up is its application), a known one keeps its status. Either way the
    place waits for the coordinator's review (`confirm_enrollment`) before the household is in
    training. A household already in the group or on its waiting list keeps what it has, and
    the answer is the same as for a new sign-up (nobody learns from the form who has signed up): its
    confirmation or waiting-list notice is sent again, saying so, to the household's address.
    """
    with transaction.atomic():
        # As for info sessions: the household first, then the lock, held only for the places.
        family, created = find_or_create_applicant(
            name=name,
            email=email,
            phone=phone,
            municipality=municipality,
            language=language,
            source=SubmissionSource.TRAINING_GROUP,
        )
        if not created:  # a household found by its address may have been erased
            refuse_anonymised(family, error=TrainingRecordAnonymised)
        locked = TrainingGroup.objects.select_for_update().get(pk=group.pk)
        reason = _group_signup_closed_reason(locked)
        if reason:
            raise SignupClosed(reason)
        existing = (
            Enrollment.objects.filter(group=locked, family=family)
            .exclude(status=EnrollmentStatus.CANCELLED)
            .first()
        )
        if existing is not None:
            send = (
                emails.send_waitlist_notice
                if existing.status == EnrollmentStatus.WAITLISTED
                else emails.send_enrollment_confirmation
            )
            send_after_commit(send, existing.pk, True)
            return existing
        return _enroll_locked(locked, family, by=None, public=True)


def enroll_family(group: TrainingGroup, family: SupportFamily, *, by=None) -> Enrollment:
    """A coordinator puts an existing household in a group (or on its waiting list).

    A household accepted for pre-training is in training with the place; any other keeps its
    status and its place waits for the review (`confirm_enrollment`)."""
    with transaction.atomic():
        locked = TrainingGroup.objects.select_for_update().get(pk=group.pk)
        refuse_anonymised(family, error=TrainingRecordAnonymised)
        if locked.status == GroupStatus.CANCELLED:
            raise SignupClosed(_("This training group has been cancelled."))
        return _enroll_locked(locked, family, by=by)


def _enroll_locked(
    group: TrainingGroup, family: SupportFamily, *, by, public: bool = False
) -> Enrollment:
    existing = Enrollment.objects.filter(group=group, family=family).first()
    if existing and existing.status != EnrollmentStatus.CANCELLED:
        if existing.status == EnrollmentStatus.WAITLISTED:
            message = _("You are already on the waiting list of this group with this e-mail.")
        else:
            message = _("You have already signed up for this group with this e-mail address.")
        raise AlreadySignedUp(message)
    taken = Enrollment.objects.filter(group=group, status__in=TAKES_A_PLACE).count()
    status = EnrollmentStatus.ENROLLED if taken < group.capacity else EnrollmentStatus.WAITLISTED
    now = timezone.now()
    if existing:
        enrollment = existing
        enrollment.status = status
        enrollment.joined_at = now
        enrollment.status_changed_at = now
        enrollment.status_changed_by = by
        enrollment.save()
    else:
        enrollment = Enrollment.objects.create(
            group=group,
            family=family,
            status=status,
            joined_at=now,
            status_changed_at=now,
            status_changed_by=by,
        )
    if status == EnrollmentStatus.ENROLLED:
        if not public:  # a public form never moves a household (the review does)
            _advance(family, FamilyStatus.IN_TRAINING, by=by, note=str(group))
        send_after_commit(emails.send_enrollment_confirmation, enrollment.pk)
    else:
        send_after_commit(emails.send_waitlist_notice, enrollment.pk)
    return enrollment


# Households before the pre-training: a place of theirs waits for the coordinator's review.
BEFORE_TRAINING = (
    FamilyStatus.INTERESTED,
    *REVIEWED_FROM,
    FamilyStatus.ACCEPTED_FOR_TRAINING,
)


def places_to_confirm() -> QuerySet[Enrollment]:
    """Places in a group held by a household not yet in training: each waits for
    `confirm_enrollment` (the dashboard's item and the enrolment list's filter)."""
    return Enrollment.objects.filter(
        status=EnrollmentStatus.ENROLLED, family__status__in=BEFORE_TRAINING
    ).exclude(group__status=GroupStatus.CANCELLED)


def confirm_enrollment(enrollment: Enrollment, *, by) -> Enrollment:
    """The coordinator's review of a household with a place in a group: the application is
    accepted (*applied* → *accepted for pre-training*, if not accepted already) and the household
    is in training. Both steps are recorded, by the coordinator.

    Refused for a sign-up without a place (waiting list, cancelled, completed), for a household
    that has sent no application (*interested*) and for one past the review (in training already,
    or closed): `NotReviewed` says which.
    """
    with transaction.atomic():
        group = TrainingGroup.objects.select_for_update().get(pk=enrollment.group_id)
        enrollment = Enrollment.objects.select_related("family").get(pk=enrollment.pk)
        family = enrollment.family
        refuse_anonymised(family, error=TrainingRecordAnonymised)
        if enrollment.status != EnrollmentStatus.ENROLLED:
            raise NotReviewed(
                _("%(family)s has no place in the group to confirm (%(status)s).")
                % {"family": family, "status": enrollment.get_status_display()}
            )
        if family.status == FamilyStatus.INTERESTED:
            raise NotReviewed(
                _(
                    "%(family)s has not sent an application yet. The place can be confirmed "
                    "once the application has come in."
                )
                % {"family": family}
            )
        if family.status in REVIEWED_FROM:
            change_status(
                family,
                FamilyStatus.ACCEPTED_FOR_TRAINING,
                by=by,
                note=str(group),
                note_code=SystemNote.REVIEWED_WITH_GROUP,
            )
        if family.status != FamilyStatus.ACCEPTED_FOR_TRAINING:
            raise NotReviewed(
                _("%(family)s is “%(status)s”: there is no application to review.")
                % {"family": family, "status": family.get_status_display()}
            )
        change_status(family, FamilyStatus.IN_TRAINING, by=by, note=str(group))
    return enrollment


def cancel_enrollment(enrollment: Enrollment, *, by=None) -> Enrollment | None:
    """Cancel a place or a waiting-list entry; a freed place goes to the first on the list.

    A household in training whose place this was, with no other place, goes back to *accepted
    for pre-training* (recorded): the dashboard lists it as waiting for a group. The e-mail link,
    the admin and every other path cancel here. Returns the promoted enrollment, if any.
    """
    with transaction.atomic():
        group = TrainingGroup.objects.select_for_update().get(pk=enrollment.group_id)
        enrollment = Enrollment.objects.select_related("family").get(pk=enrollment.pk)
        refuse_anonymised(enrollment.family, error=TrainingRecordAnonymised)
        if enrollment.status == EnrollmentStatus.CANCELLED:
            return None
        had_place = enrollment.status == EnrollmentStatus.ENROLLED
        enrollment.status = EnrollmentStatus.CANCELLED
        enrollment.status_changed_at = timezone.now()
        enrollment.status_changed_by = by
        enrollment.save(update_fields=["status", "status_changed_at", "status_changed_by"])
        if had_place:
            _back_to_waiting_for_a_group(
                enrollment, by=by, group=group, note_code=SystemNote.GROUP_PLACE_CANCELLED
            )
        send_after_commit(emails.send_enrollment_cancelled, enrollment.pk)
        promoted = _promote_locked(group, by=by)
    return promoted[0] if promoted else None


def _back_to_waiting_for_a_group(
    enrollment: Enrollment, *, by, group: TrainingGroup, note_code: str
) -> None:
    """A household in training that lost this place and has no other (in a group not cancelled)
    goes back to *accepted for pre-training*, recorded: the dashboard lists it as waiting."""
    family = enrollment.family
    other_place = (
        Enrollment.objects.filter(family=family, status=EnrollmentStatus.ENROLLED)
        .exclude(pk=enrollment.pk)
        .exclude(group__status=GroupStatus.CANCELLED)
        .exists()
    )
    family.refresh_from_db(fields=["status"])
    if not other_place and family.status == FamilyStatus.IN_TRAINING:
        change_status(
            family,
            FamilyStatus.ACCEPTED_FOR_TRAINING,
            by=by,
            note=str(group),
            note_code=note_code,
        )


def promote_from_waitlist(group: TrainingGroup, *, by=None) -> list[Enrollment]:
    """Fill free places from the waiting list, first come first served (e.g. after the capacity
    was raised)."""
    with transaction.atomic():
        locked = TrainingGroup.objects.select_for_update().get(pk=group.pk)
        return _promote_locked(locked, by=by)


def _promote_locked(group: TrainingGroup, *, by) -> list[Enrollment]:
    if group.status != GroupStatus.PUBLISHED:
        return []
    taken = Enrollment.objects.filter(group=group, status__in=TAKES_A_PLACE).count()
    free = group.capacity - taken
    if free <= 0:
        return []
    promoted = list(
        # An erased household's place in the queue is not taken up (it is closed for good).
        Enrollment.objects.filter(
            group=group, status=EnrollmentStatus.WAITLISTED, family__anonymised_at__isnull=True
        )
        .select_related("family")
        .order_by("joined_at", "pk")[:free]
    )
    now = timezone.now()
    for enrollment in promoted:
        enrollment.status = EnrollmentStatus.ENROLLED
        enrollment.status_changed_at = now
        enrollment.status_changed_by = by
        enrollment.save(update_fields=["status", "status_changed_at", "status_changed_by"])
        _advance(enrollment.family, FamilyStatus.IN_TRAINING, by=by, note=str(group))
        send_after_commit(emails.send_promotion_notice, enrollment.pk)
    return promoted


def cancel_training_session(session: TrainingSession, *, by=None) -> int:
    """Cancel one evening of a group and tell every enrolled household; return how many."""
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if session.is_cancelled:
            return 0
        session.status = SessionStatus.CANCELLED
        session.sequence += 1
        session.save(update_fields=["status", "sequence"])
        family_ids = list(
            Enrollment.objects.filter(
                group_id=session.group_id, status=EnrollmentStatus.ENROLLED
            ).values_list("family_id", flat=True)
        )
        for family_id in family_ids:
            send_after_commit(emails.send_training_session_cancelled, session.pk, family_id)
    return len(family_ids)


def cancel_group(group: TrainingGroup, *, by=None) -> int:
    """Cancel a whole group: its sessions leave calendars and every household is told; a
    household in training with no other place goes back to waiting for a group."""
    with transaction.atomic():
        group = TrainingGroup.objects.select_for_update().get(pk=group.pk)
        if group.is_cancelled:
            return 0
        group.status = GroupStatus.CANCELLED
        group.save(update_fields=["status"])
        for session in group.sessions.filter(status=SessionStatus.SCHEDULED):
            session.status = SessionStatus.CANCELLED
            session.sequence += 1
            session.save(update_fields=["status", "sequence"])
        family_ids = list(
            group.enrollments.filter(
                status__in=(EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED)
            ).values_list("family_id", flat=True)
        )
        for enrollment in group.enrollments.filter(status=EnrollmentStatus.ENROLLED).select_related(
            "family"
        ):
            _back_to_waiting_for_a_group(
                enrollment, by=by, group=group, note_code=SystemNote.GROUP_CANCELLED
            )
        for family_id in family_ids:
            send_after_commit(emails.send_group_cancelled, group.pk, family_id)
    return len(family_ids)


DEFAULT_SESSIONS = 3
DEFAULT_START = datetime.time(17, 0)
DEFAULT_LENGTH = datetime.timedelta(hours=3)


def add_default_sessions(
    group: TrainingGroup, *, first_day: datetime.date, start: datetime.time = DEFAULT_START
) -> list[TrainingSession]:
    """The usual schedule: three 3-hour evenings a week apart, from `first_day` on."""
    sessions = []
    with transaction.atomic():
        for week in range(DEFAULT_SESSIONS):
            day = first_day + datetime.timedelta(weeks=week)
            starts_at = timezone.make_aware(datetime.datetime.combine(day, start))
            sessions.append(
                TrainingSession.objects.create(
                    group=group, starts_at=starts_at, ends_at=starts_at + DEFAULT_LENGTH
                )
            )
    return sessions


def duplicate_group(
    group: TrainingGroup, *, first_day: datetime.date, name: str = ""
) -> TrainingGroup:
    """A new draft group with the same schedule moved so that its first session is on
    `first_day` (same weekdays apart, same local clock times)."""
    sessions = list(group.sessions.order_by("starts_at"))
    if not sessions:
        raise ValueError(_("The group has no sessions to copy."))
    first_local = timezone.localtime(sessions[0].starts_at).date()
    shift = first_day - first_local
    with transaction.atomic():
        copy = TrainingGroup.objects.create(
            name=name or group.name,
            capacity=group.capacity,
            language=group.language,
            status=GroupStatus.DRAFT,
            attendance=group.attendance,
            location=group.location,
            notes=group.notes,
        )
        for session in sessions:
            TrainingSession.objects.create(
                group=copy,
                starts_at=_shift_local(session.starts_at, shift),
                ends_at=_shift_local(session.ends_at, shift),
                online_link=session.online_link,
            )
    return copy


def _shift_local(moment: datetime.datetime, days: datetime.timedelta) -> datetime.datetime:
    # Shift by calendar days in Helsinki time, so 17:00 stays 17:00 across a DST change.
    local = timezone.localtime(moment)
    naive = local.replace(tzinfo=None) + days
    return timezone.make_aware(naive)
