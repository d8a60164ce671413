"""The household pipeline: the transition table, the approval rules, the recorded history."""

import datetime

import pytest
import time_machine
from django.utils import timezone, translation

from families.models import FamilyStatus, FamilyStatusChange, SupportFamily
from families.services import (
    ApprovalRefused,
    TransitionNotAllowed,
    approve_family,
    change_status,
    find_or_create_applicant,
    households,
    register_family,
    register_step,
)
from families.services.households import months_before
from tests.factories.families import SupportFamilyFactory
from tests.factories.trainings import household_in_training
from tests.factories.users import SupportWorkerFactory
from tests.helpers import requires_postgresql, run_at_once

S = FamilyStatus

# Written out by hand from DESIGN.md so the test fails if the service's table drifts.
EXPECTED = {
    "interested": {"applied", "withdrawn", "declined"},
    "applied": {"info_session_attended", "accepted_for_training", "withdrawn", "declined"},
    "info_session_attended": {"accepted_for_training", "withdrawn", "declined"},
    "accepted_for_training": {"in_training", "withdrawn", "declined"},
    "in_training": {"trained", "accepted_for_training", "withdrawn", "declined"},
    "trained": {"approved", "withdrawn", "declined"},
    "approved": {"active", "on_hold", "withdrawn", "declined"},
    "active": {"on_hold", "approved", "ended", "withdrawn", "declined"},
    "on_hold": {"active", "approved", "ended", "withdrawn", "declined"},
    "ended": set(),
    "withdrawn": set(),
    "declined": set(),
}
ALL_PAIRS = [(a, b) for a in S.values for b in S.values]


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in the source language, whatever the catalogues say.
    with translation.override("en"):
        yield


def _checked_family(status, *, checker):
    """A household in `status` that meets every rule a step asks: the extract seen today, and
    a completed pre-training (three evenings that took place and a home visit, 10 hours)."""
    family = household_in_training().family
    SupportFamily.objects.filter(pk=family.pk).update(
        status=status,
        criminal_record_checked_on=timezone.localdate(),
        criminal_record_checked_by=checker,
    )
    family.refresh_from_db()
    return family


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_transition_table_in_full(from_status, to_status, coordinator):
    family = _checked_family(from_status, checker=coordinator)
    allowed = to_status in EXPECTED[from_status]
    if allowed:
        change_status(family, to_status, by=coordinator, note="Päätös")
    else:
        with pytest.raises(TransitionNotAllowed):
            change_status(family, to_status, by=coordinator, note="Päätös")
    family.refresh_from_db()
    if allowed:
        assert family.status == to_status
        change = FamilyStatusChange.objects.get(family=family)
        assert (change.from_status, change.to_status) == (from_status, to_status)
        assert change.changed_by == coordinator
        assert change.note.endswith("Päätös")
    else:
        assert family.status == from_status
        assert not FamilyStatusChange.objects.filter(family=family).exists()


@pytest.mark.django_db
def test_unknown_status_is_refused(coordinator):
    family = SupportFamilyFactory()
    with pytest.raises(TransitionNotAllowed):
        change_status(family, "flying", by=coordinator)


@pytest.mark.django_db
def test_refusal_message_names_both_statuses():
    family = SupportFamilyFactory(status=S.ENDED)
    with pytest.raises(TransitionNotAllowed, match="Ended.*Active"):
        change_status(family, S.ACTIVE)


@pytest.mark.django_db
def test_status_change_records_time_and_moves_status_changed_at(coordinator):
    family = SupportFamilyFactory()
    with time_machine.travel("2026-03-02 10:00 +02:00", tick=False):
        change_status(family, S.INFO_SESSION_ATTENDED, by=coordinator, note="Kävi infossa")
    change = family.status_changes.get()
    assert change.changed_at == family.status_changed_at
    assert family.status_changed_at.isoformat() == "2026-03-02T08:00:00+00:00"


# -- in_training → trained -------------------------------------------------------------------


@pytest.mark.django_db
def test_trained_needs_ten_hours(coordinator):
    family = household_in_training(hours=("3", "3", "2.5"), home_visit="1").family
    with pytest.raises(TransitionNotAllowed) as exc:
        change_status(family, S.TRAINED, by=coordinator)
    assert "10 hours including the home visit; done: 9.5" in str(exc.value)
    family.refresh_from_db()
    assert family.status == S.IN_TRAINING
    assert not family.status_changes.exists()


@pytest.mark.django_db
def test_trained_with_ten_hours(coordinator):
    family = household_in_training(hours=("3", "3", "3"), home_visit="1").family
    change_status(family, S.TRAINED, by=coordinator)
    assert family.status == S.TRAINED


@pytest.mark.django_db
def test_trained_is_refused_without_a_registered_rule(coordinator, monkeypatch):
    monkeypatch.setattr(households, "_STEP_FUNCTIONS", {})
    family = household_in_training().family
    with pytest.raises(TransitionNotAllowed, match="cannot be moved to “Trained” here"):
        change_status(family, S.TRAINED, by=coordinator)
    family.refresh_from_db()
    assert family.status == S.IN_TRAINING


def test_only_a_ruled_step_can_be_registered():
    with pytest.raises(ValueError):
        register_step(S.APPROVED, lambda family, *, by, note: None)


# -- trained → approved: each condition refused alone ------------------------------------------


@pytest.fixture
def today():
    with time_machine.travel("2026-06-15 12:00 +03:00", tick=False):
        yield datetime.date(2026, 6, 15)


def _approve(family, coordinator, *, checked_on=None, note="OK"):
    checked_on = checked_on if checked_on is not None else datetime.date(2026, 6, 1)
    return approve_family(family, by=coordinator, criminal_record_checked_on=checked_on, note=note)


@pytest.mark.django_db
def test_approval_with_every_condition_met(today, coordinator):
    family = SupportFamilyFactory(status=S.TRAINED)
    _approve(family, coordinator, note="Haastattelu hyvä, sopii 6–10-vuotiaille.")
    family.refresh_from_db()
    assert family.status == S.APPROVED
    assert family.criminal_record_checked_on == datetime.date(2026, 6, 1)
    assert family.criminal_record_checked_by == coordinator
    change = family.status_changes.get()
    assert change.changed_by == coordinator
    assert change.note.startswith("Haastattelu")


def _assert_refused_and_nothing_saved(family, call, match):
    with pytest.raises(ApprovalRefused, match=match) as exc:
        call()
    assert len(exc.value.reasons) == 1
    family.refresh_from_db()
    assert family.status == S.TRAINED
    assert family.criminal_record_checked_on is None
    assert not family.status_changes.exists()


@pytest.mark.django_db
def test_approval_refused_without_criminal_record_check(today, coordinator):
    family = SupportFamilyFactory(status=S.TRAINED)
    call = lambda: approve_family(  # noqa: E731
        family, by=coordinator, criminal_record_checked_on=None, note="OK"
    )
    _assert_refused_and_nothing_saved(family, call, "criminal-record extract")


@pytest.mark.django_db
def test_approval_refused_with_check_older_than_six_months(today, coordinator):
    family = SupportFamilyFactory(status=S.TRAINED)
    _assert_refused_and_nothing_saved(
        family,
        lambda: _approve(family, coordinator, checked_on=datetime.date(2025, 12, 14)),
        "more than 6 months",
    )


@pytest.mark.django_db
def test_check_exactly_six_months_old_is_still_valid(today, coordinator):
    family = SupportFamilyFactory(status=S.TRAINED)
    _approve(family, coordinator, checked_on=datetime.date(2025, 12, 15))
    assert family.status == S.APPROVED


@pytest.mark.django_db
def test_approval_refused_with_check_date_in_the_future(today, coordinator):
    family = SupportFamilyFactory(status=S.TRAINED)
    _assert_refused_and_nothing_saved(
        family,
        lambda: _approve(family, coordinator, checked_on=datetime.date(2026, 6, 16)),
        "future",
    )


@pytest.mark.django_db
def test_approval_refused_without_a_note(today, coordinator):
    family = SupportFamilyFactory(status=S.TRAINED)
    _assert_refused_and_nothing_saved(
        family, lambda: _approve(family, coordinator, note="   "), "note"
    )


@pytest.mark.django_db
def test_approval_refused_when_not_decided_by_a_coordinator(today, coordinator):
    family = SupportFamilyFactory(status=S.TRAINED)
    worker = SupportWorkerFactory()
    call = lambda: approve_family(  # noqa: E731
        family,
        by=worker,
        criminal_record_checked_on=datetime.date(2026, 6, 1),
        criminal_record_checked_by=coordinator,
        note="OK",
    )
    _assert_refused_and_nothing_saved(family, call, "Only a coordinator")


@pytest.mark.django_db
def test_approval_refused_without_anyone_deciding(today, coordinator):
    family = SupportFamilyFactory(
        status=S.TRAINED,
        criminal_record_checked_on=datetime.date(2026, 6, 1),
        criminal_record_checked_by=coordinator,
    )
    with pytest.raises(ApprovalRefused):
        change_status(family, S.APPROVED, by=None, note="OK")


@pytest.mark.django_db
def test_approval_refused_unless_trained(today, coordinator):
    family = SupportFamilyFactory(status=S.IN_TRAINING)
    with pytest.raises(TransitionNotAllowed):
        _approve(family, coordinator)
    family.refresh_from_db()
    assert family.status == S.IN_TRAINING
    assert family.criminal_record_checked_on is None


@pytest.mark.django_db
def test_change_status_alone_enforces_the_approval_rules(today, coordinator):
    # Without a recorded check, the plain status change cannot bypass approve_family.
    family = SupportFamilyFactory(status=S.TRAINED)
    with pytest.raises(ApprovalRefused):
        change_status(family, S.APPROVED, by=coordinator, note="OK")


@pytest.mark.django_db
def test_all_missing_conditions_are_listed_together(today):
    family = SupportFamilyFactory(status=S.TRAINED)
    with pytest.raises(ApprovalRefused) as exc:
        change_status(family, S.APPROVED, by=None, note="")
    assert len(exc.value.reasons) == 3


@pytest.mark.django_db
def test_leaving_training_or_moving_back_to_approved_asks_no_approval_rule(coordinator):
    # The approval's conditions belong to trained → approved only: a trained household without
    # an extract can withdraw, and an active one whose extract is old moves back to approved.
    trained = SupportFamilyFactory(status=S.TRAINED)
    change_status(trained, S.WITHDRAWN, by=None, note="")
    assert trained.status == S.WITHDRAWN
    active = SupportFamilyFactory(
        status=S.ACTIVE,
        criminal_record_checked_on=datetime.date(2020, 1, 1),
        criminal_record_checked_by=coordinator,
    )
    change_status(active, S.APPROVED, by=None, note="")
    assert active.status == S.APPROVED


def test_months_before_handles_short_months():
    assert months_before(datetime.date(2026, 10, 31), 6) == datetime.date(2026, 4, 30)
    assert months_before(datetime.date(2026, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2026, 3, 15), 6) == datetime.date(2025, 9, 15)
    assert months_before(datetime.date(2028, 8, 30), 6) == datetime.date(2028, 2, 29)


# -- creating households -----------------------------------------------------------------------


@pytest.mark.django_db
def test_find_or_create_applicant_finds_by_email_case_insensitively():
    first, created = find_or_create_applicant(
        name="A", email="Anna@Example.org", phone="0400000001"
    )
    again, created_again = find_or_create_applicant(
        name="A", email=" anna@example.ORG ", phone="0400000001"
    )
    assert created and not created_again
    assert first.pk == again.pk
    assert SupportFamily.objects.count() == 1
    assert first.status_changes.get().to_status == S.INTERESTED


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "kept"), [("sv", "sv"), ("en", "en"), ("de", "fi")])
def test_an_applicants_language_is_one_the_programme_speaks(language, kept):
    family, _created = find_or_create_applicant(
        name="A", email=f"{language}@example.org", phone="0400000001", language=language
    )
    assert family.contact_language == kept


@pytest.mark.django_db
def test_register_family_without_a_note_says_who_entered_it(coordinator):
    family = SupportFamily(contact_name="Uusi", email="uusi2@example.org", phone="0400000002")
    register_family(family, by=coordinator)
    assert family.status_changes.get().note_shown == "Entered by a coordinator."
    other = SupportFamily(contact_name="Toinen", email="toinen@example.org", phone="0400000003")
    register_family(other, by=coordinator, note="Soitti")
    assert other.status_changes.get().note == "Soitti"


@pytest.mark.django_db
def test_register_family_records_the_first_status(coordinator):
    family = SupportFamily(contact_name="Uusi", email="UUSI@example.org", phone="0400000002")
    register_family(family, by=coordinator)
    assert family.email == "uusi@example.org"
    change = family.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("", S.APPLIED, coordinator)


@pytest.mark.django_db
def test_criminal_record_check_is_kept_as_a_pair(coordinator):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        SupportFamilyFactory(criminal_record_checked_on=datetime.date(2026, 1, 1))


# -- concurrency -------------------------------------------------------------------------------


@requires_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_coordinators_moving_the_same_household_at_once_record_one_change():
    family = SupportFamilyFactory(status=S.APPLIED)

    def move():
        family_now = SupportFamily.objects.get(pk=family.pk)
        change_status(family_now, S.INFO_SESSION_ATTENDED, note="attended")
        return "ok"

    results = [
        "refused" if isinstance(outcome, TransitionNotAllowed) else outcome
        for outcome in run_at_once([move, move])
    ]
    assert sorted(results) == ["ok", "refused"]
    assert FamilyStatusChange.objects.filter(family=family).count() == 1
