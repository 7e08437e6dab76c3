"""Per-credential request rate limits, configurable per organisation (fixed one-minute windows)."""
from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

RATE_CONFIG_KEY = "API_RATE_LIMIT_PER_MINUTE"


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
        cache.add(key, 0, timeout=90)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=90)
            count = 1
        self._wait = 60 - (now % 60)
        return count <= int(limit)

    def wait(self):
        return getattr(self, "_wait", 60)
