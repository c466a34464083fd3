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
from itertools import pairwise, repeat
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ruam.thai import segment

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
        """Final scores (texts, labels) of already segmented texts."""
        if not token_lists:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return self._stack(self.margins(self.features(token_lists))).astype(np.float32)

    def scores(self, texts: Sequence[str], *, workers: int = 1) -> tuple[list[str], np.ndarray]:
        """``(labels, matrix)``: one row per text, one column per label. With a stacking stage
        (the shipped model) a score is a probability-like number in 0–1; the label is predicted
        where the score reaches ``thresholds[label]``.

        ``workers`` > 1 splits a large batch over that many forked processes (POSIX only)."""
        texts = list(texts)
        if workers > 1 and len(texts) >= 2000 and hasattr(os, "fork"):
            return self.labels, _scores_forked(self, texts, workers)
        return self.labels, self.scores_tokens(segment.words_many(texts))

    def decide(self, matrix: np.ndarray) -> list[list[str]]:
        """Label lists from a score matrix: labels at or over their thresholds, best first."""
        margin = matrix - self.thresholds
        counts = (margin >= 0).sum(axis=1).tolist()
        order = np.argsort(-margin, axis=1, kind="stable").tolist()
        labels = self.labels
        return [[labels[i] for i in row[:k]] for row, k in zip(order, counts, strict=True)]

    def predict(self, texts: Sequence[str], *, workers: int = 1) -> list[list[str]]:
        """The categories of each text, most confident first; ``[]`` when unsure."""
        _, matrix = self.scores(texts, workers=workers)
        return self.decide(matrix)

    def predict_one(self, text: str) -> list[str]:
        return self.predict([text])[0]

    # ----------------------------------------------------------------------------- saving

    def save(self, path: str | os.PathLike) -> None:
        """Write the model as a compressed ``.npz`` (float16 coefficients)."""
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
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "wb") as f:
            np.savez_compressed(f, **arrays)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> CategoryClassifier:
        """Read a model written by ``save``. Never unpickles (``allow_pickle=False``)."""
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
        min_df: int = 5,
        c: float = 1.0,
        stack: bool = True,
        folds: int = 5,
        min_label_examples: int = 20,
        class_weight: str | None = None,
        seed: int = 0,
        log: Callable[[str], None] | None = None,
    ) -> CategoryClassifier:
        """Train on segmented texts (``segment.words_many``) and their label lists.

        Labels with fewer than ``min_label_examples`` examples are left out. Thresholds are
        0.5 (the stacking stage's even odds) until ``tune_thresholds`` sets them."""
        log = log or (lambda message: None)
        counts = Counter(label for labels in label_sets for label in set(labels))
        labels = sorted(label for label, n in counts.items() if n >= min_label_examples)
        if not labels:
            raise ValueError("no label has enough examples to learn")
        y = label_matrix(label_sets, labels)

        # Document frequencies. A pair that is frequent enough has both its words frequent
        # enough, so pairs are counted only over known words.
        n_docs = len(token_lists)
        df_uni: Counter[str] = Counter()
        for tokens in token_lists:
            df_uni.update(set(tokens))
        unigrams = sorted(w for w, n in df_uni.items() if n >= min_df)
        index = {w: i for i, w in enumerate(unigrams)}
        df_bi: Counter[tuple[int, int]] = Counter()
        for tokens in token_lists:
            ids = [index.get(t, -1) for t in tokens]
            df_bi.update({(a, b) for a, b in pairwise(ids) if a >= 0 and b >= 0})
        n_uni = len(unigrams)
        pairs = sorted(
            (p for p, n in df_bi.items() if n >= min_df), key=lambda p: p[0] * n_uni + p[1]
        )
        bigrams = np.array(pairs, dtype=np.int32).reshape(-1, 2)
        df = np.array([df_uni[w] for w in unigrams] + [df_bi[p] for p in pairs], dtype=np.float64)
        idf = np.log((1 + n_docs) / (1 + df)) + 1.0
        log(f"vocabulary: {n_uni:,} words and {len(pairs):,} word pairs (min_df {min_df})")
        vocab = {"unigrams": unigrams, "bigrams": bigrams, "idf": idf}

        shell = cls(
            labels=labels,
            **vocab,
            coef=np.zeros((len(df), len(labels)), np.float32),
            bias=np.zeros(len(labels), np.float32),
            stack_coef=None,
            stack_bias=None,
            info={},
        )
        x = shell.features(token_lists)
        coef, bias = _fit_svms(x, y, c, class_weight, log)
        stack_coef = stack_bias = oof_thresholds = None
        if stack:
            rng = np.random.default_rng(seed)
            fold = rng.integers(0, folds, size=n_docs)
            oof = np.zeros(y.shape, dtype=np.float32)
            for k in range(folds):
                test = fold == k
                w, b = _fit_svms(x[~test], y[~test], c, class_weight, None)
                oof[test] = np.asarray(x[test] @ w) + b
                log(f"stacking: out-of-fold margins {k + 1}/{folds}")
            stack_coef, stack_bias = _fit_stack(oof, y)
            # Thresholds from the training period itself: the stacking stage's out-of-fold
            # scores (its folds are the same as stage 1's).
            oof2 = np.zeros(y.shape, dtype=np.float32)
            for k in range(folds):
                test = fold == k
                w2, b2 = _fit_stack(oof[~test], y[~test])
                oof2[test] = _sigmoid(oof[test] @ w2 + b2)
            oof_thresholds = dict(zip(labels, best_thresholds(oof2, y).tolist(), strict=True))
        info = {
            "trained": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "examples": n_docs,
            "label_counts": {label: counts[label] for label in labels},
            "min_df": min_df,
            "c": c,
            "class_weight": class_weight,
            "stack": stack,
            "folds": folds if stack else None,
            "oof_thresholds": oof_thresholds,
        }
        model = cls(
            labels=labels,
            **vocab,
            coef=coef,
            bias=bias,
            stack_coef=stack_coef,
            stack_bias=stack_bias,
            info=info,
        )
        return model

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


# --------------------------------------------------------------------------------- training


def label_matrix(label_sets: Sequence[Sequence[str]], labels: Sequence[str]) -> np.ndarray:
    index = {label: j for j, label in enumerate(labels)}
    y = np.zeros((len(label_sets), len(labels)), dtype=np.int8)
    for i, row in enumerate(label_sets):
        for label in row:
            j = index.get(label)
            if j is not None:
                y[i, j] = 1
    return y


def _fit_svms(x, y, c, class_weight, log):
    from sklearn.svm import LinearSVC

    coef = np.zeros((x.shape[1], y.shape[1]), dtype=np.float32)
    bias = np.zeros(y.shape[1], dtype=np.float32)
    for j in range(y.shape[1]):
        if y[:, j].min() == y[:, j].max():  # one class only in this slice: a constant
            bias[j] = 1.0 if y[0, j] else -1.0
            continue
        svm = LinearSVC(C=c, class_weight=class_weight, max_iter=5000, random_state=0)
        svm.fit(x, y[:, j])
        coef[:, j] = svm.coef_[0]
        bias[j] = svm.intercept_[0]
        if log:
            log(f"stage 1: {j + 1}/{y.shape[1]} labels")
    return coef, bias


def _fit_stack(margins: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    n = y.shape[1]
    coef = np.zeros((n, n), dtype=np.float32)
    bias = np.zeros(n, dtype=np.float32)
    for j in range(n):
        if y[:, j].min() == y[:, j].max():
            coef[j, j] = 1.0
            continue
        lr = LogisticRegression(C=1.0, max_iter=2000)
        lr.fit(margins, y[:, j])
        coef[:, j] = lr.coef_[0]
        bias[j] = lr.intercept_[0]
    return coef, bias


def best_thresholds(scores: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per column, the threshold on ``scores`` that maximises F1 against ``y`` (0/1): the
    midpoint between the last score kept and the next one."""
    out = np.zeros(scores.shape[1], dtype=np.float64)
    for j in range(scores.shape[1]):
        s, t = scores[:, j].astype(np.float64), y[:, j].astype(np.int64)
        positives = int(t.sum())
        if positives == 0 or len(s) == 0:
            out[j] = s.max() + 1.0 if len(s) else 0.5
            continue
        order = np.argsort(-s, kind="stable")
        s, t = s[order], t[order]
        tp = np.cumsum(t)
        f1 = 2.0 * tp / (np.arange(1, len(s) + 1) + positives)
        f1[:-1][s[1:] == s[:-1]] = -1.0  # cut only between different scores
        b = int(np.argmax(f1))
        out[j] = (s[b] + s[b + 1]) / 2.0 if b + 1 < len(s) else s[b] - 1e-6
    return out


def evaluate(
    predicted: Sequence[Sequence[str]], truth: Sequence[Sequence[str]], labels: Sequence[str]
) -> dict:
    """Per-label precision/recall/F1/support and micro-/macro-F1 over ``labels``."""
    p = label_matrix(predicted, labels).astype(bool)
    t = label_matrix(truth, labels).astype(bool)
    per_label = {}
    f1s = []
    for j, label in enumerate(labels):
        tp = int((p[:, j] & t[:, j]).sum())
        fp = int((p[:, j] & ~t[:, j]).sum())
        fn = int((~p[:, j] & t[:, j]).sum())
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_label[label] = {"precision": prec, "recall": rec, "f1": f1, "support": tp + fn}
        f1s.append(f1)
    tp = int((p & t).sum())
    fp = int((p & ~t).sum())
    fn = int((~p & t).sum())
    micro = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {
        "micro_f1": micro,
        "macro_f1": float(np.mean(f1s)) if f1s else 0.0,
        "per_label": per_label,
        "texts": len(truth),
        "no_prediction": int((p.sum(1) == 0).sum()),
    }


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
