"""E-mail from the environment, through real parts: an SMTP server and a provider's HTTP API.

Both start on the loopback inside the test; the queued confirmation of an info-session sign-up
goes out through Django's SMTP backend and through Anymail's Mailgun backend, and what arrives is
read back as a recipient's program would.
"""

import base64
import email
import json
import threading
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import icalendar
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from kalliola.env import envprefixed
from kalliola.models import MailStatus, QueuedMail
from tests.deploy.kit import free_port
from tests.factories.trainings import InfoSessionFactory
from tests.kalliola.test_settings import load_settings
from trainings import services

pytestmark = pytest.mark.django_db


def _sign_up(session, email_address="eva@example.org"):
    return services.register_for_info_session(
        session, name="Eva", email=email_address, phone="040 123 4567", language="fi"
    )


class _Inbox:
    """An aiosmtpd handler and authenticator that keeps what it received."""

    def __init__(self):
        self.messages = []
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"

    def __call__(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"relay-secret")


@pytest.fixture
def smtp_server():
    inbox = _Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=inbox,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def test_smtp_settings_come_from_the_environment(monkeypatch):
    s = load_settings(
        monkeypatch,
        DEBUG="false",
        SECRET_KEY="x" * 60,
        EMAIL_HOST="relay.example.org",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="tuki",
        EMAIL_HOST_PASSWORD="relay-secret",
        EMAIL_USE_TLS="true",
        EMAIL_TIMEOUT="12",
    )
    assert s.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert (s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD) == (
        "relay.example.org",
        587,
        "tuki",
        "relay-secret",
    )
    assert s.EMAIL_USE_TLS is True and s.EMAIL_USE_SSL is False
    assert s.EMAIL_TIMEOUT == 12


def test_without_a_provider_production_sends_by_smtp_not_into_the_log(monkeypatch):
    # The console backend would print whole mails, names and addresses, into the journal.
    s = load_settings(monkeypatch, DEBUG="false", SECRET_KEY="x" * 60)
    assert s.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"


def test_every_anymail_variable_becomes_an_anymail_setting(monkeypatch):
    s = load_settings(
        monkeypatch,
        EMAIL_PROVIDER="mailgun",
        ANYMAIL_MAILGUN_API_KEY="key-123",
        ANYMAIL_MAILGUN_SENDER_DOMAIN="mg.example.org",
        ANYMAIL_MAILGUN_API_URL="https://api.eu.mailgun.net/v3",
    )
    assert s.EMAIL_BACKEND == "anymail.backends.mailgun.EmailBackend"
    assert s.ANYMAIL["MAILGUN_API_KEY"] == "key-123"
    assert s.ANYMAIL["MAILGUN_SENDER_DOMAIN"] == "mg.example.org"
    assert s.ANYMAIL["MAILGUN_API_URL"] == "https://api.eu.mailgun.net/v3"


def test_queued_mail_reaches_a_real_smtp_server_with_its_calendar(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    controller, inbox = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "tuki", "relay-secret"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.EMAIL_DELIVERY = "request"
    session = InfoSessionFactory()

    with django_capture_on_commit_callbacks(execute=True):
        registration = _sign_up(session)

    assert inbox.logins == [("tuki", "relay-secret")]
    [(sender, recipients, content)] = inbox.messages
    assert recipients == ["eva@example.org"]
    assert sender == "noreply@example.org"
    message = email.message_from_bytes(content, policy=policy.default)
    assert "Eva" in message.get_body(preferencelist=("plain",)).get_content()
    [attachment] = [
        part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    assert attachment.get_filename() == "infotilaisuus.ics"
    calendar = icalendar.Calendar.from_ical(attachment.get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == session.starts_at
    assert QueuedMail.objects.get().status == MailStatus.SENT
    assert registration.pk


class _ProviderApi(BaseHTTPRequestHandler):
    """Stands in for Mailgun's API: records each request, answers as Mailgun does."""

    received: list

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, dict(self.headers), body))
        answer = json.dumps({"id": "<20261203.1@mg.example.org>", "message": "Queued."}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):  # keep the test output clean
        pass


@pytest.fixture
def provider_api():
    received = []
    handler = type("Handler", (_ProviderApi,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v3", received
    finally:
        server.shutdown()
        server.server_close()


def test_queued_mail_goes_through_an_anymail_provider_configured_by_the_environment(
    provider_api, settings, monkeypatch, django_capture_on_commit_callbacks
):
    api_url, received = provider_api
    monkeypatch.setenv("ANYMAIL_MAILGUN_API_KEY", "key-from-environment")
    monkeypatch.setenv("ANYMAIL_MAILGUN_SENDER_DOMAIN", "mg.example.org")
    monkeypatch.setenv("ANYMAIL_MAILGUN_API_URL", api_url)
    settings.ANYMAIL = envprefixed("ANYMAIL_")  # what kalliola/settings.py does at start
    settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    settings.EMAIL_DELIVERY = "request"

    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(InfoSessionFactory(), "provider@example.org")

    [(path, headers, body)] = received
    assert path == "/v3/mg.example.org/messages"
    scheme, credentials = headers["Authorization"].split()
    assert scheme == "Basic"
    assert base64.b64decode(credentials).decode() == "api:key-from-environment"
    assert b"provider@example.org" in body
    assert b"infotilaisuus.ics" in body
    assert QueuedMail.objects.get().status == MailStatus.SENT
