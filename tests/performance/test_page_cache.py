"""The home page and public lists are served whole from the cache to anonymous visitors.

What a visitor must never see is a stale page: a sign-up or a change in the admin shows at once,
a signed-in person's page is rendered for them, and a page with a form is never cached.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories.trainings import InfoSessionFactory
from tests.helpers import signup_form
from trainings.models import SessionStatus

pytestmark = pytest.mark.django_db

CACHED_PAGES = ("home", "trainings:info_session_list", "trainings:group_list")


def _url(name: str, *args, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name, args=args)


@pytest.mark.parametrize("name", CACHED_PAGES)
def test_a_second_anonymous_visit_is_served_without_the_database(name, django_assert_num_queries):
    InfoSessionFactory.create_batch(2)
    Client().get(_url(name))
    with django_assert_num_queries(0):
        response = Client().get(_url(name))
    assert response.status_code == 200
    assert "Cookie" in response["Vary"]
    assert "csrftoken" not in response.cookies


def test_another_visitors_signup_shows_on_the_cached_pages_at_once():
    session = InfoSessionFactory(capacity=5)
    for name in ("home", "trainings:info_session_list"):
        assert "5 places left" in Client().get(_url(name)).content.decode()

    signup = Client().post(_url("trainings:info_session_detail", session.pk), signup_form())
    assert signup.status_code == 302

    for name in ("home", "trainings:info_session_list"):
        assert "4 places left" in Client().get(_url(name)).content.decode()


def test_a_session_cancelled_in_the_admin_leaves_the_cached_list_at_once():
    session = InfoSessionFactory(capacity=5)
    assert "5 places left" in Client().get(_url("trainings:info_session_list")).content.decode()
    session.status = SessionStatus.CANCELLED
    session.save()
    assert "5 places left" not in Client().get(_url("trainings:info_session_list")).content.decode()


def test_each_language_has_its_own_copy():
    InfoSessionFactory()
    finnish = Client().get(_url("trainings:info_session_list", language="fi"))
    swedish = Client().get(_url("trainings:info_session_list", language="sv"))
    assert '<html lang="fi">' in finnish.content.decode()
    assert '<html lang="sv">' in swedish.content.decode()
    # Served from the cache the second time, still in its own language.
    assert Client().get(_url("trainings:info_session_list", language="sv")).content == (
        swedish.content
    )


def test_signed_in_people_get_a_page_rendered_for_them(
    support_worker, django_assert_max_num_queries
):
    url = _url("trainings:info_session_list")
    Client().get(url)
    staff = Client()
    staff.force_login(support_worker)
    with django_assert_max_num_queries(10) as ctx:
        staff.get(url)
    # Their session and user were read: the page went through the view, not the cache.
    assert len(ctx.captured_queries) > 0


def test_a_visitor_sees_their_own_thank_you_message_on_a_cached_page():
    session = InfoSessionFactory(capacity=5)
    home = _url("home")
    Client().get(home)
    visitor = Client()
    visitor.post(_url("trainings:info_session_detail", session.pk), signup_form())
    assert "Thank you! You have signed up." in visitor.get(home).content.decode()
    assert "Thank you!" not in Client().get(home).content.decode()


def test_an_address_with_a_query_string_gets_its_own_page_not_the_cached_one():
    url = _url("trainings:info_session_list")
    Client().get(url)
    response = Client().get(url + "?utm_source=newsletter")
    # Rendered for this address: the language links keep its query string.
    assert "/sv/infotilaisuudet/?utm_source=newsletter" in response.content.decode()


def test_the_signup_form_page_is_never_cached(django_assert_max_num_queries):
    session = InfoSessionFactory(capacity=5)
    url = _url("trainings:info_session_detail", session.pk)
    first = Client().get(url)
    assert "csrfmiddlewaretoken" in first.content.decode()
    with django_assert_max_num_queries(10) as ctx:
        second = Client().get(url)
    assert len(ctx.captured_queries) > 0
    assert "csrftoken" in second.cookies
