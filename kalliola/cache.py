"""Django's Redis cache backend, reusing one redis-py client per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` object for every cache call, and each one
fills a table of about 170 response callbacks: a tenth of a millisecond per call, more than the
round trip itself on a cached page. redis-py clients are thread-safe and meant to be shared, so
this keeps one per pool. Nothing else changes (same options, pools and serializer).
"""

from django.core.cache.backends import redis as django_redis


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


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
