"""Sign-ups, the waiting list and cancellations through the services."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from families.models import FamilyStatus, FamilyStatusChange, SupportFamily
from kalliola.models import QueuedMail
from tests.factories.families import SupportFamilyFactory
from tests.factories.trainings import (
    EnrollmentFactory,
    InfoSessionFactory,
    RegistrationFactory,
    TrainingGroupFactory,
)
from trainings import services
from trainings.models import Enrollment, EnrollmentStatus, GroupStatus, Registration

pytestmark = pytest.mark.django_db


def person(n=1, **extra):
    return {
        "name": f"Hakija {n}",
        "email": f"hakija{n}@example.org",
        "phone": "040 123 4567",
        "municipality": "Helsinki",
        **extra,
    }


def test_info_session_signup_creates_an_interested_household(django_capture_on_commit_callbacks):
    session = InfoSessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register_for_info_session(session, **person())
    family = registration.family
    assert family.status == FamilyStatus.INTERESTED  # not an application
    assert family.status_changes.get().to_status == FamilyStatus.INTERESTED
    assert family.email == "hakija1@example.org"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hakija1@example.org"]


def test_same_email_twice_is_one_place_and_the_confirmation_again(
    django_capture_on_commit_callbacks,
):
    session = InfoSessionFactory()
    first = services.register_for_info_session(session, **person())
    with django_capture_on_commit_callbacks(execute=True):
        again = services.register_for_info_session(session, **person(email="HAKIJA1@example.org "))
    assert again == first
    assert Registration.objects.count() == 1
    assert SupportFamily.objects.count() == 1
    assert [message.to for message in mail.outbox] == [["hakija1@example.org"]]
    assert QueuedMail.objects.order_by("-pk").first().args == [first.pk, True]  # "again"
    assert "ilmoittauduttiin uudelleen" in mail.outbox[0].body
    assert "/peru-ilmoittautuminen/" in mail.outbox[0].body  # its cancellation link still works


def test_one_household_across_info_session_and_group():
    services.register_for_info_session(InfoSessionFactory(), **person())
    enrollment = services.enroll(TrainingGroupFactory(), **person())
    assert SupportFamily.objects.count() == 1
    enrollment.family.refresh_from_db()
    assert enrollment.family.status == FamilyStatus.INTERESTED  # a public form moves nobody


def test_full_info_session_refuses_and_saves_nothing():
    session = InfoSessionFactory(capacity=1)
    services.register_for_info_session(session, **person(1))
    with pytest.raises(services.SessionFull):
        services.register_for_info_session(session, **person(2))
    assert not SupportFamily.objects.filter(email="hakija2@example.org").exists()


def test_past_or_cancelled_info_session_refuses_signup():
    past = InfoSessionFactory(days_ahead=-2)
    cancelled = InfoSessionFactory(status="cancelled")
    for session in (past, cancelled):
        with pytest.raises(services.SignupClosed):
            services.register_for_info_session(session, **person())
    assert Registration.objects.count() == 0


def test_marking_info_session_attendance_moves_applied_household_on(coordinator):
    registration = RegistrationFactory(
        session=InfoSessionFactory(days_ahead=-1),
        family=SupportFamilyFactory(status=FamilyStatus.APPLIED),
    )
    services.mark_info_session_attended(registration, by=coordinator)
    registration.family.refresh_from_db()
    assert registration.family.status == FamilyStatus.INFO_SESSION_ATTENDED
    change = FamilyStatusChange.objects.filter(family=registration.family).first()
    assert change.to_status == FamilyStatus.INFO_SESSION_ATTENDED
    assert change.changed_by == coordinator


def test_ninth_signup_for_eight_places_goes_to_waitlist():
    group = TrainingGroupFactory(capacity=8)
    statuses = [services.enroll(group, **person(n)).status for n in range(9)]
    assert statuses == [EnrollmentStatus.ENROLLED] * 8 + [EnrollmentStatus.WAITLISTED]
    waiting = Enrollment.objects.get(status=EnrollmentStatus.WAITLISTED)
    assert waiting.family.status == FamilyStatus.APPLIED


def test_waitlisted_household_gets_a_waitlist_notice(django_capture_on_commit_callbacks):
    group = TrainingGroupFactory(capacity=1)
    services.enroll(group, **person(1))
    with django_capture_on_commit_callbacks(execute=True):
        services.enroll(group, **person(2))
    assert mail.outbox[-1].to == ["hakija2@example.org"]
    assert not mail.outbox[-1].attachments


def test_cancellation_promotes_the_first_waitlisted_with_an_email(
    django_capture_on_commit_callbacks,
):
    group = TrainingGroupFactory(capacity=1)
    first = services.enroll(group, **person(1))
    second = services.enroll(group, **person(2))
    services.enroll(group, **person(3))
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_enrollment(first)
    assert promoted.pk == second.pk
    second.refresh_from_db()
    assert second.status == EnrollmentStatus.ENROLLED
    # A public sign-up's place waits for the coordinator's review, promoted or not.
    assert second.family.status == FamilyStatus.APPLIED
    recipients = [m.to[0] for m in mail.outbox]
    assert "hakija1@example.org" in recipients  # cancellation notice
    promotion = next(m for m in mail.outbox if m.to == ["hakija2@example.org"])
    assert promotion.attachments  # the sessions as .ics
    third = Enrollment.objects.get(family__email="hakija3@example.org")
    assert third.status == EnrollmentStatus.WAITLISTED


def test_cancelling_a_waitlisted_entry_promotes_nobody():
    group = TrainingGroupFactory(capacity=1)
    services.enroll(group, **person(1))
    waiting = services.enroll(group, **person(2))
    assert services.cancel_enrollment(waiting) is None
    assert group.enrollments.filter(status=EnrollmentStatus.ENROLLED).count() == 1


def test_same_email_in_same_group_twice_keeps_the_one_place(django_capture_on_commit_callbacks):
    group = TrainingGroupFactory()
    first = services.enroll(group, **person())
    with django_capture_on_commit_callbacks(execute=True):
        again = services.enroll(group, **person())
    assert again == first
    assert again.status == EnrollmentStatus.ENROLLED
    assert Enrollment.objects.count() == 1
    assert len(mail.outbox) == 1
    assert QueuedMail.objects.order_by("-pk").first().args == [first.pk, True]
    assert "ilmoittauduttiin uudelleen" in mail.outbox[0].body


def test_same_email_on_the_waiting_list_twice_stays_in_its_turn(django_capture_on_commit_callbacks):
    group = TrainingGroupFactory(capacity=1)
    services.enroll(group, **person(1))
    waiting = services.enroll(group, **person(2))
    with django_capture_on_commit_callbacks(execute=True):
        again = services.enroll(group, **person(2))
    assert again == waiting
    again.refresh_from_db()
    assert (again.status, again.joined_at) == (EnrollmentStatus.WAITLISTED, waiting.joined_at)
    queued = QueuedMail.objects.order_by("-pk").first()
    assert queued.mail.endswith(".send_waitlist_notice")
    assert queued.args == [waiting.pk, True]


def test_a_coordinator_putting_a_household_in_its_group_again_is_refused():
    group = TrainingGroupFactory()
    enrollment = services.enroll(group, **person())
    with pytest.raises(services.AlreadySignedUp):
        services.enroll_family(group, enrollment.family)


def test_cancelled_household_may_sign_up_again_at_the_back_of_the_queue():
    group = TrainingGroupFactory(capacity=1)
    first = services.enroll(group, **person(1))
    services.cancel_enrollment(first)
    again = services.enroll(group, **person(1))
    assert again.pk == first.pk
    assert again.status == EnrollmentStatus.ENROLLED


def test_group_that_started_draft_or_cancelled_refuses_signup():
    started = TrainingGroupFactory(sessions__days_ahead=-1)
    draft = TrainingGroupFactory(status=GroupStatus.DRAFT)
    cancelled = TrainingGroupFactory(status=GroupStatus.CANCELLED)
    for group in (started, draft, cancelled):
        with pytest.raises(services.SignupClosed):
            services.enroll(group, **person())
    assert Enrollment.objects.count() == 0
    assert SupportFamily.objects.count() == 0


def test_raising_capacity_fills_places_from_the_waitlist():
    group = TrainingGroupFactory(capacity=1)
    services.enroll(group, **person(1))
    services.enroll(group, **person(2))
    group.capacity = 2
    group.save()
    promoted = services.promote_from_waitlist(group)
    assert [p.family.email for p in promoted] == ["hakija2@example.org"]


def test_trained_household_enrolling_again_keeps_its_status():
    family = SupportFamilyFactory(status=FamilyStatus.TRAINED)
    services.enroll_family(TrainingGroupFactory(), family)
    family.refresh_from_db()
    assert family.status == FamilyStatus.TRAINED


def test_cancel_group_tells_everyone_and_cancels_sessions(django_capture_on_commit_callbacks):
    enrollment = EnrollmentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        told = services.cancel_group(enrollment.group)
    assert told == 1
    assert set(enrollment.group.sessions.values_list("status", flat=True)) == {"cancelled"}
    assert mail.outbox[0].to == [enrollment.family.email]


def test_duplicate_group_copies_the_schedule_to_new_dates_keeping_local_times():
    group = TrainingGroupFactory()
    first_day = timezone.localdate() + datetime.timedelta(days=200)
    copy = services.duplicate_group(group, first_day=first_day, name="Uusi ryhmä")
    assert copy.status == GroupStatus.DRAFT
    old = list(group.sessions.order_by("starts_at"))
    new = list(copy.sessions.order_by("starts_at"))
    assert len(new) == 3
    assert timezone.localtime(new[0].starts_at).date() == first_day
    for a, b in zip(old, new, strict=True):
        assert timezone.localtime(a.starts_at).time() == timezone.localtime(b.starts_at).time()
        assert a.hours == b.hours
    gap_old = old[1].starts_at.date() - old[0].starts_at.date()
    assert new[1].starts_at.date() - new[0].starts_at.date() == gap_old
