#!/usr/bin/env python
"""The background worker's CPU for each new report (``ruam db_worker`` on PostgreSQL).

Makes a fresh PostgreSQL database (migrated, reference data loaded, one official with an e-mail
address in every division, as bench/load.py does), creates --reports reports through
``submit_report`` as the API does (real-looking Thai texts at random points in Bangkok, one
category each, a fifth of them without one so that the worker suggests it), then runs the
worker over the queue they left (``--batch``, in this process) and prints the worker's CPU time
(``time.process_time``) per report: taking each task, the task itself (categories suggested,
search index, tallies, probable duplicates, the division told) and recording its end. It also
checks the work was done: each report indexed once, counted once in the tallies, and its
division told once. The database is dropped at the end.

    .venv/bin/python bench/worker.py [--reports 400] [--database ruam_bench_worker] [--seed 1]

Needs: PostgreSQL at 127.0.0.1:5432 (user postgres, trust). E-mails go to files in a temporary
folder, removed at the end. A few reports first warm the worker up (classifier, segmenter,
statement caches) and are not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from load import CATEGORIES, TEXTS, prepare, psql  # bench/load.py, beside this

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 5


def measure(reports: int, seed: int) -> dict:
    """In the child process, on the prepared database: make the reports, run the worker."""
    import logging

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ruam.settings")
    django.setup()
    from django.db.models import Sum

    from ruam.core.errors import InvalidInput
    from ruam.core.management.commands.db_worker import SteadyWorker
    from ruam.core.models import SentNotice
    from ruam.insights.models import DistrictTally
    from ruam.reports.models import Channel, DuplicateSuggestion, Report
    from ruam.reports.services import submit_report
    from ruam.search.models import SearchEntry

    for name in ("django_tasks", "django_tasks_db", "django.tasks"):
        logging.getLogger(name).setLevel(logging.WARNING)  # as `ruam db_worker -v0`
    rnd = random.Random(seed)

    def make(n: int) -> None:
        made = 0
        while made < n:
            i = rnd.randrange(len(TEXTS))
            try:
                submit_report(
                    description=TEXTS[i],
                    channel=Channel.API,
                    lat=13.70 + rnd.random() * 0.12,
                    lon=100.50 + rnd.random() * 0.14,
                    categories=[] if rnd.random() < 0.2 else [CATEGORIES[i]],
                )
                made += 1
            except InvalidInput:  # a point in the box but outside Bangkok
                continue

    def work() -> None:
        SteadyWorker(
            queue_names=["default"],
            excluded_queue_names=[],
            batch=True,
            interval=0,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="bench",
        ).run()

    make(WARM_UP)
    work()
    make(reports)
    started = time.process_time()
    work()
    seconds = time.process_time() - started
    # The official sits in every division: a report routed to a district office tells no one.
    routed = Report.objects.filter(responsible__kind="division").count()
    return {
        "reports": reports,
        "ms_per_report": seconds / reports * 1000,
        "indexed": SearchEntry.objects.filter(kind="report").count(),
        "counted": DistrictTally.objects.aggregate(n=Sum("received"))["n"] or 0,
        "routed": routed,
        "told": SentNotice.objects.filter(key__startswith="report-new:").count(),
        "duplicates": DuplicateSuggestion.objects.count(),
        "all": Report.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=400)
    parser.add_argument("--database", default="ruam_bench_worker")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:  # the child: the database is ready
        print(json.dumps(measure(args.reports, args.seed)))
        return

    mail = tempfile.TemporaryDirectory(prefix="ruam-bench-mail-")
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=mail.name,
        RUAM_LOG_LEVEL="WARNING",
    )
    print(f"preparing {args.database} …", file=sys.stderr)
    psql(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
    psql(f"CREATE DATABASE {args.database}")
    try:
        prepare(env)
        child = subprocess.run(
            [sys.executable, __file__, "--measure", f"--reports={args.reports}",
             f"--seed={args.seed}"],
            env=env, check=True, capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        result = json.loads(child.stdout.strip().splitlines()[-1])
    finally:
        psql(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
        mail.cleanup()

    print(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores")
    print(f"worker CPU: {result['ms_per_report']:.1f} ms per new report ({args.reports} reports)")
    print(
        f"reports {result['all']} (with {WARM_UP} to warm up), indexed {result['indexed']}, "
        f"counted {result['counted']}, routed to a division {result['routed']}, "
        f"divisions told {result['told']}, probable duplicates stored {result['duplicates']}"
    )
    checks = {
        "each report indexed once": result["indexed"] == result["all"],
        "each report counted once in the tallies": result["counted"] == result["all"],
        "each routed report's division told once": result["told"] == result["routed"],
    }
    for name, ok in checks.items():
        print(f"{'ok' if ok else 'FAILED'}: {name}")
    if not all(checks.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
