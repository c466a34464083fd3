"""Benchmark of ruam.geo.locate: speed, and agreement with the real Traffy tickets' own addresses.

Run from the project root:

    .venv/bin/python bench/locate.py            # all shipped points
    .venv/bin/python bench/locate.py --points 50000 --json

It reports the time to load the locator; single-call latency; bulk points/s (districts only, and
with แขวง; best of 3); how often the district found equals the ticket's own district; and, on a
20% holdout (by a hash of ticket_id, plus a stricter one by 500 m cell), how often the แขวง found
equals the ticket's own แขวง, for the coarse polygons alone and for the nearest-ticket vote built
from the other 80% only. It prints the machine and the date. It asserts nothing about timings.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import json
import os
import platform
import sys
import time
import zlib
from importlib.metadata import version
from pathlib import Path
from statistics import mean

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ruam.geo import locate as L

FOLDS = 5  # fold 0, one ticket in five, is the holdout reported
# Other settings tried, each as the mean over all five folds of the split (defaults included).
SWEEP_K = (1, 3, 5, 9, 15)
SWEEP_DISTANCE = (0.003, 0.03)


def load_tickets(path: Path) -> dict[str, np.ndarray]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        columns = list(zip(*reader, strict=True))
    raw = dict(zip(header, columns, strict=True))
    return {
        "ticket_id": np.array(raw["ticket_id"]),
        "lon": np.array(raw["lon"], dtype=float),
        "lat": np.array(raw["lat"], dtype=float),
        "district_code": np.array(raw["district_code"]),
        "subdistrict_code": np.array(raw["subdistrict_code"]),
    }


def machine() -> dict[str, object]:
    model = ""
    nproc = os.cpu_count()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else nproc,
        "cpu": model or platform.processor() or "unknown",
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": version("numpy"),
        "shapely": version("shapely"),
        "scipy": version("scipy"),
    }


def single_latency(locator: L.Locator, lat: np.ndarray, lon: np.ndarray, calls: int) -> dict:
    order = np.resize(np.arange(len(lat)), calls)
    lats, lons = lat[order].tolist(), lon[order].tolist()
    for a, b in zip(lats[:1000], lons[:1000], strict=True):  # warm up
        locator.locate(a, b)
    times = []
    clock = time.perf_counter_ns
    for a, b in zip(lats, lons, strict=True):
        start = clock()
        locator.locate(a, b)
        times.append(clock() - start)
    us = np.array(times) / 1000
    return {
        "calls": calls,
        "mean_us": float(us.mean()),
        "p50_us": float(np.percentile(us, 50)),
        "p95_us": float(np.percentile(us, 95)),
        "p99_us": float(np.percentile(us, 99)),
    }


def bulk_rate(locator: L.Locator, lat: np.ndarray, lon: np.ndarray, subdistricts: bool) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        locator.locate_many(lat, lon, subdistricts=subdistricts)
        best = min(best, time.perf_counter() - start)
    return len(lat) / best


def subdistrict_agreement(locator: L.Locator, t: dict, rows: np.ndarray) -> dict:
    """Share of the held-out tickets (inside Bangkok, แขวง known) whose แขวง is found."""
    districts, subs = locator.locate_many(t["lat"][rows], t["lon"][rows])
    inside = districts != ""
    own = t["subdistrict_code"][rows]
    right_district = inside & (districts == t["district_code"][rows])
    nearest = nearest_vote(locator, districts, t["lat"][rows], t["lon"][rows])
    return {
        "points": int(inside.sum()),
        "agreement": float((subs[inside] == own[inside]).mean()),
        "agreement_where_district_agrees": float(
            (subs[right_district] == own[right_district]).mean()
        ),
        "none": float((subs[inside] == "").mean()),
        "median_nearest_m": float(np.median(nearest[inside])) if inside.any() else None,
        # decided by the coarse polygon, as no vote point of the district is near enough
        "fallback": float((nearest[inside] > locator.max_vote_distance).mean())
        if locator.vote_trees
        else 1.0,
    }


def nearest_vote(locator: L.Locator, districts: np.ndarray, lat: np.ndarray, lon: np.ndarray):
    """Distance (degrees of latitude) from each point to the nearest vote point of its district."""
    distance = np.full(len(lat), np.inf)
    for district, (tree, _, _) in locator.vote_trees.items():
        rows = np.flatnonzero(districts == district)
        if len(rows):
            distance[rows], _ = tree.query(np.column_stack([lon[rows] * L.LON_SCALE, lat[rows]]))
    return distance


def holdout_folds(t: dict) -> dict[str, np.ndarray]:
    """Fold 0–4 of each ticket: by a hash of ticket_id, and by a hash of its ~500 m cell."""
    by_ticket = np.array([zlib.crc32(i.encode()) % FOLDS for i in t["ticket_id"].tolist()])
    cells = zip(
        np.round(t["lon"] * 200).astype(int).tolist(),
        np.round(t["lat"] * 200).astype(int).tolist(),
        strict=True,
    )
    by_cell = np.array([zlib.crc32(f"{x},{y}".encode()) % FOLDS for x, y in cells])
    return {"ticket_id": by_ticket, "cell_500m": by_cell}


def subdistrict_split(t: dict, folds: np.ndarray, polygons: tuple) -> dict:
    """แขวง agreement on fold 0 for coarse polygons and the vote; other settings on all folds."""
    known = t["subdistrict_code"] != ""

    def locator_for(fold, votes=True, k=L.DEFAULT_K, distance=L.MAX_VOTE_DISTANCE):
        train = (folds != fold) & known  # the vote never sees a held-out ticket
        points = (t["lon"][train], t["lat"][train], t["subdistrict_code"][train])
        return L.Locator(*polygons, points if votes else None, k=k, max_vote_distance=distance)

    def rows(fold):
        return np.flatnonzero((folds == fold) & known)

    entry = {
        "holdout": int((folds == 0).sum()),
        "train_votes": int(((folds != 0) & known).sum()),
        "coarse": subdistrict_agreement(locator_for(0, votes=False), t, rows(0)),
        "knn": subdistrict_agreement(locator_for(0), t, rows(0)),
        "sweep": [],
    }
    settings = [(k, L.MAX_VOTE_DISTANCE) for k in SWEEP_K]
    settings += [(L.DEFAULT_K, distance) for distance in SWEEP_DISTANCE]
    for k, distance in settings:
        scores = [
            subdistrict_agreement(locator_for(f, k=k, distance=distance), t, rows(f))["agreement"]
            for f in range(FOLDS)
        ]
        entry["sweep"].append(
            {"k": k, "max_vote_distance": distance, "mean_agreement_5_folds": mean(scores)}
        )
    return entry


def measure(points: int | None, calls: int, seed: int) -> dict:
    t = load_tickets(L.DATA_DIR / L.VOTES_FILE)
    total = len(t["lat"])
    if points is not None and points < total:
        keep = np.sort(np.random.default_rng(seed).choice(total, points, replace=False))
        t = {name: column[keep] for name, column in t.items()}
    n = len(t["lat"])

    start = time.perf_counter()
    locator = L.load_locator()
    load_s = time.perf_counter() - start

    result: dict = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "command": " ".join([".venv/bin/python", "bench/locate.py", *sys.argv[1:]]),
        "points": n,
        "shipped_points": total,
        "defaults": {"k": L.DEFAULT_K, "max_vote_distance": L.MAX_VOTE_DISTANCE},
        "load_s": load_s,
    }
    result["single"] = single_latency(locator, t["lat"], t["lon"], calls)
    result["bulk_districts_pts_per_s"] = bulk_rate(locator, t["lat"], t["lon"], False)
    result["bulk_subdistricts_pts_per_s"] = bulk_rate(locator, t["lat"], t["lon"], True)

    districts, _ = locator.locate_many(t["lat"], t["lon"], subdistricts=False)
    inside = districts != ""
    own = t["district_code"]
    coded = inside & (own != "")
    result["district"] = {
        "inside_bangkok": int(inside.sum()),
        "agree": int((districts[inside] == own[inside]).sum()),
        # a blank district field (the name did not match) counts as a disagreement here
        "agreement": float((districts[inside] == own[inside]).mean()),
        "agreement_where_field_known": float((districts[coded] == own[coded]).mean()),
    }

    polygons = L.load_polygons()
    result["subdistrict"] = {
        split: subdistrict_split(t, folds, polygons) for split, folds in holdout_folds(t).items()
    }
    return result


def report(r: dict) -> str:
    m = r["machine"]
    s = r["single"]
    d = r["district"]
    lines = [
        f"locate benchmark — {r['date']}",
        f"machine: {m['nproc']} CPU ({m['cpu']}), {m['platform']}",
        f"python {m['python']}, numpy {m['numpy']}, shapely {m['shapely']}, scipy {m['scipy']}",
        f"command: {r['command']}",
        f"points: {r['points']:,} of {r['shipped_points']:,} shipped tickets; "
        f"defaults k={r['defaults']['k']}, max_vote_distance={r['defaults']['max_vote_distance']}",
        "",
        f"load_locator():                {r['load_s'] * 1000:8.0f} ms",
        f"single locate() ({s['calls']:,} calls): mean {s['mean_us']:.1f} µs, "
        f"p50 {s['p50_us']:.1f}, p95 {s['p95_us']:.1f}, p99 {s['p99_us']:.1f} µs",
        f"bulk, districts only:          {r['bulk_districts_pts_per_s']:12,.0f} points/s",
        f"bulk, with แขวง:               {r['bulk_subdistricts_pts_per_s']:12,.0f} points/s",
        "",
        f"district = ticket's own district: {d['agreement']:.4%} "
        f"({d['agree']:,} of {d['inside_bangkok']:,} inside Bangkok; "
        f"{d['agreement_where_field_known']:.4%} where the field is not blank)",
    ]
    for split, e in r["subdistrict"].items():
        lines += [
            "",
            f"แขวง = ticket's own แขวง, fold 0 of 5 by {split} held out "
            f"({e['coarse']['points']:,} held-out points inside Bangkok; "
            f"votes from {e['train_votes']:,} others):",
        ]
        for name in ("coarse", "knn"):
            a = e[name]
            lines.append(
                f"  {name:6s} {a['agreement']:.4%}  (where the district agrees "
                f"{a['agreement_where_district_agrees']:.4%}; no แขวง {a['none']:.2%})"
                + (
                    f"; nearest vote point median {a['median_nearest_m'] * 111_000:.0f} m, "
                    f"polygon fallback {a['fallback']:.2%}"
                    if name == "knn"
                    else ""
                )
            )
        lines.append("  other settings, mean of the 5 folds:")
        lines += [
            f"    k={x['k']:<2} max_vote_distance={x['max_vote_distance']:<5}  "
            f"{x['mean_agreement_5_folds']:.4%}"
            for x in e["sweep"]
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=None, help="sample size (default: all)")
    parser.add_argument("--calls", type=int, default=20_000, help="single calls to time")
    parser.add_argument("--seed", type=int, default=0, help="seed of the --points sample")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args()
    result = measure(args.points, args.calls, args.seed)
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else report(result))


if __name__ == "__main__":
    main()
