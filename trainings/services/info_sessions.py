"""Info-session sign-ups, attendance and cancellation; the session row guards capacity."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from families.models import FamilyStatus, SubmissionSource, SystemNote
from families.services import find_or_create_applicant
from kalliola.mail import send_after_commit
from kalliola.services.anonymised import refuse_anonymised
from trainings import emails
from trainings.models import (
    InfoSession,
    Registration,
    RegistrationStatus,
    SessionStatus,
)
from trainings.services.common import (
    AttendanceError,
    SessionFull,
    SignupClosed,
    TrainingRecordAnonymised,
    _advance,
    attendance_refusal,
)


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

    Refused when the session is past or cancelled, or when it is full. The session row is
    locked before counting. A household already signed up keeps its one place, and the answer
    is the same as for a new sign-up (nobody learns from the form who has signed up): its
    confirmation is sent again, saying so, to the household's address.
    """
    with transaction.atomic():
        # The household first (rolled back with the rest if the sign-up is refused), the lock
        # after it: simultaneous sign-ups then wait for each other only for the count and insert.
        family, created = find_or_create_applicant(
            name=name,
            email=email,
            phone=phone,
            municipality=municipality,
            language=language,
            source=SubmissionSource.INFO_SESSION,
        )
        if not created:  # a household found by its address may have been erased
            refuse_anonymised(family, error=TrainingRecordAnonymised)
        session = InfoSession.objects.select_for_update().get(pk=session.pk)
        if session.is_cancelled:
            raise SignupClosed(_("This info session has been cancelled."))
        if session.starts_at <= timezone.now():
            raise SignupClosed(_("This info session has already taken place."))
        # Full is full for everyone, signed up already or not: the same answer for both.
        if session.capacity is not None:
            taken = Registration.objects.filter(
                session=session, status=RegistrationStatus.REGISTERED
            ).count()
            if taken >= session.capacity:
                raise SessionFull(_("This info session is full. Please choose another date."))
        # A household created just now has signed up for nothing yet.
        existing = (
            None if created else Registration.objects.filter(session=session, family=family).first()
        )
        if existing and existing.status == RegistrationStatus.REGISTERED:
            send_after_commit(emails.send_registration_confirmation, existing.pk, True)
            return existing
        if existing:
            existing.status = RegistrationStatus.REGISTERED
            existing.save(update_fields=["status"])
            registration = existing
        else:
            registration = Registration.objects.create(session=session, family=family)
        send_after_commit(emails.send_registration_confirmation, registration.pk)
    return registration


def cancel_registration(registration: Registration) -> Registration:
    """The household no longer comes to the info session; its place frees up."""
    with transaction.atomic():
        InfoSession.objects.select_for_update().get(pk=registration.session_id)
        registration.refresh_from_db()
        refuse_anonymised(registration.family, error=TrainingRecordAnonymised)
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status"])
    return registration


def mark_info_session_attended(registration: Registration, *, by=None) -> Registration:
    """Record that the household attended; an *applied* household moves on in the pipeline
    (an *interested* one stays interested: it has sent no application).

    Refused by `attendance_refusal` for a session that has not started or was cancelled."""
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("session")
            .get(pk=registration.pk)
        )
        if refusal := attendance_refusal(registration.session):
            raise AttendanceError(refusal)
        refuse_anonymised(registration.family, error=TrainingRecordAnonymised)
        registration.attended = True
        registration.save(update_fields=["attended"])
        # Only an *applied* household moves: the pipeline's table allows the step from there.
        _advance(
            registration.family,
            FamilyStatus.INFO_SESSION_ATTENDED,
            by=by,
            note=timezone.localtime(registration.session.starts_at).date().isoformat(),
            note_code=SystemNote.INFO_SESSION_ATTENDED,
        )
    return registration


def record_info_session_attendance(
    session: InfoSession, attended: Iterable[Registration], *, by=None
) -> int:
    """The coordinator's ticks on an info session's page: the registrations in `attended`
    attended (`mark_info_session_attended`), the session's other registrations did not.

    Refused as a whole by `attendance_refusal`, and for a registration of another session.
    Returns how many attended.
    """
    attended = list(attended)
    if refusal := attendance_refusal(session):
        raise AttendanceError(refusal)
    if any(registration.session_id != session.pk for registration in attended):
        raise AttendanceError(_("The registration belongs to another info session."))
    with transaction.atomic():
        ticked = [registration.pk for registration in attended]
        session.registrations.exclude(pk__in=ticked).filter(
            attended=True, family__anonymised_at__isnull=True
        ).update(attended=False)
        for registration in attended:
            mark_info_session_attended(registration, by=by)
    return len(attended)


def registrations_to_tick(session: InfoSession) -> QuerySet[Registration]:
    """The households whose attendance of an info session can be ticked: those signed up."""
    return (
        # Erased households are passed over (`mark_info_session_attended` would refuse them).
        session.registrations.filter(
            status=RegistrationStatus.REGISTERED, family__anonymised_at__isnull=True
        )
        .select_related("family")
        .order_by("family__contact_name", "pk")
    )


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
            send_after_commit(emails.send_info_session_cancelled, session.pk, family_id)
    return len(family_ids)
