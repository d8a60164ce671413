"""The settings that keep a failing part from holding a request: Redis and PostgreSQL timeouts."""

from django.core.cache.backends.base import BaseCache
from django.utils.module_loading import import_string

from tests.kalliola.test_settings import _restore_settings_module as _restore  # noqa: F401
from tests.kalliola.test_settings import load_settings


def _backend(config: dict) -> BaseCache:
    return import_string(config["BACKEND"])(config["LOCATION"], config)


def test_redis_calls_wait_a_quarter_second_at_most_and_a_failed_redis_rests_five(monkeypatch):
    s = load_settings(monkeypatch, REDIS_URL="redis://cache:6379/0")
    backend = _backend(s.CACHES["default"])
    pool = backend._cache._get_connection_pool(write=True)
    assert pool.connection_kwargs["socket_connect_timeout"] == 0.25
    assert pool.connection_kwargs["socket_timeout"] == 0.25
    assert backend.retry_seconds == 5
    assert s.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_redis_timeouts_come_from_the_environment(monkeypatch):
    s = load_settings(
        monkeypatch,
        REDIS_URL="redis://cache:6379/0",
        REDIS_TIMEOUT_MS="100",
        CACHE_RETRY_SECONDS="2",
    )
    backend = _backend(s.CACHES["default"])
    assert (
        backend._cache._get_connection_pool(write=True).connection_kwargs["socket_timeout"] == 0.1
    )
    assert backend.retry_seconds == 2


def test_postgresql_connections_time_out(monkeypatch):
    s = load_settings(monkeypatch, DATABASE_URL="postgres://kalliola:pw@db:5432/tuki")
    assert s.DATABASES["default"]["OPTIONS"]["connect_timeout"] == 2
    s = load_settings(
        monkeypatch, DATABASE_URL="postgres://kalliola:pw@db:5432/tuki", DB_CONNECT_TIMEOUT="5"
    )
    assert s.DATABASES["default"]["OPTIONS"]["connect_timeout"] == 5
    sqlite = load_settings(monkeypatch).DATABASES["default"]
    assert "connect_timeout" not in sqlite.get("OPTIONS", {})  # not a libpq option
