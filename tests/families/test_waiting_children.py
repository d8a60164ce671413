"""The waiting-children list: a page at a time, the longest-waiting first, with the age, a name
search and filters by municipality and age group (issue 26, point 4)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from families.admin.waiting import PER_PAGE, age_between, years_before
from families.models import Child
from families.models.child import ChildStatus
from tests.factories.families import ChildFactory

pytestmark = pytest.mark.django_db


def url(language="fi"):
    with translation.override(language):
        return reverse("admin:families_waiting_children")


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


def born(years: int, days: int = 0) -> datetime.date:
    return years_before(timezone.localdate(), years) - datetime.timedelta(days=days)


def rows(response):
    return [child for child, _age, _days in response.context["children"]]


def make_waiting(n, **extra):
    today = timezone.localdate()
    return Child.objects.bulk_create(
        ChildFactory.build(
            first_name=f"Lapsi{i:03d}",
            waiting_since=today - datetime.timedelta(days=i % 2000 + 1),
            birth_date=born(8),
            **extra,
        )
        for i in range(n)
    )


def test_a_page_at_a_time_longest_waiting_first(admin_client):
    children = make_waiting(PER_PAGE + 10)
    ChildFactory(status=ChildStatus.MATCHED, waiting_since=timezone.localdate().replace(year=2020))
    longest_first = sorted(children, key=lambda c: c.waiting_since)

    first = admin_client.get(url())
    assert first.status_code == 200
    assert rows(first) == longest_first[:PER_PAGE]
    assert "Sivu 1 / 2" in first.content.decode()
    second = admin_client.get(url(), {"p": 2})
    assert rows(second) == longest_first[PER_PAGE:]


def test_each_row_shows_the_age_and_days_waiting(admin_client):
    ChildFactory(
        birth_date=born(8, days=3), waiting_since=timezone.localdate() - datetime.timedelta(days=45)
    )
    response = admin_client.get(url())
    (row,) = response.context["children"]
    assert row[1:] == (8, 45)
    assert "<td>8</td>" in response.content.decode()


def test_search_by_name_with_or_without_diacritics(admin_client):
    child = ChildFactory(first_name="Säde", last_name="Mäkiharju")
    ChildFactory(first_name="Aino", last_name="Virtanen")
    assert rows(admin_client.get(url(), {"q": "makiharju"})) == [child]
    assert rows(admin_client.get(url(), {"q": "Säde MÄKIHARJU"})) == [child]


def test_filter_by_municipality_named_in_the_readers_language(admin_client):
    espoo = ChildFactory(municipality="Esbo")
    ChildFactory(municipality="Vantaa")
    kallio = ChildFactory()
    Child.objects.filter(pk=kallio.pk).update(municipality="Kallio")
    assert rows(admin_client.get(url(), {"municipality": "Espoo"})) == [espoo]
    assert rows(admin_client.get(url(), {"municipality": "?"})) == [kallio]
    page = admin_client.get(url("sv")).content.decode()
    assert '<option value="Espoo">Esbo</option>' in page
    assert '<option value="Vantaa">Vanda</option>' in page


def test_age_groups_count_birthdays_to_the_day(admin_client):
    turns_seven_today = ChildFactory(birth_date=born(7))
    six_until_tomorrow = ChildFactory(birth_date=born(7) + datetime.timedelta(days=1))
    twelve_last_day = ChildFactory(birth_date=born(13) + datetime.timedelta(days=1))
    turns_thirteen_today = ChildFactory(birth_date=born(13))
    assert set(rows(admin_client.get(url(), {"age": "0-6"}))) == {six_until_tomorrow}
    assert set(rows(admin_client.get(url(), {"age": "7-12"}))) == {
        turns_seven_today,
        twelve_last_day,
    }
    assert set(rows(admin_client.get(url(), {"age": "13-17"}))) == {turns_thirteen_today}


def test_a_leap_day_child_is_in_the_group_of_the_age_the_list_shows():
    assert years_before(datetime.date(2028, 2, 29), 1) == datetime.date(2027, 2, 28)
    child = ChildFactory(
        birth_date=datetime.date(2020, 2, 29), waiting_since=datetime.date(2026, 1, 1)
    )
    for today in (datetime.date(2027, 2, 28), datetime.date(2027, 3, 1)):
        group = (0, 6) if child.age_on(today) == 6 else (7, 12)
        assert Child.objects.filter(age_between(*group, today), pk=child.pk).exists()
    assert child.age_on(datetime.date(2027, 3, 1)) == 7


def test_filters_combine_and_keep_to_the_pages(admin_client):
    make_waiting(PER_PAGE + 5, municipality="Espoo")
    ChildFactory(municipality="Vantaa")
    response = admin_client.get(url(), {"municipality": "Espoo", "age": "7-12"})
    assert response.context["page"].paginator.count == PER_PAGE + 5
    assert "municipality=Espoo&amp;age=7-12&amp;p=2" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 5000},
        {"municipality": "<script>alert(1)</script>"},
        {"age": "99-100"},
        {"p": "abc"},
        {"p": "999999999999999999999"},
        {"p": "-1"},
    ],
)
def test_hostile_parameters_answer_a_page_not_an_error(admin_client, params):
    make_waiting(3)
    response = admin_client.get(url(), params)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_nul_in_the_search_is_refused(admin_client):
    assert admin_client.get(url(), {"q": "a\x00b"}).status_code == 400


def test_support_workers_cannot_open_the_list(client, support_worker):
    client.force_login(support_worker)
    assert client.get(url()).status_code in (302, 403)


@pytest.mark.parametrize("n", [10, 5000])
def test_the_page_takes_the_same_queries_however_many_children_wait(
    admin_client, n, django_assert_max_num_queries
):
    make_waiting(n, municipality="Espoo")
    admin_client.get(url())
    with django_assert_max_num_queries(12):
        response = admin_client.get(url(), {"q": "lapsi", "municipality": "Espoo", "age": "7-12"})
    assert len(response.context["children"]) == min(n, PER_PAGE)
