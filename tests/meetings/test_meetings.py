import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from meetings import services
from meetings.models import CaseStatus, Meeting
from tests.factories.meetings import ClosedCaseFactory, MeetingFactory, SupportCaseFactory


def log(case, when=None, **overrides):
    kwargs = {
        "by": case.support_worker,
        "starts_at": when or timezone.now(),
        "mode": "phone",
        "duration_minutes": 45,
        "topics": ["mapping", "services"],
        "notes": "",
        "tasks": "",
    }
    kwargs.update(overrides)
    return services.log_meeting(case, **kwargs)


def test_meetings_are_numbered_one_to_five(db):
    case = SupportCaseFactory()
    numbers = [log(case).number for _ in range(5)]
    assert numbers == [1, 2, 3, 4, 5]


def test_sixth_meeting_is_refused_with_a_clear_message(db):
    case = SupportCaseFactory()
    for _ in range(5):
        log(case)
    with pytest.raises(services.MeetingLimitReached) as error:
        log(case)
    with translation.override("en"):  # the message is lazy: read in the reader's language
        assert "five meetings" in str(error.value)
    assert case.meetings.count() == 5


def test_first_meeting_makes_a_new_case_active_and_records_it(db):
    case = SupportCaseFactory(status=CaseStatus.NEW)
    log(case)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    change = case.status_changes.get()
    assert (change.from_status, change.to_status) == (CaseStatus.NEW, CaseStatus.ACTIVE)
    assert change.changed_by == case.support_worker


def test_meeting_before_the_case_opened_is_refused(db):
    case = SupportCaseFactory(opened_on=timezone.localdate())
    yesterday = timezone.now() - datetime.timedelta(days=1)
    with pytest.raises(services.MeetingBeforeCaseOpened):
        log(case, when=yesterday)
    assert not case.meetings.exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW  # nothing saved half-way


def test_meeting_on_a_closed_case_is_refused(db):
    case = ClosedCaseFactory()
    with pytest.raises(services.CaseNotOpen):
        log(case)


def test_over_long_notes_are_refused_and_nothing_is_saved(db):
    from django.core.exceptions import ValidationError

    case = SupportCaseFactory()
    with pytest.raises(ValidationError):
        log(case, notes="x" * 2001)
    assert not case.meetings.exists()


def test_unknown_topics_are_dropped_and_order_is_kept(db):
    case = SupportCaseFactory()
    meeting = log(case, topics=["conflict", "nonsense", "mapping"])
    assert meeting.topics == ["mapping", "conflict"]


def test_update_keeps_the_number_and_checks_the_date(db):
    case = SupportCaseFactory(opened_on=timezone.localdate() - datetime.timedelta(days=5))
    meeting = log(case)
    updated = services.update_meeting(
        meeting,
        by=case.support_worker,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        mode="online",
        duration_minutes=90,
        topics=["stories"],
        notes="ok",
        tasks="",
    )
    assert (updated.number, updated.mode, updated.topics) == (1, "online", ["stories"])
    with pytest.raises(services.MeetingBeforeCaseOpened):
        services.update_meeting(
            meeting,
            by=case.support_worker,
            starts_at=timezone.now() - datetime.timedelta(days=30),
            mode="online",
            duration_minutes=90,
            topics=[],
        )


def test_database_refuses_a_meeting_number_outside_one_to_five(db):
    case = SupportCaseFactory()
    for number in (0, 6):
        with pytest.raises(IntegrityError), transaction.atomic():
            MeetingFactory(case=case, number=number)


def test_database_refuses_two_meetings_with_the_same_number(db):
    case = SupportCaseFactory()
    MeetingFactory(case=case, number=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(case=case, number=2)
    assert Meeting.objects.filter(case=case).count() == 1
