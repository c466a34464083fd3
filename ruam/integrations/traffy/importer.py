"""Importing Traffy Fondue tickets as Ruam reports, in batches: fast, idempotent, restartable.

A ticket is a Report with ``channel="import"`` and ``external_id`` = its ticket_id (unique per
channel). Each batch of rows is one transaction: its new reports, their "created" events and
categories, and the changes to reports imported before (status, rating, reopen count,
after-photo) with a "status" event for each change of status. A run that is stopped loses at
most the batches in progress; running it again skips what is there and finishes the rest, so
the end is the same as one clean run.

The stages, one module each:

- ``reader.py``: the dump's rows → a ``Ticket`` or a ``Rejected`` (pure Python);
- ``plan.py``: the checks that need a whole batch (in Bangkok, first of its ticket_id), and
  what each new or changed ticket becomes (routing, categories, area, deadline, events);
- ``writer.py``: each batch in one transaction (COPY, the optimistic write and its fallback,
  reference checks, ANALYZE);
- ``summary.py``: the counts, the rejected rows file, the progress line, the printed summary.

This module runs them. The calling thread reads, parses, locates and de-duplicates the rows.
With ``writers=0`` (the default) it also writes each batch; with ``writers=N`` (PostgreSQL only)
N threads, each with its own connection, write batches while the next ones are read: the
database, not Python, is then the limit. After the rows, ``classify_and_index`` gives the
unlabelled tickets the classifier's categories, indexes the new reports for search and looks
for probable duplicates.

``docs/IMPORT.md`` has the rules and the measured speed; ``ruam import-traffy`` is the command.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from django.db import connection, transaction
from django.utils import timezone

from ruam.core.rows import Writers
from ruam.framework.models import Category
from ruam.framework.selectors import RoutingTable
from ruam.geo.locate import get_locator
from ruam.geo.models import District, Subdistrict
from ruam.integrations.traffy.plan import STATES, Batch, BatchChecks, Planner
from ruam.integrations.traffy.reader import DumpFile, DumpFormatError, Rejected, RowParser, Ticket
from ruam.integrations.traffy.summary import ImportSummary, Progress, RejectsFile
from ruam.integrations.traffy.writer import BatchWriter, ImportFailed, Statistics
from ruam.reports.models import Channel, Report
from ruam.reports.services import classify_unlabelled

# ImportFailed and ImportSummary are part of this module's interface (the command, demo data).
__all__ = ["DEFAULT_BATCH_SIZE", "ImportFailed", "ImportSummary", "TraffyImporter", "import_files"]

DEFAULT_BATCH_SIZE = 4000


class TraffyImporter:
    """One run over one or more files. ``summary`` grows batch by batch as batches commit, so a
    caller that catches an interruption can still say what was done.

    ``after_batch(number)`` is called after each batch is committed (tests use it to simulate a
    crash). ``writers``: see the module docstring; ignored (0) except on PostgreSQL outside a
    transaction.
    """

    def __init__(
        self,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        rejects_path: Path | None = None,
        progress: bool = False,
        progress_stream: TextIO | None = None,
        progress_interval: float = 10.0,
        writers: int = 0,
        after_batch: Callable[[int], None] | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.batch_size = batch_size
        self.rejects_path = Path(rejects_path) if rejects_path else None
        self.progress = progress
        self.progress_stream = progress_stream
        self.progress_interval = progress_interval
        self.writers = max(0, writers)
        self.after_batch = after_batch
        self.summary = ImportSummary()
        self.started_at = time.time()
        self.batches = 0  # committed
        self._lock = threading.Lock()  # the summary and the rejects file, between writers
        self._rejects: RejectsFile | None = None

    def load_lookups(self) -> None:
        """What the run reads once: the reference data, the routing table, the locator."""
        district_codes = set(District.objects.values_list("code", flat=True))
        if not district_codes:
            raise ImportFailed("No districts in the database: run `ruam load-reference` first.")
        categories = {c.name_th: c for c in Category.objects.all()}
        self.routing = RoutingTable()
        self.checks = BatchChecks(
            locator=get_locator(),
            district_codes=district_codes,
            subdistrict_codes=set(Subdistrict.objects.values_list("code", flat=True)),
            categories=categories,
        )
        self.planner = Planner(
            categories=categories,
            routing=self.routing,
            now=timezone.now(),
            adapt_datetime=connection.ops.adapt_datetimefield_value,
        )
        self.writer = BatchWriter(self.planner)
        self.statistics = Statistics()

    # -- running --

    def run(self, paths: Iterable[Path | str]) -> ImportSummary:
        # No cyclic garbage collection while rows stream through: an import makes almost no
        # cycles (under a hundred objects over 167,000 rows), but the collector walked every
        # live object again and again, ~15% of the importer's CPU. Back on at the end.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._run(paths)
        finally:
            if collecting:
                gc.enable()

    def _run(self, paths: Iterable[Path | str]) -> ImportSummary:
        paths = [Path(p) for p in paths]
        for path in paths:
            if not path.is_file():
                raise ImportFailed(f"No such file: {path}")
        self.summary.files = [str(p) for p in paths]
        self.started_at = time.time()
        started = time.monotonic()
        self.load_lookups()
        total = sum(p.stat().st_size for p in paths)
        progress = (
            Progress(total, self.progress_stream, self.progress_interval) if self.progress else None
        )
        if self.rejects_path:
            self._rejects = RejectsFile(self.rejects_path)
        done_before = 0
        try:
            with Writers(self.commit_batch, self.writers) as writers:
                for path in paths:
                    with DumpFile(path) as dump:
                        try:
                            parser = RowParser(dump.header, STATES)
                        except DumpFormatError as exc:
                            raise ImportFailed(f"{path}: {exc}") from exc
                        items: list[Ticket | Rejected] = []
                        for line, row in dump.rows():
                            items.append(parser.parse(line, row))
                            if len(items) >= self.batch_size:
                                writers.submit(self.checks.batch(str(path), items))
                                items = []
                                if progress:
                                    progress.update(
                                        self.summary.rows_read, done_before + dump.position()
                                    )
                        if items:
                            writers.submit(self.checks.batch(str(path), items))
                    done_before += dump.size
        except BaseException as exc:
            self.summary.interrupted = True
            if isinstance(exc, DumpFormatError):
                raise ImportFailed(str(exc)) from exc
            raise
        finally:
            self.summary.elapsed = time.monotonic() - started
            if progress:
                progress.finish(self.summary.rows_read, done_before)
            if self._rejects:
                self._rejects.close()
        return self.summary

    def commit_batch(self, batch: Batch, along: Callable[[], None] | None = None) -> None:
        """Write one batch (in the calling thread or a writer thread), then count it.
        ``along``: more to write in the batch's own transaction (the sync's cursor)."""
        if along is None:
            counts = self.writer.commit(batch.tickets)
        else:
            with transaction.atomic():
                counts = self.writer.commit(batch.tickets)
                along()
        with self._lock:
            self.summary.add(batch, counts)
            if self._rejects:
                self._rejects.add(batch)
            self.batches += 1
            number = self.batches
        self.statistics.grew(counts.created)
        if self.after_batch:
            self.after_batch(number)

    def classify_and_index(self) -> None:
        """After the rows: the classifier's categories for unlabelled imported tickets, search
        entries for the reports without one, open/closed flags of entries whose report this
        run moved, and probable duplicates of the open reports this run created or moved (after
        the categories, which decide what may duplicate what). Done after the rows, not per
        batch, so the import itself stays fast; a run that was interrupted leaves classifying
        and indexing to the next one, which finds what is missing."""
        from ruam.reports.duplicates import suggest_many
        from ruam.search.index import index_missing_reports, refresh_open_flags

        t = time.time()
        since = dt.datetime.fromtimestamp(self.started_at, tz=dt.UTC)
        self.summary.classified = classify_unlabelled(Report.objects.filter(channel=Channel.IMPORT))
        self.summary.indexed = index_missing_reports()
        refresh_open_flags(modified_since=self.started_at)
        self.summary.duplicates = suggest_many(
            Report.objects.filter(channel=Channel.IMPORT, modified__gte=since)
        )
        # The figures' tallies, whole: an import sends no per-report signals.
        from ruam.insights.cube import rebuild

        rebuild()
        self.summary.index_seconds = time.time() - t


def import_files(
    paths: list[Path],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    rejects_path: Path | None = None,
    progress: bool = False,
    writers: int = 0,
) -> ImportSummary:
    """Import Traffy Fondue dump files (.csv or .csv.gz); see the module docstring.

    Raises ``ImportFailed`` when it cannot start or a file cannot be read; batches committed
    before that stay (run it again to finish).
    """
    importer = TraffyImporter(
        batch_size=batch_size, rejects_path=rejects_path, progress=progress, writers=writers
    )
    summary = importer.run(paths)
    if not summary.interrupted:
        importer.classify_and_index()
    return summary
