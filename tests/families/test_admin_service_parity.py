"""The admin and the services give the same answer for the same household.

Each case builds the same household twice from real rows (a group, its sessions, attendance, a
home visit, the criminal-record check); one copy goes through the service, the other through
the admin as a coordinator would (the status page, the list's action, the enrolment action).
Both must end in the same statuses, with the same refusal reasons, and the case's expected
outcome must hold, so that two wrong answers cannot agree.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from families.models import FamilyStatus, SupportFamily
from families.services import TransitionNotAllowed, approve_family, change_status
from families.services.households import months_before
from tests.factories.trainings import (
    AttendanceFactory,
    TrainingGroupFactory,
    household_in_training,
)
from trainings import services as trainings_services
from trainings.models import SessionStatus, TrainingSession

pytestmark = pytest.mark.django_db

S = FamilyStatus
REFUSALS = (messages.ERROR, messages.WARNING)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


# -- households, built from rows -----------------------------------------------------------------


def _with_future_session():
    enrollment = household_in_training(hours=("3", "3"), home_visit="1")
    start = timezone.now() + datetime.timedelta(days=3)
    ahead = TrainingSession.objects.create(
        group=enrollment.group, starts_at=start, ends_at=start + datetime.timedelta(hours=3)
    )
    AttendanceFactory(enrollment=enrollment, session=ahead, hours=Decimal("3"))
    return enrollment


def _with_other_groups_session():
    enrollment = household_in_training(hours=("3", "3"), home_visit="1")
    elsewhere = TrainingGroupFactory(sessions__days_ahead=-20).sessions.first()
    AttendanceFactory(enrollment=enrollment, session=elsewhere, hours=Decimal("3"))
    return enrollment


def _with_cancelled_session():
    enrollment = household_in_training(hours=("3", "3", "3"), home_visit="1")
    TrainingSession.objects.filter(pk=enrollment.group.sessions.last().pk).update(
        status=SessionStatus.CANCELLED
    )
    return enrollment


def _not_in_training():
    enrollment = household_in_training(hours=("3", "3", "3"), home_visit="1")
    SupportFamily.objects.filter(pk=enrollment.family_id).update(status=S.APPLIED)
    return enrollment


TRAINED_CASES = {
    "ten hours with a home visit": (
        lambda: household_in_training(hours=("3", "3", "3"), home_visit="1"),
        S.TRAINED,
    ),
    "nine and a half hours": (
        lambda: household_in_training(hours=("3", "3", "2.5"), home_visit="1"),
        S.IN_TRAINING,
    ),
    "ten hours without a home visit": (
        lambda: household_in_training(hours=("2.5",) * 4, home_visit=None),
        S.IN_TRAINING,
    ),
    "hours from a session still ahead": (_with_future_session, S.IN_TRAINING),
    "hours from another group's session": (_with_other_groups_session, S.IN_TRAINING),
    "hours from a cancelled session": (_with_cancelled_session, S.IN_TRAINING),
    "a household not in training": (_not_in_training, S.APPLIED),
}


# -- the paths -----------------------------------------------------------------------------------


def _refusals(response, family) -> list[str]:
    """The reasons the admin gave for this household, without its name in front."""
    prefix = f"{family}: "
    return [
        m.message.removeprefix(prefix)
        for m in get_messages(response.wsgi_request)
        if m.level in REFUSALS and m.message.startswith(prefix)
    ]


def _by_service(call) -> list[str]:
    try:
        call()
    except TransitionNotAllowed as refusal:
        return [str(refusal)]
    return []


def _trained_by_service(enrollment, coordinator, how):
    family = enrollment.family
    if how == "complete_pretraining":
        call = lambda: trainings_services.complete_pretraining(family, by=coordinator)  # noqa: E731
    else:
        call = lambda: change_status(family, S.TRAINED, by=coordinator, note="")  # noqa: E731
    return _by_service(call)


def _trained_by_admin(enrollment, client, how):
    family = enrollment.family
    if how == "status page":
        response = client.post(
            url("admin:families_supportfamily_status", family.pk),
            {"to_status": S.TRAINED, "note": "Valmis"},
        )
    elif how == "households action":
        response = client.post(
            url("admin:families_supportfamily_changelist"),
            {
                "action": "move_to_status",
                "_selected_action": [family.pk],
                "apply": "1",
                "to_status": S.TRAINED,
                "note": "Valmis",
            },
        )
    else:
        response = client.post(
            url("admin:trainings_enrollment_changelist"),
            {"action": "complete_pretraining", "_selected_action": [enrollment.pk]},
        )
    assert response.status_code in (200, 302)
    return _refusals(response, family)


def _outcome(enrollment, reasons):
    enrollment.refresh_from_db()
    enrollment.family.refresh_from_db()
    return {
        "household": enrollment.family.status,
        "enrolment": enrollment.status,
        "history": list(enrollment.family.status_changes.values_list("to_status", flat=True)),
        "reasons": reasons,
    }


@pytest.mark.parametrize("admin_path", ["status page", "households action", "enrolment action"])
@pytest.mark.parametrize("service", ["complete_pretraining", "change_status"])
@pytest.mark.parametrize("case", TRAINED_CASES)
def test_trained_is_the_same_answer_from_the_admin_and_the_service(
    admin_client, coordinator, case, service, admin_path
):
    build, expected = TRAINED_CASES[case]
    one, other = build(), build()
    by_service = _outcome(one, _trained_by_service(one, coordinator, service))
    by_admin = _outcome(other, _trained_by_admin(other, admin_client, admin_path))
    assert by_service == by_admin
    assert by_service["household"] == expected
    assert bool(by_service["reasons"]) == (expected != S.TRAINED)


def test_the_refusal_names_what_is_missing(admin_client, coordinator):
    # The shared reasons are the rule's own words, not a generic refusal.
    enrollment = household_in_training(hours=("3", "3", "2.5"), home_visit=None)
    reasons = _trained_by_admin(enrollment, admin_client, "status page")
    assert reasons == [
        "The pre-training needs 10 hours including the home visit; done: 8.5. "
        "No home visit has been recorded."
    ]


# -- approval ------------------------------------------------------------------------------------


def _days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


APPROVAL_CASES = {
    # name: (extract already on the household, extract date typed in, note, expected status)
    "extract seen last week and a note": (None, lambda: _days_ago(7), "Hyvä", S.APPROVED),
    "extract recorded before, a note": (lambda: _days_ago(30), None, "Hyvä", S.APPROVED),
    "extract exactly six months old": (
        None,
        lambda: months_before(timezone.localdate(), 6),
        "Hyvä",
        S.APPROVED,
    ),
    "no extract": (None, None, "Hyvä", S.TRAINED),
    "extract a day over six months old": (
        None,
        lambda: months_before(timezone.localdate(), 6) - datetime.timedelta(days=1),
        "Hyvä",
        S.TRAINED,
    ),
    "extract dated tomorrow": (None, lambda: _days_ago(-1), "Hyvä", S.TRAINED),
    "valid extract, no note": (None, lambda: _days_ago(7), "", S.TRAINED),
    "no extract, no note": (None, None, "  ", S.TRAINED),
}


def _trained_household(recorded, coordinator):
    family = household_in_training().family
    trainings_services.complete_pretraining(family)
    if recorded:
        SupportFamily.objects.filter(pk=family.pk).update(
            criminal_record_checked_on=recorded(), criminal_record_checked_by=coordinator
        )
    family.refresh_from_db()
    return family


def _approval_outcome(family, reasons):
    family.refresh_from_db()
    return {
        "household": family.status,
        "extract": (family.criminal_record_checked_on, family.criminal_record_checked_by_id),
        "history": list(family.status_changes.values_list("to_status", flat=True)),
        "reasons": reasons,
    }


@pytest.mark.parametrize("admin_path", ["status page", "households action"])
@pytest.mark.parametrize("case", APPROVAL_CASES)
def test_approval_is_the_same_answer_from_the_admin_and_the_service(
    admin_client, coordinator, case, admin_path
):
    recorded, typed, note, expected = APPROVAL_CASES[case]
    one = _trained_household(recorded, coordinator)
    other = _trained_household(recorded, coordinator)
    seen_on = typed() if typed else None

    by_service = _approval_outcome(
        one,
        _by_service(
            lambda: approve_family(
                one, by=coordinator, criminal_record_checked_on=seen_on, note=note
            )
        ),
    )
    data = {"to_status": S.APPROVED, "note": note}
    if seen_on:
        data["criminal_record_checked_on"] = seen_on.isoformat()
    if admin_path == "status page":
        response = admin_client.post(url("admin:families_supportfamily_status", other.pk), data)
    else:
        data.update(action="move_to_status", _selected_action=[other.pk], apply="1")
        response = admin_client.post(url("admin:families_supportfamily_changelist"), data)
    assert response.status_code in (200, 302)
    by_admin = _approval_outcome(other, _refusals(response, other))

    assert by_service == by_admin
    assert by_service["household"] == expected
    assert bool(by_service["reasons"]) == (expected != S.APPROVED)
