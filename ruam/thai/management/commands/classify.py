"""ruam classify IN.csv -o OUT.csv : Traffy categories of every ticket of a dump.

Reads a Traffy dump (.csv or .csv.gz, the columns of the public dump; only ``ticket_id`` and
``comment`` are used) and writes ``ticket_id,labels`` with the labels in the dump's own format,
``{ถนน,ทางเท้า}``: at least one (the likeliest where none is sure), ``{}`` only for a text with no
word the model knows. Uses the shipped model (``ruam/data/models/traffy_categories.npz``) unless
``--model`` names another.
"""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ruam.thai import classifier as clf

BATCH = 20_000


class Command(BaseCommand):
    help = (
        "Suggest Traffy categories for every ticket of a dump (.csv or .csv.gz); writes "
        "ticket_id,labels with labels like {ถนน,ทางเท้า} (the likeliest one where none is sure; "
        "{} only for a text with no word the model knows)."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path, metavar="IN")
        parser.add_argument(
            "-o", "--output", type=Path, required=True, metavar="OUT", help="CSV to write"
        )
        parser.add_argument("--model", type=Path, default=None, help=f"default: {clf.MODEL_PATH}")
        parser.add_argument(
            "--workers",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="processes for large batches (default: %(default)s)",
        )

    def handle(self, *args, input: Path, output: Path, model: Path | None, workers: int, **o):
        if not input.is_file():
            raise CommandError(f"No such file: {input}")
        if not output.parent.is_dir():
            raise CommandError(f"No such folder: {output.parent}")
        try:
            if model is not None:
                if not model.is_file():
                    raise CommandError(f"No such model: {model}")
                classifier = clf.CategoryClassifier.load(model)
            else:
                classifier = clf.get_classifier()
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Cannot read the model: {exc}") from exc
        if classifier is None:
            raise CommandError(
                f"No model at {clf.MODEL_PATH}: train one with `ruam train-classifier`."
            )
        started = time.monotonic()
        total = unsure = 0
        tmp = output.with_name(output.name + ".tmp")
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(["ticket_id", "labels"])
                for ids, texts in _batches(input):
                    labels = classifier.predict(texts, workers=max(1, workers))
                    writer.writerows(
                        (i, clf.format_labels(ls)) for i, ls in zip(ids, labels, strict=True)
                    )
                    total += len(ids)
                    unsure += sum(1 for ls in labels if not ls)
            os.replace(tmp, output)
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            tmp.unlink(missing_ok=True)
            raise CommandError(f"{input}: {exc}") from exc
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        if o["verbosity"]:
            seconds = time.monotonic() - started
            self.stdout.write(
                f"{total:,} tickets classified in {seconds:.1f} s "
                f"({total / max(seconds, 1e-9):,.0f}/s); {unsure:,} left {{}} (no known word). "
                f"Written to {output}"
            )


def _batches(path: Path):
    ids: list[str] = []
    texts: list[str] = []
    for row in clf.read_dump(path):
        if "comment" not in row:
            raise CommandError(f"{path}: no 'comment' column")
        ids.append(row.get("ticket_id") or "")
        texts.append(row.get("comment") or "")
        if len(ids) >= BATCH:
            yield ids, texts
            ids, texts = [], []
    if ids:
        yield ids, texts
