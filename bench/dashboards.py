#!/usr/bin/env python
"""Figures, comparisons, dashboards and the open-data export over many reports, on the database
DATABASE_URL names (PostgreSQL for the targets, with 1,000,000 reports: pages and dashboards
warm p95 < 150 ms, the comparison of all 50 districts p95 < 300 ms, the open-data export < 60 s).

    createdb -h 127.0.0.1 -U postgres ruam_bench_dashboards
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ruam_bench_dashboards
    .venv/bin/python bench/generate.py --rows 1000000 -o var/bench/traffy_1m.csv.gz
    .venv/bin/python bench/dashboards.py --load var/bench/traffy_1m.csv.gz  # migrate, import, demo
    .venv/bin/python bench/dashboards.py                                     # measure again
    .venv/bin/python bench/dashboards.py --export-only                       # the export alone

The generated tickets carry no time of their fix (as Traffy's dump), so ``--load`` gives the
closed ones a fix time 0–60 days after they came in (seeded), as native reports would have,
then rebuilds the tallies: the figures then have fixes to count. Each page is requested
through Django's full stack in this process (middleware, templates), as a person would ask
for it; a staff user holding a city seat reads the dashboards. In the same run: a bare
``SELECT count(*)`` over the reports table, the floor any figure read from reports would pay.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ruam.settings")

PAGES = [
    "/districts/1046/",
    "/districts/1046/?period=30d",
    "/districts/1046/?period=all",
    "/districts/1046/figures/",
    "/districts/1046/reports/?status=open",
    "/groups/4/",
    "/groups/4/?period=all&sort=median_days",
    "/groups/4/print/",
    "/open-data/",
    "/dashboards/?district=1046",
    "/dashboards/?district=1046&period=30d&category=3",
    "/dashboards/?group=4&period=all",
    "/dashboards/?district=&period=fy",
    "/dashboards/?district=&period=all&status=open",
]
COMPARISON = ["/figures/", "/figures/?period=all&sort=on_time", "/figures/?period=30d"]


def _local_only() -> None:
    """Never against another machine's database: the load writes a million rows."""
    url = os.environ.get("DATABASE_URL", "")
    host = urlparse(url).hostname if "://" in url else None
    if url and not url.startswith("sqlite") and host not in {"127.0.0.1", "localhost"}:
        sys.exit("bench/dashboards.py runs only against a database on 127.0.0.1")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _give_fix_times() -> int:
    """Closed tickets get a fix 0–60 days after they came in (the same for every run)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE reports_report SET status_changed = created"
                " + make_interval(secs => (abs(hashtext(code)) % 5184000)::float)"
                " WHERE status IN ('finished', 'confirmed') AND status_changed <= created"
            )
        else:
            cursor.execute(
                "UPDATE reports_report SET status_changed = datetime(created,"
                " '+' || (abs(random()) % 5184000) || ' seconds')"
                " WHERE status IN ('finished', 'confirmed') AND status_changed <= created"
            )
        return cursor.rowcount


def _time(client, urls, rounds) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {url: [] for url in urls}
    for _ in range(rounds):
        for url in urls:
            t = time.perf_counter()
            response = client.get(url)
            timings[url].append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return timings


def _report(name: str, timings: dict[str, list[float]]) -> None:
    every = [t for ts in timings.values() for t in ts]
    print(
        f"{name}: p50 {_percentile(every, 0.5):.1f} ms · p95 {_percentile(every, 0.95):.1f} ms"
        f" · p99 {_percentile(every, 0.99):.1f} ms · mean {statistics.mean(every):.1f} ms"
    )
    for url, ts in sorted(timings.items(), key=lambda kv: -_percentile(kv[1], 0.95)):
        print(f"  {url:56} p50 {_percentile(ts, 0.5):6.1f} · p95 {_percentile(ts, 0.95):6.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load", type=Path, help="migrate, reference data, import, demo")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-export", action="store_true", help="skip the open-data export")
    parser.add_argument(
        "--export-only", action="store_true", help="only the open-data export (no tallies, pages)"
    )
    args = parser.parse_args()
    _local_only()
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from ruam.bodies.models import Body, Role
    from ruam.bodies.services import appoint
    from ruam.insights import cube, opendata
    from ruam.insights.models import DistrictTally, HexTally, ReportTally

    settings.ALLOWED_HOSTS = ["*"]
    settings.RUAM_REQUIRE_2FA = False  # the bench's own staff user signs in without a phone
    if args.load:
        call_command("migrate", verbosity=0)
        call_command("load_reference", verbosity=0)
        from ruam.integrations.traffy.importer import import_files

        t = time.perf_counter()
        summary = import_files([args.load])
        print(f"imported {summary.rows_read:,} rows in {time.perf_counter() - t:.0f} s")
        t = time.perf_counter()
        call_command("load_demo", password="bench-only-password", verbosity=0)  # noqa: S106
        print(f"demo loaded in {time.perf_counter() - t:.0f} s")
        print(f"fix times given to {_give_fix_times():,} closed reports")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE reports_report")
    if args.export_only:
        _export(opendata, connection)
        return
    t = time.perf_counter()
    counted = cube.rebuild()
    rebuild = time.perf_counter() - t
    rows = (DistrictTally.objects.count(), ReportTally.objects.count(), HexTally.objects.count())
    user, _ = get_user_model().objects.get_or_create(username="bench-city-staff")
    if not user.memberships.exists():
        appoint(
            person=user,
            body=Body.objects.get(code="city"),
            role=Role.OFFICIAL,
            start=cube.today().replace(month=1, day=1),
        )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    _time(client, PAGES + COMPARISON, 1)  # warm up; every page must answer
    with connection.cursor() as cursor:
        floor = []
        for _ in range(5):
            t = time.perf_counter()
            cursor.execute("SELECT count(*) FROM reports_report")
            reports = cursor.fetchone()[0]
            floor.append((time.perf_counter() - t) * 1000)
    pages = _time(client, PAGES, args.rounds)
    comparison = _time(client, COMPARISON, args.rounds)
    recounts = []
    for day in ("2023-06-15", cube.today().isoformat()):
        for _ in range(3):
            t = time.perf_counter()
            cube.recount_now("1046", dt.date.fromisoformat(day))
            recounts.append((time.perf_counter() - t) * 1000)
    print(
        f"{connection.vendor}, {reports:,} reports · {os.cpu_count()} cores · "
        f"Python {platform.python_version()}"
    )
    print(
        f"tallies: {counted:,} reports counted in {rebuild:.1f} s → {rows[0]:,} district rows,"
        f" {rows[1]:,} detailed rows, {rows[2]:,} hexagon rows"
    )
    floor_ms = statistics.median(floor)
    print(f"floor (a bare count over the reports table): median {floor_ms:.0f} ms")
    _report("pages and dashboards", pages)
    _report("comparison of all 50 districts", comparison)
    print(
        f"recount of one district's day or month (worker, per move): "
        f"p50 {_percentile(recounts, 0.5):.0f} ms · max {max(recounts):.0f} ms"
    )
    if not args.no_export:
        _export(opendata, connection)


def _cpu_seconds() -> float:
    """This process's CPU time and that of the processes it has waited for (the export's)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _export(opendata, connection) -> None:
    """The open-data export, timed: wall and CPU seconds (this process, its compressing threads
    and the processes writing parts; not the database server's), and the load average around
    it, since the machine may be busy with other work."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reports_report")
        reports = cursor.fetchone()[0]
    parts = len(opendata._ranges(opendata._processes()))
    before = os.getloadavg()
    cpu, t = _cpu_seconds(), time.perf_counter()
    manifest = opendata.export_all()
    seconds, cpu = time.perf_counter() - t, _cpu_seconds() - cpu
    after = os.getloadavg()
    sizes = ", ".join(
        f"{f['name']} {f['rows']:,} rows (csv {f['bytes']['csv'] / 1e6:.0f} MB,"
        f" json {f['bytes']['json'] / 1e6:.0f} MB gz)"
        for f in manifest["files"]
    )
    print(
        f"open-data export of {reports:,} reports in {parts} part(s), {os.cpu_count()} cores:"
        f" {seconds:.1f} s wall, {cpu:.1f} s CPU · {sizes}"
    )
    print(
        f"  load average before {before[0]:.2f} {before[1]:.2f} {before[2]:.2f},"
        f" after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}"
    )


if __name__ == "__main__":
    main()
