"""Reference data read on every request (districts, categories, routing) kept in memory briefly.

Each worker keeps what it read for ``seconds``; an edit in this process clears it at once (see
``clear_all``, wired by ``clear_on_change`` to the save signals of the models each app names
in its ``AppConfig.ready``), other workers see it within the TTL.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

_caches: list[dict] = []


def ttl_cache(seconds: float = 60) -> Callable:
    def decorate(function: Callable) -> Callable:
        store: dict[tuple, tuple[float, Any]] = {}
        _caches.append(store)

        @functools.wraps(function)
        def cached(*args):
            now = time.monotonic()
            hit = store.get(args)
            if hit is not None and now - hit[0] < seconds:
                return hit[1]
            value = function(*args)
            store[args] = (now, value)
            return value

        cached.cache_clear = store.clear  # type: ignore[attr-defined]
        return cached

    return decorate


def clear_all(*args, **kwargs) -> None:
    for store in _caches:
        store.clear()


def clear_on_change(*models) -> None:
    """Any saved or deleted row of these models may change a cached answer: clear them all
    (reference data is edited rarely). Each app calls this for its own reference models."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        label = model._meta.label
        post_save.connect(clear_all, sender=model, dispatch_uid=f"refcache-{label}")
        post_delete.connect(clear_all, sender=model, dispatch_uid=f"refcache-d-{label}")
