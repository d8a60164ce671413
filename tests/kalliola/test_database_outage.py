"""While the database is down: 503 with Retry-After, in the visitor's language, saying that the
form was not saved, with a link back to it; and everything works again once it is back."""

import socket
import time
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from meetings.models import MeetingRequest
from tests.factories.trainings import InfoSessionFactory
from tests.helpers import ON_POSTGRESQL
from tests.meetings.test_request_form import valid as meeting_request


@contextmanager
def database_down():
    """Every new query fails as it does when PostgreSQL is stopped or restarting."""
    refused = OperationalError("connection refused")
    with (
        mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=refused),
        mock.patch.object(BaseDatabaseWrapper, "is_usable", return_value=False),
    ):
        yield


def visitor() -> Client:
    # Like a browser: the error comes back as a page, not as an exception in the test.
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "unavailable", "not_saved", "back"),
    [
        ("", "Palvelu on hetken poissa käytöstä", "Lähettämääsi ei tallennettu.", "Takaisin"),
        (
            "/sv",
            "Tjänsten är tillfälligt otillgänglig",
            "Det du skickade sparades inte.",
            "Tillbaka",
        ),
        ("/en", "The service is briefly unavailable", "What you sent was not saved.", "Back to"),
    ],
)
def test_a_form_sent_while_the_database_is_down_says_it_was_not_saved(
    lang, unavailable, not_saved, back
):
    url = f"{lang}/tukitapaamiset/"
    with database_down():
        response = visitor().post(url, meeting_request())
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    assert f'<html lang="{lang.strip("/") or "fi"}">' in page
    assert unavailable in page and not_saved in page
    assert f'href="{url}" data-history-back>{back}' in page
    # Nothing pretended to succeed: the request is not there once the database is back.
    assert not MeetingRequest.objects.exists()


@pytest.mark.django_db
def test_a_page_while_the_database_is_down_is_503_and_the_next_one_after_works(coordinator):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    with database_down():
        response = client.get("/admin/")
    assert response.status_code == 503
    assert "Yritä hetken päästä uudelleen" in response.content.decode()
    assert "ei tallennettu" not in response.content.decode()  # nothing was sent
    # Back: the same signed-in coordinator, no restart, no sign-in again.
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_cached_public_pages_are_still_served_while_the_database_is_down():
    session = InfoSessionFactory()
    assert visitor().get("/infotilaisuudet/").status_code == 200  # now in the cache
    with database_down():
        listing = visitor().get("/infotilaisuudet/")
        form = visitor().post(f"/infotilaisuudet/{session.pk}/", {"name": "Maija"})
    assert listing.status_code == 200
    assert reverse("trainings:info_session_detail", args=[session.pk]) in listing.content.decode()
    assert form.status_code == 503


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="libpq's connect_timeout: PostgreSQL only (CI)")
@pytest.mark.django_db(transaction=True)
def test_a_stopped_postgresql_is_a_503_within_a_second_and_recovery_is_automatic(coordinator):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 2
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(_closed_port())  # nothing listens: a stopped server
    try:
        started = time.monotonic()
        response = client.post("/admin/meetings/meetingrequest/add/", {"name": "x"})
        elapsed = time.monotonic() - started
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert response.status_code == 503
    assert elapsed < 1
    assert client.get("/admin/").status_code == 200
