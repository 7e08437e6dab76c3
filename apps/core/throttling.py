"""Per-credential request rate limits, configurable per organisation (fixed one-minute windows)."""
from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

RATE_CONFIG_KEY = "API_RATE_LIMIT_PER_MINUTE"


WINDOW_TTL_SECONDS = 90


def window_count(key: str) -> int:
    """Count one more request in a fixed window's counter and return the count.

    With Redis, one round trip (INCR and EXPIRE pipelined: the key carries the window's number, so renewing its
    time to live on each request only keeps it until the window is over); elsewhere the cache's add and incr.
    """
    client = _redis_client()
    if client is not None:
        name = cache.make_key(key)
        pipe = client.pipeline(transaction=False)
        pipe.incr(name)
        pipe.expire(name, WINDOW_TTL_SECONDS)
        return int(pipe.execute()[0])
    cache.add(key, 0, timeout=WINDOW_TTL_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=WINDOW_TTL_SECONDS)
        return 1


def _redis_client():
    """The raw Redis client behind the default cache when it is django-redis, else None."""
    from django.core.cache import caches
    from django_redis.cache import RedisCache

    if not isinstance(caches["default"], RedisCache):
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


class CredentialRateThrottle(BaseThrottle):
    """At most N requests a minute per API credential; N is the org's API_RATE_LIMIT_PER_MINUTE config."""

    def allow_request(self, request, view) -> bool:
        principal = getattr(request, "principal", None)
        if principal is None:
            return True
        from apps.organizations.selectors import org_config_value

        limit = org_config_value(org=principal.org, key=RATE_CONFIG_KEY)
        if limit is None or int(limit) <= 0:
            limit = settings.API_DEFAULT_RATE_PER_MINUTE
        now = time.time()
        window = int(now // 60)
        key = f"throttle:org:{principal.org.pk}:{principal.credential}:{window}"
        count = window_count(key)
        self._wait = 60 - (now % 60)
        return count <= int(limit)

    def wait(self):
        return getattr(self, "_wait", 60)
