"""The cache when Redis is configured: Django's Redis backend, but an unreachable Redis is a
miss, not an error page.

Everything we keep in the cache is a copy or a convenience: sessions are written through to the
database (``cached_db``), report figures are recomputed, rate-limit counters start again. So
while Redis is down (a restart, a failover) pages keep working from the database, a little
slower, and nothing is lost; each failure is logged. The sign-in rate limits cannot be counted
meanwhile and lapse until Redis answers again.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _unreachable(operation: str, exc: Exception) -> None:
    logger.warning("The Redis cache is unreachable (%s): %s", operation, exc)


class _ReusedClient(RedisCacheClient):
    """Django's client makes a new ``redis.Redis`` for every operation, and each one fills a
    table of some 170 reply handlers first (a third of a millisecond on every page, for the
    session and report stamps it reads). One ``redis.Redis`` per connection pool serves them all:
    it holds no connection of its own, each command takes one from the pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClient

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as exc:
            _unreachable("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as exc:
            _unreachable("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE as exc:
            _unreachable("has_key", exc)
            return False

    def set(self, *args, **kwargs):
        try:
            return super().set(*args, **kwargs)
        except UNREACHABLE as exc:
            _unreachable("set", exc)

    def set_many(self, *args, **kwargs):
        try:
            return super().set_many(*args, **kwargs)
        except UNREACHABLE as exc:
            _unreachable("set_many", exc)
            return []

    def add(self, *args, **kwargs):
        # allauth takes its rate-limit lock with add(); refusing it would refuse every sign-in
        # while Redis is down. The counters cannot be kept then anyway, so the limits lapse
        # until Redis is back (logged), and people can still sign in.
        try:
            return super().add(*args, **kwargs)
        except UNREACHABLE as exc:
            _unreachable("add", exc)
            return True

    def touch(self, *args, **kwargs):
        try:
            return super().touch(*args, **kwargs)
        except UNREACHABLE as exc:
            _unreachable("touch", exc)
            return False

    def delete(self, *args, **kwargs):
        try:
            return super().delete(*args, **kwargs)
        except UNREACHABLE as exc:
            _unreachable("delete", exc)
            return False

    def delete_many(self, *args, **kwargs):
        try:
            return super().delete_many(*args, **kwargs)
        except UNREACHABLE as exc:
            _unreachable("delete_many", exc)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as exc:
            _unreachable("incr", exc)
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)") from exc
