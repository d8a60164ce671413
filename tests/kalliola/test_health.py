"""/health/ tells the database and the cache apart, and how long the oldest unsent mail waits."""

import datetime
from unittest import mock

from django.db import OperationalError
from django.utils import timezone

from kalliola.models import QueuedMail
from tests.kalliola.test_cache_outage import redis_nowhere


def test_health_answers_200_when_database_and_cache_answer(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "outbox_oldest_unsent_seconds": None,
    }
    assert "no-cache" in response["Cache-Control"]


def test_health_answers_503_when_database_is_down(client, db):
    with mock.patch("kalliola.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable", "cache": "ok"}


def test_health_answers_200_degraded_when_only_the_cache_is_down(client, db, settings):
    settings.CACHES = redis_nowhere(retry_seconds=5)
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["cache"]) == ("degraded", "ok", "unreachable")


def test_health_reports_both_down_separately(client, db, settings):
    settings.CACHES = redis_nowhere()
    with mock.patch("kalliola.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/health/")
    assert response.status_code == 503
    assert (response.json()["database"], response.json()["cache"]) == ("unreachable", "unreachable")


def test_health_gives_the_age_of_the_oldest_unsent_mail(client, db):
    now = timezone.now()
    for minutes, status in ((30, "sent"), (12, "queued"), (2, "queued"), (90, "failed")):
        mail = QueuedMail.objects.create(mail="trainings.emails.send_waitlist_notice", args=[1])
        QueuedMail.objects.filter(pk=mail.pk).update(
            created_at=now - datetime.timedelta(minutes=minutes),
            status=status,
            sent_at=now if status == "sent" else None,
        )
    age = client.get("/health/").json()["outbox_oldest_unsent_seconds"]
    assert 12 * 60 <= age < 12 * 60 + 30
