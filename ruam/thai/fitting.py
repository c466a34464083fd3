"""Learning the category classifier's numbers (``ruam.thai.classifier`` holds the model).

Plain Python and numpy; scikit-learn is imported only when something is fitted.

Traffy's labelling drifts: categories are added (ป้าย, ร้องเรียน and สอบถาม first appear on
18–19 October 2022) and, from then on, tickets carry more categories each. So:

- **Recent tickets weigh more** (``recency_weights``: halved every ``halflife_days``).
- **A category learns only from the tickets of its own time** (``label_windows``): before a
  category existed nobody could choose it, so older tickets about the same thing are not
  examples against it. A category whose first ticket comes more than ``new_label_days`` after
  the first ticket of all learns from the day before its first ticket on.
- **Thresholds from the training period itself**: per category, the threshold that maximises
  F1 over out-of-fold scores, each ticket weighted by its recency, within the category's time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from itertools import pairwise

import numpy as np

Log = Callable[[str], None]


def label_matrix(label_sets: Sequence[Sequence[str]], labels: Sequence[str]) -> np.ndarray:
    index = {label: j for j, label in enumerate(labels)}
    y = np.zeros((len(label_sets), len(labels)), dtype=np.int8)
    for i, row in enumerate(label_sets):
        for label in row:
            j = index.get(label)
            if j is not None:
                y[i, j] = 1
    return y


def vocabulary(
    token_lists: Sequence[list[str]], min_df: int, always: Sequence[str] = ()
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Words and word pairs seen in at least ``min_df`` texts (and the words ``always`` kept,
    however rare), and their idf. Pairs are returned as pairs of word numbers, sorted by
    ``first * len(words) + second``."""
    n_docs = len(token_lists)
    df_uni: Counter[str] = Counter()
    for tokens in token_lists:
        df_uni.update(set(tokens))
    kept = set(always)
    unigrams = sorted(w for w in set(df_uni) | kept if df_uni[w] >= min_df or w in kept)
    index = {w: i for i, w in enumerate(unigrams)}
    # A pair that is frequent enough has both its words frequent enough.
    df_bi: Counter[tuple[int, int]] = Counter()
    for tokens in token_lists:
        ids = [index.get(t, -1) for t in tokens]
        df_bi.update({(a, b) for a, b in pairwise(ids) if a >= 0 and b >= 0})
    n_uni = len(unigrams)
    pairs = sorted((p for p, n in df_bi.items() if n >= min_df), key=lambda p: p[0] * n_uni + p[1])
    bigrams = np.array(pairs, dtype=np.int32).reshape(-1, 2)
    df = np.array([df_uni[w] for w in unigrams] + [df_bi[p] for p in pairs], dtype=np.float64)
    idf = np.log((1 + n_docs) / (1 + df)) + 1.0
    return unigrams, bigrams, idf


def recency_weights(ages: np.ndarray, halflife_days: float | None) -> np.ndarray:
    """A weight per ticket from its age in days (0 = the newest, weight 1): halved every
    ``halflife_days``. None: all 1. (Weights never above 1: a larger one is a larger C for
    that ticket, and the SVM then takes far longer to converge.)"""
    if not halflife_days:
        return np.ones(len(ages))
    return 0.5 ** (np.asarray(ages, dtype=np.float64) / halflife_days)


def label_windows(
    y: np.ndarray, ages: np.ndarray, new_label_days: float | None
) -> list[np.ndarray]:
    """Per label, the rows it learns from: all, or for a label that appeared later than
    ``new_label_days`` after the oldest ticket, the rows from a day before its first one."""
    ages = np.asarray(ages, dtype=np.float64)
    everything = np.arange(len(ages))
    windows = []
    oldest = ages.max() if len(ages) else 0.0
    for j in range(y.shape[1]):
        positives = ages[y[:, j] == 1]
        first = positives.max() if len(positives) else oldest
        if new_label_days is not None and oldest - first > new_label_days:
            windows.append(np.flatnonzero(ages <= first + 1.0))
        else:
            windows.append(everything)
    return windows


def best_thresholds(
    scores: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None
) -> np.ndarray:
    """Per column, the threshold on ``scores`` that maximises F1 against ``y`` (0/1), each row
    counted with its weight (1 without ``weights``): the midpoint between the last score kept
    and the next one."""
    out = np.zeros(scores.shape[1], dtype=np.float64)
    w_all = np.ones(len(scores)) if weights is None else np.asarray(weights, np.float64)
    for j in range(scores.shape[1]):
        s, t = scores[:, j].astype(np.float64), y[:, j].astype(np.float64)
        positives = float((t * w_all).sum())
        if positives <= 0 or len(s) == 0:
            out[j] = s.max() + 1.0 if len(s) else 0.5
            continue
        order = np.argsort(-s, kind="stable")
        s, t, w = s[order], t[order], w_all[order]
        tp = np.cumsum(t * w)
        f1 = 2.0 * tp / (np.cumsum(w) + positives)
        f1[:-1][s[1:] == s[:-1]] = -1.0  # cut only between different scores
        b = int(np.argmax(f1))
        out[j] = (s[b] + s[b + 1]) / 2.0 if b + 1 < len(s) else s[b] - 1e-6
    return out


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))


def fit_svms(
    x,
    y: np.ndarray,
    *,
    c: float,
    weights: np.ndarray | None = None,
    windows: Sequence[np.ndarray] | None = None,
    class_weight: str | None = None,
    log: Log | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Stage 1: a linear SVM per label, each on its window's rows, weighted."""
    from sklearn.svm import LinearSVC

    coef = np.zeros((x.shape[1], y.shape[1]), dtype=np.float32)
    bias = np.zeros(y.shape[1], dtype=np.float32)
    for j in range(y.shape[1]):
        rows = windows[j] if windows is not None else slice(None)
        yj = y[rows, j]
        if len(yj) == 0 or yj.min() == yj.max():  # one class only here: a constant
            bias[j] = 1.0 if len(yj) and yj[0] else -1.0
            continue
        svm = LinearSVC(C=c, class_weight=class_weight, max_iter=5000, random_state=0)
        svm.fit(x[rows], yj, sample_weight=None if weights is None else weights[rows])
        coef[:, j] = svm.coef_[0]
        bias[j] = svm.intercept_[0]
        if log:
            log(f"stage 1: {j + 1}/{y.shape[1]} labels")
    return coef, bias


def fit_stack(
    margins: np.ndarray,
    y: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    windows: Sequence[np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Stage 2: per label, a logistic regression over all labels' stage-1 margins."""
    from sklearn.linear_model import LogisticRegression

    n = y.shape[1]
    coef = np.zeros((n, n), dtype=np.float32)
    bias = np.zeros(n, dtype=np.float32)
    for j in range(n):
        rows = windows[j] if windows is not None else slice(None)
        yj = y[rows, j]
        if len(yj) == 0 or yj.min() == yj.max():
            coef[j, j] = 1.0
            continue
        lr = LogisticRegression(C=1.0, max_iter=2000)
        lr.fit(margins[rows], yj, sample_weight=None if weights is None else weights[rows])
        coef[:, j] = lr.coef_[0]
        bias[j] = lr.intercept_[0]
    return coef, bias


def _within(windows: Sequence[np.ndarray], keep: np.ndarray) -> list[np.ndarray]:
    """Each window restricted to the rows in ``keep`` (a boolean mask), renumbered."""
    position = np.full(len(keep), -1)
    position[keep] = np.arange(int(keep.sum()))
    return [position[w][position[w] >= 0] for w in windows]


def fit_linear(
    x,
    y: np.ndarray,
    *,
    ages: np.ndarray,
    c: float = 1.0,
    halflife_days: float | None = None,
    threshold_halflife_days: float | None = None,
    new_label_days: float | None = None,
    threshold_shrink: float = 0.0,
    stack: bool = True,
    folds: int = 5,
    class_weight: str | None = None,
    seed: int = 0,
    log: Log | None = None,
) -> dict:
    """Stage 1 (and 2, with ``stack``) on feature rows ``x`` and labels ``y``, and thresholds
    from out-of-fold scores (with ``folds`` < 2: stage 1 only, thresholds 0 on its margins).
    Returns the arrays (``coef``, ``bias``, ``stack_coef``, ``stack_bias``, ``thresholds``)
    and how many rows each label learnt from (``windows``)."""
    log = log or (lambda message: None)
    n = y.shape[0]
    weights = recency_weights(ages, halflife_days)
    windows = label_windows(y, ages, new_label_days)
    coef, bias = fit_svms(
        x, y, c=c, weights=weights, windows=windows, class_weight=class_weight, log=log
    )
    out = {"coef": coef, "bias": bias, "stack_coef": None, "stack_bias": None, "thresholds": None}
    out["windows"] = [len(w) for w in windows]
    if folds < 2:  # the plain recipe: SVM margins, cut at 0
        out["thresholds"] = np.zeros(y.shape[1])
        return out
    rng = np.random.default_rng(seed)
    fold = rng.integers(0, folds, size=n)
    oof = np.zeros(y.shape, dtype=np.float32)
    for k in range(folds):
        test = fold == k
        w, b = fit_svms(
            x[~test],
            y[~test],
            c=c,
            weights=weights[~test],
            windows=_within(windows, ~test),
            class_weight=class_weight,
        )
        oof[test] = np.asarray(x[test] @ w) + b
        log(f"out-of-fold margins {k + 1}/{folds}")
    scores = oof
    if stack:
        out["stack_coef"], out["stack_bias"] = fit_stack(oof, y, weights=weights, windows=windows)
        # The stacking stage's own out-of-fold scores, for the thresholds (same folds).
        scores = np.zeros(y.shape, dtype=np.float32)
        for k in range(folds):
            test = fold == k
            w2, b2 = fit_stack(
                oof[~test], y[~test], weights=weights[~test], windows=_within(windows, ~test)
            )
            scores[test] = sigmoid(oof[test] @ w2 + b2)
    t_weights = recency_weights(ages, threshold_halflife_days)
    thresholds = np.zeros(y.shape[1])
    centre = 0.5 if stack else 0.0  # even odds, or the SVM's own cut
    for j, rows in enumerate(windows):
        found = best_thresholds(scores[rows][:, [j]], y[rows][:, [j]], t_weights[rows])[0]
        # Few (recent) examples give a noisy threshold: drawn towards the centre, as if
        # ``threshold_shrink`` more examples had voted for it.
        seen = float((t_weights[rows] * y[rows, j]).sum())
        thresholds[j] = (seen * found + threshold_shrink * centre) / (seen + threshold_shrink)
    out["thresholds"] = thresholds
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
