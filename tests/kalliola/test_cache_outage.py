"""Redis down costs speed, not service: every page, form, admin and portal page answers as usual.

The cache is kalliola's own Redis backend pointed at a port where nothing listens, with no
pause between tries, so every single cache call reaches Redis and fails (a ConnectionError
from redis-py), as when Redis is stopped. Sessions use the cached-database engine, as in
production: they must be read from the database.
"""

import io
import logging
import socket

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from families.models import SupportFamily
from kalliola import public_forms
from kalliola.models import QueuedMail
from kalliola.roles import COORDINATORS
from meetings.models import MeetingRequest
from tests.factories.families import SupportFamilyFactory
from tests.factories.trainings import (
    EventFactory,
    InfoSessionFactory,
    RegistrationFactory,
    TrainingGroupFactory,
)
from tests.families.test_application import valid_data as application
from tests.meetings.test_request_form import valid as meeting_request
from tests.privacy.test_no_personal_data_in_cache import _admin_pages, _portal_pages
from tests.privacy.test_no_personal_data_in_cache import world as world  # noqa: PLC0414 (fixture)
from trainings.models import Enrollment, EventInvitation, Registration
from trainings.tokens import INVITATION, REGISTRATION, cancel_token, make_token

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_nowhere(retry_seconds: float = 0) -> dict:
    return {
        "default": {
            "BACKEND": "kalliola.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.25,
                "retry_seconds": retry_seconds,
            },
        }
    }


@pytest.fixture
def redis_down(settings, caplog, monkeypatch):
    # The rate limit's per-process counts start empty, and the fallback is logged anew.
    public_forms._process_counts.clear()
    monkeypatch.setattr(public_forms, "_fallback_logged", False)
    settings.CACHES = redis_nowhere()
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    caplog.set_level(logging.WARNING, logger="kalliola.cache")
    return caplog


def cache_failures(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "kalliola.cache"]


def signup(email: str) -> dict:
    return {
        "name": "Maija Meikäläinen",
        "email": email,
        "phone": "040 123 4567",
        "municipality": "Helsinki",
        "consent": "on",
        "website": "",
    }


def public_pages() -> list[str]:
    session = InfoSessionFactory()
    group = TrainingGroupFactory()
    cancel = cancel_token(REGISTRATION, RegistrationFactory(session=InfoSessionFactory()).pk)
    invitation = EventInvitation.objects.create(event=EventFactory(), family=SupportFamilyFactory())
    reply = make_token(INVITATION, invitation.pk)
    pages = []
    for lang in ("", "/sv", "/en"):
        pages += [
            f"{lang}/",
            f"{lang}/infotilaisuudet/",
            f"{lang}/infotilaisuudet/{session.pk}/",
            f"{lang}/infotilaisuudet/{session.pk}/kalenteri.ics",
            f"{lang}/valmennus/",
            f"{lang}/valmennus/{group.pk}/",
            f"{lang}/valmennus/{group.pk}/kalenteri.ics",
            f"{lang}/tukiperheeksi/",
            f"{lang}/tukiperheeksi/kiitos/",
            f"{lang}/tietosuoja/",
            f"{lang}/tukitapaamiset/",
            f"{lang}/peru-ilmoittautuminen/{cancel}/",
            f"{lang}/tapahtumat/vastaa/{reply}/",
        ]
    return [*pages, "/kalenteri.ics"]


def test_every_public_page_answers_without_redis(redis_down):
    for page in public_pages():
        for _twice in range(2):
            response = Client().get(page)
            assert response.status_code == 200, page
    failures = cache_failures(redis_down)
    assert failures, "the pages never asked the cache: the test proves nothing"
    assert all("ConnectionError" in failure for failure in failures)


def test_every_public_form_is_stored_once_and_its_mail_queued_without_redis(
    redis_down, django_capture_on_commit_callbacks
):
    session, group = InfoSessionFactory(), TrainingGroupFactory()
    forms = [
        (f"/infotilaisuudet/{session.pk}/", signup("info@example.org")),
        (f"/valmennus/{group.pk}/", signup("group@example.org")),
        ("/en/tukiperheeksi/", application(email="apply@example.org")),
        ("/en/tukitapaamiset/", meeting_request()),
    ]
    for url, data in forms:
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(url, data)
        assert response.status_code == 302, (url, response.status_code)

    assert Registration.objects.filter(session=session, family__email="info@example.org").count()
    assert Enrollment.objects.filter(group=group, family__email="group@example.org").count() == 1
    assert SupportFamily.objects.filter(email="apply@example.org").count() == 1
    assert MeetingRequest.objects.count() == 1
    assert Registration.objects.filter(session=session).count() == 1
    assert QueuedMail.objects.count() == len(forms)
    assert len(mail.outbox) == len(forms)
    assert cache_failures(redis_down)


def test_the_rate_limit_holds_without_redis_and_says_so_once(redis_down, settings):
    settings.PUBLIC_FORM_RATE_PER_MINUTE = 3
    session = InfoSessionFactory(capacity=50)
    client = Client()
    answers = [
        client.post(f"/infotilaisuudet/{session.pk}/", signup(f"p{n}@example.org")).status_code
        for n in range(5)
    ]
    assert answers == [302, 302, 302, 429, 429]
    assert Registration.objects.count() == 3
    fallbacks = [r for r in redis_down.records if r.name == "kalliola.public_forms"]
    assert len(fallbacks) == 1
    assert "per process" in fallbacks[0].getMessage()


def test_coordinator_and_worker_browse_admin_and_portal_without_redis(redis_down, world):
    pages = {
        world.coordinator: [*_admin_pages(world), *_portal_pages(world)],
        world.worker: _portal_pages(world),
    }
    for user, urls in pages.items():
        client = Client()
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, url
            # Still signed in: the session came from the database.
            assert "/kirjaudu/" not in response.get("Location", ""), url
            assert "/admin/login/" not in response.get("Location", ""), url
        assert client.get(reverse("portal:home")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302  # the worker: not staff


def test_a_cache_failure_is_logged_with_its_class_and_never_the_key(redis_down):
    from django.core.cache import cache

    assert cache.get("secret-key-Meikäläinen", "fallback") == "fallback"
    assert cache.get_many(["a-Meikäläinen", "b"]) == {}
    cache.set("secret-key-Meikäläinen", "Maija")
    logged = "\n".join(cache_failures(redis_down))
    assert "ConnectionError" in logged
    assert "Meikäläinen" not in logged and "Maija" not in logged


def test_management_commands_run_with_redis_unreachable(redis_down):
    coordinators = Group.objects.get(name=COORDINATORS)
    coordinators.permissions.clear()  # migrate gives them back: a change the cache must forget

    call_command("migrate", verbosity=0)
    assert coordinators.permissions.exists()
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert User.objects.filter(username="koordinaattori").exists()
    call_command("send_queued_mail", stdout=io.StringIO())
    call_command("apply_retention", stdout=io.StringIO())
    call_command("send_reminders", stdout=io.StringIO())

    assert not QueuedMail.objects.filter(status="queued", attempts=0).exists()
    assert cache_failures(redis_down)
