"""X-Forwarded-For is believed only from TRUSTED_PROXIES: a client that reaches gunicorn around
the proxy and sends another X-Forwarded-For on every try is still locked out."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from kalliola.security import client_ip
from tests.factories.users import CoordinatorFactory
from tests.kalliola.test_settings import load_settings

PORTAL_LOGIN = "/en/tyo/kirjaudu/"


@pytest.fixture(autouse=True)
def _behind_tls_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["127.0.0.0/8", "::1"]


def test_trusted_proxies_default_to_the_loopback(monkeypatch):
    assert load_settings(monkeypatch).TRUSTED_PROXIES == ["127.0.0.0/8", "::1"]
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/24")
    assert load_settings(monkeypatch).TRUSTED_PROXIES == ["10.0.0.0/24"]


def test_lock_out_holds_against_a_client_that_varies_x_forwarded_for(client, db):
    user = CoordinatorFactory()
    answers = [
        client.post(
            PORTAL_LOGIN,
            {"username": user.username, "password": "wrong-password"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
        ).status_code
        for attempt in range(7)
    ]
    assert answers == [200] * 4 + [429] * 3


def test_through_the_proxy_each_client_is_counted_by_its_own_address(client, db):
    user = CoordinatorFactory()
    for _ in range(5):
        client.post(
            PORTAL_LOGIN,
            {"username": user.username, "password": "wrong-password"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="forged, 198.51.100.7",
        )
    other_client = client.post(
        PORTAL_LOGIN,
        {"username": user.username, "password": "test-password-123"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert other_client.status_code == 302  # signed in: the lock is on 198.51.100.7 only


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.5", "198.51.100.1", "203.0.113.5"),  # not our proxy: header ignored
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the proxy's entry is last
        ("::1", "2001:db8::5", "2001:db8::5"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),
        ("127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_client_address(remote, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_hop(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8", "10.0.0.0/24"]
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.9, 10.0.0.3"
    )
    assert client_ip(request) == "198.51.100.9"


def test_a_trusted_proxy_that_is_not_an_address_fails_loudly(settings):
    settings.TRUSTED_PROXIES = ["nginx.internal"]
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        client_ip(request)
