"""Check-ins (issue 19, point 2): the three rules of "needs attention" at their edges, recording a
check-in, and the portal's check-in form, scoped to the worker's own relationships."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from families.models import CheckIn, RelationshipStatus, SupportRelationship
from families.services import check_ins as rules
from families.services.check_ins import CheckInError, record_check_in
from families.services.stays import RelationshipAnonymised
from kalliola.rows import short_date
from tests.factories.relationships import RelationshipFactory, StayFactory, at

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
WELL, MIXED, POORLY = 3, 2, 1


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(at(TODAY, 12), tick=False), translation.override("en"):
        yield


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def flagged(rule) -> set[int]:
    return set(SupportRelationship.objects.filter(rule).values_list("pk", flat=True))


def attention(relationship) -> list[str]:
    row = rules.with_attention(SupportRelationship.objects.filter(pk=relationship.pk), TODAY).get()
    return rules.reasons_of(row)


def check_in(relationship, day, child=WELL, family=WELL, parent=WELL, **kwargs):
    return record_check_in(
        relationship,
        date=day,
        for_child=child,
        for_family=family,
        for_parent=parent,
        today=TODAY,
        **kwargs,
    )


def stay_ending(relationship, day):
    end = at(day, 17)
    return StayFactory(
        relationship=relationship, starts_at=end - datetime.timedelta(days=2), ends_at=end
    )


# No stay for 60 days.


def test_a_last_stay_that_ended_60_days_ago_is_a_lapse_and_59_days_ago_is_not():
    sixty = RelationshipFactory(start_date=days_ago(300))
    stay_ending(sixty, days_ago(60))
    fifty_nine = RelationshipFactory(start_date=days_ago(300))
    stay_ending(fifty_nine, days_ago(59))
    assert flagged(rules.no_recent_stay(TODAY)) == {sixty.pk}
    assert "No stay for 60 days" in attention(sixty)


def test_a_new_relationship_without_stays_counts_from_its_start():
    started_60 = RelationshipFactory(start_date=days_ago(60))
    started_59 = RelationshipFactory(start_date=days_ago(59))
    assert flagged(rules.no_recent_stay(TODAY)) == {started_60.pk}
    assert started_59.pk != started_60.pk


def test_a_paused_relationship_is_not_a_lapse_but_still_needs_its_check_in():
    paused = RelationshipFactory(start_date=days_ago(300), status=RelationshipStatus.PAUSED)
    assert flagged(rules.no_recent_stay(TODAY)) == set()
    assert flagged(rules.check_in_overdue(TODAY)) == {paused.pk}


# Check-in overdue (CHECK_IN_INTERVAL_WEEKS, 8 by default).


def test_a_check_in_is_due_on_the_day_eight_weeks_on_and_overdue_the_day_after():
    due_today = RelationshipFactory(start_date=days_ago(300))
    check_in(due_today, days_ago(56))
    overdue = RelationshipFactory(start_date=days_ago(300))
    check_in(overdue, days_ago(57))
    assert flagged(rules.check_in_overdue(TODAY)) == {overdue.pk}
    assert rules.check_in_due_on(days_ago(56)) == TODAY
    assert "Check-in overdue" in attention(overdue)


def test_before_the_first_check_in_the_interval_counts_from_the_start():
    started_56 = RelationshipFactory(start_date=days_ago(56))
    started_57 = RelationshipFactory(start_date=days_ago(57))
    assert flagged(rules.check_in_overdue(TODAY)) == {started_57.pk}
    assert started_56.pk not in flagged(rules.needs_attention(TODAY))


def test_the_interval_follows_the_setting(settings):
    relationship = RelationshipFactory(start_date=days_ago(300))
    check_in(relationship, days_ago(20))
    settings.CHECK_IN_INTERVAL_WEEKS = 3
    assert flagged(rules.check_in_overdue(TODAY)) == set()  # 20 days < 21
    settings.CHECK_IN_INTERVAL_WEEKS = 2
    assert flagged(rules.check_in_overdue(TODAY)) == {relationship.pk}
    assert rules.check_in_due_on(days_ago(20)) == days_ago(6)


# A scale fell.


def test_a_lower_answer_than_the_check_in_before_is_a_fall():
    relationship = RelationshipFactory(start_date=days_ago(300))
    check_in(relationship, days_ago(30), child=WELL, family=MIXED, parent=POORLY)
    check_in(relationship, days_ago(2), child=WELL, family=MIXED, parent=POORLY)
    assert flagged(rules.scale_fell()) == set()  # the same
    check_in(relationship, days_ago(1), child=WELL, family=WELL, parent=MIXED)
    assert flagged(rules.scale_fell()) == set()  # a rise
    check_in(relationship, TODAY, child=WELL, family=WELL, parent=POORLY)
    assert flagged(rules.scale_fell()) == {relationship.pk}  # the parent's fell
    assert "Going less well than at the previous check-in" in attention(relationship)
    latest, previous = relationship.check_ins.all()[:2]
    assert rules.fallen_scales(latest, previous) == ["for the child's parent"]


@pytest.mark.parametrize("scale", ["child", "family", "parent"])
def test_each_of_the_three_scales_falling_counts(scale):
    relationship = RelationshipFactory(start_date=days_ago(300))
    check_in(relationship, days_ago(10))
    check_in(relationship, days_ago(1), **{scale: MIXED})
    assert flagged(rules.scale_fell()) == {relationship.pk}


def test_only_the_latest_two_are_compared():
    relationship = RelationshipFactory(start_date=days_ago(300))
    check_in(relationship, days_ago(20), child=WELL)
    check_in(relationship, days_ago(10), child=POORLY)
    check_in(relationship, days_ago(1), child=POORLY)
    assert flagged(rules.scale_fell()) == set()


def test_a_first_check_in_has_nothing_to_fall_from():
    relationship = RelationshipFactory(start_date=days_ago(300))
    check_in(relationship, days_ago(1), child=POORLY, family=POORLY, parent=POORLY)
    assert flagged(rules.scale_fell()) == set()


# Ended relationships never.


def test_an_ended_relationship_never_needs_attention():
    ended = RelationshipFactory(start_date=days_ago(300))
    check_in(ended, days_ago(200))
    check_in(ended, days_ago(100), child=POORLY)
    SupportRelationship.objects.filter(pk=ended.pk).update(
        status=RelationshipStatus.ENDED,
        end_date=days_ago(90),
        end_cause="other",
        end_initiator="together",
    )
    for rule in (
        rules.no_recent_stay(TODAY),
        rules.check_in_overdue(TODAY),
        rules.scale_fell(),
        rules.needs_attention(TODAY),
    ):
        assert flagged(rule) == set()
    assert attention(ended) == []


def test_needing_attention_lists_the_longest_without_a_check_in_first():
    recent = RelationshipFactory(start_date=days_ago(300))
    check_in(recent, days_ago(100))
    never = RelationshipFactory(start_date=days_ago(200))
    fine = RelationshipFactory(start_date=days_ago(300))
    check_in(fine, days_ago(3))
    stay_ending(fine, days_ago(3))
    rows = list(rules.needing_attention(SupportRelationship.objects.all(), TODAY))
    assert [r.pk for r in rows] == [never.pk, recent.pk]
    assert rules.reasons_of(rows[0]) == ["No stay for 60 days", "Check-in overdue"]


# Recording a check-in.


def test_a_check_in_is_recorded_with_who_and_the_note_trimmed(support_worker):
    relationship = RelationshipFactory(support_worker=support_worker, start_date=days_ago(100))
    saved = check_in(relationship, TODAY, child=MIXED, note="  Hyvä viikko.  ", by=support_worker)
    assert (saved.for_child, saved.note, saved.created_by) == (
        MIXED,
        "Hyvä viikko.",
        support_worker,
    )


@pytest.mark.parametrize(
    "day,message",
    [
        (TODAY + datetime.timedelta(days=1), "in the future"),
        (days_ago(101), "before the support relationship started"),
    ],
)
def test_a_check_in_on_an_impossible_day_is_refused(day, message):
    relationship = RelationshipFactory(start_date=days_ago(100))
    with pytest.raises(CheckInError, match=message):
        check_in(relationship, day)
    assert not CheckIn.objects.exists()


def test_a_second_check_in_of_a_day_or_one_before_the_latest_is_refused():
    relationship = RelationshipFactory(start_date=days_ago(100))
    check_in(relationship, days_ago(5))
    with pytest.raises(CheckInError, match="A check-in of this day is already recorded"):
        check_in(relationship, days_ago(5))
    with pytest.raises(CheckInError, match="A later check-in"):
        check_in(relationship, days_ago(6))
    assert CheckIn.objects.count() == 1


def test_a_check_in_on_the_first_day_of_the_relationship_is_recorded():
    relationship = RelationshipFactory(start_date=days_ago(100))
    assert check_in(relationship, days_ago(100)).date == days_ago(100)


def test_an_answer_off_the_scale_is_refused():
    relationship = RelationshipFactory(start_date=days_ago(100))
    with pytest.raises(CheckInError, match="three questions"):
        check_in(relationship, TODAY, child=4)


def test_an_ended_or_anonymised_relationship_takes_no_check_in():
    ended = RelationshipFactory(start_date=days_ago(100), status="ended", end_date=days_ago(1))
    with pytest.raises(CheckInError, match="has ended"):
        check_in(ended, TODAY)
    SupportRelationship.objects.filter(pk=ended.pk).update(anonymised_at=at(TODAY))
    with pytest.raises(RelationshipAnonymised):
        check_in(ended, TODAY)
    assert not CheckIn.objects.exists()


# The portal.


def _form(day=TODAY, **answers):
    return {
        "date": day.isoformat(),
        "for_child": answers.get("child", WELL),
        "for_family": answers.get("family", WELL),
        "for_parent": answers.get("parent", WELL),
        "note": answers.get("note", ""),
    }


def test_a_worker_records_a_check_in_in_the_portal(client, support_worker):
    relationship = RelationshipFactory(support_worker=support_worker, start_date=days_ago(100))
    client.force_login(support_worker)
    url = reverse("families_portal:check_in", args=[relationship.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "How is it going for the child?" in page.content.decode()
    response = client.post(url, _form(child=MIXED, note="Koulussa vaikeaa."))
    assert response.status_code == 302
    saved = CheckIn.objects.get()
    assert (saved.relationship, saved.for_child, saved.created_by) == (
        relationship,
        MIXED,
        support_worker,
    )
    detail = client.get(reverse("families_portal:relationship", args=[relationship.pk]))
    assert "Koulussa vaikeaa." in detail.content.decode()


def test_another_workers_relationship_is_a_404(client, support_worker, other_support_worker):
    theirs = RelationshipFactory(support_worker=other_support_worker, start_date=days_ago(100))
    client.force_login(support_worker)
    url = reverse("families_portal:check_in", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _form()).status_code == 404
    assert not CheckIn.objects.exists()


def test_an_ended_relationship_has_no_check_in_form(client, support_worker):
    ended = RelationshipFactory(
        support_worker=support_worker,
        start_date=days_ago(100),
        status="ended",
        end_date=days_ago(1),
    )
    client.force_login(support_worker)
    assert client.get(reverse("families_portal:check_in", args=[ended.pk])).status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        _form(child=9),
        _form(child="<script>"),
        {**_form(), "date": "9999-12-31"},
        {**_form(), "date": (TODAY + datetime.timedelta(days=1)).isoformat()},
        {**_form(), "note": "x" * 2001},
        {**_form(), "for_parent": ""},
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(client, support_worker, data):
    relationship = RelationshipFactory(support_worker=support_worker, start_date=days_ago(100))
    client.force_login(support_worker)
    response = client.post(reverse("families_portal:check_in", args=[relationship.pk]), data)
    assert response.status_code == 400
    assert not CheckIn.objects.exists()


def test_the_portal_list_shows_which_relationships_need_a_check_in(client, support_worker):
    overdue = RelationshipFactory(support_worker=support_worker, start_date=days_ago(100))
    fine = RelationshipFactory(support_worker=support_worker, start_date=days_ago(100))
    check_in(fine, days_ago(3))
    stay_ending(fine, days_ago(3))
    client.force_login(support_worker)
    response = client.get("/en/tyo/suhteet/")
    cards = {row["pk"]: row for row in response.context["relationships"]}
    assert cards[overdue.pk]["check_in_overdue"] == "overdue"
    assert "Check-in overdue" in cards[overdue.pk]["reasons"]
    assert cards[fine.pk]["reasons"] == [] and cards[fine.pk]["check_in_overdue"] == ""
    assert cards[fine.pk]["check_in_due"] == short_date(days_ago(3) + datetime.timedelta(weeks=8))
    start = client.get("/en/tyo/")
    assert start.context["relationships_overview"]["check_ins_overdue"] == 1
