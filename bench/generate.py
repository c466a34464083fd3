#!/usr/bin/env python
"""Scale the real Traffy tickets up to any number of rows, for load tests.

Rows are resampled from the shared dump (text, categories, state, district), their places jittered
by ~50 m (so they stay in their district) and their times spread over the year after the real
ones; ticket ids are new. The output has the dump's columns, so `ruam import-traffy` reads it.

    .venv/bin/python bench/generate.py --rows 1000000 -o var/bench/traffy_1m.csv.gz
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import random
import sys
from pathlib import Path

SOURCE = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "traffy_2022_train.csv.gz"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("-o", "--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    csv.field_size_limit(sys.maxsize)
    with gzip.open(args.source, "rt", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        columns = reader.fieldnames
        rows = [
            r
            for r in reader
            if r["coords"]
            and r["comment"].strip()
            and r["province"] in ("กรุงเทพมหานคร", "จังหวัดกรุงเทพมหานคร")
        ]
    start = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(args.out, "wt", encoding="utf-8", newline="", compresslevel=3) as out:
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        for i in range(args.rows):
            row = dict(rng.choice(rows))
            try:
                lon, lat = (float(x) for x in row["coords"].split(","))
            except ValueError:
                continue
            row["coords"] = f"{lon + rng.gauss(0, 0.0005):.6f},{lat + rng.gauss(0, 0.0005):.6f}"
            row["ticket_id"] = f"BENCH-{i:07d}"
            when = start + dt.timedelta(seconds=rng.randrange(365 * 24 * 3600))
            row["timestamp"] = when.strftime("%Y-%m-%d %H:%M:%S.%f+00")
            writer.writerow(row)
    print(f"wrote {args.rows:,} rows to {args.out}")


if __name__ == "__main__":
    main()
