"""Gunicorn's settings for serving Ruam (``make serve``, or ``gunicorn -c python:ruam.serve``).

Every value can be set from the environment: RUAM_BIND (127.0.0.1:8000), RUAM_WORKERS (two per
core plus one), RUAM_THREADS (4), RUAM_TIMEOUT (30 s). Static files are served by WhiteNoise
inside the app; put a reverse proxy with TLS in front (docs/OPERATIONS.md).
"""

import multiprocessing
import os

wsgi_app = "ruam.wsgi:application"
bind = os.environ.get("RUAM_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("RUAM_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("RUAM_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("RUAM_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = 5000  # a worker is replaced now and then, so no leak grows without bound
max_requests_jitter = 500
accesslog = "-"
forwarded_allow_ips = os.environ.get("RUAM_PROXY_IPS", "127.0.0.1")


def child_exit(server, worker) -> None:
    """A worker's share of the Prometheus counts stays counted after it is replaced."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
