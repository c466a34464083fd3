"""Benchmark of ruam.reports.duplicates: how many suggested duplicates are real, on real tickets.

Run from the project root:

    .venv/bin/python bench/duplicates.py                 # the samples as labelled (seed 0)
    .venv/bin/python bench/duplicates.py --sample 150 --below 50 --variant-sample 80 --seed 0
    .venv/bin/python bench/duplicates.py --labels-only   # only the precision, from the labels

It replays Ruam's duplicate suggestions over the real Traffy Fondue tickets of 2022
(``/work/shared/data/traffy_2022_train.csv.gz``; Bangkok rows with coordinates, at least one
category label and a comment), with no database:

- a ticket's candidates are the earlier tickets (the 30 days before it, ``created__gte`` and
  ``created__lte`` as in ``candidates()``) within 250 m whose categories meet
  ``related_names()`` of its own; a k-d tree on projected metres finds the neighbours and the
  distance is then Ruam's haversine (``ruam.reports.selectors.distance_m``, vectorised);
- the words of a ticket are what the search index keeps: ``segmented(description + " " +
  address)`` split on spaces (``ruam.search.index.entry_rows``), with the description
  and address clipped as the Traffy importer clips them;
- the score is ``TEXT_WEIGHT * jaccard + (1 - TEXT_WEIGHT) * (1 - d / RADIUS_M)``, and each
  ticket keeps its best 5 candidates (``candidates(limit=5)``); those with a score of at
  least ``THRESHOLD`` are the suggestions.

Two simplifications, both stated in bench/RESULTS.md: every earlier ticket counts as open (the
dump has only today's state, not the state on the day), and the database's first-200 cut of
candidates (``qs[:200]``, in no defined order) is not imitated.

Besides Ruam as it is (variant ``ruam``) it scores two variants, for comparison only:
``fixed`` segments the same text with nlpo3's ``safe`` mode off (with it on, as
``ruam.thai.segment`` calls it, nlpo3 1.4.0 returns garbled tokens for texts of 140 characters
or more), and ``fixed_desc`` also leaves the address out and compares the descriptions alone.

It writes seeded random samples to ``--out`` for labelling by hand: ``--sample`` suggestions of
Ruam as it is (score ≥ THRESHOLD), ``--below`` pairs just below it (``--below-from`` ≤ score <
THRESHOLD) and ``--variant-sample`` suggestions of ``fixed_desc``. When
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
import tempfile
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
from ruam.thai import segment  # noqa: E402

TICKETS = Path("/work/shared/data/traffy_2022_train.csv.gz")
LABELLED = ROOT / "bench" / "data" / "duplicate_pairs_labelled.csv"
BANGKOK = {"กรุงเทพมหานคร", "จังหวัดกรุงเทพมหานคร"}
BBOX = (100.3, 13.45, 101.0, 14.0)  # lon, lat, lon, lat: drops the garbage coordinates
LIMIT = 5  # candidates(limit=5)
VARIANTS = ("ruam", "fixed", "fixed_desc")
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
    "rank",
    "score_fixed",
    "text_similarity_fixed",
    "rank_fixed",
    "score_fixed_desc",
    "text_similarity_fixed_desc",
    "rank_fixed_desc",
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


def unsafe_words(text: str) -> list[str]:
    """``segment.words`` with nlpo3's safe mode off (its tokens always rebuild the text)."""
    seg = segment._segment or segment._load()
    return [t for t in seg(segment.normalise(text), segment.DICT_NAME, False, False) if t.strip()]


def index_words(tickets: list[dict]) -> None:
    """Each ticket's word set for each variant (words interned: one string per word)."""
    vocab: dict[str, str] = {}

    def intern(tokens) -> frozenset[str]:
        return frozenset(vocab.setdefault(t, t) for t in tokens)

    for t in tickets:
        text = f"{t['description']} {t['address']}".strip()
        t["ruam"] = intern(segment.segmented(text).split())  # as SearchEntry.words
        t["fixed"] = intern(unsafe_words(text))
        t["fixed_desc"] = intern(unsafe_words(t["description"]))


# -- pairs ------------------------------------------------------------------------------------


def haversine(lat1, lon1, lat2, lon2):
    """ruam.reports.selectors.distance_m, for arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))


def candidate_pairs(tickets: list[dict]) -> tuple[list[tuple[int, int, float]], dict]:
    """Every (report, original, distance) Ruam would score; and counts."""
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
    counts = {"near_pairs": len(pairs), "near_and_recent": int(keep.sum())}
    del pairs, gap, keep

    # Direction: the later ticket is the report, the earlier the original (both, on a tie).
    later_a = created[a] > created[b]
    tie = created[a] == created[b]
    report = np.concatenate([np.where(later_a, a, b), a[tie]])
    original = np.concatenate([np.where(later_a, b, a), b[tie]])
    d = np.concatenate([d, d[tie]])

    related: dict[tuple, set[str]] = {}  # cache: a label list → related_names of it
    out = []
    for r, o, dist in zip(report.tolist(), original.tolist(), d.tolist(), strict=True):
        key = tuple(tickets[r]["labels"])
        if key not in related:
            related[key] = related_names(key)
        if related[key].intersection(tickets[o]["labels"]):
            out.append((r, o, dist))
    counts["related_pairs"] = len(out)
    counts["reports_with_candidates"] = len({r for r, _, _ in out})
    return out, counts


def score_pairs(tickets: list[dict], pairs, variant: str) -> dict[tuple[int, int], tuple]:
    """(report, original) → (distance, text similarity, score, rank) of the best 5 per report."""
    by_report: dict[int, list[tuple]] = {}
    for r, o, dist in pairs:
        text = jaccard(tickets[r][variant], tickets[o][variant])
        score = TEXT_WEIGHT * text + (1 - TEXT_WEIGHT) * (1 - dist / RADIUS_M)
        by_report.setdefault(r, []).append((score, o, dist, text))
    kept = {}
    for r, items in by_report.items():
        items.sort(key=lambda c: -c[0])
        for rank, (score, o, dist, text) in enumerate(items[:LIMIT], start=1):
            kept[(r, o)] = (dist, text, score, rank)
    return kept


def pair_score(tickets: list[dict], r: int, o: int, dist: float, variant: str) -> float:
    text = jaccard(tickets[r][variant], tickets[o][variant])
    return TEXT_WEIGHT * text + (1 - TEXT_WEIGHT) * (1 - dist / RADIUS_M), text


def row_of(tickets: list[dict], r: int, o: int, dist: float, kept: dict, sample: str) -> dict:
    tr, to = tickets[r], tickets[o]
    # Check the vectorised distance against Ruam's own function.
    assert abs(distance_m(tr["lat"], tr["lon"], to["lat"], to["lon"]) - dist) < 1e-6
    row = {
        "sample": sample,
        "report_id": tr["id"],
        "original_id": to["id"],
        "report_time": tr["created"].isoformat(timespec="seconds"),
        "original_time": to["created"].isoformat(timespec="seconds"),
        "days_apart": f"{(tr['created'] - to['created']).total_seconds() / 86400:.2f}",
        "distance_m": f"{dist:.1f}",
        "report_categories": ",".join(tr["labels"]),
        "original_categories": ",".join(to["labels"]),
        "report_text": tr["description"],
        "original_text": to["description"],
        "report_address": tr["address"],
        "original_address": to["address"],
    }
    for variant in VARIANTS:
        suffix = "" if variant == "ruam" else f"_{variant}"
        score, text = pair_score(tickets, r, o, dist, variant)
        found = kept[variant].get((r, o))
        row[f"score{suffix}"] = f"{score:.4f}"
        row[f"text_similarity{suffix}"] = f"{text:.4f}"
        row[f"rank{suffix}"] = found[3] if found else ""  # blank: not in that variant's top 5
    return row


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


def suggested(row: dict, variant: str, threshold: float = THRESHOLD) -> bool:
    suffix = "" if variant == "ruam" else f"_{variant}"
    return row[f"rank{suffix}"] != "" and float(row[f"score{suffix}"]) >= threshold


def report_labels(path: Path, generated, volumes: dict | None) -> None:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    bad = [r for r in rows if r["label"] not in ("same", "different")]
    if bad:
        print(f"{len(bad)} rows without a label same/different, e.g. {bad[0]['report_id']}")
        rows = [r for r in rows if r not in bad]
    if generated is not None:  # the labelled pairs are the ones this run generates
        stale = 0
        for r in rows:
            now = generated(r["report_id"], r["original_id"])
            stale += now is None or any(r[k] != v for k, v in now.items())
        print(f"\nlabelled rows: {len(rows)}; not as this run generates them: {stale}")
    for r in rows:
        r["s"] = float(r["score"])
    above = [r for r in rows if r["sample"] == "above"]
    below = [r for r in rows if r["sample"] == "below"]
    variant = [r for r in rows if r["sample"] == "fixed_desc"]

    print(f"\nRuam as it is: precision at THRESHOLD {THRESHOLD}: {share(above)}")
    for lo, hi in BANDS:
        print(
            f"  score {lo:.2f}–{min(hi, 1):.2f}: {share([r for r in above if lo <= r['s'] < hi])}"
        )
    print(f"'same' just below the threshold: {share(below)}")
    for lo, hi in BELOW_BANDS:
        print(f"  score {lo:.2f}–{hi:.2f}: {share([r for r in below if lo <= r['s'] < hi])}")
    print("other thresholds (within the labelled suggestions, a random sample of them):")
    same_all = sum(r["label"] == "same" for r in above)
    for t in (0.5, 0.55, 0.6, 0.65, 0.7, 0.8):
        kept = [r for r in above if r["s"] >= t]
        same = sum(r["label"] == "same" for r in kept)
        print(
            f"  ≥ {t:.2f}: keeps {len(kept)}/{len(above)}, {share(kept)}; "
            f"keeps {same}/{same_all} of the true duplicates"
        )
    print("by distance, time and text (Ruam's labelled suggestions):")
    for name, test in (
        ("distance < 25 m", lambda r: float(r["distance_m"]) < 25),
        ("distance ≥ 25 m", lambda r: float(r["distance_m"]) >= 25),
        ("< 1 day apart", lambda r: float(r["days_apart"]) < 1),
        ("≥ 1 day apart", lambda r: float(r["days_apart"]) >= 1),
        ("description Jaccard ≥ 0.3", lambda r: float(r["text_similarity_fixed_desc"]) >= 0.3),
        ("description Jaccard < 0.3", lambda r: float(r["text_similarity_fixed_desc"]) < 0.3),
        ("also a fixed_desc suggestion", lambda r: suggested(r, "fixed_desc")),
        ("not a fixed_desc suggestion", lambda r: not suggested(r, "fixed_desc")),
    ):
        print(f"  {name}: {share([r for r in above if test(r)])}")
    print("Ruam's labelled pairs below the threshold that a variant would suggest:")
    for name in ("fixed", "fixed_desc"):
        print(f"  {name}: {share([r for r in below if suggested(r, name)])}")

    if variant:
        print(f"\nfixed_desc (descriptions only, safe mode off): precision at {THRESHOLD}:")
        print(f"  {share(variant)}")
        for lo, hi in BANDS:
            band = [r for r in variant if lo <= float(r["score_fixed_desc"]) < hi]
            print(f"  score {lo:.2f}–{min(hi, 1):.2f}: {share(band)}")
        same_all = sum(r["label"] == "same" for r in variant)
        for t in (0.5, 0.55, 0.6, 0.65, 0.7):
            kept = [r for r in variant if float(r["score_fixed_desc"]) >= t]
            same = sum(r["label"] == "same" for r in kept)
            print(f"  ≥ {t:.2f}: {share(kept)}; keeps {same}/{same_all} of its true duplicates")
        also = [r for r in variant if suggested(r, "ruam")]
        print(f"  also a suggestion of Ruam as it is: {share(also)}")
        print(f"  not one: {share([r for r in variant if r not in also])}")
        if volumes:
            print("estimated true duplicates suggested (suggestions × precision):")
            for name, sample in (("ruam", above), ("fixed_desc", variant)):
                p = sum(r["label"] == "same" for r in sample) / len(sample)
                lo, hi = wilson(sum(r["label"] == "same" for r in sample), len(sample))
                n = volumes[name]
                print(
                    f"  {name}: {n:,} suggestions × {p:.1%} ≈ {n * p:,.0f} "
                    f"({n * lo:,.0f}–{n * hi:,.0f}); false ≈ {n * (1 - p):,.0f}"
                )
    notes = Counter(r["note"].strip() for r in rows if r["note"].strip())
    print(f"\nlabelled rows with a note: {sum(notes.values())}")


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
    parser.add_argument("--sample", type=int, default=150, help="Ruam's suggestions to sample")
    parser.add_argument("--below", type=int, default=50, help="pairs just below it to sample")
    parser.add_argument("--below-from", type=float, default=0.35, help="lower end of 'below'")
    parser.add_argument(
        "--variant-sample", type=int, default=80, help="fixed_desc suggestions to sample"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(tempfile.gettempdir()) / "ruam_duplicate_pairs_sample.csv",
        help="sample CSV",
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
        report_labels(args.labels, None, None)
        return

    start = time.perf_counter()
    tickets = load_tickets(TICKETS)
    print(f"\ntickets used: {len(tickets):,} ({time.perf_counter() - start:.1f} s)")
    index_words(tickets)
    long = sum(len(segment.normalise(f"{t['description']} {t['address']}")) >= 140 for t in tickets)
    print(
        f"segmented ({time.perf_counter() - start:.1f} s); index text of 140+ characters "
        f"(garbled by safe mode): {long:,} ({long / len(tickets):.1%})"
    )
    pairs, counts = candidate_pairs(tickets)
    for name, value in counts.items():
        print(f"  {name}: {value:,}")
    kept = {v: score_pairs(tickets, pairs, v) for v in VARIANTS}
    print(f"scored ({time.perf_counter() - start:.1f} s)")

    volumes = {}
    for variant in VARIANTS:
        scores = np.array([c[2] for c in kept[variant].values()])
        up = [key for key, c in kept[variant].items() if c[2] >= THRESHOLD]
        volumes[variant] = len(up)
        print(
            f"\n{variant}: kept {len(scores):,} candidates; suggestions (score ≥ {THRESHOLD}): "
            f"{len(up):,} pairs, for {len({r for r, _ in up}):,} tickets "
            f"({len({r for r, _ in up}) / len(tickets):.1%})"
        )
        edges = [0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]
        hist, _ = np.histogram(scores, bins=edges)
        print(
            "  scores: " + ", ".join(f"{lo:.2f}+ {n:,}" for lo, n in zip(edges, hist, strict=False))
        )
        near = np.array([kept[variant][key][0] for key in up])
        text = np.array([kept[variant][key][1] for key in up])
        print(
            f"  suggestions: median distance {np.median(near):.0f} m, median text similarity "
            f"{np.median(text):.2f}; at the very same point: {(near < 0.5).mean():.1%}"
        )

    def by_id(keys):
        return sorted(keys, key=lambda k: (tickets[k[0]]["id"], tickets[k[1]]["id"]))

    ruam = kept["ruam"]
    above = by_id(k for k, c in ruam.items() if c[2] >= THRESHOLD)
    below = by_id(k for k, c in ruam.items() if args.below_from <= c[2] < THRESHOLD)
    variant = by_id(k for k, c in kept["fixed_desc"].items() if c[2] >= THRESHOLD)
    rng = random.Random(args.seed)
    chosen = [("above", k) for k in rng.sample(above, min(args.sample, len(above)))]
    chosen += [("below", k) for k in rng.sample(below, min(args.below, len(below)))]
    chosen += [
        ("fixed_desc", k) for k in rng.sample(variant, min(args.variant_sample, len(variant)))
    ]
    distance = {(r, o): dist for r, o, dist in pairs}
    rows = [row_of(tickets, r, o, distance[(r, o)], kept, s) for s, (r, o) in chosen]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=[*COLUMNS, "label", "note"])
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "label": "", "note": ""})
    print(f"\nwrote {len(rows)} pairs to {args.out} (seed {args.seed})")

    if args.labels.exists():
        index = {t["id"]: i for i, t in enumerate(tickets)}

        def generated(report_id: str, original_id: str) -> dict | None:
            """The scores and ranks this run gives the pair (None: not a candidate)."""
            key = (index.get(report_id), index.get(original_id))
            if key not in distance:
                return None
            row = row_of(tickets, *key, distance[key], kept, "")
            return {k: str(v) for k, v in row.items() if k.startswith(("score", "rank"))}

        report_labels(args.labels, generated, volumes)


if __name__ == "__main__":
    main()
