#!/usr/bin/env python
"""Import throughput into PostgreSQL, against the physical floor: a plain COPY of the same rows
into a bare table (no index, no constraint), in the same run.

    .venv/bin/python bench/importer.py [PATH]    (default: the shared 167k-ticket dump)

Creates a fresh database (ruam_bench_import) at 127.0.0.1:5432, migrates it, loads the reference
data, imports PATH with `import_files` (rows/s of the import itself, then the search index and
classifier pass separately), then COPYs the same file into a bare table. Drops the database.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT = ROOT.parent / "shared" / "data" / "traffy_2022_train.csv.gz"
DATABASE = "ruam_bench_import"


def psql(sql: str, db: str = "postgres") -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-qc", sql],
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument(
        "--writers", type=int, default=2, help="writer threads, as `ruam import-traffy` (2)"
    )
    args = parser.parse_args()
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")
    psql(f"CREATE DATABASE {DATABASE}")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ruam.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from ruam.integrations.traffy.importer import import_files

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    connection.close()

    summary = import_files([args.path], writers=args.writers)
    import_rate = summary.rows_read / summary.elapsed

    # The floor: the same rows, COPYed as text into a table with no index and no constraint.
    csv.field_size_limit(sys.maxsize)
    with gzip.open(args.path, "rt", encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    columns = ", ".join(f'"{c}" text' for c in header)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_bare ({columns})")
    raw = connection.connection
    t = time.perf_counter()
    sql = "COPY bench_bare FROM STDIN WITH (FORMAT csv, HEADER true)"
    with gzip.open(args.path, "rb") as f, raw.cursor() as cursor, cursor.copy(sql) as copy:
        while chunk := f.read(1 << 20):
            copy.write(chunk)
    raw.commit()
    copy_seconds = time.perf_counter() - t
    copy_rate = summary.rows_read / copy_seconds
    connection.close()
    psql(f"DROP DATABASE IF EXISTS {DATABASE}")

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    print(f"date {dt.date.today()} · {os.cpu_count()} cores, {cpu}")
    print(f"Python {platform.python_version()}")
    print(
        f"file {args.path.name}: {summary.rows_read:,} rows; created {summary.created:,}, "
        f"rejected {summary.rejected_total:,}"
    )
    print(
        f"import-traffy: {summary.elapsed:.1f} s = {import_rate:,.0f} tickets/s "
        f"(then classify + index + duplicates: {summary.index_seconds:.1f} s, "
        f"{summary.duplicates:,} probable duplicates)"
    )
    print(f"plain COPY into a bare table: {copy_seconds:.1f} s = {copy_rate:,.0f} rows/s")
    print(f"import / COPY = {import_rate / copy_rate:.1%}")


if __name__ == "__main__":
    main()
