"""Training the Traffy category classifier (``ruam.thai.classifier``) on a Traffy dump
(.csv or .csv.gz): measure the recipe on splits by time, retrain on everything and write the
shipped model and its card. Needs scikit-learn; ``ruam train-classifier`` is the command around
it (and ``ruam.thai.retraining`` retrains from Ruam's own labels).

1. Only tickets with at least one label and some text are learnt from; every labelled ticket
   of a test part is scored (a ticket without text is always a miss).
2. Each *split* (``SPLITS``) learns the tickets before a date and is scored on the weeks after
   it — tickets the model has never seen, later than all it learnt, as the months after a dump
   are. Nothing is tuned on a test part: the recipe's thresholds come from the training part.
   One split ends a week after new categories first appeared (18–19 October 2022), so they are
   learnt from their first week only. Each split also scores the plain baseline (tf-idf and a
   linear SVM per category, margins cut at 0, nothing else) on the same tickets.
3. The shipped model learns every labelled ticket with the same recipe.

Writes ``OUT/traffy_categories.npz``, ``OUT/MODEL_CARD.md`` and ``OUT/evaluation.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from ruam.thai import classifier as clf
from ruam.thai import segment
from ruam.thai.keywords import KEYWORDS

DEFAULT_OUT = clf.MODEL_PATH.parent
EVAL_MIN_EXAMPLES = 100  # labels with at least this many training tickets are scored
NOTES_MARKER = "<!-- notes below are kept when train-classifier rewrites this card -->"
TARGETS = (0.87, 0.80)  # micro-F1, macro-F1 (issue 16)

# The shipped recipe (see ruam.thai.fitting and the model card's notes for why).
RECIPE: dict = {
    "min_df": 5,
    "c": 1.0,
    "halflife_days": 28.0,
    "threshold_halflife_days": 28.0,
    "new_label_days": 14.0,
    "stack": True,
    "folds": 5,
    "min_label_examples": 10,
    "prior_below": 200,
}
# The plain baseline: tf-idf of words and pairs, a linear SVM per category, margins cut at 0.
PLAIN: dict = {
    "min_df": 5,
    "c": 1.0,
    "stack": False,
    "folds": 0,
    "min_label_examples": 20,
    "prior_below": 0,
}

Log = Callable[[str], None]


@dataclass(frozen=True)
class Split:
    name: str
    train_before: dt.date  # UTC
    test_until: dt.date  # UTC, exclusive
    why: str = ""

    @classmethod
    def parse(cls, text: str) -> Split:
        """``YYYY-MM-DD:YYYY-MM-DD`` (train before the first day, test until the second)."""
        first, _, second = text.partition(":")
        before, until = dt.date.fromisoformat(first), dt.date.fromisoformat(second)
        if until <= before:
            raise ValueError(f"{text}: the test weeks must end after they start")
        return cls(f"{before}–{until}", before, until)


SPLITS = (
    Split(
        "new categories",
        dt.date(2022, 10, 25),
        dt.date(2022, 11, 1),
        "ป้าย, ร้องเรียน and สอบถาม appeared on 18–19 October: the model learns their first week",
    ),
    Split(
        "five weeks later",
        dt.date(2022, 9, 12),
        dt.date(2022, 10, 17),
        "the five weeks after the training data, before the new categories",
    ),
    Split(
        "October",
        dt.date(2022, 10, 1),
        dt.date(2022, 11, 1),
        "the previous model card's holdout: new categories unseen in training",
    ),
)


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


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def split_by_time(examples: list[dict], split: Split) -> tuple[list[dict], list[dict]]:
    """``(train, test)``: the tickets before ``train_before`` and those from it until
    ``test_until`` (UTC; the unrounded time decides)."""
    cut, until = _at(split.train_before), _at(split.test_until)
    train = [e for e in examples if e["time"] < cut]
    return train, [e for e in examples if cut <= e["time"] < until]


def default_priors(extra: dict[str, Sequence[str]] | None = None) -> dict[str, list[str]]:
    """Words that name each category: its own name and ``ruam.thai.keywords``' words."""
    priors: dict[str, list[str]] = {}
    for label, words in (extra or {}).items():
        priors.setdefault(label, []).extend(words)
    for label, words in KEYWORDS.items():
        priors.setdefault(label, [label]).extend(words)
    for label in list(priors):
        if label not in priors[label]:
            priors[label].insert(0, label)
    return priors


def fit_recipe(
    rows: list[dict],
    params: dict,
    *,
    priors: dict[str, Sequence[str]] | None = None,
    log: Log = lambda message: None,
    name: str = "model",
) -> clf.CategoryClassifier:
    """``CategoryClassifier.fit`` on segmented examples (``tokens``), with their ages in days
    from the newest of them. Texts without a word are not learnt from."""
    rows = [e for e in rows if e["tokens"]]
    if not rows:
        raise ValueError(f"{name}: no ticket with text to learn from")
    newest = max(e["time"] for e in rows)
    log(f"{name}: learning {len(rows):,} tickets")
    model = clf.CategoryClassifier.fit(
        [e["tokens"] for e in rows],
        [e["labels"] for e in rows],
        ages=[(newest - e["time"]).total_seconds() / 86400 for e in rows],
        priors=default_priors(priors),
        log=lambda m: log(f"{name}: {m}"),
        **params,
    )
    model.info["newest"] = newest.isoformat()
    return model


def _scored(predicted: list[list[str]], truth: list[list[str]], labels: list[str]) -> dict:
    """``evaluate`` over the scored categories, and how many tickets were given no category at
    all (``no_prediction`` counts those given none of the scored ones, a young one perhaps)."""
    return clf.evaluate(predicted, truth, labels) | {
        "no_category": sum(1 for row in predicted if not row)
    }


def measure_split(
    examples: list[dict], split: Split, params: dict, *, log: Log, plain: bool = True
) -> dict:
    """Train the recipe (and the plain baseline) before the split's date, score the weeks
    after. Raises ValueError if either part is empty."""
    train, test = split_by_time(examples, split)
    if not train or not test:
        part = "training" if not train else "test"
        raise ValueError(f"The {part} part of split {split.name!r} is empty.")
    model = fit_recipe(train, params, log=log, name=f"{split.name}: recipe")
    counts = model.info["label_counts"]
    labels = [lb for lb in model.labels if counts[lb] >= EVAL_MIN_EXAMPLES]
    tokens, truth = [e["tokens"] for e in test], [e["labels"] for e in test]
    matrix = model.scores_tokens(tokens)
    decided, bare = model.decide(matrix), model.decide(matrix, at_least_one=False)
    known = set(model.labels)
    result = {
        "split": asdict(split),
        "train": len(train),
        "test": len(test),
        "eval_labels": labels,
        "train_label_counts": counts,
        "test_label_counts": dict(Counter(lb for e in test for lb in set(e["labels"]))),
        # Tickets all of whose categories the model never learnt: any category given is wrong.
        "test_unseen_only": sum(1 for e in test if not known & set(e["labels"])),
        "recipe": _scored(decided, truth, labels),
        "recipe_without_fallback": _scored(bare, truth, labels),
        "thresholds": dict(zip(model.labels, model.thresholds.tolist(), strict=True)),
    }
    # Categories too young for the rule above: scored on their own, for the card.
    young = [lb for lb in model.labels if lb not in labels]
    if young:
        result["young_labels"] = clf.evaluate(decided, truth, young)["per_label"]
    if plain:
        base = fit_recipe(train, PLAIN, log=log, name=f"{split.name}: plain")
        plain_decided = base.decide(base.scores_tokens(tokens), at_least_one=False)
        result["plain"] = _scored(plain_decided, truth, labels)
        if young:
            result["plain_young_labels"] = clf.evaluate(plain_decided, truth, young)["per_label"]
    r = result["recipe"]
    log(
        f"{split.name}: recipe micro-F1 {r['micro_f1']:.4f} macro-F1 {r['macro_f1']:.4f}"
        + (
            f"; plain {result['plain']['micro_f1']:.4f} / {result['plain']['macro_f1']:.4f}"
            if plain
            else ""
        )
    )
    return result


def train(
    path: Path,
    *,
    splits: Sequence[Split] = SPLITS,
    params: dict | None = None,
    out: Path = DEFAULT_OUT,
    evaluate_only: bool = False,
    plain: bool = True,
    log: Log = lambda message: None,
) -> dict:
    """Measure the recipe on each split and (unless ``evaluate_only``) train and write the
    shipped model. Returns the summary (``evaluation.json``); with a model written, its
    ``shipped`` part names the file. Raises ValueError when the data cannot give a measured
    model, ImportError without scikit-learn."""
    import sklearn  # noqa: F401 - before the minutes of reading and segmenting

    params = {**RECIPE, **(params or {})}
    if not path.is_file():
        raise ValueError(f"No such file: {path}")
    examples, stats = load_examples(path)
    log(f"{stats['rows']:,} rows, {len(examples):,} labelled")
    for split in splits:  # refuse before the long part
        train_part, test_part = split_by_time(examples, split)
        if not train_part or not test_part:
            part = "training" if not train_part else "test"
            raise ValueError(f"The {part} part of split {split.name!r} is empty.")
    started = time.monotonic()
    tokens = segment.words_many(e["text"] for e in examples)
    for e, toks in zip(examples, tokens, strict=True):
        e["tokens"] = toks
    rate = len(examples) / max(time.monotonic() - started, 1e-9)
    log(f"segmented {len(examples):,} texts ({rate:,.0f}/s)")
    summary = {
        "data": {
            "file": path.name,
            **stats,
            "labelled": len(examples),
            "first": min(e["time"] for e in examples).isoformat(),
            "last": max(e["time"] for e in examples).isoformat(),
            "label_counts": dict(
                Counter(lb for e in examples for lb in set(e["labels"])).most_common()
            ),
        },
        "params": params,
        "rule": {"eval_min": EVAL_MIN_EXAMPLES, "targets": TARGETS},
        "splits": [measure_split(examples, s, params, log=log, plain=plain) for s in splits],
    }
    if evaluate_only:
        return summary
    model = fit_recipe(examples, params, log=log, name="shipped")
    model.info["data"] = path.name
    model_path, card = ship(model, summary, out)
    log(f"wrote {model_path} ({model_path.stat().st_size:,} bytes), {card}")
    return summary


def summary_json(summary: dict) -> str:
    return json.dumps(summary, ensure_ascii=False, indent=1, default=str)


def ship(model: clf.CategoryClassifier, summary: dict, out: Path) -> tuple[Path, Path]:
    """Write the model, ``evaluation.json`` (the summary, with the model's ``shipped`` part added)
    and ``MODEL_CARD.md`` (keeping the notes below its marker) into ``out``."""
    from ruam.thai.card import render_card

    out.mkdir(parents=True, exist_ok=True)
    model_path = out / clf.MODEL_PATH.name
    model.save(model_path)
    summary["shipped"] = {
        "file": model_path.name,
        "bytes": model_path.stat().st_size,
        "labels": model.labels,
        "label_counts": model.info["label_counts"],
        "label_rows": model.info["label_rows"],
        "prior_examples": model.info["prior_examples"],
        "thresholds": dict(zip(model.labels, model.thresholds.tolist(), strict=True)),
        "words": len(model.unigrams),
        "word_pairs": len(model.bigrams),
        "trained": model.info["trained"],
        "newest": model.info["newest"],
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
