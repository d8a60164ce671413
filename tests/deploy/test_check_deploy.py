"""`manage.py check --deploy` fails (errors, not warnings) on settings that lose or leak mail,
send unusable links, or sign sessions with a short key."""

import pytest

from kalliola.checks import production_settings
from tests.kalliola.test_settings import _check_deploy

GOOD = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "SITE_URL": "https://tuki.example.org",
    "SECRET_KEY": "k" * 50,
}


def _ids(settings, **changes):
    for name, value in {**GOOD, **changes}.items():
        setattr(settings, name, value)
    return [error.id for error in production_settings(None)]


def test_production_settings_pass(settings):
    assert _ids(settings) == []


@pytest.mark.parametrize(
    "backend", ["console", "filebased", "locmem", "dummy"], ids=lambda name: name
)
def test_a_mail_backend_that_sends_nothing_is_an_error(settings, backend):
    assert _ids(settings, EMAIL_BACKEND=f"django.core.mail.backends.{backend}.EmailBackend") == [
        "kalliola.E001"
    ]


def test_a_provider_backend_is_fine(settings):
    assert _ids(settings, EMAIL_BACKEND="anymail.backends.mailgun.EmailBackend") == []


@pytest.mark.parametrize("site_url", ["http://127.0.0.1:8000", "http://tuki.example.org"])
def test_site_url_left_at_its_default_or_on_http_is_an_error(settings, site_url):
    assert _ids(settings, SITE_URL=site_url) == ["kalliola.E002"]


def test_a_secret_key_of_49_characters_is_an_error_and_50_are_enough(settings):
    assert _ids(settings, SECRET_KEY="k" * 49) == ["kalliola.E003"]
    assert _ids(settings, SECRET_KEY="k" * 50) == []


def test_check_deploy_exits_with_an_error_for_console_mail_and_default_site_url():
    result = _check_deploy(
        REDIS_URL="redis://127.0.0.1:6379/13",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        SITE_URL="",
        SECRET_KEY="short-but-set",
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "ERRORS:" in output
    for check_id in ("kalliola.E001", "kalliola.E002", "kalliola.E003"):
        assert check_id in output
