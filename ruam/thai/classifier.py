"""Traffy categories of a Thai report text: a multi-label linear classifier.

Pure Python + numpy/scipy at prediction time (scikit-learn only to train), no Django.

How a text is scored:

1. ``ruam.thai.segment.words``: nlpo3 words, normalised.
2. Features: the words and word pairs (unigrams + bigrams) of a fixed vocabulary, sublinear
   term frequency (1 + ln n) times idf, the row scaled to unit length.
3. Stage 1: one linear SVM per category (a sparse dot product).
4. Stage 2: per category, a logistic regression over all the stage-1 margins, so that categories
   that go together (ถนน with ทางเท้า, ท่อระบายน้ำ with น้ำท่วม) inform each other. It was trained on
   out-of-fold margins, and its output is a probability-like score in 0–1.
5. A category is predicted when its score reaches its own threshold (tuned for F1 on a
   validation slice of the training period). No category above its threshold → ``[]``.

The model file is a numpy ``.npz`` read with ``allow_pickle=False``: arrays of numbers, the
words as UTF-8 bytes, word pairs as pairs of word numbers, and a JSON header. Loading it runs
no code from the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import math
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import repeat
from pathlib import Path
from typing import BinaryIO

import numpy as np
import scipy.sparse as sp

from ruam.thai import fitting, segment

FORMAT = "ruam-category-classifier"
FORMAT_VERSION = 1
MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "models" / "traffy_categories.npz"


def parse_labels(value: str | None) -> list[str]:
    """A dump's ``type`` ("{ถนน,ทางเท้า}", "{}", "ถนน,ทางเท้า") as a list of labels."""
    if not value:
        return []
    value = value.strip()
    if value.startswith("{") and value.endswith("}"):
        value = value[1:-1]
    return [p.strip().strip('"').strip() for p in value.split(",") if p.strip().strip('"')]


def read_dump(path: str | os.PathLike) -> Iterator[dict[str, str]]:
    """The rows of a Traffy dump (CSV with a header, UTF-8, plain or gzipped) as dicts."""
    csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))
    with open(path, "rb") as raw:
        stream = gzip.GzipFile(fileobj=raw) if raw.peek(2)[:2] == b"\x1f\x8b" else raw
        with io.TextIOWrapper(stream, encoding="utf-8-sig", newline="") as text:
            yield from csv.DictReader(text)


def format_labels(labels: Iterable[str]) -> str:
    """Labels in the dump's format: ``{ถนน,ทางเท้า}``; ``{}`` for none."""
    return "{" + ",".join(labels) + "}"


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))


class CategoryClassifier:
    """Predicts Traffy categories (Thai names, e.g. ``["ถนน", "ทางเท้า"]``) from report texts."""

    def __init__(
        self,
        *,
        labels: Sequence[str],
        unigrams: Sequence[str],
        bigrams: np.ndarray,
        idf: np.ndarray,
        coef: np.ndarray,
        bias: np.ndarray,
        stack_coef: np.ndarray | None,
        stack_bias: np.ndarray | None,
        thresholds: np.ndarray | None = None,
        info: dict | None = None,
    ):
        self.labels = list(labels)
        self.unigrams = list(unigrams)
        self._index = {w: i for i, w in enumerate(self.unigrams)}
        # A word pair is two word numbers; its feature number is len(unigrams) + its row here.
        # Rows are sorted by key = first * len(unigrams) + second, for a binary search.
        self.bigrams = np.asarray(bigrams, dtype=np.int32).reshape(-1, 2)
        first, second = self.bigrams.astype(np.int64).T
        self._bigram_keys = first * len(self.unigrams) + second
        if np.any(np.diff(self._bigram_keys) <= 0):
            raise ValueError("word pairs must be sorted and unique")
        n_labels = len(self.labels)
        n_features = len(self.unigrams) + len(self.bigrams)
        self.idf = np.ascontiguousarray(idf, dtype=np.float32)
        self.coef = np.ascontiguousarray(coef, dtype=np.float32)  # (features, labels)
        self.bias = np.asarray(bias, dtype=np.float32)
        if self.idf.shape != (n_features,) or self.coef.shape != (n_features, n_labels):
            raise ValueError("vocabulary, idf and coefficients do not match")
        self.stack_coef = None if stack_coef is None else np.asarray(stack_coef, np.float32)
        self.stack_bias = None if stack_bias is None else np.asarray(stack_bias, np.float32)
        if thresholds is None:
            thresholds = np.full(n_labels, 0.5 if self.stack_coef is not None else 0.0)
        self.thresholds = np.asarray(thresholds, dtype=np.float32)
        self.info = dict(info or {})

    # ----------------------------------------------------------------------------- predicting

    @property
    def n_features(self) -> int:
        return len(self.unigrams) + len(self.bigrams)

    def feature_names(self) -> list[str]:
        """Each feature as text: the word, or the two words of a pair with a space between."""
        u = self.unigrams
        return u + [u[a] + " " + u[b] for a, b in self.bigrams.tolist()]

    def features(self, token_lists: Sequence[list[str]]) -> sp.csr_matrix:
        """The tf-idf rows (unit length) of already segmented texts."""
        get = self._index.get
        n = len(token_lists)
        n_uni = len(self.unigrams)
        flat: list[int] = []
        lengths = []
        for tokens in token_lists:
            flat.extend(map(get, tokens, repeat(-1)))
            lengths.append(len(tokens))
        ids = np.asarray(flat, dtype=np.int64)
        rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
        known = ids >= 0
        # Word pairs: consecutive known words of the same text, found by binary search.
        pair = known[:-1] & known[1:] & (rows[:-1] == rows[1:])
        keys = ids[:-1][pair] * n_uni + ids[1:][pair]
        pos = np.searchsorted(self._bigram_keys, keys)
        pos[pos == len(self._bigram_keys)] = 0
        hit = self._bigram_keys[pos] == keys if len(self._bigram_keys) else keys < 0
        cols = np.concatenate([ids[known], n_uni + pos[hit]])
        rows = np.concatenate([rows[known], rows[:-1][pair][hit]])
        x = sp.csr_matrix(
            (np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(n, self.n_features)
        )
        x.sum_duplicates()
        x.data = (np.log(x.data) + 1.0) * self.idf[x.indices]
        rows = np.repeat(np.arange(n), np.diff(x.indptr))
        norms = np.sqrt(np.bincount(rows, weights=x.data * x.data, minlength=n))
        x.data /= np.maximum(norms, 1e-12)[rows].astype(np.float32)
        return x

    def margins(self, x: sp.csr_matrix) -> np.ndarray:
        """Stage 1: the linear SVMs' margins, (texts, labels)."""
        return np.asarray(x @ self.coef) + self.bias

    def _stack(self, margins: np.ndarray) -> np.ndarray:
        if self.stack_coef is None:
            return margins
        return _sigmoid(margins @ self.stack_coef + self.stack_bias)

    def scores_tokens(self, token_lists: Sequence[list[str]]) -> np.ndarray:
        """Final scores (texts, labels) of already segmented texts. A text with no known word
        scores -inf everywhere: there is nothing to go on."""
        if not token_lists:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        x = self.features(token_lists)
        matrix = self._stack(self.margins(x)).astype(np.float32)
        matrix[np.diff(x.indptr) == 0] = -np.inf
        return matrix

    def scores(self, texts: Sequence[str], *, workers: int = 1) -> tuple[list[str], np.ndarray]:
        """``(labels, matrix)``: one row per text, one column per label. With a stacking stage
        (the shipped model) a score is a probability-like number in 0–1; the label is predicted
        where the score reaches ``thresholds[label]``.

        ``workers`` > 1 splits a large batch over that many forked processes (POSIX only)."""
        texts = list(texts)
        if workers > 1 and len(texts) >= 2000 and hasattr(os, "fork"):
            return self.labels, _scores_forked(self, texts, workers)
        return self.labels, self.scores_tokens(segment.words_many(texts))

    def decide(self, matrix: np.ndarray, *, at_least_one: bool = True) -> list[list[str]]:
        """Label lists from a score matrix: labels at or over their thresholds, best first.

        ``at_least_one``: where no label reaches its threshold, the label with the highest
        score (a report always has a category in Traffy; a person confirms it). A text with
        no known word (scores -inf) still gets ``[]``."""
        margin = matrix - self.thresholds
        counts = (margin >= 0).sum(axis=1)
        if at_least_one and len(matrix):
            fall = (counts == 0) & np.isfinite(matrix.max(axis=1))
            best = matrix.argmax(axis=1)
            # The best label goes first: lift its margin above every other.
            margin[fall, best[fall]] = np.inf
            counts[fall] = 1
        order = np.argsort(-margin, axis=1, kind="stable").tolist()
        labels = self.labels
        return [[labels[i] for i in row[:k]] for row, k in zip(order, counts.tolist(), strict=True)]

    def predict(
        self, texts: Sequence[str], *, workers: int = 1, at_least_one: bool = True
    ) -> list[list[str]]:
        """The categories of each text, most confident first. Where none is sure, the likeliest
        one (``at_least_one``, the default) or ``[]``; ``[]`` for a text with no known word."""
        _, matrix = self.scores(texts, workers=workers)
        return self.decide(matrix, at_least_one=at_least_one)

    def predict_one(self, text: str) -> list[str]:
        return self.predict([text])[0]

    # ----------------------------------------------------------------------------- saving

    def save(self, path: str | os.PathLike) -> None:
        """Write the model as a compressed ``.npz`` (float16 coefficients)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as f:
            self.save_to(f)
        os.replace(tmp, path)

    def save_to(self, file: BinaryIO) -> None:
        """Write the model's ``.npz`` to an open binary file (or ``io.BytesIO``)."""
        header = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "labels": self.labels,
            "info": self.info,
        }
        arrays = {
            "header": np.frombuffer(json.dumps(header, ensure_ascii=False).encode(), np.uint8),
            "unigrams": np.frombuffer("\n".join(self.unigrams).encode(), np.uint8),
            "bigrams": self.bigrams,
            "idf": self.idf.astype(np.float16),
            "coef": self.coef.astype(np.float16),
            "bias": self.bias,
            "thresholds": self.thresholds,
        }
        if self.stack_coef is not None:
            arrays["stack_coef"] = self.stack_coef
            arrays["stack_bias"] = self.stack_bias
        np.savez_compressed(file, **arrays)

    @classmethod
    def load(cls, path: str | os.PathLike | BinaryIO) -> CategoryClassifier:
        """Read a model written by ``save`` (a path or an open binary file). Never unpickles
        (``allow_pickle=False``)."""
        with np.load(path, allow_pickle=False) as z:
            header = json.loads(z["header"].tobytes().decode())
            if header.get("format") != FORMAT or header.get("version") != FORMAT_VERSION:
                raise ValueError(f"{path}: not a {FORMAT} v{FORMAT_VERSION} file")
            unigrams = z["unigrams"].tobytes().decode().split("\n")
            if unigrams == [""]:
                unigrams = []
            coef = z["coef"].astype(np.float32)
            return cls(
                labels=header["labels"],
                unigrams=unigrams,
                bigrams=z["bigrams"],
                idf=z["idf"].astype(np.float32),
                coef=coef,
                bias=z["bias"],
                stack_coef=z.get("stack_coef"),
                stack_bias=z.get("stack_bias"),
                thresholds=z["thresholds"],
                info=header.get("info", {}),
            )

    # ----------------------------------------------------------------------------- training

    @classmethod
    def fit(
        cls,
        token_lists: Sequence[list[str]],
        label_sets: Sequence[Sequence[str]],
        *,
        ages: Sequence[float] | None = None,
        priors: dict[str, Sequence[str]] | None = None,
        min_df: int = 5,
        c: float = 1.0,
        halflife_days: float | None = None,
        threshold_halflife_days: float | None = None,
        new_label_days: float | None = None,
        threshold_shrink: float = 0.0,
        stack: bool = True,
        folds: int = 5,
        min_label_examples: int = 20,
        prior_below: int = 200,
        class_weight: str | None = None,
        seed: int = 0,
        log: Callable[[str], None] | None = None,
    ) -> CategoryClassifier:
        """Train on segmented texts (``segment.words_many``) and their label lists.

        ``ages``: each text's age in days (0 = the newest), for the recency weights
        (``halflife_days``) and to find labels that appeared late (``new_label_days``; see
        ``ruam.thai.fitting``). ``priors``: per label, words or phrases that name it (its name,
        its keywords): a label with fewer than ``prior_below`` examples also learns them, as
        one-phrase examples of the newest day. Labels with fewer than ``min_label_examples``
        examples are left out. Thresholds maximise F1 on out-of-fold scores, weighted by
        recency (``threshold_halflife_days``), drawn towards even odds for labels with few
        recent examples (``threshold_shrink``: as if that many more had voted for 0.5)."""
        log = log or (lambda message: None)
        counts = Counter(label for labels in label_sets for label in set(labels))
        labels = sorted(label for label, n in counts.items() if n >= min_label_examples)
        if not labels:
            raise ValueError("no label has enough examples to learn")
        token_lists = list(token_lists)
        label_sets = [list(row) for row in label_sets]
        age = np.zeros(len(token_lists)) if ages is None else np.asarray(ages, np.float64)
        if len(age) != len(token_lists):
            raise ValueError("one age per text")
        prior_rows = []
        for label, phrases in sorted((priors or {}).items()):
            if label in labels and counts[label] < prior_below:
                prior_rows += [(tokens, label) for tokens in segment.words_many(phrases) if tokens]
        # The words that name a rare label are kept however rare they are.
        naming = sorted({w for tokens, _ in prior_rows for w in tokens})
        unigrams, bigrams, idf = fitting.vocabulary(token_lists, min_df, naming)
        if not unigrams:
            raise ValueError(f"no word is in {min_df} texts or more: nothing to learn from")
        log(f"vocabulary: {len(unigrams):,} words, {len(bigrams):,} word pairs (min_df {min_df})")
        if prior_rows:
            token_lists += [tokens for tokens, _ in prior_rows]
            label_sets += [[label] for _, label in prior_rows]
            age = np.concatenate([age, np.zeros(len(prior_rows))])
        y = label_matrix(label_sets, labels)
        vocab = {"unigrams": unigrams, "bigrams": bigrams, "idf": idf}
        shell = cls(
            labels=labels,
            **vocab,
            coef=np.zeros((len(idf), len(labels)), np.float32),
            bias=np.zeros(len(labels), np.float32),
            stack_coef=None,
            stack_bias=None,
        )
        learnt = fitting.fit_linear(
            shell.features(token_lists),
            y,
            ages=age,
            c=c,
            halflife_days=halflife_days,
            threshold_halflife_days=threshold_halflife_days,
            new_label_days=new_label_days,
            threshold_shrink=threshold_shrink,
            stack=stack,
            folds=folds,
            class_weight=class_weight,
            seed=seed,
            log=log,
        )
        info = {
            "trained": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "examples": len(age) - len(prior_rows),
            "prior_examples": len(prior_rows),
            "label_counts": {label: counts[label] for label in labels},
            "label_rows": dict(zip(labels, learnt["windows"], strict=True)),
            "min_df": min_df,
            "c": c,
            "halflife_days": halflife_days,
            "threshold_halflife_days": threshold_halflife_days,
            "new_label_days": new_label_days,
            "threshold_shrink": threshold_shrink,
            "class_weight": class_weight,
            "stack": stack,
            "folds": folds,
        }
        return cls(
            labels=labels,
            **vocab,
            coef=learnt["coef"],
            bias=learnt["bias"],
            stack_coef=learnt["stack_coef"],
            stack_bias=learnt["stack_bias"],
            thresholds=learnt["thresholds"],
            info=info,
        )

    def tune_thresholds(
        self, token_lists: Sequence[list[str]], label_sets: Sequence[Sequence[str]]
    ) -> dict[str, float]:
        """Per-label thresholds that maximise F1 on these (validation) texts; returned as a dict
        for ``set_thresholds``. A label without examples here keeps its threshold."""
        matrix = self.scores_tokens(token_lists)
        y = label_matrix(label_sets, self.labels)
        found = best_thresholds(matrix, y)
        return {
            label: float(t) if y[:, j].any() else float(self.thresholds[j])
            for j, (label, t) in enumerate(zip(self.labels, found, strict=True))
        }

    def set_thresholds(self, thresholds: dict[str, float]) -> None:
        for j, label in enumerate(self.labels):
            if label in thresholds:
                self.thresholds[j] = thresholds[label]


# Training and measuring live in ruam.thai.fitting; these names stay here for their callers.
label_matrix = fitting.label_matrix
best_thresholds = fitting.best_thresholds
evaluate = fitting.evaluate


# --------------------------------------------------------------------------------- bulk


_FORKED: tuple[CategoryClassifier, list[str]] | None = None


def _forked_chunk(bounds: tuple[int, int]) -> np.ndarray:
    assert _FORKED is not None
    model, texts = _FORKED
    return model.scores_tokens(segment.words_many(texts[bounds[0] : bounds[1]]))


def _scores_forked(model: CategoryClassifier, texts: list[str], workers: int) -> np.ndarray:
    """Score a large batch in ``workers`` forked processes. They inherit the loaded model, the
    nlpo3 dictionary and the texts; only chunk bounds go to them and score rows come back."""
    import multiprocessing

    global _FORKED
    segment.words("ก")  # load the dictionary before forking
    size = max(500, math.ceil(len(texts) / (workers * 4)))
    bounds = [(i, min(i + size, len(texts))) for i in range(0, len(texts), size)]
    _FORKED = (model, texts)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_forked_chunk, bounds, chunksize=1)
    finally:
        _FORKED = None
    return np.vstack(parts)


# --------------------------------------------------------------------------------- shipped


_lock = threading.Lock()
_loaded: dict[str, CategoryClassifier | None] = {}


def get_classifier(path: str | os.PathLike | None = None) -> CategoryClassifier | None:
    """The shipped model (``ruam/data/models/traffy_categories.npz``), loaded once; ``None``
    when the file is absent."""
    path = Path(path or MODEL_PATH)
    key = str(path)
    with _lock:
        if key not in _loaded:
            _loaded[key] = CategoryClassifier.load(path) if path.is_file() else None
        return _loaded[key]
