"""Rate limits: fixed windows, counted in the database so that every worker shares them.

One statement per check, an upsert that returns the new count, on PostgreSQL and SQLite alike.
Outside a transaction it is its own transaction (one round trip); on PostgreSQL it asks not to
wait for the disk at commit, since a count lost in a crash is harmless.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from ruam.core.models import RateCounter

_UPSERT = (
    'INSERT INTO {table} ("key", "count", "expires") VALUES (%s, 1, %s) '
    'ON CONFLICT ("key") DO UPDATE SET "count" = {table}."count" + 1 RETURNING "count"'
)
# The same on PostgreSQL, with synchronous_commit off for this statement's own transaction.
_UPSERT_PG = (
    "WITH no_wait AS (SELECT set_config('synchronous_commit', 'off', true)) "
    'INSERT INTO {table} ("key", "count", "expires") SELECT %s, 1, %s FROM no_wait '
    'ON CONFLICT ("key") DO UPDATE SET "count" = {table}."count" + 1 RETURNING "count"'
)


def client_address(request: HttpRequest) -> str:
    if getattr(settings, "RUAM_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(scope: str, ident: str) -> bool:
    """Count one more request of this scope from this client; False once over the limit."""
    limit, window = settings.RUAM_RATELIMITS[scope]
    slot = int(time.time() // window)
    expires = timezone.now() + dt.timedelta(seconds=window)
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    # Inside a transaction the setting would reach the caller's writes too: plain upsert then.
    no_wait = connection.vendor == "postgresql" and not connection.in_atomic_block
    upsert = _UPSERT_PG if no_wait else _UPSERT
    with connection.cursor() as cursor:
        cursor.execute(upsert.format(table=table), [f"{scope}:{ident}:{slot}"[:200], expires])
        count = cursor.fetchone()[0]
    if random.random() < 0.002:  # noqa: S311 - housekeeping, not security
        RateCounter.objects.filter(expires__lt=timezone.now()).delete()
    return count <= limit
