"""Staff sessions end after an hour without activity, renewed at most once a minute."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from kalliola.sessions import REFRESHED_KEY

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _age_session(client, seconds: int) -> None:
    """Pretend the session was last renewed `seconds` ago."""
    session = client.session
    session[REFRESHED_KEY] = int(time.time()) - seconds
    session.save()


def test_activity_renews_the_session_and_its_cookie(support_worker):
    client = _signed_in(support_worker)
    _age_session(client, settings.SESSION_REFRESH_SECONDS + 1)
    before = Session.objects.get().expire_date

    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    assert Session.objects.get().expire_date > before


def test_requests_within_a_minute_do_not_rewrite_the_session(support_worker):
    client = _signed_in(support_worker)
    client.get(reverse("portal:home"))  # renews once
    saved = Session.objects.get().expire_date

    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get().expire_date == saved


def test_a_session_idle_past_its_age_is_signed_out(support_worker):
    client = _signed_in(support_worker)
    Session.objects.update(expire_date="2000-01-01T00:00:00Z")
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert reverse("portal:login") in response["Location"]


def test_anonymous_visitors_get_no_session():
    response = Client().get(reverse("home"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()
