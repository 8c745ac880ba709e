"""Django's Redis cache, made optional at run time: while Redis is unreachable, a read is a
miss and a write is skipped, so pages are rendered from the database instead of failing.

Everything the site caches can be recomputed (keys carry the catalogue generation,
films/caching.py), so an outage of the cache costs speed, never answers. Each failure is
logged; connections time out after ``SOCKET_TIMEOUT`` seconds rather than hanging a worker.
"""

import logging
from functools import wraps

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Seconds to connect to Redis, and to wait for an answer, before counting it as down.
SOCKET_TIMEOUT = 0.5


def _tolerant(method, missing):
    @wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as error:
            logger.warning("cache unavailable (%s): %s", method.__name__, error)
            return missing() if callable(missing) else missing

    return call


class TolerantRedisCache(RedisCache):
    """RedisCache whose reads miss and writes are skipped while Redis cannot be reached."""

    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        super().__init__(server, params)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            logger.warning("cache unavailable (get): %s", error)
            return default

    get_many = _tolerant(RedisCache.get_many, dict)
    has_key = _tolerant(RedisCache.has_key, False)
    set = _tolerant(RedisCache.set, None)
    set_many = _tolerant(RedisCache.set_many, list)
    add = _tolerant(RedisCache.add, False)
    touch = _tolerant(RedisCache.touch, False)
    delete = _tolerant(RedisCache.delete, False)
    delete_many = _tolerant(RedisCache.delete_many, None)
    clear = _tolerant(RedisCache.clear, False)
