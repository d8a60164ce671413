"""apply_retention: anonymises what is past its period, keeps numbers, dry-run, idempotent."""

import datetime
import io

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.management import call_command
from django.utils import timezone

from families.models import (
    CheckIn,
    Child,
    FamilyStatus,
    Guardian,
    Referral,
    Stay,
    SupervisionContact,
    SupportFamily,
    SupportRelationship,
)
from kalliola.audit import ANONYMISED
from meetings.models import (
    Assessment,
    CaseStatus,
    ContactAdult,
    FollowUp,
    Meeting,
    MeetingRequest,
    Plan,
    RequestStatus,
    SupportCase,
)
from programme.retention import apply_retention
from tests.factories.families import GuardianFactory, ReferralFactory, SupportFamilyFactory
from tests.factories.meetings import (
    ContactAdultFactory,
    MeetingFactory,
    MeetingRequestFactory,
    SupportCaseFactory,
)
from tests.factories.relationships import RelationshipFactory, StayFactory, at
from tests.factories.trainings import RegistrationFactory

LONG_AGO = datetime.datetime(2018, 3, 1, 12, tzinfo=datetime.UTC)
NOW = datetime.datetime(2026, 11, 20, 3, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


def _ended_relationship(end_date, **kwargs):
    relationship = RelationshipFactory(
        start_date=end_date - datetime.timedelta(days=400),
        child__first_name="Onni",
        child__last_name="Virtanen",
        child__birth_date=datetime.date(2010, 5, 17),
        child__needs="Tarvitsee rauhallisen kodin.",
        child__allergies="pähkinä",
        end_reason="Perhe muutti.",
        **kwargs,
    )
    relationship.status = "ended"
    relationship.end_cause, relationship.end_initiator = "other", "together"
    relationship.end_date = end_date
    relationship.save()
    GuardianFactory(child=relationship.child, name="Anna Virtanen", email="anna@example.org")
    ReferralFactory(child=relationship.child, notes="Lastensuojelun asiakas.")
    StayFactory(
        relationship=relationship,
        starts_at=at(end_date - datetime.timedelta(days=30)),
        notes="Lapsi oli väsynyt.",
    )
    SupervisionContact.objects.create(
        relationship=relationship,
        date=end_date - datetime.timedelta(days=20),
        mode="phone",
        notes="Puhuttiin kotiin paluusta.",
    )
    CheckIn.objects.create(
        relationship=relationship,
        date=end_date - datetime.timedelta(days=10),
        for_child=1,
        for_family=3,
        for_parent=2,
        note="Isä on sairaalassa.",
    )
    return relationship


def _closed_case(closed_on, status=CaseStatus.CLOSED):
    request = MeetingRequestFactory(name="Liisa Laine", email="liisa@example.org")
    case = SupportCaseFactory(
        request=request,
        status=status,
        opened_on=closed_on - datetime.timedelta(days=60),
        closed_on=closed_on,
        question="Riitoja lapsen isän kanssa.",
    )
    ContactAdultFactory(case=case, name="Liisa Laine", phone="040 111 2222")
    MeetingFactory(
        case=case,
        number=1,
        notes="Kartoitettiin tilanne.",
        tasks="Soita Kelaan.",
        topics=["mapping", "services"],
    )
    Assessment.objects.create(
        case=case, life_situation="Yksinhuoltaja, kaksi lasta.", family_question="Riidat"
    )
    Plan.objects.create(case=case, next_steps="Perheneuvola.", who_does_what="Äiti soittaa.")
    FollowUp.objects.create(
        case=case,
        due_on=closed_on + datetime.timedelta(days=182),
        done_on=closed_on + datetime.timedelta(days=182),
        outcome=3,
        notes="Paremmin nyt.",
    )
    return case


def test_a_relationship_ended_beyond_the_period_is_anonymised_with_its_child():
    with time_machine.travel(LONG_AGO, tick=False):
        relationship = _ended_relationship(datetime.date(2019, 6, 1))
    with time_machine.travel(NOW, tick=False):
        counts = apply_retention()

    assert counts["relationships"] == 1
    assert counts["children"] == 1
    relationship.refresh_from_db()
    assert relationship.anonymised_at == NOW
    assert relationship.end_reason == ""
    child = Child.objects.get(pk=relationship.child_id)
    assert (child.first_name, child.last_name) == (ANONYMISED, ANONYMISED)
    assert child.birth_date == datetime.date(2010, 1, 1)  # the birth year stays for statistics
    assert child.municipality == "Helsinki"
    assert child.needs == child.allergies == ""
    guardian = Guardian.objects.get(child=child)
    assert (guardian.name, guardian.email, guardian.phone) == (ANONYMISED, "", "")
    assert Referral.objects.get(child=child).notes == ""
    # Rows and numbers stay: stays and their nights, contacts and their dates.
    stay = Stay.objects.get(relationship=relationship)
    assert stay.notes == "" and stay.nights == 2
    assert SupervisionContact.objects.get(relationship=relationship).notes == ""
    # A check-in keeps its day and answers; its note goes.
    check_in = CheckIn.objects.get(relationship=relationship)
    assert (check_in.note, check_in.for_child, check_in.for_parent) == ("", 1, 2)
    assert counts["check_ins"] == 1


def test_the_audit_trail_of_an_anonymised_child_keeps_who_and_when_but_no_values():
    with time_machine.travel(LONG_AGO, tick=False):
        relationship = _ended_relationship(datetime.date(2019, 6, 1))
    child = relationship.child
    entries = LogEntry.objects.get_for_object(child)
    assert entries.filter(changes_text__contains="Onni").exists() or any(
        "Onni" in str(entry.changes) for entry in entries
    )
    with time_machine.travel(NOW, tick=False):
        apply_retention()

    entries = LogEntry.objects.get_for_object(child)
    assert entries.exists()
    for entry in entries:
        assert entry.object_repr == ANONYMISED
        assert entry.changes is None
        assert "Onni" not in entry.changes_text
    for model_entries in (
        LogEntry.objects.get_for_object(Guardian.objects.get(child=child)),
        LogEntry.objects.get_for_object(relationship),
    ):
        assert all("Virtanen" not in f"{e.object_repr}{e.changes}" for e in model_entries)


def test_a_relationship_ended_within_the_period_is_kept():
    with time_machine.travel(LONG_AGO, tick=False):
        relationship = _ended_relationship(datetime.date(2022, 6, 1))
    with time_machine.travel(NOW, tick=False):
        counts = apply_retention()

    assert counts == {}
    relationship.child.refresh_from_db()
    assert relationship.child.first_name == "Onni"


def test_a_child_in_an_open_relationship_keeps_its_data_when_an_old_one_is_anonymised():
    with time_machine.travel(LONG_AGO, tick=False):
        old = _ended_relationship(datetime.date(2019, 6, 1))
        RelationshipFactory(child=old.child)
    with time_machine.travel(NOW, tick=False):
        counts = apply_retention()

    assert counts["relationships"] == 1
    assert "children" not in counts
    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert Child.objects.get(pk=old.child_id).first_name == "Onni"
    assert Guardian.objects.get(child=old.child).name == "Anna Virtanen"


def test_a_closed_case_beyond_the_period_is_anonymised_and_keeps_its_numbers():
    with time_machine.travel(LONG_AGO, tick=False):
        case = _closed_case(datetime.date(2018, 2, 1), status=CaseStatus.FOLLOWED_UP)
    with time_machine.travel(NOW, tick=False):
        counts = apply_retention()

    assert counts["cases"] == 1
    assert counts["requests"] == 1
    assert counts["contact_adults"] == 1
    case.refresh_from_db()
    assert case.question == ANONYMISED
    assert case.anonymised_at == NOW
    contact = ContactAdult.objects.get(case=case)
    assert (contact.name, contact.phone, contact.email) == (ANONYMISED, "", "")
    request = MeetingRequest.objects.get(pk=case.request_id)
    assert request.name == ANONYMISED
    assert "liisa" not in request.email and request.phone == ""
    meeting = Meeting.objects.get(case=case)
    assert meeting.notes == meeting.tasks == ""
    assert meeting.topics == ["mapping", "services"] and meeting.duration_minutes == 60
    assert Assessment.objects.get(case=case).life_situation == ANONYMISED
    plan = Plan.objects.get(case=case)
    assert plan.next_steps == ANONYMISED and plan.who_does_what == ""
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.notes == "" and follow_up.outcome == 3
    assert case.source == "parent" and case.closed_on == datetime.date(2018, 2, 1)


def test_an_open_case_is_kept_however_old():
    with time_machine.travel(LONG_AGO, tick=False):
        case = SupportCaseFactory(
            status=CaseStatus.ACTIVE, opened_on=datetime.date(2018, 1, 1), question="Kysymys"
        )
        ContactAdultFactory(case=case, name="Pekka")
    with time_machine.travel(NOW, tick=False):
        assert apply_retention() == {}
    assert ContactAdult.objects.get(case=case).name == "Pekka"


def test_a_declined_request_is_anonymised_after_the_case_period():
    with time_machine.travel(LONG_AGO, tick=False):
        request = MeetingRequestFactory(
            name="Ville", status=RequestStatus.DECLINED, handled_at=timezone.now()
        )
        waiting = MeetingRequestFactory(name="Odottaja")
    with time_machine.travel(NOW, tick=False):
        counts = apply_retention()
    assert counts == {"requests": 1}
    request.refresh_from_db()
    waiting.refresh_from_db()
    assert request.name == ANONYMISED
    assert waiting.name == "Odottaja"


def test_the_case_period_comes_from_settings(settings):
    settings.RETENTION_CASE_DAYS = 30
    with time_machine.travel(NOW - datetime.timedelta(days=100), tick=False):
        case = _closed_case(timezone.localdate() - datetime.timedelta(days=1))
    with time_machine.travel(NOW, tick=False):
        assert apply_retention()["cases"] == 1
    case.refresh_from_db()
    assert case.question == ANONYMISED


def test_an_unused_application_is_anonymised_after_a_year_without_activity():
    with time_machine.travel(LONG_AGO, tick=False):
        unused = SupportFamilyFactory(contact_name="Maija Mäki", status=FamilyStatus.APPLIED)
        RegistrationFactory(family=unused)
        withdrawn = SupportFamilyFactory(status=FamilyStatus.WITHDRAWN)
        active = SupportFamilyFactory(contact_name="Aktiivinen", status=FamilyStatus.ACTIVE)
        recently_signed_up = SupportFamilyFactory(contact_name="Tuore")
    with time_machine.travel(NOW - datetime.timedelta(days=30), tick=False):
        RegistrationFactory(family=recently_signed_up)
    with time_machine.travel(NOW, tick=False):
        counts = apply_retention()

    assert counts["applications"] == 2
    assert counts["registrations"] == 1
    unused.refresh_from_db()
    assert unused.contact_name == ANONYMISED
    assert unused.phone == "" and "maija" not in unused.email.lower()
    assert unused.status == FamilyStatus.APPLIED and unused.municipality == "Helsinki"
    assert SupportFamily.objects.get(pk=withdrawn.pk).anonymised_at == NOW
    assert SupportFamily.objects.get(pk=active.pk).contact_name == "Aktiivinen"
    assert SupportFamily.objects.get(pk=recently_signed_up.pk).contact_name == "Tuore"


def test_dry_run_reports_exactly_and_changes_nothing():
    with time_machine.travel(LONG_AGO, tick=False):
        relationship = _ended_relationship(datetime.date(2019, 6, 1))
        _closed_case(datetime.date(2018, 2, 1))
        SupportFamilyFactory(status=FamilyStatus.DECLINED)
    entries_before = list(LogEntry.objects.values_list("pk", "object_repr", "changes_text"))
    with time_machine.travel(NOW, tick=False):
        dry = apply_retention(dry_run=True)
        assert Child.objects.get(pk=relationship.child_id).first_name == "Onni"
        assert not SupportRelationship.objects.filter(anonymised_at__isnull=False).exists()
        assert not SupportCase.objects.filter(anonymised_at__isnull=False).exists()
        assert not SupportFamily.objects.filter(anonymised_at__isnull=False).exists()
        assert list(LogEntry.objects.values_list("pk", "object_repr", "changes_text")) == (
            entries_before
        )
        real = apply_retention()
    assert dry == real
    assert real["relationships"] == real["cases"] == real["applications"] == 1


def test_running_twice_changes_nothing_more():
    with time_machine.travel(LONG_AGO, tick=False):
        relationship = _ended_relationship(datetime.date(2019, 6, 1))
        _closed_case(datetime.date(2018, 2, 1))
        SupportFamilyFactory(status=FamilyStatus.APPLIED)
    with time_machine.travel(NOW, tick=False):
        assert apply_retention()
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        assert apply_retention() == {}
    relationship.refresh_from_db()
    assert relationship.anonymised_at == NOW


def test_the_command_reports_counts_and_says_dry_run(settings):
    with time_machine.travel(LONG_AGO, tick=False):
        _closed_case(datetime.date(2018, 2, 1))
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("apply_retention", "--dry-run", stdout=out)
        assert "Would anonymise" in out.getvalue()
        assert "cases: 1" in out.getvalue()
        assert SupportCase.objects.get().anonymised_at is None
        out = io.StringIO()
        call_command("apply_retention", stdout=out)
        assert "Anonymised:" in out.getvalue() and "cases: 1" in out.getvalue()
        out = io.StringIO()
        call_command("apply_retention", stdout=out)
    assert "nothing" in out.getvalue()
