"""ruam train-classifier PATH [--out DIR] [--holdout-from YYYY-MM-DD] : the Traffy category model.

A developer's command (it needs scikit-learn): trains ``ruam.thai.classifier`` on a Traffy dump
(.csv or .csv.gz), measures it on the latest months, retrains on everything and writes the
shipped model and its card. How, step by step: ``ruam.thai.training``.

Writes ``DIR/traffy_categories.npz``, ``DIR/MODEL_CARD.md`` and ``DIR/evaluation.json``.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ruam.thai import training


class Command(BaseCommand):
    help = (
        "Train the Traffy category classifier on a dump (.csv or .csv.gz) with a time-based "
        "holdout, then retrain on everything and write the model and its card."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, metavar="PATH")
        parser.add_argument(
            "--out",
            type=Path,
            default=training.DEFAULT_OUT,
            metavar="DIR",
            help="default: %(default)s",
        )
        parser.add_argument(
            "--holdout-from",
            type=dt.date.fromisoformat,
            default=training.DEFAULT_HOLDOUT_FROM,
            metavar="YYYY-MM-DD",
            help="tickets from this day (UTC) on are held out (default: %(default)s)",
        )
        parser.add_argument(
            "--validation-from",
            type=dt.date.fromisoformat,
            default=None,
            metavar="YYYY-MM-DD",
            help="start of the validation slice that tunes thresholds (default: the month "
            "before --holdout-from)",
        )
        parser.add_argument("--min-df", type=int, default=5, help="default: %(default)s")
        parser.add_argument("--c", type=float, default=1.0, help="SVM C (default: %(default)s)")
        parser.add_argument("--folds", type=int, default=5, help="default: %(default)s")
        parser.add_argument(
            "--min-label-examples", type=int, default=20, help="default: %(default)s"
        )
        parser.add_argument("--no-stack", action="store_true", help="stage 1 only")
        parser.add_argument(
            "--evaluate-only", action="store_true", help="measure, but write no model"
        )

    def handle(self, *args, **o):
        verbose = o["verbosity"] > 0
        started = time.monotonic()

        def log(message: str) -> None:
            if verbose:
                self.stderr.write(f"[{time.monotonic() - started:6.0f}s] {message}")

        try:
            summary = training.train(
                o["path"],
                holdout_from=o["holdout_from"],
                validation_from=o["validation_from"],
                params={
                    "min_df": o["min_df"],
                    "c": o["c"],
                    "stack": not o["no_stack"],
                    "folds": o["folds"],
                    "min_label_examples": o["min_label_examples"],
                },
                out=o["out"],
                evaluate_only=o["evaluate_only"],
                log=log,
                log_fitting=log if o["verbosity"] > 1 else None,
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
            main = summary["evaluation"]["validation_thresholds"]
            self.stdout.write(
                f"Holdout ({summary['data']['holdout_from']} on): micro-F1 "
                f"{main['micro_f1']:.4f}, macro-F1 {main['macro_f1']:.4f}. "
                f"Model: {o['out'] / summary['shipped']['file']}"
            )
