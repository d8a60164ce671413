"""Error reports reach ADMINS, from SERVER_EMAIL, and carry nothing a person typed or sent."""

import io
import logging

import pytest
from django.core import mail
from django.test import Client

from kalliola.errors import ValueFreeFormatter
from tests.kalliola.test_settings import load_settings

MARKER = "Marker-Aino-040-555-0199"


def test_admins_come_from_the_environment(monkeypatch):
    s = load_settings(monkeypatch, ADMINS="it@example.org, dpo@example.org")
    assert [address for _name, address in s.ADMINS] == ["it@example.org", "dpo@example.org"]


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = "tests.deploy.error_urls"
    settings.ADMINS = [("", "it@example.org")]
    settings.SERVER_EMAIL = "errors@example.org"
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.fixture
def log_output():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(ValueFreeFormatter("%(levelname)s %(name)s %(message)s"))
    # Request errors go to django.request, which does not propagate to the root (settings).
    loggers = [logging.getLogger(), logging.getLogger("django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield stream
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def test_a_server_error_mails_the_admins_without_any_value_the_person_sent(
    failing_site, log_output, db
):
    failing_site.cookies["note_draft"] = MARKER
    response = failing_site.post(
        f"/fails/?search={MARKER}",
        {"note": MARKER, "name": MARKER},
        HTTP_REFERER=f"https://tuki.example.org/?q={MARKER}",
        HTTP_USER_AGENT=MARKER,
    )
    assert response.status_code == 500

    [report] = mail.outbox
    assert report.to == ["it@example.org"]
    assert report.from_email == "errors@example.org"
    whole = "\n".join(
        [report.subject, report.body, *(content for content, _type in report.alternatives)]
    )
    assert MARKER not in whole
    # What finds the bug is still there: the path, the error's class, the code and the fields.
    assert "/fails/" in report.subject
    assert "ValueError" in report.body
    assert "fails_with_typed_text" in report.body
    assert "note" in report.body

    logged = log_output.getvalue()
    assert "ValueError" in logged and "fails_with_typed_text" in logged
    assert MARKER not in logged
