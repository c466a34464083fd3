"""Prometheus metrics: requests by view and status, their latency, the work queue, and the
figures apps register (open reports …). Scraped at ``/metrics`` from the addresses in
``RUAM_METRICS_ALLOWED_IPS``.

Under gunicorn each worker is a process: set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder
(``make serve`` does) and the counts of every worker are added up at each scrape.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter("ruam_http_requests", "HTTP requests answered", ["method", "view", "status"])
LATENCY = Histogram(
    "ruam_http_request_seconds",
    "Time to answer an HTTP request",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5),
)

# Figures read from the database at each scrape: name → (help, function returning a number).
_figures: dict[str, tuple[str, Callable[[], float]]] = {}


def register_figure(name: str, help_text: str, read: Callable[[], float]) -> None:
    """An app adds a gauge read at scrape time (apps above core fill this; core imports none)."""
    _figures[name] = (help_text, read)


def queue_state() -> dict[str, float]:
    """Tasks waiting in the database queue, and how long the oldest has waited (seconds)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return {
        "waiting": ready.count(),
        "failed": DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count(),
        "oldest_wait_seconds": (timezone.now() - oldest).total_seconds() if oldest else 0.0,
    }


class _Figures:
    def collect(self):
        for name, value in queue_state().items():
            yield GaugeMetricFamily(f"ruam_queue_{name}", f"Work queue: {name}", value=value)
        for name, (help_text, read) in _figures.items():
            yield GaugeMetricFamily(name, help_text, value=read())


def exposition() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(_Figures())
    return generate_latest(registry)


def metrics_response() -> HttpResponse:
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


# In the environ of the requests gunicorn's master makes to warm itself (ruam/serve.py): not the
# public's, so not counted.
WARMUP = "ruam.warmup"


class MetricsMiddleware:
    """Counts every request by the view that answered it (its URL name, never the path: codes
    and ids in paths would make a metric per report) and times it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if request.META.get(WARMUP):
            return response
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "unmatched"
        REQUESTS.labels(request.method, view, str(response.status_code)).inc()
        LATENCY.labels(view).observe(time.perf_counter() - started)
        return response
