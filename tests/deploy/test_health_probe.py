"""A load balancer probes /health/ straight at gunicorn: plain http, the server's address as
Host, GET or HEAD. That path answers 200; every other keeps the host check and https redirect."""

import pytest

SERVER_ADDRESS = "192.0.2.10:8000"


@pytest.fixture(autouse=True)
def _production_http(settings):
    settings.ALLOWED_HOSTS = ["tuki.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.parametrize("method", ["get", "head"])
def test_probe_by_the_server_address_over_http_answers_200(client, db, method):
    response = getattr(client, method)("/health/", HTTP_HOST=SERVER_ADDRESS)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    if method == "get":
        assert response.json()["status"] == "ok"


def test_a_post_to_the_probe_is_refused(client, db):
    assert client.post("/health/", HTTP_HOST=SERVER_ADDRESS).status_code == 405


def test_every_other_path_keeps_the_host_check(client, db):
    assert client.get("/", HTTP_HOST=SERVER_ADDRESS).status_code == 400
    assert client.get("/health/x/", HTTP_HOST=SERVER_ADDRESS).status_code == 400


def test_every_other_path_keeps_the_https_redirect(client, db):
    response = client.get("/tietosuoja/", HTTP_HOST="tuki.example.org")
    assert response.status_code == 301
    assert response["Location"] == "https://tuki.example.org/tietosuoja/"
