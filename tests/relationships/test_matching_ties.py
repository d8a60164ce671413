"""Matching at scale: equal scores are ordered by waiting time, age fit and free weekends, never
by name, and the suggestions say so."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from families.matching import suggest
from families.models import FamilyStatus, ReadinessCheck, SupportFamily, UnavailablePeriod
from families.services.readiness import extract_item
from tests.factories.families import ChildFactory, SupportFamilyFactory, extract_checker
from tests.factories.relationships import (
    RelationshipFactory,
    StayFactory,
    UnavailablePeriodFactory,
    at,
)
from tests.html_validity import validate

TODAY = datetime.date(2026, 6, 15)  # a Monday; 13 weekends to 15 September
D = datetime.date

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(at(TODAY, 12), tick=False), translation.override("en"):
        yield


def _child(**kwargs):
    kwargs.setdefault("birth_date", D(2018, 1, 1))  # 8 years old
    kwargs.setdefault("municipality", "Helsinki")
    return ChildFactory(**kwargs)


def _waited(family, days):
    SupportFamily.objects.filter(pk=family.pk).update(
        status_changed_at=at(TODAY, 9) - datetime.timedelta(days=days)
    )
    return family


def _family(days=0, **kwargs):
    """A household that scores nothing for the child but its waiting (Turku, no language, no
    wishes), approved `days` days ago."""
    kwargs.setdefault("status", FamilyStatus.APPROVED)
    kwargs.setdefault("municipality", "Turku")
    kwargs.setdefault("languages", [])
    return _waited(SupportFamilyFactory(**kwargs), days)


def _households(count, *, name=lambda i: f"Perhe {i:03d}", waited=lambda i: 400 + i):
    """`count` approved households equal in every scored respect (all waited over a year: the
    waiting points are capped), created in two queries and their extracts in one."""
    families = SupportFamily.objects.bulk_create(
        SupportFamily(
            contact_name=name(i),
            email=f"tasan{i}@example.org",
            phone="040 000 0000",
            municipality="Turku",
            languages=[],
            status=FamilyStatus.APPROVED,
            commitment_acknowledged=True,
        )
        for i in range(count)
    )
    for i, family in enumerate(families):
        # bulk_create stamps status_changed_at with now (auto_now_add); bulk_update does not.
        family.status_changed_at = at(TODAY, 9) - datetime.timedelta(days=waited(i))
    SupportFamily.objects.bulk_update(families, ["status_changed_at"])
    checker, item = extract_checker(), extract_item()
    ReadinessCheck.objects.bulk_create(
        ReadinessCheck(
            family=family, item=item, checked_on=TODAY - datetime.timedelta(days=30),
            checked_by=checker,
        )
        for family in families
    )  # fmt: skip
    return families


def _ids(suggestions):
    return [s.family_id for s in suggestions]


def test_among_hundreds_of_equal_scores_the_longest_waiting_come_first_not_the_first_names():
    # Perhe 000 is the first name and the shortest wait; Perhe 299 the last name and longest.
    families = _households(300)
    suggestions = suggest(_child())
    assert len(suggestions) == 25
    assert len({s.score for s in suggestions}) == 1
    longest_waiting = [f.pk for f in reversed(families)][:25]
    assert _ids(suggestions) == longest_waiting
    assert suggestions[0].contact_name == "Perhe 299"
    assert not {s.contact_name for s in suggestions} & {f"Perhe {i:03d}" for i in range(25)}


def test_equal_waiting_days_never_fall_back_to_the_name():
    # The same day of approval and the same ranges: the household's number decides, not "Aalto".
    later = _family(days=30, contact_name="Öhman")
    earlier_name = _family(days=30, contact_name="Aalto")
    assert _ids(suggest(_child())) == [later.pk, earlier_name.pk]


def test_a_household_waiting_longer_within_the_same_month_comes_first():
    # 40 and 50 days both give one month's points; the days decide.
    shorter = _family(days=40, contact_name="Aalto")
    longer = _family(days=50, contact_name="Öhman")
    suggestions = suggest(_child())
    assert suggestions[0].score == suggestions[1].score
    assert _ids(suggestions) == [longer.pk, shorter.pk]


def test_households_without_a_waiting_time_come_after_those_with_one():
    child = _child()
    active = SupportFamilyFactory(
        status=FamilyStatus.ACTIVE, municipality="Turku", languages=[], max_children=2
    )
    RelationshipFactory(family=active)
    _waited(active, 5)
    approved_today = _family(days=0, child_age_min=0, child_age_max=17)
    suggestions = suggest(child)
    assert [s.score for s in suggestions] == [0, 0]
    # The active household has the better age fit (the default 0–17 for both) and the older
    # status change, but it already supports a child: no waiting time.
    assert _ids(suggestions) == [approved_today.pk, active.pk]


def test_waiting_time_decides_before_the_age_fit():
    waited_longer = _family(days=20, child_age_min=0, child_age_max=17)
    centred = _family(days=10, child_age_min=6, child_age_max=10)
    assert _ids(suggest(_child())) == [waited_longer.pk, centred.pk]


def test_on_the_same_waiting_day_the_childs_age_nearest_the_middle_of_the_wishes_comes_first():
    # Created worst first, so neither the number nor the name gives this order.
    two_years_off = _family(days=10, child_age_min=8, child_age_max=12, contact_name="A")
    half_year_off = _family(days=10, child_age_min=5, child_age_max=10, contact_name="B")
    wide_centred = _family(days=10, child_age_min=0, child_age_max=16, contact_name="C")
    centred = _family(days=10, child_age_min=6, child_age_max=10, contact_name="D")
    suggestions = suggest(_child())
    assert len({s.score for s in suggestions}) == 1
    assert _ids(suggestions) == [centred.pk, wide_centred.pk, half_year_off.pk, two_years_off.pk]


def _active(relationship_status="active", **kwargs):
    """An active household with a place left (no waiting time), with a relationship."""
    family = SupportFamilyFactory(
        status=FamilyStatus.ACTIVE, municipality="Turku", languages=[], max_children=2, **kwargs
    )
    return RelationshipFactory(
        family=family,
        start_date=D(2026, 1, 1),
        status=relationship_status,
        end_date=TODAY if relationship_status == "ended" else None,
    )


def _weekend_stay(relationship, saturday):
    return StayFactory(
        relationship=relationship,
        starts_at=at(saturday, 10),
        ends_at=at(saturday + datetime.timedelta(days=1), 16),
    )


def test_with_equal_waiting_and_age_fit_the_household_with_more_free_weekends_comes_first():
    child = _child()
    two_busy = _active()
    _weekend_stay(two_busy, D(2026, 6, 20))
    _weekend_stay(two_busy, D(2026, 7, 4))
    holiday = _active()  # one long holiday over three weekends
    UnavailablePeriodFactory(
        family=holiday.family, start_date=D(2026, 7, 10), end_date=D(2026, 7, 27)
    )
    one_busy = _active()
    _weekend_stay(one_busy, D(2026, 8, 1))
    free = _active()
    suggestions = suggest(child)
    assert _ids(suggestions) == [
        free.family_id,
        one_busy.family_id,
        two_busy.family_id,
        holiday.family_id,
    ]
    assert [s.weekends.free for s in suggestions] == [13, 12, 11, 10]


def test_the_explanation_says_where_each_household_stands_after_the_score():
    child = _child()
    _family(days=305, child_age_min=6, child_age_max=10)
    _family(days=305, child_age_min=5, child_age_max=10)
    _family(days=305, child_age_min=5, child_age_max=14)
    _family(days=305, child_age_min=6, child_age_max=14)
    _family(days=305, child_age_min=8, child_age_max=10)
    busy = _active(child_age_min=6, child_age_max=9)
    UnavailablePeriodFactory(family=busy.family, start_date=D(2026, 7, 1), end_date=D(2026, 7, 31))
    first, second, third, fourth, fifth, active = suggest(child)
    assert first.tie_breakers == [
        "Waiting since 14 Aug 2025 (305 days).",
        "Age 8 is the middle of the wished range 6–10.",
        "13 of 13 weekends free in the next 3 months.",
    ]
    assert (
        second.tie_breakers[1] == "Age 8 is half a year from the middle of the wished range 5–10."
    )
    assert third.tie_breakers[1] == "Age 8 is 1 year from the middle of the wished range 8–10."
    assert fourth.tie_breakers[1] == "Age 8 is 1.5 years from the middle of the wished range 5–14."
    assert fifth.tie_breakers[1] == "Age 8 is 2 years from the middle of the wished range 6–14."
    assert active.tie_breakers == [
        "No waiting time: the household already supports a child.",
        "Age 8 is half a year from the middle of the wished range 6–9.",
        "9 of 13 weekends free in the next 3 months.",
    ]


def test_the_explanation_is_in_the_readers_language():
    _family(days=1)
    with translation.override("fi"):
        (suggestion,) = suggest(_child())
    assert suggestion.tie_breakers[0].startswith("Odottanut 14.6.2026 alkaen (1 päivä)")


def test_the_suggestions_page_says_how_equal_scores_are_ordered(admin_client):
    child = _child()
    _family(days=305, child_age_min=6, child_age_max=10, contact_name="Virtanen")
    response = admin_client.get(reverse("admin:families_child_suggestions", args=[child.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Equal scores are ordered by waiting time" in html or "Tasapisteissä" in html
    row = html[html.index("Virtanen") :]
    row = row[: row.index("</tr>")]
    assert "14.8.2025 (305" in row or "14 Aug 2025 (305" in row
    assert "6–10" in row and "13/13" in row
    assert validate({"suggestions": html}) == []


def _holidays(families):
    UnavailablePeriod.objects.bulk_create(
        UnavailablePeriod(
            family=family, start_date=D(2026, 7, 1), end_date=D(2026, 7, 9), reason="holiday"
        )
        for family in families
    )


def test_free_weekends_never_outrank_the_score_the_waiting_time_or_the_age_fit():
    nearby = _family(days=10, municipality="Helsinki", contact_name="Lähellä")
    waited = _family(days=20, contact_name="Odottanut")
    centred = _family(days=10, child_age_min=6, child_age_max=10, contact_name="Keskellä")
    free = _family(days=10, contact_name="Vapaa")
    _holidays([nearby, waited, centred])
    suggestions = suggest(_child())
    assert _ids(suggestions) == [nearby.pk, waited.pk, centred.pk, free.pk]
    assert [s.weekends.free for s in suggestions] == [12, 12, 12, 13]


def test_free_weekends_decide_at_the_edge_of_the_list_too():
    # Thirty households equal on the score, the waiting day and the age fit: all but the last
    # have a holiday over a weekend; the last, beyond the first 25 by number, comes first.
    families = _households(30, waited=lambda i: 400)
    _holidays(families[:-1])
    suggestions = suggest(_child())
    assert _ids(suggestions) == [families[-1].pk] + [f.pk for f in families[:24]]
    assert [s.weekends.free for s in suggestions[:2]] == [13, 12]


@pytest.mark.parametrize("count", [10, 300])
@pytest.mark.parametrize("tied", [False, True], ids=["waits-differ", "all-tied"])
def test_the_list_takes_the_same_queries_for_10_and_300_households(
    count, tied, django_assert_num_queries
):
    child = _child()
    families = _households(count, waited=(lambda i: 400) if tied else (lambda i: 400 + i))
    _holidays(families[::3])
    for _ in range(3):
        _weekend_stay(_active(), D(2026, 6, 20))
    # The weights row, the required items, the list (with the rows tied with its last one),
    # and their periods and stays (the free weekends).
    with django_assert_num_queries(5):
        suggestions = suggest(child)
    assert len(suggestions) == min(count + 3, 25)
    if tied:  # the households without a holiday first
        free = [s.weekends.free for s in suggestions]
        assert free == sorted(free, reverse=True) and free[0] == 13
    with django_assert_num_queries(5):
        assert len(suggest(child, limit=None)) == count + 3


def test_a_household_approved_just_after_midnight_waits_from_that_local_day():
    family = _family()
    # 00:30 in Helsinki is still the day before in UTC.
    SupportFamily.objects.filter(pk=family.pk).update(
        status_changed_at=timezone.make_aware(datetime.datetime(2026, 6, 1, 0, 30))
    )
    (suggestion,) = suggest(_child())
    assert suggestion.tie_breakers[0] == "Waiting since 1 Jun 2026 (14 days)."
