"""Rate limits: fixed windows counted in a cache shared by all workers (the database by default)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    if getattr(settings, "RUAM_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(scope: str, ident: str) -> bool:
    """Count one more request of this scope from this client; False once over the limit."""
    limit, window = settings.RUAM_RATELIMITS[scope]
    cache = caches["ratelimit"]
    key = f"rl:{scope}:{ident}:{int(time.time() // window)}"
    if cache.add(key, 1, window + 1):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window + 1)
        count = 1
    return count <= limit
