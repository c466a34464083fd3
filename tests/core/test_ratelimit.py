"""Rate limits: exact for small limits, counted in blocks for large ones, never past the limit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ruam.core import ratelimit
from ruam.core.models import RateCounter
from ruam.core.ratelimit import allow, forget_leases

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_housekeeping(monkeypatch):
    # The occasional sweep of old counters would add a statement to the counts below.
    monkeypatch.setattr(ratelimit.random, "random", lambda: 1.0)


def limit(settings, n: int, window: int = 60) -> None:
    settings.RUAM_RATELIMITS = {**settings.RUAM_RATELIMITS, "test": (n, window)}


def test_a_small_limit_is_counted_request_by_request(settings):
    limit(settings, 3)
    assert [allow("test", "a") for _ in range(5)] == [True, True, True, False, False]
    assert RateCounter.objects.get().count == 5
    # Another client has a count of its own.
    assert allow("test", "b")


def test_a_large_limit_is_leased_in_blocks(settings):
    limit(settings, 1000)  # blocks of 10
    with CaptureQueriesContext(connection) as queries:
        allowed = sum(allow("test", "key") for _ in range(1000))
    assert allowed == 1000
    assert len(queries) == 100
    assert not allow("test", "key")
    assert RateCounter.objects.get().count == 1010


def test_leases_held_elsewhere_never_let_a_client_past_the_limit(settings):
    limit(settings, 1000)
    allowed = 0
    for _ in range(300):
        # Each request lands on a "new process": the rest of every lease stays unspent.
        forget_leases()
        allowed += allow("test", "key")
    # Refused early, as documented (unspent blocks count), and never more than the limit.
    assert allowed == 100


def test_a_lease_ends_with_its_window(settings, monkeypatch):
    limit(settings, 1000, window=60)
    now = [6_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    assert allow("test", "key")
    now[0] += 60
    with CaptureQueriesContext(connection) as queries:
        assert allow("test", "key")
    assert len(queries) == 1
    assert RateCounter.objects.count() == 2
