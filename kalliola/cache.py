"""Django's Redis cache backend, made so that a Redis outage costs speed, not service.

The cache only makes pages faster: every value in it can be computed again from the database.
So when Redis does not answer, a call gives what a cache miss gives (`get` its default,
`get_many` nothing, `add` False, a write is dropped) and the caller computes the value afresh.
`incr` has no number to fall back on: it raises `CacheUnavailable`, a `ValueError` as for a
missing key (the public-form rate limit counts in the process instead, kalliola/public_forms.py).

- No call waits on Redis longer than the connect and read timeouts (`REDIS_TIMEOUT_MS`).
- After a failure the cache is not tried again for `CACHE_RETRY_SECONDS` (a circuit breaker,
  shared by every thread of the process), so a dead Redis does not add a timeout to every call.
- The first call that reaches Redis again empties it first: a change made during the outage
  could not forget the values it changed (versions not bumped, a signed-out session not
  deleted), so nothing cached before may be served. Give Redis a database of its own.
- Every failure is logged by the `kalliola.cache` logger with the operation and the error's
  class: never the key, the value or the error's text (which may quote a key).

Django's RedisCacheClient also builds a new `redis.Redis` object for every cache call, and each
one fills a table of about 170 response callbacks: a tenth of a millisecond per call, more than
the round trip itself on a cached page. redis-py clients are thread-safe and meant to be shared,
so this keeps one per pool.
"""

import logging
import threading
import time

from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.utils.functional import cached_property

logger = logging.getLogger(__name__)

DEFAULT_RETRY_SECONDS = 5.0


class CacheUnavailable(ValueError):
    """The cache did not answer a call that has no value to fall back on (`incr`)."""


class Breaker:
    """Whether the cache at one location may be tried now; one per process and location."""

    def __init__(self, retry_seconds: float):
        self.retry_seconds = retry_seconds
        self.open_until = 0.0
        # Set by a failure: writes may have been lost, so the cache is emptied on its return.
        self.must_clear = False
        self.lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def trip(self, operation: str, error: Exception) -> None:
        with self.lock:
            self.open_until = time.monotonic() + self.retry_seconds
            self.must_clear = True
        logger.warning(
            "Cache %s failed (%s); serving without the cache for %g s",
            operation,
            type(error).__name__,
            self.retry_seconds,
        )


_BREAKERS: dict[str, Breaker] = {}
_BREAKERS_LOCK = threading.Lock()


def breaker_for(location: str, retry_seconds: float) -> Breaker:
    # Django makes a backend object per thread: the breaker is the process's, by location.
    with _BREAKERS_LOCK:
        breaker = _BREAKERS.get(location)
        if breaker is None:
            breaker = _BREAKERS[location] = Breaker(retry_seconds)
        return breaker


class FailSafeMixin:
    """Turns every failing call of a cache backend into a miss (see the module docstring).

    Put it before the backend class in the bases; the backend's `_location` names its store.
    """

    retry_seconds = DEFAULT_RETRY_SECONDS

    @cached_property
    def breaker(self) -> Breaker:
        return breaker_for(f"{type(self).__name__}:{self._location}", self.retry_seconds)

    def _guarded(self, fallback, method, *args, **kwargs):
        breaker = self.breaker
        if breaker.is_open():
            return fallback
        try:
            if breaker.must_clear:
                super().clear()
                breaker.must_clear = False
                logger.info("Cache answers again; emptied it of values from before the outage")
            return method(*args, **kwargs)
        except ValueError as error:
            if method.__name__ == "incr" and not breaker.must_clear:
                raise  # Django's answer for a key that is not there: the store did answer
            breaker.trip(method.__name__, error)
            return fallback
        except Exception as error:
            breaker.trip(method.__name__, error)
            return fallback

    def is_reachable(self) -> bool:
        """Whether the cache answers a read now (for /health/); False while the breaker is open."""
        breaker = self.breaker
        if breaker.is_open():
            return False
        try:
            super().get("kalliola:health")
        except Exception as error:
            breaker.trip("get", error)
            return False
        return True

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._guarded({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        unavailable = object()
        result = self._guarded(unavailable, super().incr, key, delta, version)
        if result is unavailable:
            raise CacheUnavailable("the cache did not answer")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guarded(None, super().delete_many, keys, version)

    def clear(self):
        return self._guarded(False, super().clear)


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(FailSafeMixin, django_redis.RedisCache):
    """Redis with short timeouts, a circuit breaker and no error that reaches a page.

    OPTIONS besides redis-py's own: `retry_seconds`, how long a failed cache is left alone.
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("retry_seconds", DEFAULT_RETRY_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = server if isinstance(server, str) else ",".join(server)
        self._class = RedisCacheClient
