"""Issue 16, points 1 and 2: every place in a group waits for the coordinator's review, a
cancelled place returns the household to waiting for a group, and attendance is recorded only for
sessions that took place, of the household's own group."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation

from families.models import (
    FamilyStatus,
    FamilyStatusChange,
    SubmissionSource,
    SupportFamily,
)
from families.services import TransitionNotAllowed, change_status, merge_duplicate
from families.services.duplicates import keep_apart
from tests.factories.families import SupportFamilyFactory
from tests.factories.trainings import (
    AttendanceFactory,
    EnrollmentFactory,
    InfoSessionFactory,
    RegistrationFactory,
    TrainingGroupFactory,
)
from tests.factories.users import SupportWorkerFactory
from tests.helpers import signup_form
from tests.kalliola.test_admin_inlines import _FormFields
from trainings import services
from trainings.models import Attendance, EnrollmentStatus
from trainings.tokens import ENROLLMENT, cancel_token

pytestmark = pytest.mark.django_db
S = FamilyStatus


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def person(n=1):
    return {"name": f"Hakija {n}", "email": f"hakija{n}@example.org", "phone": "040 123 4567"}


def _history(family):
    return list(
        FamilyStatusChange.objects.filter(family=family)
        .order_by("changed_at", "pk")
        .values_list("from_status", "to_status")
    )


# -- point 1: interested, applied, reviewed ------------------------------------------------------


def test_a_public_group_signup_from_a_new_address_is_an_application_waiting_for_review():
    enrollment = services.enroll(TrainingGroupFactory(), **person())
    family = SupportFamily.objects.get(pk=enrollment.family_id)
    assert enrollment.status == EnrollmentStatus.ENROLLED  # the place is held...
    assert family.status == S.APPLIED  # ...but the household is not in training
    assert _history(family) == [("", S.APPLIED)]
    assert list(services.places_to_confirm()) == [enrollment]


@pytest.mark.parametrize("status", [S.INTERESTED, S.APPLIED, S.ACCEPTED_FOR_TRAINING, S.TRAINED])
def test_a_public_group_signup_from_a_known_address_changes_nothing_stored(status):
    family = SupportFamilyFactory(status=status, email="known@example.org", phone="040 111 2222")
    services.enroll(TrainingGroupFactory(), **{**person(), "email": "known@example.org"})
    family.refresh_from_db()
    assert family.status == status
    assert not FamilyStatusChange.objects.filter(family=family).exists()
    assert family.phone == "040 111 2222"  # the differing phone is kept apart


def test_the_group_signup_page_answers_the_same_for_a_known_and_a_new_address(client):
    known = SupportFamilyFactory(status=S.ACCEPTED_FOR_TRAINING, email="known@example.org")
    group = TrainingGroupFactory()
    url = f"/en/valmennus/{group.pk}/"
    answers = []
    for email in ("known@example.org", "new@example.org"):
        response = client.post(url, signup_form(email=email), follow=True)
        answers.append((response.status_code, [str(m) for m in response.context["messages"]]))
    assert answers[0] == answers[1]
    known.refresh_from_db()
    assert known.status == S.ACCEPTED_FOR_TRAINING
    assert SupportFamily.objects.get(email="new@example.org").status == S.APPLIED


def test_confirming_a_place_reviews_the_application_and_starts_the_training(coordinator):
    enrollment = services.enroll(TrainingGroupFactory(), **person())
    services.confirm_enrollment(enrollment, by=coordinator)
    family = SupportFamily.objects.get(pk=enrollment.family_id)
    assert family.status == S.IN_TRAINING
    assert _history(family) == [
        ("", S.APPLIED),
        (S.APPLIED, S.ACCEPTED_FOR_TRAINING),
        (S.ACCEPTED_FOR_TRAINING, S.IN_TRAINING),
    ]
    assert set(family.status_changes.exclude(from_status="").values_list("changed_by", flat=True))
    assert not services.places_to_confirm().exists()


def test_confirming_the_place_of_an_interested_household_is_refused(coordinator):
    family = SupportFamilyFactory(status=S.INTERESTED)
    enrollment = services.enroll_family(TrainingGroupFactory(), family, by=coordinator)
    with pytest.raises(services.NotReviewed, match="has not sent an application"):
        services.confirm_enrollment(enrollment, by=coordinator)
    family.refresh_from_db()
    assert family.status == S.INTERESTED


def test_confirming_a_waiting_list_entry_is_refused(coordinator):
    group = TrainingGroupFactory(capacity=1)
    services.enroll(group, **person(1))
    waiting = services.enroll(group, **person(2))
    with pytest.raises(services.NotReviewed, match="no place in the group"):
        services.confirm_enrollment(waiting, by=coordinator)


@pytest.mark.parametrize("who", ["nobody", "support worker"])
def test_only_a_coordinator_reviews_an_application(who):
    by = None if who == "nobody" else SupportWorkerFactory()
    enrollment = services.enroll(TrainingGroupFactory(), **person())
    with pytest.raises(TransitionNotAllowed, match="Only a coordinator"):
        services.confirm_enrollment(enrollment, by=by)
    family = SupportFamily.objects.get(pk=enrollment.family_id)
    with pytest.raises(TransitionNotAllowed, match="Only a coordinator"):
        change_status(family, S.ACCEPTED_FOR_TRAINING, by=by)
    family.refresh_from_db()
    assert family.status == S.APPLIED


@pytest.mark.parametrize("status", [S.INTERESTED, S.APPLIED, S.INFO_SESSION_ATTENDED])
def test_no_step_leads_to_training_without_the_review(status, coordinator):
    family = SupportFamilyFactory(status=status)
    with pytest.raises(TransitionNotAllowed):
        change_status(family, S.IN_TRAINING, by=coordinator, note="x")
    services.enroll_family(TrainingGroupFactory(), family, by=coordinator)  # a place, no step
    family.refresh_from_db()
    assert family.status == status


def test_a_coordinator_giving_a_place_to_an_accepted_household_starts_its_training(coordinator):
    family = SupportFamilyFactory(status=S.ACCEPTED_FOR_TRAINING)
    services.enroll_family(TrainingGroupFactory(), family, by=coordinator)
    family.refresh_from_db()
    assert family.status == S.IN_TRAINING


def test_an_accepted_household_promoted_from_the_waiting_list_starts_its_training(coordinator):
    group = TrainingGroupFactory(capacity=1)
    first = services.enroll_family(group, SupportFamilyFactory(status=S.ACCEPTED_FOR_TRAINING))
    family = SupportFamilyFactory(status=S.ACCEPTED_FOR_TRAINING)
    services.enroll_family(group, family, by=coordinator)
    services.cancel_enrollment(first, by=coordinator)
    family.refresh_from_db()
    assert family.status == S.IN_TRAINING


def test_a_cancelled_place_puts_the_household_back_to_waiting_for_a_group(coordinator):
    family = SupportFamilyFactory(status=S.ACCEPTED_FOR_TRAINING)
    enrollment = services.enroll_family(TrainingGroupFactory(), family, by=coordinator)
    services.cancel_enrollment(enrollment, by=coordinator)
    family.refresh_from_db()
    assert family.status == S.ACCEPTED_FOR_TRAINING
    last = family.status_changes.order_by("-changed_at", "-pk").first()
    assert (last.from_status, last.to_status) == (S.IN_TRAINING, S.ACCEPTED_FOR_TRAINING)
    assert "cancelled" in last.note_shown


def test_cancelling_through_the_email_link_records_the_step_back(client, coordinator):
    family = SupportFamilyFactory(status=S.ACCEPTED_FOR_TRAINING)
    enrollment = services.enroll_family(TrainingGroupFactory(), family, by=coordinator)
    response = client.post(f"/peru-ilmoittautuminen/{cancel_token(ENROLLMENT, enrollment.pk)}/")
    assert response.status_code == 302
    family.refresh_from_db()
    assert family.status == S.ACCEPTED_FOR_TRAINING
    last = family.status_changes.order_by("-changed_at", "-pk").first()
    assert (last.from_status, last.changed_by) == (S.IN_TRAINING, None)


def test_a_household_keeps_training_when_one_of_two_places_is_cancelled(coordinator):
    family = SupportFamilyFactory(status=S.ACCEPTED_FOR_TRAINING)
    first = services.enroll_family(TrainingGroupFactory(), family, by=coordinator)
    services.enroll_family(TrainingGroupFactory(), family, by=coordinator)
    services.cancel_enrollment(first, by=coordinator)
    family.refresh_from_db()
    assert family.status == S.IN_TRAINING


def test_cancelling_an_unconfirmed_place_leaves_the_application_as_it_was():
    enrollment = services.enroll(TrainingGroupFactory(), **person())
    services.cancel_enrollment(enrollment)
    family = SupportFamily.objects.get(pk=enrollment.family_id)
    assert family.status == S.APPLIED
    assert _history(family) == [("", S.APPLIED)]


def test_a_merged_application_makes_an_interested_household_applied(coordinator):
    family = SupportFamilyFactory(status=S.INTERESTED, application_submitted_at=None)
    submission = keep_apart(
        family, source=SubmissionSource.APPLICATION, values={"wishes": "Ulkoilua"}
    )
    merge_duplicate(submission, fields=["wishes"], by=coordinator)
    family.refresh_from_db()
    assert family.status == S.APPLIED and family.application_submitted_at is not None
    last = family.status_changes.get()
    assert (last.from_status, last.to_status, last.changed_by) == (
        S.INTERESTED,
        S.APPLIED,
        coordinator,
    )


def test_confirm_places_action_reports_each_refusal(client, coordinator):
    client.force_login(coordinator)
    applied = services.enroll(TrainingGroupFactory(), **person(1))
    interested = services.enroll_family(
        TrainingGroupFactory(),
        SupportFamilyFactory(status=S.INTERESTED, contact_name="Kiinnostunut"),
    )
    response = client.post(
        "/en/admin/trainings/enrollment/",
        {"action": "confirm_places", "_selected_action": [applied.pk, interested.pk]},
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert "1 household is now in pre-training." in texts
    assert any(t.startswith("Kiinnostunut has not sent an application") for t in texts)
    assert SupportFamily.objects.get(pk=applied.family_id).status == S.IN_TRAINING


def test_the_enrollment_list_filters_the_places_waiting_for_review(client, coordinator):
    client.force_login(coordinator)
    waiting = services.enroll(TrainingGroupFactory(), **person(1))
    EnrollmentFactory(family__status=S.IN_TRAINING)
    response = client.get("/en/admin/trainings/enrollment/?review=due")
    assert list(response.context["cl"].result_list) == [waiting]


# -- point 2: attendance ---------------------------------------------------------------------


def test_attendance_of_a_session_still_ahead_is_refused():
    enrollment = EnrollmentFactory()  # its group's evenings start in ten days
    session = enrollment.group.sessions.first()
    with pytest.raises(services.AttendanceError, match="has not started yet"):
        services.record_attendance(enrollment, session, Decimal("3"))
    with pytest.raises(services.AttendanceError, match="has not started yet"):
        services.mark_session_attended(session)
    assert not Attendance.objects.exists()


def test_attendance_of_a_cancelled_session_is_refused(coordinator):
    enrollment = EnrollmentFactory(group__sessions__days_ahead=-30)
    session = enrollment.group.sessions.first()
    services.cancel_training_session(session, by=coordinator)
    session.refresh_from_db()
    with pytest.raises(services.AttendanceError, match="cancelled"):
        services.record_attendance(enrollment, session, Decimal("3"))


def test_attendance_of_another_groups_session_is_refused():
    enrollment = EnrollmentFactory(group__sessions__days_ahead=-30)
    other = TrainingGroupFactory(sessions__days_ahead=-30).sessions.first()
    with pytest.raises(services.AttendanceError, match="another group"):
        services.record_attendance(enrollment, other, Decimal("3"))
    with pytest.raises(services.AttendanceError, match="another group"):
        services.record_session_attendance(other, [enrollment])


def test_a_session_in_progress_takes_attendance():
    group = TrainingGroupFactory(sessions=0)
    started = timezone.now() - datetime.timedelta(minutes=5)
    session = group.sessions.create(
        starts_at=started, ends_at=started + datetime.timedelta(hours=3)
    )
    enrollment = EnrollmentFactory(group=group)
    assert services.attendance_refusal(session, enrollment=enrollment) is None
    assert services.attendance_refusal(session, now=started) is None
    assert "has not started" in services.attendance_refusal(
        session, now=started - datetime.timedelta(seconds=1)
    )


def test_info_session_attendance_ahead_is_refused(coordinator):
    registration = RegistrationFactory(session__days_ahead=60)
    with pytest.raises(services.AttendanceError, match="has not started yet"):
        services.mark_info_session_attended(registration, by=coordinator)
    with pytest.raises(services.AttendanceError, match="has not started yet"):
        services.record_info_session_attendance(registration.session, [registration])
    registration.refresh_from_db()
    assert not registration.attended


def test_an_interested_household_attending_stays_interested(coordinator):
    registration = RegistrationFactory(
        session__days_ahead=-1, family=SupportFamilyFactory(status=S.INTERESTED)
    )
    services.mark_info_session_attended(registration, by=coordinator)
    registration.family.refresh_from_db()
    assert registration.family.status == S.INTERESTED


def test_the_ticks_of_a_session_record_and_remove_attendance(coordinator):
    group = TrainingGroupFactory(sessions__days_ahead=-30)
    session = group.sessions.first()
    came, stayed_home = EnrollmentFactory.create_batch(2, group=group)
    AttendanceFactory(enrollment=stayed_home, session=session)
    AttendanceFactory(enrollment=came, session=session, hours=Decimal("2"))
    services.record_session_attendance(session, [came], by=coordinator)
    assert dict(Attendance.objects.values_list("enrollment_id", "hours")) == {
        came.pk: Decimal("2")  # hours recorded before are kept
    }


def test_hours_count_only_from_attended_sessions_that_took_place():
    enrollment = EnrollmentFactory(group__sessions__days_ahead=-7)  # -7, 0 and +7 days
    for session in enrollment.group.sessions.all():  # rows written past the rule
        AttendanceFactory(enrollment=enrollment, session=session, hours=Decimal("3"))
    # Evening of today at 17: taken place once it has started.
    started = [s for s in enrollment.group.sessions.all() if s.starts_at <= timezone.now()]
    assert services.completed_pretraining_hours(enrollment.family) == 3 * len(started)


# -- the admin pages: one form of ticks --------------------------------------------------------


def _post_as_shown(client, url, *, attended):
    page = client.get(url)
    assert page.status_code == 200
    parser = _FormFields()
    parser.feed(page.content.decode())
    data = {}
    for name, value in parser.data:
        if name != "attended":
            data.setdefault(name, []).append(value.strip("\n"))
    data["attended"] = [str(pk) for pk in attended]
    data["_continue"] = ["Save"]
    return client.post(url, data, follow=True)


def test_info_session_page_ticks_who_attended(client, coordinator):
    client.force_login(coordinator)
    session = InfoSessionFactory(days_ahead=-1)
    came = RegistrationFactory(session=session, family__status=S.APPLIED)
    stayed = RegistrationFactory(session=session, family__status=S.INTERESTED)
    url = f"/en/admin/trainings/infosession/{session.pk}/change/"
    response = _post_as_shown(client, url, attended=[came.pk])
    assert "Attendance recorded: 1 household attended." in response.content.decode()
    came.refresh_from_db()
    stayed.refresh_from_db()
    assert came.attended and not stayed.attended
    came.family.refresh_from_db()
    assert came.family.status == S.INFO_SESSION_ATTENDED


def test_info_session_page_refuses_ticks_before_the_session(client, coordinator):
    client.force_login(coordinator)
    session = InfoSessionFactory(days_ahead=30)
    registration = RegistrationFactory(session=session)
    url = f"/en/admin/trainings/infosession/{session.pk}/change/"
    response = _post_as_shown(client, url, attended=[registration.pk])
    assert "has not started yet" in response.content.decode()
    registration.refresh_from_db()
    assert not registration.attended


def test_training_session_page_ticks_enrolled_households_only(client, coordinator):
    client.force_login(coordinator)
    group = TrainingGroupFactory(sessions__days_ahead=-30)
    session = group.sessions.first()
    enrollment = EnrollmentFactory(group=group, family__status=S.IN_TRAINING)
    other = EnrollmentFactory(group__sessions__days_ahead=-30)
    url = f"/en/admin/trainings/trainingsession/{session.pk}/change/"
    page = client.get(url)
    assert list(page.context["adminform"].form.fields["attended"].queryset) == [enrollment]
    response = _post_as_shown(client, url, attended=[other.pk])  # forged: another group's
    assert "Select a valid choice" in response.content.decode()
    response = _post_as_shown(client, url, attended=[enrollment.pk])
    assert Attendance.objects.get().enrollment == enrollment
    assert Attendance.objects.get().hours == session.hours


def test_training_session_page_refuses_ticks_before_the_evening(client, coordinator):
    client.force_login(coordinator)
    enrollment = EnrollmentFactory()
    session = enrollment.group.sessions.first()
    url = f"/en/admin/trainings/trainingsession/{session.pk}/change/"
    response = _post_as_shown(client, url, attended=[enrollment.pk])
    assert "has not started yet" in response.content.decode()
    assert not Attendance.objects.exists()


def test_enrollment_page_offers_only_its_groups_sessions_and_refuses_one_ahead(client, coordinator):
    client.force_login(coordinator)
    enrollment = EnrollmentFactory()  # evenings ahead
    TrainingGroupFactory()  # another group's evenings
    url = f"/en/admin/trainings/enrollment/{enrollment.pk}/change/"
    page = client.get(url)
    formset = page.context["inline_admin_formsets"][0].formset
    offered = set(formset.empty_form.fields["session"].queryset)
    assert offered == set(enrollment.group.sessions.all())
    response = client.post(
        url,
        {
            "attendances-TOTAL_FORMS": "1",
            "attendances-INITIAL_FORMS": "0",
            "attendances-0-session": enrollment.group.sessions.first().pk,
            "attendances-0-hours": "3",
            "attendances-0-enrollment": enrollment.pk,
            "_continue": "Save",
        },
    )
    assert response.status_code == 200
    assert "has not started yet" in response.content.decode()
    assert not Attendance.objects.exists()
    assert not mail.outbox


def test_unticking_an_info_session_registration_records_it_did_not_attend(coordinator):
    session = InfoSessionFactory(days_ahead=-1)
    came, mistaken = RegistrationFactory.create_batch(2, session=session, attended=True)
    assert services.record_info_session_attendance(session, [came], by=coordinator) == 1
    came.refresh_from_db()
    mistaken.refresh_from_db()
    assert came.attended and not mistaken.attended


def test_a_registration_of_another_info_session_is_refused(coordinator):
    session = InfoSessionFactory(days_ahead=-1)
    other = RegistrationFactory(session__days_ahead=-2)
    with pytest.raises(services.AttendanceError, match="another info session"):
        services.record_info_session_attendance(session, [other], by=coordinator)
    other.refresh_from_db()
    assert not other.attended


def test_a_cancelled_group_puts_its_households_back_to_waiting_for_a_group(coordinator):
    family = SupportFamilyFactory(status=S.ACCEPTED_FOR_TRAINING)
    enrollment = services.enroll_family(TrainingGroupFactory(), family, by=coordinator)
    services.cancel_group(enrollment.group, by=coordinator)
    family.refresh_from_db()
    assert family.status == S.ACCEPTED_FOR_TRAINING
    assert "cancelled" in family.status_changes.order_by("-changed_at", "-pk").first().note_shown
