"""The portal's start page and lists show a change at once: through a portal form, a service, the
admin's saves, a bulk update, a role change, the date or the clock. (They were once kept
rendered per worker; nothing of them is cached now, and these tests keep what a worker sees.)"""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from families.services.payments import approve_month
from families.services.relationships import end_relationship, pause_relationship
from kalliola.roles import COORDINATORS
from meetings import services as meeting_services
from meetings.models import CaseStatus, FollowUp, MeetingMode
from meetings.retention import anonymise_case
from meetings.services.requests import submit_request
from tests.factories.meetings import (
    ClosedCaseFactory,
    ContactAdultFactory,
    FollowUpFactory,
    MeetingFactory,
    SupportCaseFactory,
)
from tests.factories.relationships import RelationshipFactory, StayFactory, at

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
LIST, CASES, HOME = "/en/tyo/suhteet/", "/en/tyo/asiakkuudet/", "/en/tyo/"


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(at(TODAY, 12), tick=False) as traveller:
        yield traveller


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _main(html: str) -> str:
    # Forms outside the cached part (language menu, sign out) carry a CSRF token that differs
    # on each view.
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", html)


def _cached(client, *urls: str) -> None:
    """View each page twice, as a worker does before a change: the two views are the same."""
    for url in urls:
        first = _main(_html(client, url))
        assert _main(_html(client, url)) == first


def _mine(worker, **fields):
    fields.setdefault("start_date", datetime.date(2026, 1, 1))
    return RelationshipFactory(support_worker=worker, **fields)


# Whose pages, in which language.


def test_each_user_and_each_language_has_their_own_pages(
    client, support_worker, other_support_worker
):
    mine = _mine(support_worker)
    theirs = _mine(other_support_worker)
    client.force_login(support_worker)
    _cached(client, LIST, "/tyo/suhteet/")
    client.force_login(other_support_worker)
    html = _html(client, LIST)
    assert theirs.child.first_name in html and mine.child.first_name not in html
    client.force_login(support_worker)
    assert "Review:" in _html(client, LIST)
    assert "Arviointi:" in _html(client, "/tyo/suhteet/")


def test_an_odd_page_number_is_answered(client, support_worker):
    _mine(support_worker)
    client.force_login(support_worker)
    for sivu in ("x", "01", "9" * 40, "-1"):
        assert client.get(LIST, {"sivu": sivu}).status_code == 200, sivu


# Relationships and stays.


STAY = {"start_time": "17:00", "end_time": "17:00", "notes": ""}


def test_a_stay_logged_or_removed_in_the_portal_shows_at_once(client, support_worker):
    relationship = _mine(support_worker)
    client.force_login(support_worker)
    _cached(client, LIST, HOME)
    response = client.post(
        f"{LIST}{relationship.pk}/kaynti/",
        {**STAY, "start_date": "2026-06-05", "end_date": "2026-06-07"},
    )
    assert response.status_code == 302
    assert "Last stay: 5 Jun 2026 · 1 stay awaiting approval" in _html(client, LIST)
    assert "1 stay awaiting approval" in _html(client, HOME)

    stay = relationship.stays.get()
    assert (
        client.post(f"{LIST}{relationship.pk}/kaynti/{stay.pk}/", {"delete": "1"}).status_code
        == 302
    )
    assert "Last stay: – · 0 stays awaiting approval" in _html(client, LIST)
    assert "0 stays awaiting approval" in _html(client, HOME)


def test_approving_a_month_in_bulk_shows_at_once(client, support_worker, coordinator):
    relationship = _mine(support_worker)
    StayFactory(
        relationship=relationship,
        starts_at=at(datetime.date(2026, 5, 5)),
        ends_at=at(datetime.date(2026, 5, 7)),
    )
    client.force_login(support_worker)
    _cached(client, LIST, HOME)
    assert "1 stay awaiting approval" in _html(client, LIST)
    approve_month(relationship.family, datetime.date(2026, 5, 1), by=coordinator)
    assert "0 stays awaiting approval" in _html(client, LIST)
    assert "0 stays awaiting approval" in _html(client, HOME)


def test_pausing_ending_and_handing_over_a_relationship_show_at_once(
    client, support_worker, other_support_worker, coordinator
):
    relationship = _mine(support_worker)
    moved = _mine(support_worker)
    client.force_login(other_support_worker)
    _cached(client, LIST)
    client.force_login(support_worker)
    _cached(client, LIST, HOME)
    assert "2 open relationships" in _html(client, HOME)

    pause_relationship(relationship, by=coordinator)
    assert '<span class="badge text-bg-secondary">Paused</span>' in _html(client, LIST)

    moved.support_worker = other_support_worker  # as the admin's change form saves it
    moved.save()
    assert moved.child.first_name not in _html(client, LIST)
    client.force_login(other_support_worker)
    assert moved.child.first_name in _html(client, LIST)

    end_relationship(
        relationship, end_date=TODAY, cause="child_moved", initiator="childs_family", by=coordinator
    )
    client.force_login(support_worker)
    assert relationship.child.first_name not in _html(client, LIST)
    assert "0 open relationships" in _html(client, HOME)


def test_a_new_name_of_a_child_a_household_or_a_worker_shows_at_once(
    client, support_worker, coordinator
):
    relationship = _mine(support_worker)
    client.force_login(coordinator)
    _cached(client, LIST)
    relationship.child.first_name = "Uusinimi"
    relationship.child.save()
    relationship.family.contact_name = "Perhe Uusinimi"
    relationship.family.save()
    support_worker.first_name, support_worker.last_name = "Vaihtunut", "Ohjaaja"
    support_worker.save()
    html = _html(client, LIST)
    assert "Uusinimi – Perhe Uusinimi" in html
    assert "Support worker: Vaihtunut Ohjaaja" in html


def test_the_next_day_review_badges_and_due_follow_ups_move_on(client, support_worker, _frozen_now):
    # Reviewed on 15 August: 61 days ahead today, within the 60 days' horizon tomorrow.
    _mine(support_worker, start_date=datetime.date(2025, 8, 15))
    follow_up = FollowUpFactory(case__support_worker=support_worker)
    FollowUp.objects.filter(pk=follow_up.pk).update(due_on=TODAY + datetime.timedelta(days=1))
    _frozen_now.move_to(timezone.make_aware(datetime.datetime(2026, 6, 15, 23, 58)))
    client.force_login(support_worker)
    _cached(client, LIST, HOME)
    assert "coming up" not in _html(client, LIST)
    assert "No follow-ups due." in _html(client, HOME)
    # Three minutes on, well within the cache's five minutes: past midnight.
    _frozen_now.shift(datetime.timedelta(minutes=3))
    assert "coming up" in _html(client, LIST)
    assert f"/en/tyo/asiakkuudet/{follow_up.case_id}/seuranta/" in _html(client, HOME)


# Cases, meetings, follow-ups and requests.


def test_a_meeting_a_closed_case_and_a_follow_up_show_at_once(client, support_worker):
    case = SupportCaseFactory(support_worker=support_worker, status=CaseStatus.NEW)
    client.force_login(support_worker)
    _cached(client, CASES, HOME)
    assert "0/5 meetings" in _html(client, CASES)

    meeting_services.log_meeting(
        case,
        by=support_worker,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        mode=MeetingMode.PHONE,
        duration_minutes=30,
        topics=[],
    )
    assert "1/5 meetings · next" in _html(client, CASES)
    home = _html(client, HOME)
    assert "My cases: 0 new, 1 active." in home and f"meeting 1, case {case.pk}" in home

    # The meeting is still ahead: closing the case cancels it (asked first, issue 16).
    meeting_services.close_case(case, by=support_worker, cancel_future_meetings=True)
    assert f"Case {case.pk}" not in _html(client, CASES)
    assert f"meeting 1, case {case.pk}" not in _html(client, HOME)
    _cached(client, f"{CASES}?tila=closed")

    meeting_services.record_follow_up(
        case, by=support_worker, done_on=TODAY, outcome=3, notes="", referred_again=False
    )
    assert f"Case {case.pk}" not in _html(client, f"{CASES}?tila=closed")
    assert f"Case {case.pk}" in _html(client, f"{CASES}?tila=followed_up")


def test_a_new_contact_adult_or_a_case_handed_over_shows_at_once(
    client, support_worker, other_support_worker, coordinator
):
    case = SupportCaseFactory(support_worker=support_worker)
    client.force_login(support_worker)
    _cached(client, CASES)
    ContactAdultFactory(case=case, name="Uusi Aikuinen")
    assert f"Case {case.pk} · Uusi Aikuinen" in _html(client, CASES)
    meeting_services.assign_worker(case, other_support_worker, by=coordinator)
    assert f"Case {case.pk}" not in _html(client, CASES)


def test_anonymising_a_closed_case_in_bulk_shows_at_once(client, support_worker):
    case = ClosedCaseFactory(support_worker=support_worker, question="Perheen oma kysymys")
    ContactAdultFactory(case=case, name="Nimi Näkyy")
    client.force_login(support_worker)
    _cached(client, f"{CASES}?tila=closed")
    assert "Nimi Näkyy" in _html(client, f"{CASES}?tila=closed")
    anonymise_case(case.pk, timezone.now())
    html = _html(client, f"{CASES}?tila=closed")
    assert "Nimi Näkyy" not in html and "Perheen oma kysymys" not in html


def test_a_meeting_no_longer_next_once_it_has_started(client, support_worker, _frozen_now):
    case = SupportCaseFactory(support_worker=support_worker, status=CaseStatus.ACTIVE)
    MeetingFactory(case=case, number=1, starts_at=timezone.now() + datetime.timedelta(minutes=2))
    client.force_login(support_worker)
    _cached(client, CASES, HOME)
    assert "· next" in _html(client, CASES)
    assert f"meeting 1, case {case.pk}" in _html(client, HOME)
    # Three minutes on: well within the cache's five minutes, but past the meeting's start.
    _frozen_now.shift(datetime.timedelta(minutes=3))
    assert "· next" not in _html(client, CASES)
    assert "No meetings coming up." in _html(client, HOME)


def test_a_new_meeting_request_shows_on_a_coordinators_start_page(client, coordinator):
    client.force_login(coordinator)
    _cached(client, HOME)
    assert "0 requests are waiting." in _html(client, HOME)
    submit_request(
        contact_role="parent",
        name="Testi Vanhempi",
        phone="040 111 2222",
        email="",
        contact_channel="call",
        best_time="",
        question="Tarvitsemme apua.",
        preferred_mode="phone",
        family_agreed=False,
    )
    assert "1 request is waiting." in _html(client, HOME)


# Roles.


def test_a_worker_made_coordinator_sees_every_relationship_and_back_only_their_own(
    client, support_worker, other_support_worker
):
    mine = _mine(support_worker)
    theirs = _mine(other_support_worker)
    client.force_login(support_worker)
    _cached(client, LIST, HOME, CASES)
    coordinators = Group.objects.get(name=COORDINATORS)
    coordinators.user_set.add(support_worker)
    html = _html(client, LIST)
    assert mine.child.first_name in html and theirs.child.first_name in html
    assert "2 open relationships" in _html(client, HOME)

    support_worker.groups.remove(coordinators)
    html = _html(client, LIST)
    assert mine.child.first_name in html and theirs.child.first_name not in html
    assert "1 open relationship" in _html(client, HOME)
