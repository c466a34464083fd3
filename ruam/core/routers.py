"""Reading from a PostgreSQL streaming replica, where a page can bear a second's lag.

With ``DATABASE_REPLICA_URL`` set, ``ReplicaMiddleware`` marks the GET requests of the views
named in ``RUAM_REPLICA_VIEWS`` (public pages, figures, dashboards, exports, open data) and the
router sends their reads to the replica; every write, every other request and every read
inside a transaction go to the primary.

Read after write: a person who has just sent something (any POST) carries a cookie for
``RUAM_REPLICA_STICKY_SECONDS``; their next pages read from the primary, so they see what they
sent even while the replica is behind. Everyone else may see it a moment later.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
STICKY_COOKIE = "ruam_primary"
_reading_replica: ContextVar[bool] = ContextVar("ruam_reading_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if _reading_replica.get() and not connections["default"].in_atomic_block:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the same data, one copy behind the other

    def allow_migrate(self, db, app_label, **hints) -> bool:
        return db == "default"


def named_view(request: HttpRequest, names: list[str]) -> bool:
    """A GET of a view in ``names`` ("app:view", or "app:*" for all of an app's views)."""
    match = getattr(request, "resolver_match", None)
    if match is None or request.method not in {"GET", "HEAD"}:
        return False
    return match.view_name in names or f"{match.namespace}:*" in names


def replica_view(request: HttpRequest) -> bool:
    return named_view(request, settings.RUAM_REPLICA_VIEWS)


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = REPLICA in settings.DATABASES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.enabled and not request.COOKIES.get(STICKY_COOKIE):
            request.ruam_replica_possible = True
        try:
            response = self.get_response(request)
        finally:
            token = getattr(request, "_ruam_replica_token", None)
            if token is not None:
                _reading_replica.reset(token)
        # The page cache (core/pagecache.py) is a moment behind too: the same cookie skips it.
        cached = getattr(settings, "RUAM_PAGE_CACHE_SECONDS", 0)
        if (self.enabled or cached) and request.method == "POST":
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=max(settings.RUAM_REPLICA_STICKY_SECONDS, cached),
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if getattr(request, "ruam_replica_possible", False) and replica_view(request):
            request._ruam_replica_token = _reading_replica.set(True)
        return None
