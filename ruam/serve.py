"""Gunicorn's settings for serving Ruam (``make serve``, or ``gunicorn -c python:ruam.serve``).

Every value can be set from the environment: RUAM_BIND (127.0.0.1:8000), RUAM_WORKERS (four per
core), RUAM_THREADS (1), RUAM_TIMEOUT (30 s), RUAM_PRELOAD (1). Static files are served by
WhiteNoise inside the app; put a reverse proxy with TLS in front (docs/OPERATIONS.md).

Processes, not threads: Ruam's requests are mostly Python work, and threads of one process take
turns on one lock (the GIL), so a request that waits for the database waits again for its turn.
At 120 mixed requests/s on two cores (bench/load.py) five processes of four threads answered
95% within 545 ms, eight processes of one thread within 69 ms.

Workers start warm. A fresh Python process answers its first request to each kind of page
slowly: the home page took 270 ms against 17 ms for the next one, search 320 ms against 19 ms
(code imported, templates compiled, the translations and the Thai word list read). With
RUAM_PRELOAD=1 the app is loaded once in gunicorn's master, which then asks itself for the
busiest public pages (``warm``) before it forks the workers. Every worker, the first ones and
those that replace a worker after ``max_requests``, starts with all that done. New code then
needs a restart of the service, not a HUP (docs/OPERATIONS.md).
"""

import io
import logging
import multiprocessing
import os
import sys
import time

wsgi_app = "ruam.wsgi:application"
bind = os.environ.get("RUAM_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("RUAM_WORKERS", multiprocessing.cpu_count() * 4))
threads = int(os.environ.get("RUAM_THREADS", "1"))
worker_class = "gthread"
timeout = int(os.environ.get("RUAM_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = 5000  # a worker is replaced now and then, so no leak grows without bound
max_requests_jitter = 500
accesslog = "-"
preload_app = os.environ.get("RUAM_PRELOAD", "1") != "0"
forwarded_allow_ips = os.environ.get("RUAM_PROXY_IPS", "127.0.0.1")


def child_exit(server, worker) -> None:
    """A worker's share of the Prometheus counts stays counted after it is replaced."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def when_ready(server) -> None:
    """In the master, before the first worker is forked."""
    if preload_app:
        warm(server.log)


def warm_paths() -> list[tuple[str, str]]:
    """(path, language) of the public pages and API reads a crowd asks for most, for the first
    district and the newest report in the database."""
    from django.urls import reverse

    from ruam.geo.models import District
    from ruam.reports.models import Report

    district = District.objects.order_by("code").values_list("code", flat=True).first()
    report = Report.objects.order_by("-id").values_list("code", flat=True).first()
    paths = [
        reverse("site:home"),
        reverse("search:search") + "?q=%E0%B8%96%E0%B8%99%E0%B8%99",  # ถนน
        reverse("insights:city"),
        "/api/v1/reports?limit=5",
        "/api/v1/districts",
        "/open311/v2/services.json",
    ]
    if district:
        paths += [
            reverse(name, args=[district])
            for name in ("site:district", "issues:district", "insights:district")
        ]
    if report:
        paths += [reverse("reports:detail", args=[report]), f"/api/v1/reports/{report}"]
    return [(path, "th") for path in paths] + [(reverse("site:home"), "en")]


def _environ(path: str, language: str) -> dict:
    from django.conf import settings

    from ruam.core.metrics import WARMUP

    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h.lstrip(".") not in ("", "*")]
    host = hosts[0] if hosts else "localhost"
    secure = settings.SECURE_SSL_REDIRECT
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": "443" if secure else "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "HTTP_ACCEPT_LANGUAGE": language,
        # A cookie the page cache does not allow: the views themselves run (core/pagecache.py).
        "HTTP_COOKIE": "ruam_warmup=1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "https" if secure else "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        WARMUP: True,
    }
    if secure and settings.SECURE_PROXY_SSL_HEADER:
        header, value = settings.SECURE_PROXY_SSL_HEADER
        environ[header] = value
    return environ


def _ask(application, path: str, language: str) -> int:
    """The status of the app's answer to a GET of ``path``, its body read and closed."""
    status: list[str] = []

    def start_response(line, headers, exc_info=None):
        status.append(line)

    body = application(_environ(path, language), start_response)
    try:
        for _ in body:
            pass
    finally:
        getattr(body, "close", lambda: None)()
    return int(status[0].split()[0])


def warm(log=None) -> list[tuple[str, int | str, float]]:
    """Load the locator and ask the app for ``warm_paths()`` in this process; (what, status,
    seconds) for each. A failure (the database down at start) is logged and skipped: serving
    starts anyway. The database connections are closed after, so no worker inherits the
    master's."""
    from django.db import connections

    from ruam.geo.locate import get_locator
    from ruam.wsgi import application

    log = log or logging.getLogger("gunicorn.error")
    answers: list[tuple[str, int | str, float]] = []
    started = time.perf_counter()
    get_locator()  # what only a new report needs: the เขต and แขวง of its pin (0.7 s to load)
    answers.append(("locator", "loaded", time.perf_counter() - started))
    try:
        for path, language in warm_paths():
            started = time.perf_counter()
            try:
                status: int | str = _ask(application, path, language)
            except Exception as exc:  # a page that fails to warm is not a reason not to serve
                status = type(exc).__name__
            answers.append((path, status, time.perf_counter() - started))
    except Exception as exc:  # the paths need the database
        log.warning("warm-up skipped: %s", exc)
    finally:
        connections.close_all()
    if len(answers) > 1:
        log.info(
            "warmed in %.2f s: %s",
            sum(seconds for _, _, seconds in answers),
            ", ".join(f"{path} {status}" for path, status, _ in answers),
        )
    return answers
