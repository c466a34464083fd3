"""Training the Traffy category classifier (``ruam.thai.classifier``) on a Traffy dump
(.csv or .csv.gz): measure it on the latest months, retrain on everything and write the shipped
model and its card. Needs scikit-learn; ``ruam train-classifier`` is the command around it.

1. Only tickets with at least one label and some text are learnt from; all labelled tickets
   are scored.
2. Time-based split (``timestamp`` is UTC): *train* is before ``holdout_from``, *holdout* from
   it on. Inside train, the month before the holdout is the *validation* slice.
3. Model A learns the train tickets before the validation slice; its per-label thresholds are
   tuned for F1 on the validation slice. Model B learns all train tickets and takes A's
   thresholds. B is measured on the holdout, which nothing was tuned on.
4. The shipped model C learns every labelled ticket; its thresholds are tuned on the holdout
   months by B (for C they are the latest slice of its own training data, as the validation
   slice was for B).

Writes ``OUT/traffy_categories.npz``, ``OUT/MODEL_CARD.md`` and ``OUT/evaluation.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ruam.thai import classifier as clf
from ruam.thai import segment

DEFAULT_OUT = clf.MODEL_PATH.parent
DEFAULT_HOLDOUT_FROM = dt.date(2022, 10, 1)
EVAL_MIN_EXAMPLES = 100  # labels with at least this many train tickets are scored
NOTES_MARKER = "<!-- notes below are kept when train-classifier rewrites this card -->"

Log = Callable[[str], None]


def parse_timestamp(value: str) -> dt.datetime | None:
    """A dump timestamp ("2022-05-29 10:09:47.307077+00", UTC) as an aware datetime."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)


def month_before(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def load_examples(path: Path) -> tuple[list[dict], dict]:
    """Labelled tickets of a dump: dicts with ticket_id, labels, text, time; and counts."""
    stats = {"rows": 0, "unlabelled": 0, "no_time": 0, "no_text": 0}
    examples = []
    for row in clf.read_dump(path):
        stats["rows"] += 1
        labels = clf.parse_labels(row.get("type"))
        if not labels:
            stats["unlabelled"] += 1
            continue
        stamp = parse_timestamp(row.get("timestamp", ""))
        if stamp is None:
            stats["no_time"] += 1
            continue
        text = row.get("comment") or ""
        if not text.strip():
            stats["no_text"] += 1
        examples.append(
            {"ticket_id": row.get("ticket_id", ""), "labels": labels, "text": text, "time": stamp}
        )
    return examples, stats


def split_by_time(
    examples: list[dict], holdout_from: dt.date, validation_from: dt.date
) -> dict[str, list[dict]]:
    """The time-based split: ``early`` (before the validation slice), ``validation``,
    ``train`` (= early + validation) and ``holdout`` (from ``holdout_from`` on, UTC)."""
    cut = dt.datetime.combine(holdout_from, dt.time(), dt.UTC)
    vcut = dt.datetime.combine(validation_from, dt.time(), dt.UTC)
    if vcut >= cut:
        raise ValueError("the validation slice must start before the holdout")
    train = [e for e in examples if e["time"] < cut]
    return {
        "early": [e for e in train if e["time"] < vcut],
        "validation": [e for e in train if e["time"] >= vcut],
        "train": train,
        "holdout": [e for e in examples if e["time"] >= cut],
    }


def train(
    path: Path,
    *,
    holdout_from: dt.date = DEFAULT_HOLDOUT_FROM,
    validation_from: dt.date | None = None,
    params: dict,
    out: Path = DEFAULT_OUT,
    evaluate_only: bool = False,
    log: Log = lambda message: None,
    log_fitting: Log | None = None,
) -> dict:
    """Split, measure, and (unless ``evaluate_only``) train and write the shipped model.

    ``params`` are ``CategoryClassifier.fit``'s (min_df, c, stack, folds, min_label_examples);
    ``validation_from`` defaults to the month before ``holdout_from``. ``log`` hears the steps,
    ``log_fitting`` each model's own progress. Returns the summary (``evaluation.json``); with a
    model written, its ``shipped`` part names the file. Raises ValueError when the data cannot
    give a measured model, ImportError without scikit-learn."""
    import sklearn  # noqa: F401 - before the minutes of reading and segmenting

    if not path.is_file():
        raise ValueError(f"No such file: {path}")
    validation_from = validation_from or month_before(holdout_from)
    examples, stats = load_examples(path)
    log(f"{stats['rows']:,} rows, {len(examples):,} labelled")
    parts = split_by_time(examples, holdout_from, validation_from)
    for name in ("early", "validation", "holdout"):
        if not parts[name]:
            raise ValueError(f"The {name} part of the time-based split is empty.")
    t0 = time.monotonic()
    tokens = segment.words_many(e["text"] for e in examples)
    for e, toks in zip(examples, tokens, strict=True):
        e["tokens"] = toks
    seg_rate = len(examples) / max(time.monotonic() - t0, 1e-9)
    log(f"segmented {len(examples):,} texts ({seg_rate:,.0f}/s)")

    def fit(rows: list[dict], name: str) -> clf.CategoryClassifier:
        rows = [e for e in rows if e["tokens"]]  # no text, nothing to learn
        log(f"model {name}: learning {len(rows):,} tickets")
        return clf.CategoryClassifier.fit(
            [e["tokens"] for e in rows],
            [e["labels"] for e in rows],
            log=lambda m: log_fitting(f"model {name}: {m}") if log_fitting else None,
            **params,
        )

    def tokens_labels(rows):
        return [e["tokens"] for e in rows], [e["labels"] for e in rows]

    model_a = fit(parts["early"], "A")
    thresholds_a = model_a.tune_thresholds(*tokens_labels(parts["validation"]))
    model_b = fit(parts["train"], "B")
    train_counts = model_b.info["label_counts"]
    eval_labels = [lb for lb in model_b.labels if train_counts[lb] >= EVAL_MIN_EXAMPLES]
    hold_tokens, hold_labels = tokens_labels(parts["holdout"])
    matrix = model_b.scores_tokens(hold_tokens)

    def measure(thresholds: dict[str, float] | None) -> dict:
        saved = model_b.thresholds.copy()
        if thresholds:
            model_b.set_thresholds(thresholds)
        result = clf.evaluate(model_b.decide(matrix), hold_labels, eval_labels)
        model_b.thresholds = saved
        return result

    evaluation = {
        "validation_thresholds": measure(thresholds_a),
        "default_thresholds": measure(None),
    }
    if model_b.info.get("oof_thresholds"):
        evaluation["out_of_fold_thresholds"] = measure(model_b.info["oof_thresholds"])
    main = evaluation["validation_thresholds"]
    log(
        f"holdout: micro-F1 {main['micro_f1']:.4f}, macro-F1 {main['macro_f1']:.4f} "
        f"over {len(eval_labels)} labels"
    )
    summary = {
        "data": {
            "file": path.name,
            **stats,
            "labelled": len(examples),
            "first": min(e["time"] for e in examples).isoformat(),
            "last": max(e["time"] for e in examples).isoformat(),
            "holdout_from": holdout_from.isoformat(),
            "validation_from": validation_from.isoformat(),
            "counts": {k: len(v) for k, v in parts.items()},
            "label_counts": dict(
                Counter(lb for e in examples for lb in set(e["labels"])).most_common()
            ),
        },
        "params": params,
        "eval_labels": eval_labels,
        "train_label_counts": train_counts,
        "thresholds_from_validation": thresholds_a,
        "evaluation": evaluation,
    }
    if evaluate_only:
        return summary

    # The shipped model: everything; thresholds from the latest slice, scored by model B.
    thresholds_c = model_b.tune_thresholds(hold_tokens, hold_labels)
    model_c = fit(examples, "C")
    model_c.set_thresholds(thresholds_c)
    model_c.info.update(
        {
            "data": path.name,
            "thresholds_from": f"tickets from {holdout_from} on, scored by a model trained "
            "on the tickets before",
            "holdout": {k: main[k] for k in ("micro_f1", "macro_f1")},
        }
    )
    model_path, card = ship(model_c, summary, out)
    log(f"wrote {model_path} ({model_path.stat().st_size:,} bytes), {card}")
    return summary


def summary_json(summary: dict) -> str:
    return json.dumps(summary, ensure_ascii=False, indent=1, default=str)


def ship(model: clf.CategoryClassifier, summary: dict, out: Path) -> tuple[Path, Path]:
    """Write the model, ``evaluation.json`` (the summary, with the model's ``shipped`` part added)
    and ``MODEL_CARD.md`` (keeping the notes below its marker) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    model_path = out / clf.MODEL_PATH.name
    model.save(model_path)
    summary["shipped"] = {
        "file": model_path.name,
        "bytes": model_path.stat().st_size,
        "labels": model.labels,
        "label_counts": model.info["label_counts"],
        "thresholds": dict(zip(model.labels, model.thresholds.tolist(), strict=True)),
        "words": len(model.unigrams),
        "word_pairs": len(model.bigrams),
        "trained": model.info["trained"],
        "python": platform.python_version(),
    }
    (out / "evaluation.json").write_text(summary_json(summary) + "\n", encoding="utf-8")
    card = out / "MODEL_CARD.md"
    notes = ""
    if card.is_file():
        old = card.read_text(encoding="utf-8")
        if NOTES_MARKER in old:
            notes = old.split(NOTES_MARKER, 1)[1]
    card.write_text(render_card(summary) + "\n" + NOTES_MARKER + notes, encoding="utf-8")
    return model_path, card


def _pct(x: float) -> str:
    return f"{x:.3f}"


def render_card(s: dict) -> str:
    d = s["data"]
    ev = s["evaluation"]
    main = ev["validation_thresholds"]
    shipped = s["shipped"]
    c = d["counts"]
    lines = [
        "# Traffy category classifier — model card",
        "",
        "`ruam/data/models/traffy_categories.npz`, used through `ruam.thai.classifier` "
        "(`get_classifier()`, `CategoryClassifier.predict`). The sections down to "
        "“Notes” are written by `ruam train-classifier` from what it measured; the notes "
        "after them are kept when it rewrites this file.",
        "",
        "## What it does",
        "",
        "Suggests the Traffy Fondue categories (Thai names, several per ticket) of a "
        "report from its Thai text alone. It is a suggestion that a person confirms. It "
        "returns `[]` when no category reaches its threshold.",
        "",
        "Text → nlpo3 words (`ruam.thai.segment`) → tf-idf of words and word pairs → one "
        "linear SVM per category → a logistic regression per category over all the SVM "
        "margins (label co-occurrence), trained on out-of-fold margins → a per-category "
        "threshold.",
        "",
        "## Data",
        "",
        f"- File: `{d['file']}`: {d['rows']:,} rows, {d['labelled']:,} with at least one "
        f"label ({d['unlabelled']:,} unlabelled rows are not used). {d['no_text']:,} "
        "labelled rows have no text: they are not learnt from but are scored (always "
        "wrong).",
        f"- Labelled tickets from {d['first'][:16]} to {d['last'][:16]} UTC.",
        "",
        "## Time-based split",
        "",
        "| part | tickets (UTC `timestamp`) | labelled |",
        "|---|---|---:|",
        f"| early train | before {d['validation_from']} | {c['early']:,} |",
        f"| validation (train period) | {d['validation_from']} – {d['holdout_from']} "
        f"| {c['validation']:,} |",
        f"| holdout | from {d['holdout_from']} on | {c['holdout']:,} |",
        "",
        "- Model A learns *early train*; its per-category thresholds are tuned for F1 on "
        "*validation*.",
        "- Model B learns *early train* + *validation* with A's thresholds. It is scored "
        "on *holdout*; nothing was tuned on the holdout.",
        "- **The shipped model learns every labelled ticket** (the holdout too). Its "
        "thresholds are tuned for F1 on the holdout months scored by model B, i.e. on "
        "the latest slice of its own training period, as A's were.",
        "",
        "## Holdout results",
        "",
        f"Over the {len(s['eval_labels'])} categories with at least {EVAL_MIN_EXAMPLES} "
        "training tickets (all labelled holdout tickets, categories outside that list "
        "ignored):",
        "",
        "| thresholds | micro-F1 | macro-F1 | tickets with no category predicted |",
        "|---|---:|---:|---:|",
        f"| **tuned on validation (the recipe)** | **{_pct(main['micro_f1'])}** | "
        f"**{_pct(main['macro_f1'])}** | {main['no_prediction']:,} of {main['texts']:,} |",
        f"| 0.5 everywhere | {_pct(ev['default_thresholds']['micro_f1'])} | "
        f"{_pct(ev['default_thresholds']['macro_f1'])} | "
        f"{ev['default_thresholds']['no_prediction']:,} |",
    ]
    if "out_of_fold_thresholds" in ev:
        oof = ev["out_of_fold_thresholds"]
        lines.append(
            f"| out-of-fold on the train period | {_pct(oof['micro_f1'])} | "
            f"{_pct(oof['macro_f1'])} | {oof['no_prediction']:,} |"
        )
    lines += [
        "",
        "Targets (issue): micro-F1 ≥ 0.87 and macro-F1 ≥ 0.80. "
        + (
            "Both are met."
            if main["micro_f1"] >= 0.87 and main["macro_f1"] >= 0.80
            else "**Not met**: see the notes."
        ),
        "",
        "Per category (recipe thresholds; train = training tickets of model B):",
        "",
        "| category | train | holdout support | precision | recall | F1 | threshold (B) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label in s["eval_labels"]:
        m = main["per_label"][label]
        lines.append(
            f"| {label} | {s['train_label_counts'][label]:,} | {m['support']:,} | "
            f"{_pct(m['precision'])} | {_pct(m['recall'])} | {_pct(m['f1'])} | "
            f"{s['thresholds_from_validation'][label]:.3f} |"
        )
    others = [lb for lb in s["train_label_counts"] if lb not in s["eval_labels"]]
    if others:
        lines += ["", f"Learnt but not scored (under {EVAL_MIN_EXAMPLES}): {', '.join(others)}."]
    p = s["params"]
    lines += [
        "",
        "## The shipped model",
        "",
        f"- Trained {shipped['trained']} on {d['labelled']:,} "
        f"labelled tickets; {shipped['words']:,} words and {shipped['word_pairs']:,} "
        f"word pairs (document frequency ≥ {p['min_df']}), SVM C = {p['c']}, "
        f"{'stacking over ' + str(p['folds']) + ' folds' if p['stack'] else 'no stacking'}, "
        f"categories with ≥ {p['min_label_examples']} tickets.",
        f"- File: `{shipped['file']}`, {shipped['bytes'] / 1e6:.1f} MB: a numpy `.npz` read "
        "with `allow_pickle=False` (float16 coefficients, the words as UTF-8, word pairs as "
        "number pairs, a JSON header). Loading runs no code from the file.",
        "",
        "| category | tickets | threshold |",
        "|---|---:|---:|",
    ]
    for label in shipped["labels"]:
        lines.append(
            f"| {label} | {shipped['label_counts'][label]:,} | {shipped['thresholds'][label]:.3f} |"
        )
    unmeasured = [lb for lb in shipped["labels"] if lb not in s["train_label_counts"]]
    if unmeasured:
        lines += [
            "",
            "Learnt only from the holdout months, so not measured, and their thresholds are "
            f"the default 0.5: {', '.join(unmeasured)}.",
        ]
    absent = {lb: n for lb, n in d.get("label_counts", {}).items() if lb not in shipped["labels"]}
    if absent:
        lines += [
            "",
            f"Too rare to learn (under {p['min_label_examples']} tickets), never predicted: "
            + ", ".join(f"{lb} ({n})" for lb, n in absent.items())
            + ".",
        ]
    lines += [
        "",
        "Reproduce: `ruam train-classifier /work/shared/data/traffy_2022_train.csv.gz` "
        f"(`--holdout-from {d['holdout_from']}` is the default). Full numbers: "
        "`evaluation.json` beside this card.",
        "",
    ]
    return "\n".join(lines)
