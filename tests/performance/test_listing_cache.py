"""Public lists and the calendar feed are cached and forgotten as soon as what they show changes."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories.families import SupportFamilyFactory
from tests.factories.trainings import (
    EnrollmentFactory,
    InfoSessionFactory,
    TrainingGroupFactory,
)
from tests.helpers import signup_form
from trainings.models import Registration

pytestmark = pytest.mark.django_db


def _en(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def test_a_signup_shows_on_the_list_and_home_page_at_once(client):
    session = InfoSessionFactory(capacity=5)
    list_url = _en("trainings:info_session_list")
    assert "5 places left" in client.get(list_url).content.decode()
    assert "5 places left" in client.get(_en("home")).content.decode()

    response = client.post(_en("trainings:info_session_detail", session.pk), signup_form())
    assert response.status_code == 302

    assert "4 places left" in client.get(list_url).content.decode()
    assert "4 places left" in client.get(_en("home")).content.decode()


def test_the_second_view_of_a_list_reads_nothing_from_the_database(
    client, django_assert_max_num_queries
):
    InfoSessionFactory.create_batch(3)
    TrainingGroupFactory.create_batch(2)
    for name in ("trainings:info_session_list", "trainings:group_list", "home"):
        url = _en(name)
        client.get(url)
        # Anonymous visitors have no session: the only queries would be the listing's own.
        with django_assert_max_num_queries(0):
            assert client.get(url).status_code == 200
    client.get("/kalenteri.ics")
    with django_assert_max_num_queries(0):
        client.get("/kalenteri.ics")


def test_group_list_follows_enrollments_and_admin_changes(client):
    group = TrainingGroupFactory(capacity=3)
    url = _en("trainings:group_list")
    assert "3 places left" in client.get(url).content.decode()
    EnrollmentFactory(group=group)
    assert "2 places left" in client.get(url).content.decode()
    group.capacity = 6  # as a coordinator's edit in the admin saves it
    group.save()
    assert "5 places left" in client.get(url).content.decode()


def test_feed_shows_a_new_and_a_removed_session_at_once(client):
    first = InfoSessionFactory()
    assert client.get("/kalenteri.ics").content.count(b"BEGIN:VEVENT") == 1
    second = InfoSessionFactory(days_ahead=9)
    assert client.get("/kalenteri.ics").content.count(b"BEGIN:VEVENT") == 2
    second.delete()
    first.status = "cancelled"
    first.save()
    body = client.get("/kalenteri.ics").content
    assert body.count(b"BEGIN:VEVENT") == 1
    assert b"STATUS:CANCELLED" in body


def test_the_form_page_counts_places_fresh_even_with_a_cached_list(client):
    session = InfoSessionFactory(capacity=1)
    list_url = _en("trainings:info_session_list")
    assert "1 place left" in client.get(list_url).content.decode()  # now cached
    # A registration written without the ORM's signals (a bulk load): the cached list cannot
    # know, but the page with the form counts for itself.
    Registration.objects.bulk_create([Registration(session=session, family=SupportFamilyFactory())])
    assert "1 place left" in client.get(list_url).content.decode()
    detail = client.get(_en("trainings:info_session_detail", session.pk))
    assert detail.context["session"].places_left == 0
    assert detail.context["form"] is None
