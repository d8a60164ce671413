"""The portal's figures say what they cover: the latest stays and all stays, a review overdue
or coming up the same on every page."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from families.services import reviews
from tests.factories.relationships import RelationshipFactory, StayFactory, at

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(at(TODAY, 12), tick=False):
        yield


@pytest.fixture
def long_one(support_worker):
    """A relationship with 50 stays, a week apart, the last one ending today: 101 nights."""
    relationship = RelationshipFactory(
        support_worker=support_worker, start_date=datetime.date(2025, 1, 1)
    )
    for week in range(50):
        start = at(TODAY - datetime.timedelta(days=2 + 7 * week))
        nights = 3 if week == 0 else 2
        StayFactory(
            relationship=relationship,
            starts_at=start,
            ends_at=start + datetime.timedelta(days=nights),
            nights=nights,
        )
    return relationship


def _page(client, name, pk, query=""):
    response = client.get(reverse(f"families_portal:{name}", args=[pk]) + query)
    assert response.status_code == 200
    return response, response.content.decode()


def test_the_page_of_50_stays_says_its_total_is_of_the_latest_30(client, support_worker, long_one):
    client.force_login(support_worker)
    with _english():
        response, html = _page(client, "relationship", long_one.pk)
    assert len(response.context["stays"].rows) == 30
    assert "The latest 30 of 50 stays. All stays: 101 nights." in html
    assert "Total of the 30 stays shown" in html
    assert response.context["stays"].nights == 61  # 29 × 2 + 3: the rows shown
    assert reverse("families_portal:stays", args=[long_one.pk]) in html


def test_every_stay_is_on_the_stays_pages(client, support_worker, long_one):
    client.force_login(support_worker)
    with _english():
        first, html = _page(client, "stays", long_one.pk)
        second, _html = _page(client, "stays", long_one.pk, "?sivu=2")
    assert "50 stays · 101 nights in all" in html
    assert len(first.context["stays"].rows) == 30
    assert len(second.context["stays"].rows) == 20
    shown = {stay.pk for stay, _a in first.context["stays"].rows}
    shown |= {stay.pk for stay, _a in second.context["stays"].rows}
    assert shown == set(long_one.stays.values_list("pk", flat=True))


def test_a_few_stays_total_as_before(client, support_worker):
    relationship = RelationshipFactory(support_worker=support_worker)
    StayFactory(relationship=relationship)
    client.force_login(support_worker)
    with _english():
        response, html = _page(client, "relationship", relationship.pk)
    assert response.context["stays_coverage"] == ""
    assert "Total of the" not in html
    assert reverse("families_portal:stays", args=[relationship.pk]) not in html


def test_another_workers_stays_or_a_strange_page_number(client, support_worker, long_one):
    other = RelationshipFactory()
    StayFactory(relationship=other)
    client.force_login(support_worker)
    assert client.get(reverse("families_portal:stays", args=[other.pk])).status_code == 404
    assert client.get("/tyo/suhteet/999999999/kaynnit/").status_code == 404
    for query in ("?sivu=abc", "?sivu=-1", "?sivu=99999999999999999999", "?sivu=%00"):
        response = client.get(reverse("families_portal:stays", args=[long_one.pk]) + query)
        assert response.status_code in (200, 400), query


def test_the_stays_pages_run_a_constant_number_of_queries(
    client, support_worker, long_one, django_assert_max_num_queries
):
    client.force_login(support_worker)
    # As many for the second page as for the first: session, user, roles, the two-factor
    # device, the relationship, the access entry, the paginator's count, the page of stays, the
    # rates and the aggregate of all stays.
    with django_assert_max_num_queries(13):
        _page(client, "stays", long_one.pk)
    with django_assert_max_num_queries(13):
        _page(client, "stays", long_one.pk, "?sivu=2")


# -- reviews: overdue everywhere --------------------------------------------------------------


def test_a_review_past_its_date_is_overdue_on_every_page(client, support_worker):
    late = RelationshipFactory(
        support_worker=support_worker,
        start_date=datetime.date(2024, 10, 21),
        review_date=datetime.date(2025, 10, 21),
    )
    client.force_login(support_worker)
    # Finnish, the portal's language.
    _response, detail = _page(client, "relationship", late.pk)
    assert '21.10.2025 <span class="badge text-bg-danger">myöhässä</span>' in detail
    assert "tulossa" not in detail
    listing = client.get(reverse("families_portal:relationships"))
    card = listing.context["relationships"][0]
    assert (card["due"], card["review_overdue"]) == ("myöhässä", True)
    assert "tulossa" not in listing.content.decode()
    overview = client.get(reverse("portal:home")).context["relationships_overview"]
    assert (overview["reviews_overdue"], overview["reviews_coming_up"]) == (1, 0)


def test_the_start_page_counts_overdue_and_coming_up_apart(client, support_worker):
    for start, review in [
        (datetime.date(2025, 6, 14), datetime.date(2026, 6, 14)),  # yesterday: overdue
        (datetime.date(2025, 6, 15), TODAY),  # today: coming up
        (datetime.date(2025, 8, 14), datetime.date(2026, 8, 14)),  # day 60: coming up
        (datetime.date(2025, 8, 15), datetime.date(2026, 8, 15)),  # day 61: neither
    ]:
        RelationshipFactory(support_worker=support_worker, start_date=start, review_date=review)
    RelationshipFactory(
        support_worker=support_worker,
        start_date=datetime.date(2025, 1, 1),
        review_date=datetime.date(2026, 1, 1),
        status="ended",
        end_date=datetime.date(2026, 2, 1),
    )
    client.force_login(support_worker)
    with _english():
        response = client.get(reverse("portal:home"))
    html = response.content.decode()
    assert "1 review overdue" in html
    assert "2 reviews in the next weeks" in html


def test_a_review_today_is_coming_up_not_overdue(client, support_worker):
    today = RelationshipFactory(
        support_worker=support_worker, start_date=datetime.date(2025, 6, 15), review_date=TODAY
    )
    client.force_login(support_worker)
    with _english():
        response, detail = _page(client, "relationship", today.pk)
    assert response.context["review_state"] == "coming_up"
    assert 'text-bg-warning">coming up</span>' in detail


def _english():
    return translation.override("en")


@pytest.mark.parametrize(
    ("days", "state"),
    [(-1, reviews.OVERDUE), (0, reviews.COMING_UP), (60, reviews.COMING_UP), (61, "")],
)
def test_a_review_is_overdue_from_the_day_after_and_coming_up_for_sixty_days(days, state):
    review_date = TODAY + datetime.timedelta(days=days)
    assert reviews.review_state(review_date, TODAY) == state
