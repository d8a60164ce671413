"""The Redis cache backend keeps one client per connection pool (kalliola.cache)."""

import pytest
import redis

from kalliola.cache import RedisCache

REDIS_URL = "redis://127.0.0.1:6379/14"


def _cache() -> RedisCache:
    return RedisCache(REDIS_URL, {"KEY_PREFIX": "kalliola-test"})


def test_every_call_shares_one_client():
    backend = _cache()
    assert backend._cache.get_client() is backend._cache.get_client(write=True)


def test_values_go_in_and_come_out():
    backend = _cache()
    try:
        backend.set("answer", {"places": 3}, 5)
    except redis.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    assert backend.get("answer") == {"places": 3}
    assert backend.get_many(["answer", "missing"]) == {"answer": {"places": 3}}
    backend.delete("answer")
    assert backend.get("answer") is None
