import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from families.models import CheckIn, Stay, SupervisionContact
from families.portal_views import RELATIONSHIPS_PER_PAGE
from tests.factories.relationships import RelationshipFactory, StayFactory, at
from tests.factories.users import UserFactory

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(at(TODAY, 12), tick=False):
        yield


@pytest.fixture
def mine(support_worker):
    return RelationshipFactory(support_worker=support_worker, start_date=datetime.date(2026, 1, 1))


@pytest.fixture
def theirs(other_support_worker):
    return RelationshipFactory(
        support_worker=other_support_worker, start_date=datetime.date(2026, 1, 1)
    )


def _stay_data(start, end, notes=""):
    return {
        "start_date": start.isoformat(),
        "start_time": "17:00",
        "end_date": end.isoformat(),
        "end_time": "17:00",
        "notes": notes,
    }


def test_the_portal_needs_a_login(client, mine):
    response = client.get(reverse("families_portal:relationships"))
    assert response.status_code == 302
    assert "/tyo/kirjaudu/" in response["Location"]


def test_a_user_without_a_role_is_refused(client, db):
    client.force_login(UserFactory())
    assert client.get(reverse("families_portal:relationships")).status_code == 403


def test_a_support_worker_sees_only_their_own_relationships(client, support_worker, mine, theirs):
    client.force_login(support_worker)
    response = client.get("/en/tyo/suhteet/")
    assert response.status_code == 200
    assert [row["pk"] for row in response.context["relationships"]] == [mine.pk]
    assert mine.child.first_name in response.content.decode()
    assert theirs.child.first_name not in response.content.decode()


def test_another_workers_relationship_is_a_404(client, support_worker, theirs):
    client.force_login(support_worker)
    for name in ("relationship", "log_stay", "log_contact"):
        url = reverse(f"families_portal:{name}", args=[theirs.pk])
        assert client.get(url).status_code == 404
    response = client.post(
        reverse("families_portal:log_stay", args=[theirs.pk]),
        _stay_data(datetime.date(2026, 6, 5), datetime.date(2026, 6, 7)),
    )
    assert response.status_code == 404
    assert not Stay.objects.exists()


def test_a_coordinator_sees_every_relationship(client, coordinator, mine, theirs):
    client.force_login(coordinator)
    response = client.get(reverse("families_portal:relationships"))
    assert {row["pk"] for row in response.context["relationships"]} == {mine.pk, theirs.pk}
    assert client.get(reverse("families_portal:relationship", args=[theirs.pk])).status_code == 200


def test_a_worker_logs_a_stay(client, support_worker, mine):
    client.force_login(support_worker)
    url = reverse("families_portal:log_stay", args=[mine.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, _stay_data(datetime.date(2026, 6, 5), datetime.date(2026, 6, 7), "Mukava viikonloppu")
    )
    assert response.status_code == 302
    stay = Stay.objects.get()
    assert stay.relationship == mine
    assert stay.nights == 2
    assert stay.logged_by == support_worker
    assert stay.starts_at == at(datetime.date(2026, 6, 5))


@pytest.mark.parametrize(
    "start,end",
    [
        (datetime.date(2026, 6, 7), datetime.date(2026, 6, 5)),  # ends before it starts
        (datetime.date(2026, 6, 30), datetime.date(2026, 7, 2)),  # beyond a week ahead
        (datetime.date(2026, 6, 6), datetime.date(2026, 6, 8)),  # overlaps the existing one
    ],
)
def test_a_bad_stay_is_a_form_error_and_nothing_is_saved(client, support_worker, mine, start, end):
    StayFactory(
        relationship=mine,
        starts_at=at(datetime.date(2026, 6, 5)),
        ends_at=at(datetime.date(2026, 6, 7)),
    )
    client.force_login(support_worker)
    response = client.post(f"/en/tyo/suhteet/{mine.pk}/kaynti/", _stay_data(start, end))
    assert response.status_code == 400
    assert response.context["form"].errors
    assert Stay.objects.count() == 1


def test_a_stay_form_with_garbage_dates_is_a_form_error(client, support_worker, mine):
    client.force_login(support_worker)
    response = client.post(
        reverse("families_portal:log_stay", args=[mine.pk]),
        {"start_date": "yesterday", "start_time": "25:99", "end_date": "", "end_time": ""},
    )
    assert response.status_code == 400
    assert not Stay.objects.exists()


def test_a_worker_logs_a_supervision_contact(client, support_worker, mine):
    client.force_login(support_worker)
    response = client.post(
        reverse("families_portal:log_contact", args=[mine.pk]),
        {"date": "2026-06-14", "mode": "online", "notes": "Kuulumiset Teamsissa"},
    )
    assert response.status_code == 302
    contact = SupervisionContact.objects.get()
    assert contact.mode == "online"
    assert contact.created_by == support_worker


def test_a_contact_with_an_unknown_mode_is_refused(client, support_worker, mine):
    client.force_login(support_worker)
    response = client.post(
        reverse("families_portal:log_contact", args=[mine.pk]),
        {"date": "2026-06-14", "mode": "pigeon"},
    )
    assert response.status_code == 400
    assert not SupervisionContact.objects.exists()


def test_the_start_page_shows_reviews_coming_and_stays_awaiting_approval(
    client, support_worker, theirs
):
    soon = RelationshipFactory(support_worker=support_worker, start_date=datetime.date(2025, 7, 1))
    RelationshipFactory(support_worker=support_worker, start_date=datetime.date(2026, 3, 1))
    StayFactory(relationship=soon, starts_at=at(datetime.date(2026, 6, 5)))
    StayFactory(relationship=theirs, starts_at=at(datetime.date(2026, 6, 5)))
    client.force_login(support_worker)
    response = client.get("/en/tyo/")
    assert response.status_code == 200
    overview = response.context["relationships_overview"]
    assert overview == {
        "open": 2,
        "reviews_overdue": 0,
        "reviews_coming_up": 1,
        "check_ins_overdue": 2,
        "stays_waiting": 1,
        "horizon_days": 60,
    }
    assert "1 stay awaiting approval" in response.content.decode()


def test_relationship_list_has_a_constant_number_of_queries(
    client, support_worker, django_assert_max_num_queries
):
    client.force_login(support_worker)
    for count in (3, 30):
        for _ in range(count):
            relationship = RelationshipFactory(
                support_worker=support_worker, start_date=datetime.date(2026, 1, 1)
            )
            StayFactory(relationship=relationship)
            CheckIn.objects.create(
                relationship=relationship,
                date=datetime.date(2026, 5, 1),
                for_child=3,
                for_family=3,
                for_parent=3,
            )
        # 11: the page's ids are read on their own so the rows are found by primary key; one is
        # the two-factor device looked up on every signed-in request (kalliola.otp); one the
        # page's reasons for attention and check-in days (families.portal.attention_of).
        with django_assert_max_num_queries(11):
            response = client.get(reverse("families_portal:relationships"))
        assert response.context["page"].paginator.count >= count


def test_relationship_page_has_a_constant_number_of_queries(
    client, support_worker, mine, django_assert_max_num_queries
):
    client.force_login(support_worker)
    for count in (2, 20):
        for i in range(count):
            day = datetime.date(2026, 1, 2) + datetime.timedelta(days=4 * i + (count * 5))
            StayFactory(relationship=mine, starts_at=at(day))
            CheckIn.objects.create(
                relationship=mine, date=day, for_child=1 + i % 3, for_family=3, for_parent=3
            )
        # 16: one more than the page needs, the audit trail records the view, one for the
        # two-factor device looked up on every signed-in request (kalliola.otp), the household's
        # periods without hosting ahead, the check-ins, the reasons for attention and the
        # number and nights of all stays (what the totals of the latest cover).
        with django_assert_max_num_queries(16):
            response = client.get(reverse("families_portal:relationship", args=[mine.pk]))
        assert response.status_code == 200


def test_a_worker_corrects_a_stay_awaiting_approval(client, support_worker, mine):
    stay = StayFactory(
        relationship=mine,
        starts_at=at(datetime.date(2026, 6, 5)),
        ends_at=at(datetime.date(2026, 6, 7)),
    )
    client.force_login(support_worker)
    url = reverse("families_portal:edit_stay", args=[mine.pk, stay.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _stay_data(datetime.date(2026, 6, 5), datetime.date(2026, 6, 8)))
    assert response.status_code == 302
    stay.refresh_from_db()
    assert stay.nights == 3


def test_a_worker_removes_a_stay_logged_by_mistake(client, support_worker, mine):
    stay = StayFactory(relationship=mine)
    client.force_login(support_worker)
    url = reverse("families_portal:edit_stay", args=[mine.pk, stay.pk])
    assert client.post(url, {"delete": "1"}).status_code == 302
    assert not Stay.objects.exists()


def test_an_approved_stay_or_another_relationships_stay_is_a_404(
    client, support_worker, mine, theirs, coordinator
):
    from families.services.payments import approve_month

    approved = StayFactory(
        relationship=mine,
        starts_at=at(datetime.date(2026, 5, 5)),
        ends_at=at(datetime.date(2026, 5, 7)),
    )
    approve_month(mine.family, datetime.date(2026, 5, 1), by=coordinator)
    other = StayFactory(relationship=theirs)
    client.force_login(support_worker)
    assert (
        client.post(
            reverse("families_portal:edit_stay", args=[mine.pk, approved.pk]), {"delete": "1"}
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("families_portal:edit_stay", args=[mine.pk, other.pk])).status_code
        == 404
    )
    assert Stay.objects.count() == 2


def test_relationship_page_shows_each_stays_fee_and_the_sum(client, support_worker, mine):
    from decimal import Decimal

    from tests.factories.relationships import RateFactory

    RateFactory(amount=Decimal("40.00"), valid_until=datetime.date(2026, 5, 31))
    RateFactory(amount=Decimal("45.00"), valid_from=datetime.date(2026, 6, 1))
    StayFactory(
        relationship=mine,
        starts_at=at(datetime.date(2026, 5, 30)),
        ends_at=at(datetime.date(2026, 6, 2)),
    )
    client.force_login(support_worker)
    response = client.get(f"/en/tyo/suhteet/{mine.pk}/")
    assert response.context["stays"].fee == Decimal("125.00")
    assert "125.00 €" in response.content.decode()


def _many(worker, n):
    """n relationships of one worker, the first due for review first (one day apart)."""
    return [
        RelationshipFactory(
            support_worker=worker, start_date=datetime.date(2025, 7, 1) + datetime.timedelta(i)
        )
        for i in range(n)
    ]


def test_a_worker_with_more_than_a_page_sees_the_nearest_reviews_first_and_the_rest_on_page_2(
    client, support_worker, theirs
):
    mine = _many(support_worker, RELATIONSHIPS_PER_PAGE + 3)
    client.force_login(support_worker)
    first = client.get("/en/tyo/suhteet/")
    html = first.content.decode()
    assert [row["pk"] for row in first.context["relationships"]] == [
        r.pk for r in mine[:RELATIONSHIPS_PER_PAGE]
    ]
    assert f"{len(mine)} open relationships" in html
    assert 'href="?sivu=2"' in html and 'rel="next"' in html
    assert 'aria-current="page"' in html

    second = client.get("/en/tyo/suhteet/?sivu=2")
    assert second.status_code == 200
    assert [row["pk"] for row in second.context["relationships"]] == [
        r.pk for r in mine[RELATIONSHIPS_PER_PAGE:]
    ]
    html = second.content.decode()
    assert f"/en/tyo/suhteet/{mine[-1].pk}/kaynti/" in html
    assert f"/en/tyo/suhteet/{mine[0].pk}/" not in html
    assert theirs.child.first_name not in html
    assert 'href="?sivu=1"' in html and 'rel="prev"' in html


@pytest.mark.parametrize(
    "sivu,shown", [("99", 2), ("0", 2), ("-1", 2), ("abc", 1), ("", 1), ("9" * 40, 2)]
)
def test_a_page_out_of_range_or_not_a_number_shows_the_last_or_the_first_page(
    client, support_worker, sivu, shown
):
    _many(support_worker, RELATIONSHIPS_PER_PAGE + 1)
    client.force_login(support_worker)
    response = client.get("/en/tyo/suhteet/", {"sivu": sivu})
    assert response.status_code == 200
    assert response.context["page"].number == shown


def test_every_page_of_the_list_runs_the_same_queries(client, support_worker):
    for relationship in _many(support_worker, 2 * RELATIONSHIPS_PER_PAGE + 5):
        StayFactory(relationship=relationship)
    client.force_login(support_worker)
    client.get("/en/tyo/")  # the session's first request renews it: not part of the list
    counts = []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/en/tyo/suhteet/", {"sivu": page}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts


def test_a_card_shows_the_last_stay_the_stays_awaiting_approval_and_the_review(
    client, support_worker, mine, coordinator
):
    from families.services.payments import approve_month

    StayFactory(
        relationship=mine,
        starts_at=at(datetime.date(2026, 5, 5)),
        ends_at=at(datetime.date(2026, 5, 7)),
    )
    approve_month(mine.family, datetime.date(2026, 5, 1), by=coordinator)
    for day in (datetime.date(2026, 6, 1), datetime.date(2026, 6, 8)):
        StayFactory(relationship=mine, starts_at=at(day), ends_at=at(day + datetime.timedelta(2)))
    paused = RelationshipFactory(
        support_worker=support_worker, start_date=datetime.date(2025, 6, 1), status="paused"
    )
    client.force_login(support_worker)
    html = client.get("/en/tyo/suhteet/").content.decode()
    # mine: reviewed 1 January 2027, beyond the horizon; the paused one is overdue.
    assert "Last stay: 8 Jun 2026 · 2 stays awaiting approval" in html
    assert "Review: <strong>1 Jan 2027</strong></p>" in html
    assert (
        f"{paused.child.first_name} – {paused.family.contact_name}</a></h2>\n"
        '    <p class="mb-1">Review: <strong>1 Jun 2026</strong> '
        '<span class="badge text-bg-danger">overdue</span> '
        '<span class="badge text-bg-secondary">Paused</span></p>\n'
        '    <p class="mb-1">Last stay: – · 0 stays awaiting approval</p>'
    ) in html
    fi = client.get("/tyo/suhteet/").content.decode()
    assert "8.6.2026" in fi and "2 käyntiä odottaa hyväksyntää" in fi
