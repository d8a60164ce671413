"""Info-session sign-ups, attendance and cancellation; the session row guards capacity."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from families.models import FamilyStatus, SubmissionSource
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
    SessionFull,
    SignupClosed,
    TrainingRecordAnonymised,
    _advance,
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
    """Record that the household attended; an *applied* household moves on in the pipeline."""
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        refuse_anonymised(registration.family, error=TrainingRecordAnonymised)
        registration.attended = True
        registration.save(update_fields=["attended"])
        # Only an *applied* household moves: the pipeline's table allows the step from there.
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
            send_after_commit(emails.send_info_session_cancelled, session.pk, family_id)
    return len(family_ids)
