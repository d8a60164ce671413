"""Business operations of the trainings app.

Every limit is checked after locking the row that guards it (the info session, the training
group), inside one transaction, so simultaneous sign-ups can never overfill a group. E-mail goes
out after the transaction commits.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, Min, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from families.models import FamilyStatus, SupportFamily
from families.services import ALLOWED_TRANSITIONS, change_status, find_or_create_applicant
from trainings import emails
from trainings.models import (
    TAKES_A_PLACE,
    Attendance,
    Enrollment,
    EnrollmentStatus,
    Event,
    EventInvitation,
    GroupStatus,
    HomeVisit,
    InfoSession,
    InvitationReply,
    Registration,
    RegistrationStatus,
    SessionStatus,
    TrainingGroup,
    TrainingSession,
)

PRETRAINING_HOURS = Decimal("10")
HOME_LIMIT = 3


class SignupError(Exception):
    """A sign-up that cannot be taken; the message is shown on the form."""


class SignupClosed(SignupError):
    pass


class SessionFull(SignupError):
    pass


class AlreadySignedUp(SignupError):
    pass


class NotEnoughHours(Exception):
    """The household has not yet completed the 10 hours of pre-training."""


class AttendanceError(Exception):
    pass


# --- Listings ----------------------------------------------------------------------------------


def info_sessions_with_places():
    """Info sessions annotated with `taken` (active registrations)."""
    return InfoSession.objects.annotate(
        taken=Count("registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED))
    )


def upcoming_info_sessions(now=None):
    now = now or timezone.now()
    return info_sessions_with_places().filter(ends_at__gte=now).order_by("starts_at", "pk")


def groups_with_places():
    """Training groups annotated with `taken`, `waitlisted`, `first_start` and `last_end`."""
    return TrainingGroup.objects.annotate(
        taken=Count(
            "enrollments",
            filter=Q(enrollments__status__in=TAKES_A_PLACE),
            distinct=True,
        ),
        waitlisted=Count(
            "enrollments",
            filter=Q(enrollments__status=EnrollmentStatus.WAITLISTED),
            distinct=True,
        ),
        first_start=Min("sessions__starts_at", filter=Q(sessions__status=SessionStatus.SCHEDULED)),
        last_end=Max("sessions__ends_at"),
    )


def public_groups():
    """Groups the public may see (published or cancelled, never drafts), with their sessions."""
    return (
        groups_with_places()
        .exclude(status=GroupStatus.DRAFT)
        .prefetch_related(
            Prefetch("sessions", queryset=TrainingSession.objects.order_by("starts_at"))
        )
    )


def upcoming_groups(now=None):
    now = now or timezone.now()
    return public_groups().filter(last_end__gte=now).order_by("first_start", "pk")


def places_left(capacity, taken) -> int | None:
    if capacity is None:
        return None
    return max(capacity - (taken or 0), 0)


def home_listing() -> dict:
    """What the home page shows of upcoming info sessions and training groups (two queries)."""
    now = timezone.now()
    sessions = list(
        upcoming_info_sessions(now).filter(status=SessionStatus.SCHEDULED, starts_at__gt=now)[
            :HOME_LIMIT
        ]
    )
    groups = list(
        groups_with_places()
        .filter(status=GroupStatus.PUBLISHED, first_start__gt=now)
        .order_by("first_start", "pk")[:HOME_LIMIT]
    )
    for item in sessions:
        item.places_left = places_left(item.capacity, item.taken)
    for item in groups:
        item.places_left = places_left(item.capacity, item.taken)
    return {"upcoming_info_sessions": sessions, "upcoming_training_groups": groups}


# --- Family status -----------------------------------------------------------------------------


def _advance(family: SupportFamily, to: str, *, by=None, note: str = "") -> bool:
    """Move the household forward if the pipeline allows it from where it is; never backwards."""
    family.refresh_from_db(fields=["status"])
    if to not in ALLOWED_TRANSITIONS[family.status]:
        return False
    change_status(family, to, by=by, note=note)
    return True


# --- Info sessions -----------------------------------------------------------------------------


def register_for_info_session(
    session: InfoSession,
    *,
    name: str,
    email: str,
    phone: str,
    municipality: str = "",
    language: str = "fi",
) -> Registration:
    """Sign a household up for an info session.

    Refused when the session is past or cancelled, when it is full, or when the household has
    already signed up. The session row is locked before counting.
    """
    with transaction.atomic():
        session = InfoSession.objects.select_for_update().get(pk=session.pk)
        if session.is_cancelled:
            raise SignupClosed(_("This info session has been cancelled."))
        if session.starts_at <= timezone.now():
            raise SignupClosed(_("This info session has already taken place."))
        family, _created = find_or_create_applicant(
            name=name, email=email, phone=phone, municipality=municipality, language=language
        )
        existing = Registration.objects.filter(session=session, family=family).first()
        if existing and existing.status == RegistrationStatus.REGISTERED:
            raise AlreadySignedUp(
                _(
                    "You have already signed up for this info session with this e-mail address. "
                    "The details are in the confirmation e-mail we sent you."
                )
            )
        if session.capacity is not None:
            taken = Registration.objects.filter(
                session=session, status=RegistrationStatus.REGISTERED
            ).count()
            if taken >= session.capacity:
                raise SessionFull(_("This info session is full. Please choose another date."))
        if existing:
            existing.status = RegistrationStatus.REGISTERED
            existing.save(update_fields=["status"])
            registration = existing
        else:
            registration = Registration.objects.create(session=session, family=family)
        transaction.on_commit(lambda: emails.send_registration_confirmation(registration.pk))
    return registration


def cancel_registration(registration: Registration) -> Registration:
    """The household no longer comes to the info session; its place frees up."""
    with transaction.atomic():
        InfoSession.objects.select_for_update().get(pk=registration.session_id)
        registration.refresh_from_db()
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status"])
    return registration


def mark_info_session_attended(registration: Registration, *, by=None) -> Registration:
    """Record that the household attended; an *applied* household moves on in the pipeline."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.attended = True
        registration.save(update_fields=["attended"])
        if registration.family.status == FamilyStatus.APPLIED:
            _advance(
                registration.family,
                FamilyStatus.INFO_SESSION_ATTENDED,
                by=by,
                note=_("Attended the info session on %(date)s.")
                % {"date": timezone.localtime(registration.session.starts_at).strftime("%d.%m.%Y")},
            )
    return registration


def cancel_info_session(session: InfoSession, *, by=None) -> int:
    """Cancel an info session and tell everyone signed up; return how many were told."""
    with transaction.atomic():
        session = InfoSession.objects.select_for_update().get(pk=session.pk)
        if session.is_cancelled:
            return 0
        session.status = SessionStatus.CANCELLED
        session.sequence += 1
        session.save(update_fields=["status", "sequence"])
        family_ids = list(
            session.registrations.filter(status=RegistrationStatus.REGISTERED).values_list(
                "family_id", flat=True
            )
        )
        for family_id in family_ids:
            transaction.on_commit(
                lambda f=family_id: emails.send_info_session_cancelled(session.pk, f)
            )
    return len(family_ids)


# --- Training groups ---------------------------------------------------------------------------


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
    """Public sign-up for a training group: a place if one is free, else the waiting list."""
    with transaction.atomic():
        locked = TrainingGroup.objects.select_for_update().get(pk=group.pk)
        reason = _group_signup_closed_reason(locked)
        if reason:
            raise SignupClosed(reason)
        family, _created = find_or_create_applicant(
            name=name, email=email, phone=phone, municipality=municipality, language=language
        )
        return _enroll_locked(locked, family, by=None)


def enroll_family(group: TrainingGroup, family: SupportFamily, *, by=None) -> Enrollment:
    """A coordinator puts an existing household in a group (or on its waiting list)."""
    with transaction.atomic():
        locked = TrainingGroup.objects.select_for_update().get(pk=group.pk)
        if locked.status == GroupStatus.CANCELLED:
            raise SignupClosed(_("This training group has been cancelled."))
        return _enroll_locked(locked, family, by=by)


def _enroll_locked(group: TrainingGroup, family: SupportFamily, *, by) -> Enrollment:
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
        _advance(family, FamilyStatus.IN_TRAINING, by=by, note=str(group))
        transaction.on_commit(lambda: emails.send_enrollment_confirmation(enrollment.pk))
    else:
        transaction.on_commit(lambda: emails.send_waitlist_notice(enrollment.pk))
    return enrollment


def cancel_enrollment(enrollment: Enrollment, *, by=None) -> Enrollment | None:
    """Cancel a place or a waiting-list entry; a freed place goes to the first on the list.

    Returns the promoted enrollment, if any.
    """
    with transaction.atomic():
        group = TrainingGroup.objects.select_for_update().get(pk=enrollment.group_id)
        enrollment = Enrollment.objects.get(pk=enrollment.pk)
        if enrollment.status == EnrollmentStatus.CANCELLED:
            return None
        enrollment.status = EnrollmentStatus.CANCELLED
        enrollment.status_changed_at = timezone.now()
        enrollment.status_changed_by = by
        enrollment.save(update_fields=["status", "status_changed_at", "status_changed_by"])
        transaction.on_commit(lambda: emails.send_enrollment_cancelled(enrollment.pk))
        promoted = _promote_locked(group, by=by)
    return promoted[0] if promoted else None


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
        Enrollment.objects.filter(group=group, status=EnrollmentStatus.WAITLISTED)
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
        transaction.on_commit(lambda pk=enrollment.pk: emails.send_promotion_notice(pk))
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
            transaction.on_commit(
                lambda f=family_id: emails.send_training_session_cancelled(session.pk, f)
            )
    return len(family_ids)


def cancel_group(group: TrainingGroup, *, by=None) -> int:
    """Cancel a whole group: its sessions leave calendars and every household is told."""
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
        for family_id in family_ids:
            transaction.on_commit(lambda f=family_id: emails.send_group_cancelled(group.pk, f))
    return len(family_ids)


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


# --- Attendance and completion -----------------------------------------------------------------


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


def complete_pretraining(family: SupportFamily, *, by=None) -> SupportFamily:
    """Attended hours plus the home visit make at least 10 hours: the household is *trained*.

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
        _advance(
            family,
            FamilyStatus.TRAINED,
            by=by,
            note=_("Pre-training completed: %(hours)s hours.") % {"hours": hours},
        )
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


# --- Events ------------------------------------------------------------------------------------


def invite_active_families(event: Event) -> int:
    """Invite every active support family not yet invited; return how many were invited."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        already = EventInvitation.objects.filter(event=event).values_list("family_id", flat=True)
        families = list(
            SupportFamily.objects.filter(status=FamilyStatus.ACTIVE).exclude(pk__in=already)
        )
        created = EventInvitation.objects.bulk_create(
            [EventInvitation(event=event, family=family) for family in families],
            ignore_conflicts=True,
        )
        ids = [family.pk for family in families]
        for family_id in ids:
            transaction.on_commit(lambda f=family_id: emails.send_event_invitation(event.pk, f))
    return len(created)


def reply_to_invitation(
    invitation: EventInvitation, *, reply: str, participants: int = 0
) -> EventInvitation:
    if reply not in InvitationReply.values:
        raise ValueError(reply)
    invitation.reply = reply
    invitation.participants = participants if reply == InvitationReply.YES else 0
    invitation.replied_at = timezone.now()
    invitation.save(update_fields=["reply", "participants", "replied_at"])
    return invitation
