"""ruam import-traffy PATH… [--rejects FILE] [--batch-size N] [--writers N] [--no-progress]

Traffy Fondue's public dump (.csv or .csv.gz) → reports.

Idempotent and restartable (see ``ruam/integrations/traffy/importer.py`` and docs/IMPORT.md).
"""

from __future__ import annotations

import signal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ruam.integrations.traffy.importer import DEFAULT_BATCH_SIZE, ImportFailed, TraffyImporter

# Two writers keep PostgreSQL busy on both cores of a small machine (docs/IMPORT.md).
AUTO_WRITERS = 2


class _Terminated(KeyboardInterrupt):
    """SIGTERM (kill): stop like Ctrl-C, between two statements, so the summary is printed."""


def _terminate(signum, frame):
    raise _Terminated


class Command(BaseCommand):
    help = (
        "Import Traffy Fondue tickets from the public dump (.csv or .csv.gz) as reports. "
        "Safe to run again: existing tickets are updated or left alone, never duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            type=Path,
            metavar="PATH",
            help="Traffy dump files (.csv or .csv.gz).",
        )
        parser.add_argument(
            "--rejects",
            type=Path,
            metavar="FILE",
            help="Write every row not imported to this CSV (line, ticket_id, reason, detail, "
            "file). Default: the summary only.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            metavar="N",
            help=f"Rows per transaction (default {DEFAULT_BATCH_SIZE:,}).",
        )
        parser.add_argument(
            "--writers",
            type=int,
            metavar="N",
            help="Threads writing batches while the next are read, each with its own database "
            f"connection (PostgreSQL only). Default: {AUTO_WRITERS} on PostgreSQL, else 0 "
            "(write in the reading thread).",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress line on stderr."
        )

    def handle(
        self,
        *args,
        paths: list[Path],
        rejects: Path | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        no_progress: bool = False,
        writers: int | None = None,
        verbosity: int = 1,
        **options,
    ):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        if rejects and not rejects.parent.is_dir():
            raise CommandError(f"No such folder for --rejects: {rejects.parent}")
        if writers is None:
            writers = AUTO_WRITERS if connection.vendor == "postgresql" else 0
        importer = TraffyImporter(
            batch_size=batch_size,
            writers=writers,
            rejects_path=rejects,
            progress=not no_progress and verbosity > 0,
            progress_stream=getattr(self.stderr, "_out", None),
        )
        previous = signal.getsignal(signal.SIGTERM)
        try:
            signal.signal(signal.SIGTERM, _terminate)
        except ValueError:  # not the main thread (e.g. called from a server): leave it
            previous = None
        try:
            importer.run(paths)
            if importer.progress:
                # Plain, like the progress line: stderr's default style is the error colour.
                self.stderr.write(
                    "Classifying, indexing for search, looking for duplicates…",
                    style_func=lambda text: text,
                )
            importer.classify_and_index()
        except ImportFailed as exc:
            self._print(importer, verbosity)
            raise CommandError(str(exc)) from exc
        except KeyboardInterrupt as exc:
            self._print(importer, verbosity)
            raise CommandError(
                "Interrupted: the batches committed so far are kept. "
                "Run the same command again to finish; nothing will be imported twice.",
                returncode=130,
            ) from exc
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        self._print(importer, verbosity)
        if rejects and verbosity:
            self.stdout.write(f"Rejected rows written to {rejects}")

    def _print(self, importer: TraffyImporter, verbosity: int) -> None:
        if verbosity:
            for line in importer.summary.lines():
                self.stdout.write(line)
