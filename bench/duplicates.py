"""Benchmark of ruam.reports.duplicates: how many suggested duplicates are real, on real tickets.

Run from the project root:

    .venv/bin/python bench/duplicates.py                       # 150 above, 50 below, seed 0
    .venv/bin/python bench/duplicates.py --sample 150 --below 50 --seed 0 --out /tmp/pairs.csv
    .venv/bin/python bench/duplicates.py --labels-only         # only the precision

It replays Ruam's duplicate suggestions over the real Traffy Fondue tickets of 2022
(``/work/shared/data/traffy_2022_train.csv.gz``; Bangkok rows with coordinates, at least one
category label and a comment), with no database:

- a ticket's candidates are the earlier tickets (the 30 days before it, ``created__gte`` and
  ``created__lte`` as in ``candidates()``) within 250 m whose categories meet
  ``related_names()`` of its own; a k-d tree on projected metres finds the neighbours and the
  distance is then Ruam's haversine (``ruam.reports.selectors.distance_m``, vectorised);
- the words of a ticket are what the search index keeps: ``segmented(description + " " +
  address)`` split on spaces (``ruam.search.index.report_entries``), with the description
  and address clipped as the Traffy importer clips them;
- the score is ``TEXT_WEIGHT * jaccard + (1 - TEXT_WEIGHT) * (1 - d / RADIUS_M)``, and each
  ticket keeps its best 5 candidates (``candidates(limit=5)``); those with a score of at
  least ``THRESHOLD`` are the suggestions.

Two simplifications, both stated in bench/RESULTS.md: every earlier ticket counts as open (the
dump has only today's state, not the state on the day), and the database's first-200 cut of
candidates (``qs[:200]``, in no defined order) is not imitated.

It writes a seeded random sample of the suggestions (score ≥ THRESHOLD) and of the pairs just
below (``--below-from`` ≤ score < THRESHOLD) to ``--out`` for labelling by hand. When
``bench/data/duplicate_pairs_labelled.csv`` exists (the same columns plus ``label`` =
same/different and ``note``), it checks that the labelled pairs are the ones generated and
prints the precision (with a 95 % Wilson interval), by score band, and at other thresholds.
It prints the machine and the date. It asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import math
import os
import platform
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ruam.settings")
os.environ.setdefault("SECRET_KEY", "bench-duplicates-uses-no-database")  # write no key file

import django  # noqa: E402

django.setup()  # ruam.reports.duplicates imports models; no query is ever made here

from ruam.integrations.traffy.reader import (  # noqa: E402
    MAX_ADDRESS,
    MAX_DESCRIPTION,
    clip,
    parse_coords,
    parse_labels,
    parse_timestamp,
)
from ruam.reports.duplicates import (  # noqa: E402
    RADIUS_M,
    TEXT_WEIGHT,
    THRESHOLD,
    WINDOW_DAYS,
    jaccard,
    related_names,
)
from ruam.reports.selectors import EARTH_RADIUS_M, distance_m  # noqa: E402
from ruam.thai.segment import segmented, words  # noqa: E402

TICKETS = Path("/work/shared/data/traffy_2022_train.csv.gz")
LABELLED = ROOT / "bench" / "data" / "duplicate_pairs_labelled.csv"
BANGKOK = {"กรุงเทพมหานคร", "จังหวัดกรุงเทพมหานคร"}
BBOX = (100.3, 13.45, 101.0, 14.0)  # lon, lat, lon, lat: drops the garbage coordinates
LIMIT = 5  # candidates(limit=5)
BANDS = ((0.5, 0.6), (0.6, 0.7), (0.7, 1.01))
BELOW_BANDS = ((0.35, 0.4), (0.4, 0.45), (0.45, 0.5))
COLUMNS = [
    "sample",
    "report_id",
    "original_id",
    "report_time",
    "original_time",
    "days_apart",
    "distance_m",
    "score",
    "text_similarity",
    "text_similarity_description",
    "rank",
    "report_categories",
    "original_categories",
    "report_text",
    "original_text",
    "report_address",
    "original_address",
]


# -- tickets ----------------------------------------------------------------------------------


def load_tickets(path: Path) -> list[dict]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["province"].strip() not in BANGKOK:
                continue
            labels = parse_labels(row["type"])
            description = row["comment"].replace("\x00", "").strip()
            if not labels or not description:
                continue
            coords = parse_coords(row["coords"])
            created = parse_timestamp(row["timestamp"])
            if isinstance(coords, str) or created is None:
                continue
            lon, lat = coords
            if not (BBOX[0] <= lon <= BBOX[2] and BBOX[1] <= lat <= BBOX[3]):
                continue
            description, _ = clip(description, MAX_DESCRIPTION)
            address, _ = clip(row["address"].replace("\x00", "").strip(), MAX_ADDRESS)
            out.append(
                {
                    "id": row["ticket_id"].strip(),
                    "labels": labels,
                    "description": description,
                    "address": address,
                    "lon": lon,
                    "lat": lat,
                    "created": created,
                }
            )
    return out


def index_words(tickets: list[dict]) -> None:
    """The words the search index keeps for each ticket: of its description and address."""
    for t in tickets:
        t["words"] = set(segmented(f"{t['description']} {t['address']}".strip()).split())


# -- pairs ------------------------------------------------------------------------------------


def haversine(lat1, lon1, lat2, lon2):
    """ruam.reports.selectors.distance_m, for arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


def candidate_pairs(tickets: list[dict]) -> tuple[list[tuple], dict]:
    """Every (report, original) pair Ruam would score, with its score; and counts."""
    from scipy.spatial import cKDTree

    lat = np.array([t["lat"] for t in tickets])
    lon = np.array([t["lon"] for t in tickets])
    created = np.array([t["created"].timestamp() for t in tickets])
    # Equirectangular metres: within 0.1 % of the haversine over Bangkok; 5 m of slack.
    k = math.radians(1) * EARTH_RADIUS_M
    xy = np.column_stack([lon * k * math.cos(math.radians(13.75)), lat * k])
    pairs = cKDTree(xy).query_pairs(RADIUS_M + 5, output_type="ndarray")
    a, b = pairs[:, 0], pairs[:, 1]
    d = haversine(lat[a], lon[a], lat[b], lon[b])
    gap = np.abs(created[a] - created[b])
    keep = (d <= RADIUS_M) & (gap <= WINDOW_DAYS * 86400)
    a, b, d = a[keep], b[keep], d[keep]
    counts = {"near_pairs": int(len(pairs)), "near_and_recent": int(keep.sum())}

    # Direction: the later ticket is the report, the earlier the original (both, on a tie).
    later_a = created[a] > created[b]
    tie = created[a] == created[b]
    report = np.concatenate([np.where(later_a, a, b), a[tie]])
    original = np.concatenate([np.where(later_a, b, a), b[tie]])
    d = np.concatenate([d, d[tie]])

    related = {}  # cache: a label set → related_names of it
    scored = []
    for r, o, dist in zip(report.tolist(), original.tolist(), d.tolist(), strict=True):
        tr, to = tickets[r], tickets[o]
        key = tuple(tr["labels"])
        if key not in related:
            related[key] = related_names(tr["labels"])
        if not related[key].intersection(to["labels"]):
            continue
        text = jaccard(tr["words"], to["words"])
        score = TEXT_WEIGHT * text + (1 - TEXT_WEIGHT) * (1 - dist / RADIUS_M)
        scored.append((r, o, dist, text, score))
    counts["related_pairs"] = len(scored)

    # candidates(limit=5): each report keeps its best five.
    by_report: dict[int, list[tuple]] = {}
    for item in scored:
        by_report.setdefault(item[0], []).append(item)
    kept = []
    for items in by_report.values():
        items.sort(key=lambda c: -c[4])
        kept.extend((*c, rank) for rank, c in enumerate(items[:LIMIT], start=1))
    counts["reports_with_candidates"] = len(by_report)
    counts["kept_top5"] = len(kept)
    return kept, counts


def description_similarity(a: dict, b: dict) -> float:
    """Jaccard of the description's words alone (no address): for the analysis only."""
    return jaccard(set(words(a["description"])), set(words(b["description"])))


def row_of(tickets: list[dict], pair: tuple, sample: str) -> dict:
    r, o, dist, text, score, rank = pair
    tr, to = tickets[r], tickets[o]
    # Check the vectorised distance against Ruam's own function.
    assert abs(distance_m(tr["lat"], tr["lon"], to["lat"], to["lon"]) - dist) < 1e-6
    return {
        "sample": sample,
        "report_id": tr["id"],
        "original_id": to["id"],
        "report_time": tr["created"].isoformat(timespec="seconds"),
        "original_time": to["created"].isoformat(timespec="seconds"),
        "days_apart": f"{(tr['created'] - to['created']).total_seconds() / 86400:.2f}",
        "distance_m": f"{dist:.1f}",
        "score": f"{score:.4f}",
        "text_similarity": f"{text:.4f}",
        "text_similarity_description": f"{description_similarity(tr, to):.4f}",
        "rank": rank,
        "report_categories": ",".join(tr["labels"]),
        "original_categories": ",".join(to["labels"]),
        "report_text": tr["description"],
        "original_text": to["description"],
        "report_address": tr["address"],
        "original_address": to["address"],
    }


# -- statistics -------------------------------------------------------------------------------


def wilson(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    if n == 0:
        return (float("nan"), float("nan"))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def share(rows: list[dict]) -> str:
    n = len(rows)
    same = sum(r["label"] == "same" for r in rows)
    if not n:
        return "0 pairs"
    lo, hi = wilson(same, n)
    return f"{same}/{n} = {same / n:.1%} (95% Wilson {lo:.1%}–{hi:.1%})"


def report_labels(path: Path, generated: dict | None) -> None:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    bad = [r for r in rows if r["label"] not in ("same", "different")]
    if bad:
        print(f"{len(bad)} rows without a label same/different, e.g. {bad[0]['report_id']}")
        rows = [r for r in rows if r not in bad]
    if generated is not None:  # the labelled pairs are the ones this run generates
        missing = [r for r in rows if (r["report_id"], r["original_id"]) not in generated]
        moved = [
            r
            for r in rows
            if (r["report_id"], r["original_id"]) in generated
            and abs(generated[(r["report_id"], r["original_id"])] - float(r["score"])) > 1e-3
        ]
        print(
            f"\nlabelled pairs: {len(rows)}; not generated by this run: {len(missing)}; "
            f"score changed: {len(moved)}"
        )
    for r in rows:
        r["score_f"] = float(r["score"])
    above = [r for r in rows if r["score_f"] >= THRESHOLD]
    below = [r for r in rows if r["score_f"] < THRESHOLD]
    print(f"\nprecision at THRESHOLD {THRESHOLD}: {share(above)}")
    for lo, hi in BANDS:
        band = [r for r in above if lo <= r["score_f"] < hi]
        print(f"  score {lo:.2f}–{min(hi, 1):.2f}: {share(band)}")
    print(f"'same' just below the threshold: {share(below)}")
    for lo, hi in BELOW_BANDS:
        band = [r for r in below if lo <= r["score_f"] < hi]
        print(f"  score {lo:.2f}–{hi:.2f}: {share(band)}")
    print("\nother thresholds (within the labelled suggestions; a random sample of them):")
    for t in (0.5, 0.55, 0.6, 0.65, 0.7, 0.8):
        kept = [r for r in above if r["score_f"] >= t]
        same_all = sum(r["label"] == "same" for r in above)
        same = sum(r["label"] == "same" for r in kept)
        print(
            f"  ≥ {t:.2f}: keeps {len(kept)}/{len(above)} suggestions, {share(kept)}; "
            f"keeps {same}/{same_all} of the true duplicates"
        )
    print("\nby distance and text (labelled suggestions):")
    for name, test in (
        ("distance < 25 m", lambda r: float(r["distance_m"]) < 25),
        ("distance ≥ 25 m", lambda r: float(r["distance_m"]) >= 25),
        ("description Jaccard ≥ 0.3", lambda r: float(r["text_similarity_description"]) >= 0.3),
        ("description Jaccard < 0.3", lambda r: float(r["text_similarity_description"]) < 0.3),
        ("same day (< 1 day apart)", lambda r: float(r["days_apart"]) < 1),
        ("≥ 1 day apart", lambda r: float(r["days_apart"]) >= 1),
    ):
        print(f"  {name}: {share([r for r in above if test(r)])}")
    print("\nvariant: description-only words (no address), same weight and threshold:")
    for w in (TEXT_WEIGHT, 0.5):
        for t in (0.4, 0.5):
            kept = [
                r
                for r in rows
                if w * float(r["text_similarity_description"])
                + (1 - w) * (1 - float(r["distance_m"]) / RADIUS_M)
                >= t
            ]
            print(
                f"  weight {w}, threshold {t}: {share(kept)} "
                f"(of all {len(rows)} labelled pairs, above and below)"
            )
    notes = Counter(r["note"].strip() for r in rows if r["note"].strip())
    print(f"\nrows with a note: {sum(notes.values())}")


# -- main -------------------------------------------------------------------------------------


def machine() -> str:
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{nproc} CPUs ({model}), {platform.platform()}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=150, help="pairs ≥ THRESHOLD to sample")
    parser.add_argument("--below", type=int, default=50, help="pairs just below it to sample")
    parser.add_argument("--below-from", type=float, default=0.35, help="lower end of 'below'")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out", type=Path, default=Path("/tmp/ruam_duplicate_pairs_sample.csv"), help="sample CSV"
    )
    parser.add_argument("--labels", type=Path, default=LABELLED, help="labelled CSV")
    parser.add_argument("--labels-only", action="store_true", help="skip generating the pairs")
    args = parser.parse_args()

    print(f"date {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {machine()}")
    print(
        f"RADIUS_M {RADIUS_M}, WINDOW_DAYS {WINDOW_DAYS}, THRESHOLD {THRESHOLD}, "
        f"TEXT_WEIGHT {TEXT_WEIGHT}, top {LIMIT} per report"
    )
    if args.labels_only:
        report_labels(args.labels, None)
        return

    start = time.perf_counter()
    tickets = load_tickets(TICKETS)
    print(f"\ntickets used: {len(tickets):,} ({time.perf_counter() - start:.1f} s)")
    index_words(tickets)
    print(f"segmented ({time.perf_counter() - start:.1f} s)")
    kept, counts = candidate_pairs(tickets)
    print(f"pairs ({time.perf_counter() - start:.1f} s)")
    for name, value in counts.items():
        print(f"  {name}: {value:,}")
    scores = np.array([p[4] for p in kept])
    above = [p for p in kept if p[4] >= THRESHOLD]
    below = [p for p in kept if args.below_from <= p[4] < THRESHOLD]
    print(
        f"suggestions (score ≥ {THRESHOLD}): {len(above):,} pairs, for "
        f"{len({p[0] for p in above}):,} of {len(tickets):,} tickets "
        f"({len({p[0] for p in above}) / len(tickets):.1%})"
    )
    print(f"pairs with {args.below_from} ≤ score < {THRESHOLD}: {len(below):,}")
    edges = [0, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]
    hist, _ = np.histogram(scores, bins=edges)
    print("scores of the kept candidates:")
    for lo, hi, n in zip(edges, edges[1:], hist, strict=False):
        print(f"  {lo:.2f}–{min(hi, 1):.2f}: {n:,}")
    text_only = np.array([p[3] for p in above])
    near = np.array([p[2] for p in above])
    print(
        f"suggestions: median distance {np.median(near):.0f} m, median text similarity "
        f"{np.median(text_only):.2f}; exactly the same point: {(near < 0.5).mean():.1%}"
    )

    rng = random.Random(args.seed)
    above.sort(key=lambda p: (tickets[p[0]]["id"], tickets[p[1]]["id"]))
    below.sort(key=lambda p: (tickets[p[0]]["id"], tickets[p[1]]["id"]))
    chosen = [("above", p) for p in rng.sample(above, min(args.sample, len(above)))]
    chosen += [("below", p) for p in rng.sample(below, min(args.below, len(below)))]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS + ["label", "note"])
        writer.writeheader()
        for sample, pair in chosen:
            writer.writerow({**row_of(tickets, pair, sample), "label": "", "note": ""})
    print(f"\nwrote {len(chosen)} pairs to {args.out} (seed {args.seed})")

    if args.labels.exists():
        generated = {(tickets[p[0]]["id"], tickets[p[1]]["id"]): p[4] for p in kept}
        report_labels(args.labels, generated)


if __name__ == "__main__":
    main()
