"""Retraining the category classifier from Ruam's own labels: ``ruam train-classifier
--from-database``.

Plain Python. The database is a *store* that the reports app registers (``register``): it
gives the labelled reports (text, categories, time) and the words that name each category,
says which model answers now, and keeps the new model. This module never imports it.

1. Examples: the labels confirmed or corrected in Ruam, plus the tickets of any Traffy dump
   given (a ticket labelled in Ruam replaces the same ticket of a dump; a dump older than
   Ruam's labels is moved in time to end a week before them, ``close_gap``).
2. The newest ``test_weeks`` are set aside. A *candidate* learns everything before them, with
   the shipped recipe (recent tickets weigh more, late categories learn from their own time,
   thresholds from the training period), and is measured on them; so is the model that
   answers now, on the same tickets and the same categories.
3. If the candidate is worse than the model that answers now — micro- or macro-F1 lower by
   more than ``tolerance`` — it is refused: the new model is kept, marked refused, and the
   model that answers does not change. Otherwise the new model answers from now on.
4. The new model (kept either way) learns every example, the newest weeks too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ruam.thai.classifier import CategoryClassifier

Log = Callable[[str], None]


class Store(Protocol):
    def examples(self) -> list[dict]:
        """Labelled reports: dicts with ``ticket_id``, ``labels``, ``text``, ``time`` (aware)."""

    def priors(self) -> dict[str, list[str]]:
        """Per category, words that name it."""

    def active(self) -> tuple[str, CategoryClassifier | None]:
        """The name of the model that answers now, and the model."""

    def keep(
        self, model: CategoryClassifier, summary: dict, *, accepted: bool, activate: bool
    ) -> str:
        """Keep a new model; make it answer if ``activate``. Returns its name."""


_store: Store | None = None


def register(store: Store) -> None:
    global _store
    _store = store


def registered() -> Store | None:
    return _store


def _measure(model: CategoryClassifier | None, tokens, truth, labels) -> dict:
    from ruam.thai import classifier as clf

    if model is None:
        return clf.evaluate([[] for _ in truth], truth, labels)
    return clf.evaluate(model.decide(model.scores_tokens(tokens)), truth, labels)


def _brief(result: dict) -> dict:
    return {k: result[k] for k in ("micro_f1", "macro_f1", "texts", "no_prediction")} | {
        "per_label": {
            label: {k: round(v, 4) if isinstance(v, float) else v for k, v in m.items()}
            for label, m in result["per_label"].items()
        }
    }


GAP = dt.timedelta(days=7)


def close_gap(older: list[dict], newer: list[dict]) -> list[dict]:
    """Dump tickets much older than Ruam's own labels, moved in time to end ``GAP`` before
    the first of them: recent tickets weigh more, and the years between a dump and Ruam's
    labels say nothing about how labelling drifts; left as they are, the dump would weigh
    nothing at all. Their order and spacing are kept."""
    if not older or not newer:
        return older
    shift = min(e["time"] for e in newer) - GAP - max(e["time"] for e in older)
    if shift <= dt.timedelta(0):
        return older
    return [dict(e, time=e["time"] + shift) for e in older]


def retrain(
    store: Store,
    *,
    dumps: Sequence[Path] = (),
    params: dict | None = None,
    test_weeks: float = 2.0,
    tolerance: float = 0.005,
    eval_min: int = 100,
    activate: bool = True,
    log: Log = lambda message: None,
) -> dict:
    """Retrain, compare with the model that answers now, keep, and switch unless refused.
    Returns the summary kept with the new model. Raises ValueError when there is nothing to
    learn or to measure."""
    import sklearn  # noqa: F401 - before the minutes of reading and segmenting

    from ruam.thai import segment, training

    params = {**training.RECIPE, **(params or {})}
    examples: list[dict] = []
    for path in dumps:
        rows, stats = training.load_examples(Path(path))
        log(f"{path.name}: {stats['rows']:,} rows, {len(rows):,} labelled")
        examples += [dict(row, source="file") for row in rows]
    own = store.examples()
    log(f"database: {len(own):,} labelled reports")
    replaced = {e["ticket_id"] for e in own if e.get("ticket_id")}
    examples = close_gap([e for e in examples if e["ticket_id"] not in replaced], own) + own
    if not examples:
        raise ValueError("Nothing to learn: no labelled reports and no dump.")
    newest = max(e["time"] for e in examples)
    test_from = newest - dt.timedelta(weeks=test_weeks)
    train = [e for e in examples if e["time"] < test_from]
    test = [e for e in examples if e["time"] >= test_from]
    if not train:
        raise ValueError(
            f"Everything is in the newest {test_weeks:g} weeks: nothing is left to learn from "
            "before them (give a dump, or a shorter --test-weeks)."
        )
    tokens = segment.words_many(e["text"] for e in examples)
    for e, toks in zip(examples, tokens, strict=True):
        e["tokens"] = toks
    priors = store.priors()

    candidate = training.fit_recipe(train, params, priors=priors, log=log, name="candidate")
    counts = candidate.info["label_counts"]
    labels = [lb for lb in candidate.labels if counts[lb] >= eval_min]
    if not labels:
        raise ValueError(f"No category has {eval_min} tickets to learn from: nothing to measure.")
    test_tokens = [e["tokens"] for e in test]
    truth = [e["labels"] for e in test]
    active_name, active = store.active()
    measured = _measure(candidate, test_tokens, truth, labels)
    before = _measure(active, test_tokens, truth, labels)
    accepted = active is None or (
        measured["micro_f1"] >= before["micro_f1"] - tolerance
        and measured["macro_f1"] >= before["macro_f1"] - tolerance
    )
    log(
        f"newest {test_weeks:g} weeks ({len(test):,} tickets): candidate micro-F1 "
        f"{measured['micro_f1']:.4f} macro-F1 {measured['macro_f1']:.4f}; {active_name}: "
        f"{before['micro_f1']:.4f} / {before['macro_f1']:.4f} → "
        + ("accepted" if accepted else "refused (worse)")
    )
    model = training.fit_recipe(examples, params, priors=priors, log=log, name="new model")
    model.info["data"] = "database" + "".join(f" + {Path(p).name}" for p in dumps)
    summary = {
        "data": {
            "dumps": [Path(p).name for p in dumps],
            "database_labels": len(own),
            "examples": len(examples),
            "train": len(train),
            "test": len(test),
            "test_from": test_from.isoformat(),
            "newest": newest.isoformat(),
            "label_counts": dict(Counter(lb for e in examples for lb in set(e["labels"]))),
        },
        "params": params,
        "eval_labels": labels,
        "comparison": {
            "active_model": active_name,
            "candidate": _brief(measured),
            "active": _brief(before),
            "tolerance": tolerance,
            "accepted": accepted,
        },
    }
    summary["kept_as"] = store.keep(
        model, summary, accepted=accepted, activate=accepted and activate
    )
    return summary
