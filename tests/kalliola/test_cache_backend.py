"""The Redis cache backend (kalliola.cache): one client per pool; an outage is a cache miss."""

import pickle
import shutil
import socket
import subprocess
import time

import pytest
import redis

from kalliola.cache import CacheUnavailable, RedisCache

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


# A Redis outage costs speed, not service (see also test_cache_outage.py).


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _backend(port: int, retry_seconds: float = 5) -> RedisCache:
    return RedisCache(
        f"redis://127.0.0.1:{port}/0",
        {
            "OPTIONS": {
                "socket_connect_timeout": 0.25,
                "socket_timeout": 0.25,
                "retry_seconds": retry_seconds,
            }
        },
    )


class RedisServer:
    """A redis-server of the test's own on a free port, that the test can stop and start."""

    def __init__(self, tmp_path):
        self.port = _free_port()
        self.dir = tmp_path
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(5)


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def test_a_silent_redis_costs_a_quarter_second_then_nothing_for_a_while(caplog):
    # A server that accepts connections and never answers: the worst case, a hung Redis.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        backend = _backend(silent.getsockname()[1])
        started = time.monotonic()
        assert backend.get("places", "fallback") == "fallback"
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(100):
            assert backend.get("places") is None
            backend.set("places", 3)
        rest = time.monotonic() - started
    assert first < 1
    assert rest < 0.1  # the breaker is open: Redis is not tried again
    assert [r.getMessage() for r in caplog.records if r.name == "kalliola.cache"] == [
        "Cache get failed (TimeoutError); serving without the cache for 5 s"
    ]


def test_incr_without_redis_raises_cache_unavailable_and_a_missing_key_stays_a_value_error(
    redis_server,
):
    backend = _backend(redis_server.port)
    with pytest.raises(ValueError) as missing:
        backend.incr("nothing-here")
    assert not isinstance(missing.value, CacheUnavailable)
    redis_server.stop()
    with pytest.raises(CacheUnavailable):
        backend.incr("nothing-here")


def test_redis_back_after_an_outage_is_emptied_before_it_is_used(redis_server):
    backend = _backend(redis_server.port, retry_seconds=0.2)
    backend.set("version", "before")
    redis_server.stop()
    backend.set("version", "changed during the outage")  # lost: Redis is down
    assert backend.get("version") is None
    assert not backend.is_reachable()
    redis_server.start()
    time.sleep(0.25)  # the breaker's pause
    # "before" would hide the change made during the outage: it must not come back.
    assert backend.get("version") is None
    backend.set("version", "after")
    assert backend.get("version") == "after"
    assert backend.is_reachable()


def test_every_failing_call_answers_as_a_miss():
    backend = _backend(_free_port(), retry_seconds=0)
    assert backend.get("a", "default") == "default"
    assert backend.get_many(["a", "b"]) == {}
    assert backend.add("a", 1) is False
    assert backend.set("a", 1) is None
    assert backend.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert backend.delete("a") is False
    assert backend.has_key("a") is False
    assert "a" not in backend
    assert backend.touch("a") is False
    assert backend.get_or_set("a", 5) == 5
    backend.delete_many(["a"])
    backend.clear()


def test_any_error_of_the_store_is_a_miss_logged_by_its_class(monkeypatch, caplog):
    # A value Redis returns that cannot be unpickled (another release's class, say).
    backend = _backend(_free_port())

    def broken(*args, **kwargs):
        raise pickle.UnpicklingError("bad data for key secret-Meikäläinen")

    monkeypatch.setattr(backend._cache, "get", broken)
    assert backend.get("secret-Meikäläinen", "fallback") == "fallback"
    logged = [r.getMessage() for r in caplog.records if r.name == "kalliola.cache"]
    assert logged == ["Cache get failed (UnpicklingError); serving without the cache for 5 s"]
