#!/usr/bin/env python
"""Search latency over many reports, on the database DATABASE_URL names (PostgreSQL for the
target: p95 < 50 ms over 1,000,000 reports).

    createdb -h 127.0.0.1 -U postgres ruam_bench_search
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ruam_bench_search
    .venv/bin/python bench/generate.py --rows 1000000 -o var/bench/traffy_1m.csv.gz
    .venv/bin/python bench/search.py --load var/bench/traffy_1m.csv.gz   # migrate, import, index
    .venv/bin/python bench/search.py                                      # measure again

Queries are whole Thai words and parts of words as residents type them; each is timed as the
search page runs it (first page of 20 with the count).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ruam.settings")

QUERIES = [
    "น้ำท่วม",
    "ท่วม",
    "ไฟดับ",
    "ไฟ",
    "ขยะ",
    "ทางเท้า",
    "หลุม",
    "สายไฟ",
    "ต้นไม้",
    "สุนัข",
    "ท่อระบายน้ำ",
    "ถนน",
    "จอดรถ",
    "เสียงดัง",
    "ฝุ่น",
    "สะพาน",
    "คลอง",
    "ซอย",
    "ป้ายรถเมล์",
    "ทรุด",
    "น้ำท่วมขัง",
    "ไฟส่องสว่าง",
    "ทางม้าลาย",
    "แผงลอย",
    "กลิ่นเหม็น",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load", type=Path, help="migrate, load reference data, import, index")
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from ruam.reports.models import Report
    from ruam.search.index import index_missing_reports
    from ruam.search.models import SearchEntry
    from ruam.search.selectors import search

    if args.load:
        call_command("migrate", verbosity=0)
        call_command("load_reference", verbosity=0)
        from ruam.integrations.traffy.importer import import_files

        t = time.perf_counter()
        summary = import_files([args.load])
        print(f"imported {summary.rows_read:,} rows in {time.perf_counter() - t:.0f} s")
        if SearchEntry.objects.count() < Report.objects.count():
            t = time.perf_counter()
            n = index_missing_reports()  # as import-traffy does: indexes rebuilt in one go
            print(f"indexed {n:,} reports in {time.perf_counter() - t:.0f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE search_searchentry")
    entries = SearchEntry.objects.count()
    timings: dict[str, list[float]] = {q: [] for q in QUERIES}
    for q in QUERIES:  # warm the caches once
        search(q, limit=20)
    for _ in range(args.rounds):
        for q in QUERIES:
            t = time.perf_counter()
            search(q, limit=20)
            timings[q].append((time.perf_counter() - t) * 1000)
    every = sorted(t for ts in timings.values() for t in ts)
    p = lambda x: every[min(len(every) - 1, int(len(every) * x))]  # noqa: E731
    print(
        f"{connection.vendor}, {entries:,} entries, {len(every)} searches · "
        f"{os.cpu_count()} cores · Python {platform.python_version()}"
    )
    print(
        f"p50 {p(0.50):.1f} ms · p95 {p(0.95):.1f} ms · p99 {p(0.99):.1f} ms · "
        f"mean {statistics.mean(every):.1f} ms"
    )
    slowest = sorted(timings.items(), key=lambda kv: -statistics.median(kv[1]))[:5]
    for q, ts in slowest:
        print(f"  slowest: {q!r} median {statistics.median(ts):.1f} ms")


if __name__ == "__main__":
    main()
