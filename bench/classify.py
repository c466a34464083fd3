"""Benchmark of ruam.thai.classifier: bulk texts/s and single-text latency on real Traffy texts.

Run from the project root:

    .venv/bin/python bench/classify.py                 # the newest 50,000 texts of the dump
    .venv/bin/python bench/classify.py --texts 20000 --json

Texts come from ``--data`` (default: ``../shared/data/traffy_2022_train.csv.gz`` beside the
project, else the shipped demo dump ``ruam/data/demo_traffy_tickets.csv.gz``). Every timing
includes segmentation (nlpo3): text in, label lists out. It reports the time to load the model;
bulk throughput in one process and with ``workers=2`` forked processes (best of ``--repeat``);
the split of one process's time between segmentation and the rest; and the latency of
``predict_one`` (p50/p95/p99). It prints the machine, its load and the date, and asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ruam.thai import classifier as clf
from ruam.thai import segment

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "traffy_2022_train.csv.gz"
DEMO = ROOT / "ruam" / "data" / "demo_traffy_tickets.csv.gz"


def machine() -> dict[str, object]:
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu": model or platform.processor() or "unknown",
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": version("numpy"),
        "scipy": version("scipy"),
        "nlpo3": version("nlpo3"),
        "pythainlp": version("pythainlp"),
        "loadavg_before": os.getloadavg(),
    }


def load_texts(path: Path, n: int) -> list[str]:
    rows = [(r.get("timestamp", ""), r.get("comment") or "") for r in clf.read_dump(path)]
    rows.sort(key=lambda r: r[0])
    return [text for _, text in rows[-n:]]


def best_of(repeat: int, fn) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def measure(path: Path, n: int, repeat: int, calls: int) -> dict:
    info = {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), **machine()}
    texts = load_texts(path, n)
    info["data"] = {
        "file": str(path),
        "texts": len(texts),
        "mean_chars": float(np.mean([len(t) for t in texts])),
    }
    start = time.perf_counter()
    model = clf.CategoryClassifier.load(clf.MODEL_PATH)
    segment.words("ก")
    info["load_s"] = time.perf_counter() - start
    info["model_bytes"] = clf.MODEL_PATH.stat().st_size

    model.predict(texts[:2000])  # warm up
    one = best_of(repeat, lambda: model.predict(texts))
    two = best_of(repeat, lambda: model.predict(texts, workers=2))
    seg = best_of(repeat, lambda: segment.words_many(texts))
    tokens = segment.words_many(texts)
    rest = best_of(repeat, lambda: model.decide(model.scores_tokens(tokens)))
    info["bulk"] = {
        "one_process_texts_per_s": len(texts) / one,
        "two_workers_texts_per_s": len(texts) / two,
        "segmentation_only_texts_per_s": len(texts) / seg,
        "features_scores_labels_only_texts_per_s": len(texts) / rest,
        "segmentation_share_one_process": seg / (seg + rest),
    }
    assert model.predict(texts[:3000], workers=2) == model.predict(texts[:3000])

    rng = np.random.default_rng(0)
    sample = [texts[i] for i in rng.integers(0, len(texts), size=calls)]
    for text in sample[:200]:
        model.predict_one(text)
    times = []
    clock = time.perf_counter_ns
    for text in sample:
        t0 = clock()
        model.predict_one(text)
        times.append(clock() - t0)
    ms = np.array(times) / 1e6
    info["single"] = {
        "calls": calls,
        "mean_ms": float(ms.mean()),
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "p99_ms": float(np.percentile(ms, 99)),
        "max_ms": float(ms.max()),
    }
    info["loadavg_after"] = os.getloadavg()
    return info


def report(r: dict) -> str:
    b, s = r["bulk"], r["single"]
    return "\n".join(
        [
            f"date {r['date']}; {r['nproc']} CPUs ({r['cpu']}); {r['platform']}",
            f"python {r['python']}, numpy {r['numpy']}, scipy {r['scipy']}, nlpo3 {r['nlpo3']}, "
            f"pythainlp {r['pythainlp']}",
            "load average before / after: "
            + " / ".join(
                ", ".join(f"{x:.2f}" for x in la)
                for la in (r["loadavg_before"], r["loadavg_after"])
            ),
            f"texts: {r['data']['texts']:,} from {r['data']['file']} "
            f"(mean {r['data']['mean_chars']:.0f} characters)",
            f"model: {r['model_bytes'] / 1e6:.2f} MB, load {r['load_s'] * 1000:.0f} ms",
            f"bulk, one process:           {b['one_process_texts_per_s']:>9,.0f} texts/s",
            f"bulk, workers=2:             {b['two_workers_texts_per_s']:>9,.0f} texts/s",
            f"  segmentation alone:        {b['segmentation_only_texts_per_s']:>9,.0f} texts/s",
            f"  features+scores+labels:    {b['features_scores_labels_only_texts_per_s']:>9,.0f}"
            " texts/s",
            f"  segmentation share:        {b['segmentation_share_one_process']:.0%}",
            f"single predict_one ({s['calls']:,} calls): mean {s['mean_ms']:.3f} ms, "
            f"p50 {s['p50_ms']:.3f}, p95 {s['p95_ms']:.3f}, p99 {s['p99_ms']:.3f}, "
            f"max {s['max_ms']:.2f} ms",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED if SHARED.is_file() else DEMO)
    parser.add_argument("--texts", type=int, default=50_000, help="newest N texts of --data")
    parser.add_argument("--repeat", type=int, default=3, help="bulk runs; the best is kept")
    parser.add_argument("--calls", type=int, default=5_000, help="single calls to time")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args()
    result = measure(args.data, args.texts, args.repeat, args.calls)
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else report(result))


if __name__ == "__main__":
    main()
