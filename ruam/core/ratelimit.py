"""Rate limits: fixed windows, counted in the database so that every worker shares them.

One statement per count, an upsert that returns the new total, on PostgreSQL and SQLite alike.
Outside a transaction it is its own transaction (one round trip); on PostgreSQL it asks not to
wait for the disk at commit, since a count lost in a crash is harmless.

Large limits are counted in blocks. A process takes ``limit // BLOCK_SHARE`` requests from the
shared count at once (a *lease*) and spends them without asking the database again. So an API
key allowed 100,000 reports a minute costs one upsert per thousand reports, not one per report,
while a limit under ``BLOCK_SHARE`` (a resident's 20 reports an hour, 10 sign-ins) is still
counted request by request. Nobody gets past the limit: a lease is granted only from what is
left. What a lease may cost is the other way: requests leased by one process and not spent
there still count, so with N processes a client can be refused up to N blocks (N% of the
limit) early.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from ruam.core.models import RateCounter

_UPSERT = (
    'INSERT INTO {table} ("key", "count", "expires") VALUES (%s, %s, %s) '
    'ON CONFLICT ("key") DO UPDATE SET "count" = {table}."count" + %s RETURNING "count"'
)
# The same on PostgreSQL, with synchronous_commit off for this statement's own transaction.
_UPSERT_PG = (
    "WITH no_wait AS (SELECT set_config('synchronous_commit', 'off', true)) "
    'INSERT INTO {table} ("key", "count", "expires") SELECT %s, %s, %s FROM no_wait '
    'ON CONFLICT ("key") DO UPDATE SET "count" = {table}."count" + %s RETURNING "count"'
)


def client_address(request: HttpRequest) -> str:
    if getattr(settings, "RUAM_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


BLOCK_SHARE = 100

# This process's unspent leases: (counter key, limit) -> requests left. Keys carry their window,
# so a lease ends with its window (and with a change of the limit); the dict is emptied whenever
# it holds too many old ones.
_leases: dict[tuple[str, int], int] = {}
_lock = threading.Lock()


def allow(scope: str, ident: str) -> bool:
    """Count one more request of this scope from this client; False once over the limit."""
    key, limit, window = _key(scope, ident)
    lease = (key, limit)
    with _lock:
        left = _leases.get(lease, 0)
        if left > 0:
            _leases[lease] = left - 1
            return True
    block = max(1, limit // BLOCK_SHARE)
    total = _count(key, block, window)
    granted = min(block, limit - (total - block))
    if granted <= 0:
        return False
    if granted > 1:
        with _lock:
            if len(_leases) > 10_000:
                _leases.clear()
            _leases[lease] = _leases.get(lease, 0) + granted - 1
    return True


def _key(scope: str, ident: str) -> tuple[str, int, int]:
    limit, window = settings.RUAM_RATELIMITS[scope]
    return f"{scope}:{ident}:{int(time.time() // window)}"[:200], limit, window


def record(scope: str, ident: str) -> int:
    """Count one event (a failed sign-in, say) without asking whether it is allowed."""
    key, _, window = _key(scope, ident)
    return _count(key, 1, window)


def reached(scope: str, ident: str) -> bool:
    """Whether the events counted in this window have reached the scope's limit."""
    key, limit, _ = _key(scope, ident)
    counted = RateCounter.objects.filter(key=key).values_list("count", flat=True).first()
    return (counted or 0) >= limit


def forget_leases() -> None:
    """Drop this process's unspent leases (tests roll the shared counts back under them)."""
    with _lock:
        _leases.clear()


def _count(key: str, n: int, window: int) -> int:
    """Add ``n`` to the shared count of ``key`` and return the new total."""
    expires = timezone.now() + dt.timedelta(seconds=window)
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    # Inside a transaction the setting would reach the caller's writes too: plain upsert then.
    no_wait = connection.vendor == "postgresql" and not connection.in_atomic_block
    upsert = _UPSERT_PG if no_wait else _UPSERT
    with connection.cursor() as cursor:
        cursor.execute(upsert.format(table=table), [key, n, expires, n])
        total = cursor.fetchone()[0]
    if random.random() < 0.002:  # noqa: S311 - housekeeping, not security
        RateCounter.objects.filter(expires__lt=timezone.now()).delete()
    return total


TOO_MANY_WRITES = (
    "ส่งข้อมูลถี่เกินไป โปรดรอสักครู่แล้วลองใหม่",
    "Too many changes sent from here: please wait a moment and try again.",
)
# Writes with limits of their own, counted there (intake and Open311 by key, LINE per LINE
# user): left alone here, their bodies unread.
OWN_LIMITS = {"/api/v1/reports", "/integrations/line/webhook"}
OWN_LIMIT_PREFIXES = ("/open311/",)


class WriteLimitMiddleware:
    """Every write (POST, PUT, PATCH, DELETE) counted per API key, else per signed-in person,
    else per address (``RUAM_RATELIMITS["writes"]`` for people and addresses, ``"writes_key"``
    for keys): a 429 with a retry hint, in Thai and English, past the limit. The limits are
    generous: they stop a runaway script, not a busy official."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if (
            request.method in {"GET", "HEAD", "OPTIONS"}
            or request.path in OWN_LIMITS
            or request.path.startswith(OWN_LIMIT_PREFIXES)
        ):
            return self.get_response(request)
        key = request.headers.get("X-Api-Key", "")
        if key:
            import hashlib

            scope, ident = "writes_key", hashlib.sha256(key.encode()).hexdigest()[:32]
        elif getattr(request, "user", None) is not None and request.user.is_authenticated:
            scope, ident = "writes", f"user:{request.user.pk}"
        else:
            scope, ident = "writes", f"address:{client_address(request)}"
        if allow(scope, ident):
            return self.get_response(request)
        return _too_many(request)


def _too_many(request: HttpRequest):
    from ruam.core.errors import Bilingual
    from ruam.core.web import refusal

    return refusal(request, Bilingual(*TOO_MANY_WRITES), status=429, retry_after=60)
