"""Gunicorn's master warms the app before forking workers (ruam/serve.py): the busiest public
pages are built once, nothing of it is counted or kept, and a database that is down at start
only skips the warm-up."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from django.db import OperationalError, connection
from prometheus_client import REGISTRY

from ruam import serve
from ruam.geo.locate import get_locator
from ruam.reports import services
from ruam.reports.models import Channel


def counted() -> float:
    return sum(
        sample.value
        for metric in REGISTRY.collect()
        if metric.name == "ruam_http_requests"
        for sample in metric.samples
        if sample.name == "ruam_http_requests_total"
    )


def test_the_busiest_pages_are_built_uncounted_unkept_and_the_connection_closed(
    reference, page_cache
):
    report = services.submit_report(
        description="ไฟถนนดับหน้าซอย",
        channel=Channel.WEB,
        lat=13.8596,
        lon=100.7046,
        categories=["แสงสว่าง"],
    ).report
    get_locator.cache_clear()
    before = counted()
    answers = serve.warm()
    paths = [path for path, _, _ in answers]
    assert f"/reports/{report.code}/" in paths and f"/api/v1/reports/{report.code}" in paths
    assert "/districts/1001/" in paths and "/" in paths
    assert {status for path, status, _ in answers if path != "locator"} == {200}, answers
    assert ("locator", "loaded") in [(path, status) for path, status, _ in answers]
    assert get_locator.cache_info().currsize == 1  # a new report's first pin is placed at once
    assert counted() == before  # the master's own requests are not the public's
    # The views themselves ran: no copy was taken from, or left in, the page cache.
    assert not list(page_cache._cache)
    # No worker inherits the master's database connection (Django keeps an in-memory SQLite
    # database, the tests' own, open: closing it would lose it).
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    assert connection.connection is None or in_memory


def test_behind_https_the_warm_up_is_not_redirected(reference, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = [".ruam.example", "127.0.0.1"]
    answers = serve.warm()[1:]
    assert answers and {status for _, status, _ in answers} == {200}, answers


def test_a_database_down_at_start_skips_the_warm_up(monkeypatch, caplog):
    def down():
        raise OperationalError("connection refused")

    monkeypatch.setattr(serve, "warm_paths", down)
    with caplog.at_level(logging.WARNING, logger="gunicorn.error"):
        assert [path for path, _, _ in serve.warm()] == ["locator"]
    assert "warm-up skipped" in caplog.text


def test_a_page_that_fails_is_reported_and_the_rest_still_warm(monkeypatch, reference):
    monkeypatch.setattr(serve, "warm_paths", lambda: [("/nowhere/", "th"), ("/", "en")])
    answers = {path: status for path, status, _ in serve.warm()[1:]}
    assert answers == {"/nowhere/": 404, "/": 200}


@pytest.mark.parametrize(("preload", "warmed"), [(None, True), ("0", False)])
def test_the_shipped_settings_fork_single_threaded_workers_from_a_warmed_master(
    monkeypatch, preload, warmed
):
    import importlib
    import multiprocessing

    for name in ("RUAM_WORKERS", "RUAM_THREADS", "RUAM_PRELOAD"):
        monkeypatch.delenv(name, raising=False)
    if preload is not None:
        monkeypatch.setenv("RUAM_PRELOAD", preload)
    shipped = importlib.reload(serve)
    try:
        assert shipped.threads == 1  # processes, not threads: they share no lock
        assert shipped.workers == 4 * multiprocessing.cpu_count()
        assert shipped.preload_app is warmed
        calls = []
        monkeypatch.setattr(shipped, "warm", lambda log: calls.append(log))
        shipped.when_ready(SimpleNamespace(log="the master's log"))
        assert calls == (["the master's log"] if warmed else [])
    finally:
        monkeypatch.undo()
        importlib.reload(serve)
