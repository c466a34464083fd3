#!/usr/bin/env python
"""Progress pages over many reports, on the database DATABASE_URL names (PostgreSQL for the
target: p95 < 150 ms with 1,000,000 reports loaded).

    createdb -h 127.0.0.1 -U postgres ruam_bench_programmes
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ruam_bench_programmes
    .venv/bin/python bench/generate.py --rows 1000000 -o var/bench/traffy_1m.csv.gz
    .venv/bin/python bench/programmes.py --load var/bench/traffy_1m.csv.gz  # migrate, import, demo
    .venv/bin/python bench/programmes.py                                     # measure again

Each page is requested through Django's full stack (middleware, templates, the API's JSON) in
this process, as a person or a client would ask for it; pages read the stored progress rows, so
their time should not grow with the reports. The work a report's move causes is timed too: a
count moved by one in the move's transaction, and the recount of a median (one district and the
city) that the worker does, which does read reports.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ruam.settings")

PAGES = [
    "/programmes/",
    "/programmes/million_trees/",
    "/programmes/million_trees_east/",
    "/programmes/reports_street_lights_fixed/",
    "/programmes/million_trees/districts/1046/",
    "/districts/1046/programmes/",
    "/districts/1046/",
    "/districts/1046/committee/",
    "/plan/",
    "/api/v1/programmes?limit=100",
    "/api/v1/programmes/million_trees",
    "/api/v1/plan",
]


def _local_only() -> None:
    """Never against another machine's database: the load writes a million rows."""
    url = os.environ.get("DATABASE_URL", "")
    host = urlparse(url).hostname if "://" in url else None
    if url and not url.startswith("sqlite") and host not in {"127.0.0.1", "localhost"}:
        sys.exit("bench/programmes.py runs only against a database on 127.0.0.1")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load", type=Path, help="migrate, reference data, import, demo")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    _local_only()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from ruam.programmes import indicators
    from ruam.programmes.models import Programme
    from ruam.reports.models import Report

    settings.ALLOWED_HOSTS = ["*"]
    if args.load:
        call_command("migrate", verbosity=0)
        call_command("load_reference", verbosity=0)
        from ruam.integrations.traffy.importer import import_files

        t = time.perf_counter()
        summary = import_files([args.load])
        print(f"imported {summary.rows_read:,} rows in {time.perf_counter() - t:.0f} s")
        t = time.perf_counter()
        # The demo's password is generated once into var/ (never a fixed one).
        call_command("load_demo", verbosity=0)
        print(f"demo loaded in {time.perf_counter() - t:.0f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    t = time.perf_counter()
    indicators.recompute_all()
    full = time.perf_counter() - t
    reports = Report.objects.count()
    client = Client(HTTP_HOST="127.0.0.1")
    for url in PAGES:  # warm up once; every page must answer
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    timings: dict[str, list[float]] = {url: [] for url in PAGES}
    for _ in range(args.rounds):
        for url in PAGES:
            t = time.perf_counter()
            client.get(url)
            timings[url].append((time.perf_counter() - t) * 1000)
    # The work a report's move causes: a count is moved in the move's transaction (timed here
    # in a transaction rolled back); a median is recounted for the district by the worker.
    from django.db import transaction

    moves, recounts = [], []
    street = Programme.objects.get(code="reports_street_lights_fixed")
    drains = Programme.objects.get(code="reports_drains_median_days")
    for _ in range(max(5, args.rounds)):
        with transaction.atomic():
            t = time.perf_counter()
            indicators._add(street.pk, "1046", 1)
            moves.append((time.perf_counter() - t) * 1000)
            transaction.set_rollback(True)
    for _ in range(max(3, args.rounds // 4)):
        t = time.perf_counter()
        indicators.recount_now(drains, ["1046"])
        recounts.append((time.perf_counter() - t) * 1000)
    every = [t for ts in timings.values() for t in ts]
    print(
        f"{connection.vendor}, {reports:,} reports, {len(every)} requests of {len(PAGES)} pages · "
        f"{os.cpu_count()} cores · Python {platform.python_version()}"
    )
    print(
        f"pages: p50 {_percentile(every, 0.5):.1f} ms · p95 {_percentile(every, 0.95):.1f} ms · "
        f"p99 {_percentile(every, 0.99):.1f} ms · mean {statistics.mean(every):.1f} ms"
    )
    for url, ts in sorted(timings.items(), key=lambda kv: -_percentile(kv[1], 0.95)):
        print(f"  {url:48} p50 {_percentile(ts, 0.5):6.1f} · p95 {_percentile(ts, 0.95):6.1f} ms")
    print(
        f"per move: a count (in the move's transaction) p95 {_percentile(moves, 0.95):.1f} ms; "
        f"a median recount of the district and the city (worker) p95 "
        f"{_percentile(recounts, 0.95):.0f} ms; every computed programme in full: {full:.1f} s"
    )


if __name__ == "__main__":
    main()
