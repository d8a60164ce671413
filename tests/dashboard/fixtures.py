"""Hand-counted data for the yearly report of 2025, with edge dates on both sides of the year.

Every object's date is written out; the expected figures are in the tests next to the rows
they come from. Times are Helsinki local time (`at`): 1.1. 00:30 in Helsinki is still 31.12. in
UTC, so a day boundary taken in UTC would count these wrongly.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from families.models import FamilyStatus, FamilyStatusChange, PaymentMonth, Referral
from meetings.models import (
    CaseStatus,
    ContactRole,
    FollowUp,
    MeetingMode,
    MeetingRequest,
    Plan,
    ServiceReferral,
)
from tests.factories.families import ChildFactory, ReferralFactory, SupportFamilyFactory
from tests.factories.meetings import MeetingFactory, MeetingRequestFactory, SupportCaseFactory
from tests.factories.relationships import RelationshipFactory, StayFactory
from tests.factories.trainings import (
    EnrollmentFactory,
    EventFactory,
    InfoSessionFactory,
    RegistrationFactory,
    TrainingGroupFactory,
)
from tests.factories.users import CoordinatorFactory
from trainings.models import (
    Attendance,
    EnrollmentStatus,
    EventInvitation,
    EventKind,
    HomeVisit,
    InvitationReply,
    RegistrationStatus,
    SessionStatus,
    TrainingSession,
)

S = FamilyStatus
D = datetime.date


def at(day: datetime.date, hour: int = 17, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def change(family, to, when, from_status=""):
    row = FamilyStatusChange.objects.create(family=family, from_status=from_status, to_status=to)
    FamilyStatusChange.objects.filter(pk=row.pk).update(changed_at=when)


def make_funnel():
    a = SupportFamilyFactory()
    change(a, S.APPLIED, at(D(2025, 2, 1)))
    change(a, S.INFO_SESSION_ATTENDED, at(D(2025, 3, 1)), S.APPLIED)
    change(a, S.IN_TRAINING, at(D(2025, 4, 1)), S.INFO_SESSION_ATTENDED)
    change(a, S.TRAINED, at(D(2025, 5, 1)), S.IN_TRAINING)
    change(a, S.APPROVED, at(D(2025, 6, 1)), S.TRAINED)
    change(a, S.ACTIVE, at(D(2025, 9, 1)), S.APPROVED)
    b = SupportFamilyFactory()
    change(b, S.APPLIED, at(D(2024, 12, 31), 23, 30))  # 2024
    change(b, S.INFO_SESSION_ATTENDED, at(D(2025, 1, 1), 0, 30), S.APPLIED)  # 2025
    c = SupportFamilyFactory()
    change(c, S.APPLIED, at(D(2025, 1, 5)))
    change(c, S.APPLIED, at(D(2025, 2, 5)))  # counted once
    change(c, S.WITHDRAWN, at(D(2025, 12, 31), 23, 59), S.APPLIED)
    e = SupportFamilyFactory()
    change(e, S.INTERESTED, at(D(2025, 1, 10)), "")  # signed up for an info session
    change(e, S.APPLIED, at(D(2025, 1, 20)), S.INTERESTED)
    change(e, S.ACCEPTED_FOR_TRAINING, at(D(2025, 3, 5)), S.APPLIED)
    d = SupportFamilyFactory()
    change(d, S.ON_HOLD, at(D(2025, 2, 1)), S.ACTIVE)
    change(d, S.ACTIVE, at(D(2025, 3, 1)), S.ON_HOLD)  # a resume, not a match
    change(d, S.APPROVED, at(D(2025, 4, 1)), S.ACTIVE)  # a relationship ended
    change(d, S.TRAINED, at(D(2026, 1, 1), 0, 1), S.IN_TRAINING)  # 2026


FUNNEL_2025 = [1, 3, 2, 1, 1, 1, 1, 1]


def make_children_and_relationships():
    child1 = ChildFactory(status="matched")
    ReferralFactory(child=child1, referred_on=D(2025, 1, 1), source="child_welfare")
    r1 = RelationshipFactory(child=child1, start_date=D(2025, 3, 2))  # 60 days
    child2 = ChildFactory(status="matched")
    ReferralFactory(child=child2, referred_on=D(2025, 6, 1), source="preventive")
    ReferralFactory(child=child2, referred_on=D(2025, 12, 31), source="preventive")
    RelationshipFactory(child=child2, start_date=D(2025, 7, 1))  # 30 days (6/1 referral)
    ReferralFactory(referred_on=D(2024, 12, 31))  # 2024
    ReferralFactory(referred_on=D(2026, 1, 1))  # 2026
    child5 = ChildFactory(status="matched", waiting_since=D(2025, 1, 11))
    RelationshipFactory(child=child5, start_date=D(2025, 12, 31))  # 354 days, no referral
    child9 = ChildFactory(status="ended")
    Referral.objects.create(
        child=child9, source="family", referred_on=D(2024, 12, 1), guardians_consent=True
    )
    RelationshipFactory(  # first day of the year, ends on the last: 31 days
        child=child9,
        start_date=D(2025, 1, 1),
        status="ended",
        end_date=D(2025, 12, 31),
        end_reason="Perhe muutti",
        end_cause="family_situation_changed",
        end_initiator="support_family",
    )
    r4 = RelationshipFactory(
        child=ChildFactory(status="ended"),
        start_date=D(2024, 6, 1),
        status="ended",
        end_date=D(2025, 5, 31),
        end_reason="Perhe muutti",
        end_cause="family_situation_changed",
        end_initiator="social_services",
    )
    RelationshipFactory(
        child=ChildFactory(status="ended"),
        start_date=D(2023, 6, 1),
        status="ended",
        end_date=D(2024, 12, 31),
        end_reason="Lapsi muutti",
        end_cause="child_moved",
        end_initiator="childs_family",
    )
    child6 = ChildFactory(status="matched", waiting_since=D(2025, 10, 1))
    RelationshipFactory(child=child6, start_date=D(2026, 1, 1))  # waiting at the end of 2025
    ChildFactory(waiting_since=D(2025, 12, 31))  # still waiting
    ChildFactory(waiting_since=D(2026, 1, 1))  # started waiting after 2025
    return r1, r4


def make_stays(r1, r4):
    StayFactory(relationship=r4, starts_at=at(D(2024, 12, 31)), ends_at=at(D(2025, 1, 2)))
    StayFactory(
        relationship=r1, starts_at=at(D(2025, 1, 1), 0, 30), ends_at=at(D(2025, 1, 2)), nights=1
    )
    StayFactory(relationship=r1, starts_at=at(D(2025, 6, 13)), ends_at=at(D(2025, 6, 15)))
    StayFactory(relationship=r1, starts_at=at(D(2025, 12, 31), 18), ends_at=at(D(2026, 1, 2)))
    StayFactory(relationship=r4, starts_at=at(D(2026, 1, 1), 10), ends_at=at(D(2026, 1, 3)))


def make_payments():
    by = CoordinatorFactory()
    f1, f2 = SupportFamilyFactory(), SupportFamilyFactory()
    for family, month, fee, reimbursement in [
        (f1, D(2025, 1, 1), "100.00", "20.50"),
        (f2, D(2025, 1, 1), "50.00", "0.00"),
        (f1, D(2025, 12, 1), "10.10", "1.00"),
        (f1, D(2024, 12, 1), "999.00", "0.00"),
        (f1, D(2026, 1, 1), "999.00", "0.00"),
    ]:
        PaymentMonth.objects.create(
            family=family,
            month=month,
            fee_total=Decimal(fee),
            reimbursement_total=Decimal(reimbursement),
            approved_at=timezone.now(),
            approved_by=by,
        )


def make_trainings():
    is1 = InfoSessionFactory(starts_at=at(D(2025, 3, 10)), ends_at=at(D(2025, 3, 10), 18))
    RegistrationFactory(session=is1, attended=True)
    RegistrationFactory(session=is1)
    RegistrationFactory(session=is1, status=RegistrationStatus.CANCELLED)
    InfoSessionFactory(starts_at=at(D(2025, 12, 31), 18), ends_at=at(D(2025, 12, 31), 19))
    cancelled = InfoSessionFactory(
        starts_at=at(D(2025, 5, 1)), ends_at=at(D(2025, 5, 1), 18), status=SessionStatus.CANCELLED
    )
    RegistrationFactory(session=cancelled, attended=True)
    InfoSessionFactory(starts_at=at(D(2026, 1, 1), 10), ends_at=at(D(2026, 1, 1), 11))

    group = TrainingGroupFactory(sessions=0)
    ts1, ts2, ts3 = (
        TrainingSession.objects.create(
            group=group, starts_at=at(day), ends_at=at(day, 20), status=status
        )
        for day, status in [
            (D(2025, 2, 1), SessionStatus.SCHEDULED),
            (D(2025, 2, 8), SessionStatus.SCHEDULED),
            (D(2025, 2, 15), SessionStatus.CANCELLED),
        ]
    )
    e1 = EnrollmentFactory(group=group, status=EnrollmentStatus.COMPLETED)
    e2 = EnrollmentFactory(group=group, status=EnrollmentStatus.COMPLETED)
    e1.status_changed_at = at(D(2025, 3, 1))
    e1.save()
    e2.status_changed_at = at(D(2026, 1, 1), 0, 30)
    e2.save()
    Attendance.objects.create(enrollment=e1, session=ts1, hours=Decimal("3"))
    Attendance.objects.create(enrollment=e1, session=ts2, hours=Decimal("2.5"))
    Attendance.objects.create(enrollment=e2, session=ts1, hours=Decimal("3"))
    old_group = TrainingGroupFactory(sessions=0)
    old = TrainingSession.objects.create(
        group=old_group, starts_at=at(D(2024, 12, 31)), ends_at=at(D(2024, 12, 31), 20)
    )
    e3 = EnrollmentFactory(group=old_group)
    Attendance.objects.create(enrollment=e3, session=old, hours=Decimal("3"))
    HomeVisit.objects.create(family=e1.family, visited_on=D(2025, 1, 1), hours=Decimal("1.5"))
    HomeVisit.objects.create(family=e2.family, visited_on=D(2024, 12, 31))

    peer = EventFactory(
        kind=EventKind.PEER, starts_at=at(D(2025, 5, 1)), ends_at=at(D(2025, 5, 1), 19)
    )
    for reply, people in [
        (InvitationReply.YES, 3),
        (InvitationReply.YES, 2),
        (InvitationReply.NO, 0),
        (InvitationReply.PENDING, 0),
    ]:
        EventInvitation.objects.create(
            event=peer, family=SupportFamilyFactory(), reply=reply, participants=people
        )
    EventFactory(
        kind=EventKind.RECREATION,
        starts_at=at(D(2025, 8, 1)),
        ends_at=at(D(2025, 8, 1), 19),
        status=SessionStatus.CANCELLED,
    )
    EventFactory(
        kind=EventKind.RECREATION, starts_at=at(D(2025, 9, 1)), ends_at=at(D(2025, 9, 1), 19)
    )


def make_meetings():
    for role, when in [
        (ContactRole.PARENT, at(D(2025, 1, 1), 0, 30)),
        (ContactRole.RELATIVE, at(D(2025, 6, 1))),
        (ContactRole.PROFESSIONAL, at(D(2025, 12, 31), 23, 30)),
        (ContactRole.PARENT, at(D(2024, 12, 31), 23, 30)),
    ]:
        row = MeetingRequestFactory(contact_role=role, family_agreed=True)
        MeetingRequest.objects.filter(pk=row.pk).update(received_at=when)

    closed = CaseStatus.CLOSED
    c1 = SupportCaseFactory(
        source=ContactRole.PARENT, opened_on=D(2025, 1, 1), status=closed, closed_on=D(2025, 6, 1)
    )
    SupportCaseFactory(source=ContactRole.PROFESSIONAL, opened_on=D(2025, 12, 31))
    c3 = SupportCaseFactory(
        source=ContactRole.RELATIVE,
        opened_on=D(2024, 11, 1),
        status=closed,
        closed_on=D(2025, 2, 1),
    )
    c4 = SupportCaseFactory(opened_on=D(2024, 1, 1), status=closed, closed_on=D(2025, 12, 31))
    c5 = SupportCaseFactory(opened_on=D(2025, 11, 1), status=closed, closed_on=D(2026, 1, 1))
    c6 = SupportCaseFactory(opened_on=D(2024, 1, 1), status=closed, closed_on=D(2024, 5, 1))
    for case, number, day, mode, minutes, topics in [
        (c1, 1, D(2025, 2, 1), MeetingMode.FACE_TO_FACE, 60, ["mapping", "services"]),
        (c1, 2, D(2025, 3, 1), MeetingMode.PHONE, 30, ["services"]),
        (c1, 3, D(2025, 4, 1), MeetingMode.ONLINE, 90, ["other"]),
        (c3, 1, D(2024, 12, 1), MeetingMode.FACE_TO_FACE, 60, ["mapping"]),
        (c3, 2, D(2025, 1, 10), MeetingMode.FACE_TO_FACE, 60, ["stories"]),
    ]:
        MeetingFactory(
            case=case,
            number=number,
            starts_at=at(day, 10),
            mode=mode,
            duration_minutes=minutes,
            topics=topics,
        )
    plan = Plan.objects.create(case=c1, next_steps="Hakemus")
    for kind, status in [("municipal", "suggested"), ("municipal", "received"), ("ngo", "applied")]:
        ServiceReferral.objects.create(plan=plan, kind=kind, name="Palvelu", status=status)
    later = Plan.objects.create(case=c5, next_steps="Hakemus")
    ServiceReferral.objects.create(plan=later, kind="other", name="Palvelu")
    FollowUp.objects.create(
        case=c3, due_on=D(2025, 8, 1), done_on=D(2025, 8, 1), outcome=4, referred_again=True
    )
    FollowUp.objects.create(case=c4, due_on=D(2026, 1, 1), done_on=D(2026, 1, 1), outcome=4)
    FollowUp.objects.create(case=c6, due_on=D(2025, 1, 1), done_on=D(2025, 1, 1), outcome=2)


def make_year_2025():
    make_funnel()
    r1, r4 = make_children_and_relationships()
    make_stays(r1, r4)
    make_payments()
    make_trainings()
    make_meetings()
