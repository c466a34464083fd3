"""ruam train-classifier [PATH ...] [--from-database] : the Traffy category model.

With a Traffy dump (.csv or .csv.gz) and no ``--from-database``: measures the recipe on splits
by time (``--split BEFORE:UNTIL``, default the splits of ``ruam.thai.training``), retrains on
everything and writes the shipped model and its card (``--out``): ``traffy_categories.npz``,
``MODEL_CARD.md`` and ``evaluation.json``.

With ``--from-database``: learns the categories confirmed or corrected in Ruam (and the dumps
given, if any), measures the new model and the one that answers now on the newest weeks
(``--test-weeks``), keeps the new model in the database, and lets it answer unless it is worse
(``ruam.thai.retraining``). ``ruam classifier-versions`` lists, switches and rolls back.
Needs scikit-learn.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ruam.thai import retraining, training


class Command(BaseCommand):
    help = (
        "Train the Traffy category classifier on a dump with splits by time and write the "
        "shipped model and its card; or, with --from-database, retrain from Ruam's own labels."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", type=Path, nargs="*", metavar="PATH", help="Traffy dumps")
        parser.add_argument(
            "--from-database",
            action="store_true",
            help="learn the labels confirmed in Ruam (plus the dumps given), keep the model in "
            "the database and let it answer unless it measures worse than the current one",
        )
        parser.add_argument(
            "--out",
            type=Path,
            default=training.DEFAULT_OUT,
            metavar="DIR",
            help="where the shipped model goes (default: %(default)s)",
        )
        parser.add_argument(
            "--split",
            action="append",
            type=training.Split.parse,
            metavar="BEFORE:UNTIL",
            help="learn before a day, test until another (YYYY-MM-DD:YYYY-MM-DD, UTC); "
            "repeatable (default: the splits in ruam.thai.training)",
        )
        parser.add_argument(
            "--test-weeks",
            type=float,
            default=2.0,
            help="--from-database: the newest weeks set aside to compare (default: %(default)s)",
        )
        parser.add_argument(
            "--tolerance",
            type=float,
            default=0.005,
            help="--from-database: how much lower micro- or macro-F1 may be before the new "
            "model is refused (default: %(default)s)",
        )
        parser.add_argument(
            "--eval-min",
            type=int,
            default=training.EVAL_MIN_EXAMPLES,
            help="--from-database: categories with this many training tickets are compared "
            "(default: %(default)s)",
        )
        parser.add_argument(
            "--no-activate",
            action="store_true",
            help="--from-database: keep the new model without letting it answer",
        )
        parser.add_argument("--min-df", type=int, default=None)
        parser.add_argument("--c", type=float, default=None, help="SVM C")
        parser.add_argument("--folds", type=int, default=None)
        parser.add_argument("--min-label-examples", type=int, default=None)
        parser.add_argument("--halflife-days", type=float, default=None)
        parser.add_argument(
            "--evaluate-only", action="store_true", help="measure the splits, write no model"
        )

    def handle(self, *args, **o):
        verbose = o["verbosity"] > 0
        started = time.monotonic()

        def log(message: str) -> None:
            if verbose:
                self.stderr.write(f"[{time.monotonic() - started:6.0f}s] {message}")

        names = ("min_df", "c", "folds", "min_label_examples")
        params = {k: o[k] for k in names if o[k] is not None}
        if o["halflife_days"] is not None:
            params["halflife_days"] = params["threshold_halflife_days"] = o["halflife_days"]
        for path in o["paths"]:
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
        try:
            if o["from_database"]:
                return self.from_database(o, params, log)
            if len(o["paths"]) != 1:
                raise CommandError("Give one Traffy dump (or --from-database).")
            summary = training.train(
                o["paths"][0],
                splits=o["split"] or training.SPLITS,
                params=params,
                out=o["out"],
                evaluate_only=o["evaluate_only"],
                log=log,
            )
        except ImportError as exc:
            if (exc.name or "").partition(".")[0] != "sklearn":
                raise
            raise CommandError("train-classifier needs scikit-learn (pip install).") from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if o["evaluate_only"]:
            self.stdout.write(training.summary_json(summary))
        elif verbose:
            for r in summary["splits"]:
                m = r["recipe"]
                self.stdout.write(
                    f"{r['split']['name']}: micro-F1 {m['micro_f1']:.4f}, macro-F1 "
                    f"{m['macro_f1']:.4f}"
                )
            self.stdout.write(f"Model: {o['out'] / summary['shipped']['file']}")

    def from_database(self, o: dict, params: dict, log) -> None:
        store = retraining.registered()
        if store is None:
            raise CommandError("No database store is registered (is ruam.reports installed?).")
        summary = retraining.retrain(
            store,
            dumps=o["paths"],
            params=params,
            test_weeks=o["test_weeks"],
            tolerance=o["tolerance"],
            eval_min=o["eval_min"],
            activate=not o["no_activate"],
            log=log,
        )
        c = summary["comparison"]
        new, old = c["candidate"], c["active"]
        verdict = "accepted" if c["accepted"] else "REFUSED: it measured worse"
        now = "answers now" if c["accepted"] and not o["no_activate"] else "kept, not answering"
        if o["verbosity"]:
            self.stdout.write(
                f"Newest {o['test_weeks']:g} weeks ({summary['data']['test']:,} tickets): new "
                f"micro-F1 {new['micro_f1']:.4f} macro-F1 {new['macro_f1']:.4f}; "
                f"{c['active_model']}: {old['micro_f1']:.4f} / {old['macro_f1']:.4f}. "
                f"{verdict}. {summary['kept_as']} {now}."
            )
