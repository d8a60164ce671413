import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings import services
from meetings.models import CaseStatus, FollowUp, RequestStatus, ServiceReferral
from tests.factories.meetings import (
    ClosedCaseFactory,
    FollowUpFactory,
    MeetingFactory,
    MeetingRequestFactory,
    SupportCaseFactory,
)
from tests.factories.users import CoordinatorFactory, SupportWorkerFactory

TODAY = datetime.date(2026, 3, 2)


def test_coordinator_opens_a_case_from_a_request(db):
    coordinator, worker = CoordinatorFactory(), SupportWorkerFactory()
    request = MeetingRequestFactory(contact_role="relative", best_time="evenings")
    case = services.open_case_from_request(
        request, by=coordinator, support_worker=worker, opened_on=TODAY
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.CASE_OPENED
    assert request.handled_by == coordinator
    assert case.request == request
    assert case.source == "relative"
    assert case.question == request.question
    assert case.support_worker == worker
    assert case.status == CaseStatus.NEW
    contact = case.contacts.get()
    assert (contact.name, contact.phone, contact.best_time) == (
        request.name,
        request.phone,
        "evenings",
    )
    assert case.status_changes.get().to_status == CaseStatus.NEW


def test_a_request_cannot_be_opened_twice(db):
    coordinator, worker = CoordinatorFactory(), SupportWorkerFactory()
    request = MeetingRequestFactory()
    services.open_case_from_request(request, by=coordinator, support_worker=worker)
    with pytest.raises(services.RequestAlreadyHandled):
        services.open_case_from_request(request, by=coordinator, support_worker=worker)


def test_new_request_carries_the_earlier_case_to_the_new_case(db):
    earlier = ClosedCaseFactory()
    request = MeetingRequestFactory(earlier_case=earlier)
    case = services.open_case_from_request(
        request, by=CoordinatorFactory(), support_worker=SupportWorkerFactory()
    )
    assert case.earlier_case == earlier


def test_case_opened_directly_after_a_phone_call(db):
    coordinator, worker = CoordinatorFactory(), SupportWorkerFactory()
    case = services.open_case(
        by=coordinator,
        support_worker=worker,
        source="parent",
        question="Apua kirjeen lukemiseen",
        preferred_mode="phone",
        opened_on=TODAY,
        contacts=[{"name": "Äiti", "phone": "040 111 2222"}],
    )
    assert case.request is None
    assert case.contacts.count() == 1
    assert case.status_changes.get().changed_by == coordinator


def test_over_long_question_saves_nothing(db):
    from meetings.models import SupportCase

    with pytest.raises(ValidationError):
        services.open_case(
            by=None,
            support_worker=SupportWorkerFactory(),
            source="parent",
            question="x" * 2001,
            preferred_mode="phone",
            opened_on=TODAY,
            contacts=[],
        )
    assert not SupportCase.objects.exists()


def test_bad_contact_saves_no_case(db):
    from meetings.models import SupportCase

    with pytest.raises(ValidationError):
        services.open_case(
            by=None,
            support_worker=SupportWorkerFactory(),
            source="parent",
            question="ok",
            preferred_mode="phone",
            opened_on=TODAY,
            contacts=[{"name": "A", "phone": "not a phone"}],
        )
    assert not SupportCase.objects.exists()


def test_closing_schedules_the_follow_up_about_six_months_later(db):
    case = SupportCaseFactory(status=CaseStatus.ACTIVE, opened_on=TODAY)
    follow_up = services.close_case(
        case, by=case.support_worker, closed_on=TODAY + datetime.timedelta(days=40)
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closed_on == TODAY + datetime.timedelta(days=40)
    assert follow_up.due_on == datetime.date(2026, 10, 10)  # 182 days after 11.4.2026
    assert case.status_changes.last().to_status == CaseStatus.CLOSED


def test_case_cannot_close_before_it_opened(db):
    case = SupportCaseFactory(opened_on=TODAY)
    with pytest.raises(services.TransitionNotAllowed):
        services.close_case(case, by=None, closed_on=TODAY - datetime.timedelta(days=1))
    assert not FollowUp.objects.exists()


def test_closed_case_cannot_be_closed_again(db):
    case = ClosedCaseFactory()
    with pytest.raises(services.TransitionNotAllowed):
        services.close_case(case, by=None)


def test_change_status_refuses_skipping_the_follow_up(db):
    case = SupportCaseFactory(status=CaseStatus.ACTIVE)
    with pytest.raises(services.TransitionNotAllowed):
        services.change_status(case, CaseStatus.FOLLOWED_UP, by=None)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE


def test_follow_up_before_the_case_closed_is_refused(db):
    case = SupportCaseFactory(status=CaseStatus.ACTIVE)
    with pytest.raises(services.FollowUpNotAllowed):
        services.record_follow_up(
            case, by=None, done_on=TODAY, outcome=3, notes="", referred_again=False
        )


def test_follow_up_dated_before_the_closing_day_is_refused(db):
    follow_up = FollowUpFactory()
    case = follow_up.case
    with pytest.raises(services.FollowUpNotAllowed):
        services.record_follow_up(
            case,
            by=None,
            done_on=case.closed_on - datetime.timedelta(days=1),
            outcome=3,
            notes="",
            referred_again=False,
        )
    follow_up.refresh_from_db()
    assert follow_up.done_on is None


def test_follow_up_records_how_things_went_and_marks_the_case(db):
    follow_up = FollowUpFactory()
    case = follow_up.case
    services.record_follow_up(
        case,
        by=case.support_worker,
        done_on=timezone.localdate(),
        outcome=4,
        notes="Asiat ovat paremmin.",
        referred_again=True,
    )
    follow_up.refresh_from_db()
    case.refresh_from_db()
    assert (follow_up.outcome, follow_up.referred_again) == (4, True)
    assert case.status == CaseStatus.FOLLOWED_UP
    assert case.status_changes.last().to_status == CaseStatus.FOLLOWED_UP


def test_assessment_needs_the_first_meeting(db):
    case = SupportCaseFactory()
    kwargs = {
        "by": None,
        "life_situation": "a",
        "services_in_use": "b",
        "family_question": "c",
        "what_would_help": "d",
    }
    with pytest.raises(services.FirstMeetingMissing):
        services.save_assessment(case, **kwargs)
    MeetingFactory(case=case)
    assessment = services.save_assessment(case, **kwargs)
    again = services.save_assessment(case, **{**kwargs, "life_situation": "new"})
    assert again.pk == assessment.pk
    assert again.life_situation == "new"


def test_plan_saves_referrals_and_ignores_a_foreign_referral_id(db):
    case, other = SupportCaseFactory(), SupportCaseFactory()
    other_plan = services.save_plan(
        other,
        by=None,
        next_steps="x",
        who_does_what="",
        referrals=[{"kind": "ngo", "name": "Toinen", "status": "suggested"}],
    )
    foreign = other_plan.referrals.get()
    plan = services.save_plan(
        case,
        by=None,
        next_steps="Perhe hakee perhetyötä.",
        who_does_what="Äiti soittaa.",
        referrals=[
            {"kind": "municipal", "name": "Perhetyö", "status": "suggested"},
            {"id": foreign.pk, "kind": "other", "name": "Hacked", "status": "received"},
        ],
    )
    assert list(plan.referrals.values_list("name", flat=True)) == ["Perhetyö"]
    foreign.refresh_from_db()
    assert foreign.name == "Toinen"
    mine = plan.referrals.get()
    services.save_plan(
        case,
        by=None,
        next_steps="Perhe hakee perhetyötä.",
        who_does_what="",
        referrals=[{"id": mine.pk, "kind": "municipal", "name": "Perhetyö", "status": "received"}],
    )
    mine.refresh_from_db()
    assert mine.status == "received"


def test_invalid_referral_saves_nothing_of_the_plan(db):
    case = SupportCaseFactory()
    with pytest.raises(ValidationError):
        services.save_plan(
            case,
            by=None,
            next_steps="x",
            who_does_what="",
            referrals=[{"kind": "municipal", "name": "x" * 201, "status": "suggested"}],
        )
    assert not ServiceReferral.objects.exists()
    from meetings.models import Plan

    assert not Plan.objects.exists()
