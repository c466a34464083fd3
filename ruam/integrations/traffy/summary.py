"""The account of an import: what each committed batch added, the rejected rows file, the
progress line while it runs, and the summary ``ruam import-traffy`` prints.

Every row read ends in exactly one count: created, updated, unchanged or rejected (by reason),
and ``ImportSummary.lines()`` prints the check.
"""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, TextIO

from ruam.integrations.traffy.plan import Batch
from ruam.integrations.traffy.reader import REASONS

REJECTS_HEADER = ["line", "ticket_id", "reason", "detail", "file"]


class Counts(NamedTuple):
    """What writing one batch did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    events: int = 0
    status_changes: int = 0


@dataclass
class ImportSummary:
    files: list[str] = field(default_factory=list)
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    events_created: int = 0
    status_changes: int = 0
    # Warnings: the row was imported anyway.
    unknown_labels: Counter[str] = field(default_factory=Counter)
    truncated_descriptions: int = 0
    dropped_photo_urls: int = 0
    bad_last_activity: int = 0
    no_subdistrict: int = 0
    elapsed: float = 0.0
    interrupted: bool = False
    # After the rows: the search index and the classifier's labels for unlabelled tickets.
    indexed: int = 0
    classified: int = 0
    duplicates: int = 0  # new probable-duplicate suggestions for staff to confirm
    index_seconds: float = 0.0

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    @property
    def accounted(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected_total

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.elapsed if self.elapsed > 0 else 0.0

    def add(self, batch: Batch, counts: Counts) -> None:
        """A committed batch: its rows now count (the caller holds the lock, if threads)."""
        self.rows_read += batch.rows
        self.created += counts.created
        self.updated += counts.updated
        self.unchanged += counts.unchanged
        self.events_created += counts.events
        self.status_changes += counts.status_changes
        for item in batch.rejects:
            self.rejected[item.reason] += 1
        self.unknown_labels.update(batch.unknown_labels)
        self.no_subdistrict += batch.no_subdistrict
        for ticket in batch.tickets:
            self.truncated_descriptions += ticket.truncated
            self.dropped_photo_urls += ticket.dropped_urls
            self.bad_last_activity += ticket.bad_last_activity

    def lines(self) -> list[str]:
        """The summary as printed by ``ruam import-traffy``."""
        n = "{:,}".format
        out = [
            f"Traffy import{' (INTERRUPTED)' if self.interrupted else ''}: "
            + ", ".join(self.files),
            f"  {'rows read':<19}{n(self.rows_read):>10}",
            f"  {'created':<19}{n(self.created):>10}",
            f"  {'updated':<19}{n(self.updated):>10}",
            f"  {'unchanged':<19}{n(self.unchanged):>10}",
            f"  {'rejected':<19}{n(self.rejected_total):>10}",
        ]
        for reason in REASONS:
            if self.rejected.get(reason):
                out.append(f"    {reason:<17}{n(self.rejected[reason]):>10}")
        check = "=" if self.accounted == self.rows_read else "≠"
        out.append(
            f"  created + updated + unchanged + rejected = {n(self.accounted)} {check} rows read"
        )
        out.append(
            f"  {'events added':<19}{n(self.events_created):>10}"
            f"  (status changes: {n(self.status_changes)})"
        )
        if self.unknown_labels:
            labels = ", ".join(f"{k} ×{n(v)}" for k, v in self.unknown_labels.most_common(10))
            more = len(self.unknown_labels) - 10
            tail = f" … and {more} more" if more > 0 else ""
            out.append(
                f"  warning: unknown type labels ignored "
                f"({n(sum(self.unknown_labels.values()))}): {labels}{tail}"
            )
        for count, text in (
            (self.truncated_descriptions, "comments longer than 4,000 characters truncated"),
            (self.dropped_photo_urls, "photo URLs dropped (not http(s) or over 500 characters)"),
            (self.bad_last_activity, "unreadable last_activity values ignored"),
            (self.no_subdistrict, "reports placed in a district without a แขวง"),
        ):
            if count:
                out.append(f"  warning: {n(count)} {text}")
        out.append(f"  elapsed {self.elapsed:.1f} s, {n(round(self.rows_per_second))} rows/s")
        if self.indexed or self.classified or self.duplicates:
            out.append(
                f"  then: {n(self.classified)} unlabelled tickets classified, "
                f"{n(self.indexed)} reports indexed for search, "
                f"{n(self.duplicates)} probable duplicates found ({self.index_seconds:.1f} s)"
            )
        return out


class RejectsFile:
    """``--rejects FILE``: every rejected row, written anew by each run, batch by batch as
    batches commit, in line order within a batch."""

    def __init__(self, path: Path) -> None:
        self.file = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 (see close)
        self.writer = csv.writer(self.file)
        self.writer.writerow(REJECTS_HEADER)

    def add(self, batch: Batch) -> None:
        if batch.rejects:
            batch.rejects.sort(key=lambda r: r.line)
            self.writer.writerows(
                (r.line, r.ticket_id, r.reason, r.detail, batch.file) for r in batch.rejects
            )
            self.file.flush()

    def close(self) -> None:
        self.file.close()


# -- progress ---------------------------------------------------------------------------------


def _clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    """A progress line on a stream: redrawn in place on a terminal (at most 5 times a second),
    else one line every ``interval`` seconds at most. ``total`` is in bytes of the files as
    stored; the ETA extrapolates from the share of bytes read."""

    def __init__(
        self,
        total: int | None,
        stream: TextIO | None = None,
        interval: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total or None
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty())
        self.interval = 0.2 if self.tty else interval
        self.clock = clock
        self.started = clock()
        self.last = self.started
        self.drawn = False

    def text(self, rows: int, done: int | None) -> str:
        elapsed = self.clock() - self.started
        rate = rows / elapsed if elapsed > 0 else 0.0
        parts = [f"{rows:,} rows read", f"{rate:,.0f} rows/s"]
        if self.total and done is not None and done > 0:
            share = min(done / self.total, 1.0)
            parts.append(f"{share:.0%}")
            parts.append(f"ETA {_clock(elapsed * (1 - share) / share)}")
        parts.append(f"elapsed {_clock(elapsed)}")
        return " · ".join(parts)

    def update(self, rows: int, done: int | None, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self.last < self.interval:
            return
        self.last = now
        if self.tty:
            self.stream.write("\r" + self.text(rows, done) + "\x1b[K")
            self.drawn = True
        else:
            self.stream.write(self.text(rows, done) + "\n")
        self.stream.flush()

    def finish(self, rows: int, done: int | None) -> None:
        if self.tty:
            self.update(rows, done, force=True)
            self.stream.write("\n")
            self.stream.flush()
