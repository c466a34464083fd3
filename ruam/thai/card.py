"""The category classifier's model card (``ruam/data/models/MODEL_CARD.md``), written by
``ruam train-classifier`` from what it measured (``ruam.thai.training``'s summary)."""

from __future__ import annotations

EVAL_RULE = (
    "categories with at least {n} tickets in the split's training part are scored; every "
    "labelled ticket of the test weeks counts, a ticket given no category is a miss"
)


def _f(x: float) -> str:
    return f"{x:.3f}"


def _met(result: dict, targets: tuple[float, float]) -> str:
    return "yes" if result["micro_f1"] >= targets[0] and result["macro_f1"] >= targets[1] else "no"


def _none(result: dict | None) -> str:
    """Tickets given no category at all (older summaries: none of the scored ones)."""
    if not result:
        return "—"
    return f"{result.get('no_category', result['no_prediction']):,}"


def _splits_table(splits: list[dict], targets: tuple[float, float]) -> list[str]:
    lines = [
        "| split | learnt | tested on | tickets learnt / tested | categories scored "
        "| plain baseline micro / macro | **recipe micro / macro** | recipe, no fallback "
        "| targets met |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in splits:
        s = r["split"]
        plain = r.get("plain")
        base = f"{_f(plain['micro_f1'])} / {_f(plain['macro_f1'])}" if plain else "—"
        rec, nofb = r["recipe"], r["recipe_without_fallback"]
        lines.append(
            f"| {s['name']} | before {s['train_before']} | {s['train_before']} – "
            f"{s['test_until']} (exclusive) | {r['train']:,} / {r['test']:,} | "
            f"{len(r['eval_labels'])} | {base} | **{_f(rec['micro_f1'])} / "
            f"{_f(rec['macro_f1'])}** | {_f(nofb['micro_f1'])} / {_f(nofb['macro_f1'])} "
            f"| {_met(rec, targets)} |"
        )
    lines += [
        "",
        "| split | tickets tested | with only categories the model never learnt "
        "| given no category: plain | recipe, no fallback | **recipe** |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in splits:
        lines.append(
            f"| {r['split']['name']} | {r['test']:,} | "
            f"{_count(r.get('test_unseen_only'))} | {_none(r.get('plain'))} | "
            f"{_none(r['recipe_without_fallback'])} | **{_none(r['recipe'])}** |"
        )
    return lines


def _count(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def _per_label(r: dict) -> list[str]:
    rec, plain = r["recipe"]["per_label"], (r.get("plain") or {}).get("per_label", {})
    lines = [
        "| category | learnt | tested | precision | recall | F1 | plain F1 | threshold |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label in r["eval_labels"]:
        m = rec[label]
        base = _f(plain[label]["f1"]) if label in plain else "—"
        lines.append(
            f"| {label} | {r['train_label_counts'][label]:,} | {m['support']:,} | "
            f"{_f(m['precision'])} | {_f(m['recall'])} | {_f(m['f1'])} | {base} | "
            f"{r['thresholds'][label]:.3f} |"
        )
    young_plain = r.get("plain_young_labels") or {}
    for label, m in (r.get("young_labels") or {}).items():
        base = young_plain.get(label)
        lines.append(
            f"| {label} (not in micro/macro: under the rule's count) | "
            f"{r['train_label_counts'][label]:,} | {m['support']:,} | {_f(m['precision'])} | "
            f"{_f(m['recall'])} | {_f(m['f1'])} | "
            f"{_f(base['f1']) + ' (recall ' + _f(base['recall']) + ')' if base else '—'} | "
            f"{r['thresholds'][label]:.3f} |"
        )
    return lines


def render_card(s: dict) -> str:
    d, p, shipped = s["data"], s["params"], s["shipped"]
    eval_min, targets = s["rule"]["eval_min"], tuple(s["rule"]["targets"])
    lines = [
        "# Traffy category classifier — model card",
        "",
        "`ruam/data/models/traffy_categories.npz`, used through `ruam.thai.classifier` "
        "(`get_classifier()`, `CategoryClassifier.predict`) until a model retrained from "
        "Ruam's own labels is made active (`ruam train-classifier --from-database`, "
        "`ruam classifier-versions`). The sections down to “Notes” are written by "
        "`ruam train-classifier` from what it measured; the notes after them are kept when "
        "it rewrites this file.",
        "",
        "## What it does",
        "",
        "Suggests the Traffy Fondue categories (Thai names, several per ticket) of a report "
        "from its Thai text alone, for a person to confirm. Where no category reaches its "
        "threshold it gives the likeliest one (a Traffy ticket always has a category); only a "
        "text with no word the model knows gets none.",
        "",
        "Text → nlpo3 words (`ruam.thai.segment`) → tf-idf of words and word pairs → one linear "
        "SVM per category → a logistic regression per category over all the SVM margins "
        "(label co-occurrence), trained on out-of-fold margins → a per-category threshold → "
        "the likeliest category if none passes. Training (`ruam.thai.fitting`): recent "
        f"tickets weigh more (halved every {p['halflife_days']:g} days); a category that "
        f"appeared more than {p['new_label_days']:g} days after the first ticket learns only "
        "from the tickets since it exists (before, nobody could choose it); a category with "
        f"fewer than {p['prior_below']} tickets also learns the words that name it (its name "
        "and `ruam.thai.keywords`); thresholds maximise F1 over out-of-fold scores of the "
        f"training data, weighted by recency (halved every {p['threshold_halflife_days']:g} "
        "days).",
        "",
        "## Data",
        "",
        f"- File: `{d['file']}`: {d['rows']:,} rows, {d['labelled']:,} with at least one "
        f"label ({d['unlabelled']:,} unlabelled rows are not used). {d['no_text']:,} labelled "
        "rows have no text.",
        f"- Labelled tickets from {d['first'][:16]} to {d['last'][:16]} UTC.",
        "",
        "## Measured on splits by time",
        "",
        "Each split learns the tickets before a day (UTC) with the recipe above and is scored "
        "on the weeks after it, which it never saw; nothing is tuned on them (the thresholds "
        "come from the training part). The plain baseline is tf-idf and a linear SVM per "
        "category with margins cut at 0, learnt from the same tickets. Scoring: "
        + EVAL_RULE.format(n=eval_min)
        + ". “No fallback” leaves a ticket without a category when none passes its threshold.",
        "",
        *_splits_table(s["splits"], targets),
        "",
        f"Targets (issue 16): micro-F1 ≥ {targets[0]:.2f} and macro-F1 ≥ {targets[1]:.2f} on "
        "every split.",
        "",
    ]
    for r in s["splits"]:
        why = (
            f" {r['split']['why'][0].upper()}{r['split']['why'][1:]}." if r["split"]["why"] else ""
        )
        lines += [
            f"### {r['split']['name']}",
            "",
            f"Learnt before {r['split']['train_before']}, tested "
            f"{r['split']['train_before']} – {r['split']['test_until']}.{why}",
            "",
            *_per_label(r),
            "",
        ]
    lines += [
        "## The shipped model",
        "",
        f"- Trained {shipped['trained']} on all {d['labelled']:,} labelled tickets (newest "
        f"{shipped['newest'][:16]}); {shipped['words']:,} words and {shipped['word_pairs']:,} "
        f"word pairs (document frequency ≥ {p['min_df']}), SVM C = {p['c']}, stacking over "
        f"{p['folds']} folds, categories with ≥ {p['min_label_examples']} tickets, "
        f"{shipped['prior_examples']} naming phrases.",
        f"- File: `{shipped['file']}`, {shipped['bytes'] / 1e6:.1f} MB: a numpy `.npz` read "
        "with `allow_pickle=False` (float16 coefficients, the words as UTF-8, word pairs as "
        "number pairs, a JSON header). Loading runs no code from the file.",
        "",
        "| category | tickets | tickets it learnt from | threshold |",
        "|---|---:|---:|---:|",
    ]
    for label in shipped["labels"]:
        lines.append(
            f"| {label} | {shipped['label_counts'][label]:,} | "
            f"{shipped['label_rows'][label]:,} | {shipped['thresholds'][label]:.3f} |"
        )
    absent = {lb: n for lb, n in d["label_counts"].items() if lb not in shipped["labels"]}
    if absent:
        lines += [
            "",
            f"Too rare to learn (under {p['min_label_examples']} tickets), never predicted: "
            + ", ".join(f"{lb} ({n})" for lb, n in absent.items())
            + ".",
        ]
    lines += [
        "",
        "Reproduce: `ruam train-classifier traffy_2022_train.csv.gz` (the "
        "splits above are the default; `--split BEFORE:UNTIL` sets others). Full numbers: "
        "`evaluation.json` beside this card.",
        "",
    ]
    return "\n".join(lines)
