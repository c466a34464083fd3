"""Writing Traffy Fondue tickets as Ruam reports, in batches: fast, idempotent, restartable.

A ticket is a Report with ``channel="import"`` and ``external_id`` = its ticket_id (unique per
channel). Each batch of rows is one transaction: its new reports, their "created" events and
categories, and the changes to reports imported before (status, rating, reopen count,
after-photo) with a "status" event for each change of status. A run that is stopped loses at
most the batches in progress; running it again skips what is there and finishes the rest, so
the end is the same as one clean run.

Every row read ends in exactly one count: created, updated, unchanged or rejected (by reason).
``docs/IMPORT.md`` has the rules and the measured speed; ``ruam import-traffy`` is the command.

The calling thread reads, parses, locates and de-duplicates the rows. With ``writers=0`` (the
default) it also writes each batch; with ``writers=N`` (PostgreSQL only) N threads, each with its
own connection, write batches while the next ones are read: the database, not Python, is then
the limit.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import secrets
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ruam.bodies.models import Body
from ruam.core.rows import Inserter, Writers
from ruam.framework.models import Category, RoutingRule
from ruam.geo.locate import get_locator
from ruam.geo.models import District, Subdistrict
from ruam.integrations.traffy.reader import (
    DUPLICATE_IN_FILE,
    OUTSIDE_BANGKOK,
    REASONS,
    DumpFile,
    DumpFormatError,
    Rejected,
    RowParser,
    Ticket,
)
from ruam.reports.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Channel,
    Report,
    ReportEvent,
    grid_cells,
)
from ruam.reports.services import classify_unlabelled
from ruam.reports.statuses import TRAFFY_STATES

NOTE = "นำเข้าจาก Traffy Fondue / imported from Traffy Fondue"
# Traffy's Thai state → Ruam's status, as plain strings for the database driver.
STATES = {state: str(status) for state, status in TRAFFY_STATES.items()}
CREATED = ReportEvent.Kind.CREATED.value
IMPORT = Channel.IMPORT.value
STATUS = ReportEvent.Kind.STATUS.value
DEFAULT_BATCH_SIZE = 4000
# ANALYZE the reports table (PostgreSQL) each time a run has made it this many times bigger
# than when the planner last counted it (from ANALYZE_MIN_ROWS rows).
ANALYZE_GROWTH = 8
ANALYZE_MIN_ROWS = 500
LOOKED_UP = ("channel", "external_id", "code")
DEFAULT_DEADLINE_DAYS = 15  # with no category, as for a native report (services._create)
REJECTS_HEADER = ["line", "ticket_id", "reason", "detail", "file"]
REPORT_FIELDS = [
    "code",
    "description",
    "lat",
    "lon",
    "cell",
    "address",
    "district_id",
    "subdistrict_id",
    "area_id",
    "channel",
    "responsible_id",
    "department_id",
    "deadline",
    "status",
    "status_changed",
    "rating",
    "reopen_count",
    "external_id",
    "external_photo_url",
    "external_after_photo_url",
    "created",
    "modified",
]
EVENT_FIELDS = [
    "report_id",
    "kind",
    "from_status",
    "to_status",
    "note",
    "target_body_id",
    "created",
]
EXISTING_FIELDS = [
    "id",
    "status",
    "rating",
    "reopen_count",
    "external_after_photo_url",
]
UPDATED_FIELDS = ["rating", "reopen_count", "external_after_photo_url", "modified"]
MOVED_FIELDS = ["status", "status_changed", *UPDATED_FIELDS]


class ImportFailed(Exception):
    """The import cannot start or go on (no reference data, an unreadable file)."""


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


# -- the importer -----------------------------------------------------------------------------


_ALPHABET = np.frombuffer(CODE_ALPHABET.encode("ascii"), dtype=np.uint8)


def new_codes(n: int) -> list[str]:
    """n random tracking codes in the Report alphabet, unbiased: random bytes at or above the
    largest multiple of the alphabet's size are thrown away before taking the remainder."""
    size = len(CODE_ALPHABET)
    limit = 256 - 256 % size
    need = n * CODE_LENGTH
    picked = np.empty(0, dtype=np.uint8)
    while len(picked) < need:
        data = np.frombuffer(secrets.token_bytes(need - len(picked) + need // 8 + 16), np.uint8)
        picked = np.concatenate([picked, data[data < limit]])
    text = _ALPHABET[picked[:need] % size].tobytes().decode("ascii")
    return [text[i : i + CODE_LENGTH] for i in range(0, need, CODE_LENGTH)]


@dataclass(frozen=True, slots=True)
class _Route:
    responsible_id: int | None
    department_id: int | None
    deadline_days: int


@dataclass
class _Batch:
    """Rows read, after every check: what one transaction writes."""

    file: str
    rows: int
    tickets: list[Ticket]
    rejects: list[Rejected]
    unknown_labels: Counter[str]
    no_subdistrict: int


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
        self._lock = threading.Lock()
        self._local = threading.local()  # per writer thread: the batch's References, if any
        self._seen: dict[str, int] = {}  # ticket_id → line of its first occurrence in this run
        self._sequence_literal: str | None = None
        self._plans: dict[tuple[tuple[str, ...], str], tuple] = {}
        self._rejects_file: TextIO | None = None
        self._rejects_writer = None

    # -- setup --

    def _load_lookups(self) -> None:
        self.district_codes = set(District.objects.values_list("code", flat=True))
        if not self.district_codes:
            raise ImportFailed("No districts in the database: run `ruam load-reference` first.")
        self.subdistrict_codes = set(Subdistrict.objects.values_list("code", flat=True))
        self.categories = {c.name_th: c for c in Category.objects.all()}
        self.offices = dict(
            Body.objects.filter(kind=Body.Kind.DISTRICT_OFFICE).values_list("district_id", "pk")
        )
        self._load_routes()
        self.locator = get_locator()
        self.now = timezone.now()
        self.adapt_datetime = connection.ops.adapt_datetimefield_value
        self.postgres = connection.vendor == "postgresql"
        self.reports_table = Inserter(
            Report, ["id", *REPORT_FIELDS] if self.postgres else REPORT_FIELDS
        )
        self.events_table = Inserter(ReportEvent, EVENT_FIELDS)
        self.links_table = Inserter(Report.categories.through, ["report_id", "category_id"])
        # Superusers write with PostgreSQL's per-row triggers off and check references per batch.
        self.check_references = self.postgres and _is_superuser()
        # Ticket_ids are looked up before writing unless no imported report is there yet.
        self._look_up = Report.objects.filter(
            channel=Channel.IMPORT, external_id__isnull=False
        ).exists()  # the partial unique index answers this
        self._rows_at_start = self._rows_analyzed = self._planner_rows()
        # SQLite allows 999 variables in a statement; PostgreSQL has no such limit.
        self.lookup_chunk = min(connection.features.max_query_params or 10_000, 10_000) - 1

    def _refs(self) -> References | None:
        return getattr(self._local, "references", None)

    def _load_routes(self) -> None:
        """What ``ruam.framework.selectors.route`` answers, for every category and district at
        once: two queries instead of two per (category, district) pair (~3 ms each)."""
        self._rules: dict[int, dict[str | None, RoutingRule]] = {}
        for rule in RoutingRule.objects.select_related("category"):
            self._rules.setdefault(rule.category_id, {})[rule.district_id] = rule
        self._divisions: dict[tuple[str, int], int] = {}
        for district, division_type, pk in (
            Body.objects.filter(kind=Body.Kind.DIVISION)
            .order_by(*Body._meta.ordering)
            .values_list("district_id", "division_type_id", "pk")
        ):
            self._divisions.setdefault((district, division_type), pk)  # route() takes .first()

    def _route(self, category: Category | None, district: str) -> _Route:
        """Responsible body, central department and deadline, as ``services._create`` sets
        them: the division ``route()`` names, else the district office. (Remembered per
        labels and district by ``_plan``'s callers.)"""
        office = self.offices.get(district)
        if category is None:
            return _Route(office, None, DEFAULT_DEADLINE_DAYS)
        rules = self._rules.get(category.pk, {})
        rule = rules.get(district) or rules.get(None)
        if rule is None:
            return _Route(office, None, category.deadline_days)
        division = self._divisions.get((district, rule.division_type_id))
        return _Route(division or office, rule.department_id, rule.effective_deadline_days)

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
        self.summary.index_seconds = time.time() - t

    def _run(self, paths: Iterable[Path | str]) -> ImportSummary:
        paths = [Path(p) for p in paths]
        for path in paths:
            if not path.is_file():
                raise ImportFailed(f"No such file: {path}")
        self.summary.files = [str(p) for p in paths]
        self.started_at = time.time()
        started = time.monotonic()
        self._load_lookups()
        total = sum(p.stat().st_size for p in paths)
        progress = (
            Progress(total, self.progress_stream, self.progress_interval) if self.progress else None
        )
        if self.rejects_path:
            self._rejects_file = open(  # noqa: SIM115 (closed in the finally below)
                self.rejects_path, "w", encoding="utf-8", newline=""
            )
            self._rejects_writer = csv.writer(self._rejects_file)
            self._rejects_writer.writerow(REJECTS_HEADER)
        done_before = 0
        try:
            with Writers(self._commit, self.writers) as writers:
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
                                writers.submit(self._prepare(str(path), items))
                                items = []
                                if progress:
                                    progress.update(
                                        self.summary.rows_read, done_before + dump.position()
                                    )
                        if items:
                            writers.submit(self._prepare(str(path), items))
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
            if self._rejects_file:
                self._rejects_file.close()
        return self.summary

    def _prepare(self, file: str, items: list[Ticket | Rejected]) -> _Batch:
        """The checks that need more than one row: in Bangkok (per batch), first of its id."""
        rejects = [item for item in items if isinstance(item, Rejected)]
        tickets = [item for item in items if isinstance(item, Ticket)]
        if tickets:
            tickets = self._locate(tickets, rejects)
            tickets = self._first_occurrences(tickets, rejects)
        unknown: Counter[str] = Counter()
        categories = self.categories
        for ticket in tickets:
            for label in ticket.labels:
                if label not in categories:
                    unknown[label] += 1
        no_subdistrict = sum(1 for t in tickets if t.subdistrict is None)
        return _Batch(file, len(items), tickets, rejects, unknown, no_subdistrict)

    def _commit(self, batch: _Batch) -> None:
        """Write one batch in one transaction; only then does it count."""
        # While batches hold only new tickets, a batch is written without looking its
        # ticket_ids up first: the unique (channel, external_id) index refuses one that is
        # there, and the batch is written again, looked up. One found turns look-ups on.
        look_up = self._look_up
        for attempt in range(3):
            try:
                counts = self._transaction(batch.tickets, look_up)
                break
            except IntegrityError:
                if not look_up:
                    look_up = self._look_up = True
                # A new report's tracking code was taken (see _codes): the same batch again,
                # with new codes. Anything else is a real error.
                elif attempt == 2 or not self._codes_taken():
                    raise
        created, updated, unchanged, events, changes = counts
        tickets = batch.tickets
        with self._lock:
            summary = self.summary
            summary.rows_read += batch.rows
            summary.created += created
            summary.updated += updated
            summary.unchanged += unchanged
            summary.events_created += events
            summary.status_changes += changes
            for item in batch.rejects:
                summary.rejected[item.reason] += 1
            summary.unknown_labels.update(batch.unknown_labels)
            summary.no_subdistrict += batch.no_subdistrict
            for ticket in tickets:
                summary.truncated_descriptions += ticket.truncated
                summary.dropped_photo_urls += ticket.dropped_urls
                summary.bad_last_activity += ticket.bad_last_activity
            if self._rejects_writer and batch.rejects:
                batch.rejects.sort(key=lambda r: r.line)
                self._rejects_writer.writerows(
                    (r.line, r.ticket_id, r.reason, r.detail, batch.file) for r in batch.rejects
                )
                self._rejects_file.flush()
            self.batches += 1
            number = self.batches
        if self.postgres and created and self._grown():
            self._analyze()
        if self.after_batch:
            self.after_batch(number)

    def _transaction(
        self, tickets: list[Ticket], look_up: bool = True
    ) -> tuple[int, int, int, int, int]:
        """Write the tickets in one transaction: created, updated, unchanged, events, changes.
        ``look_up=False``: as if none of them were there (see _commit)."""
        # Settings made in a caller's transaction would outlive the batch: only our own.
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if tickets and self.postgres:
                # Don't wait for the WAL flush of each batch: a server crash could lose the last
                # batches committed (never half a batch), which running the import again restores.
                settings = {"synchronous_commit": "off"}
                if self.check_references and outermost:
                    # No foreign-key trigger per row: see References.
                    settings["session_replication_role"] = "replica"
                    self._local.references = References()
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(settings)),
                        [value for pair in settings.items() for value in pair],
                    )
            try:
                counts = self._write(tickets, look_up) if tickets else (0, 0, 0, 0, 0)
                references = self._refs()
                if references is not None:
                    references.check()
            finally:
                self._local.references = None
        return counts

    def _planner_rows(self) -> int:
        """How many reports the planner's statistics count (PostgreSQL; 0 if never counted)."""
        if not self.postgres:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                [connection.ops.quote_name(Report._meta.db_table)],
            )
            return max(0, int(cursor.fetchone()[0]))

    def _grown(self) -> bool:
        """Has the reports table grown ANALYZE_GROWTH times since the planner last counted it
        (or since this run started)? Then it is counted again, once."""
        with self._lock:
            rows = self._rows_at_start + self.summary.created
            if rows < ANALYZE_GROWTH * max(self._rows_analyzed, ANALYZE_MIN_ROWS):
                return False
            self._rows_analyzed = rows
            return True

    def _analyze(self) -> None:
        """Refresh the planner's statistics of the reports table while it grows: without them
        PostgreSQL takes a table that grew from nothing for a small one, and looks the next
        batch's ticket_ids up by scanning every imported report (~100 ms a batch and rising)."""
        qn = connection.ops.quote_name
        # Only the columns the import looks reports up by: the whole table's statistics cost
        # ten times more (its long texts) and the import does not need them.
        columns = ", ".join(qn(Report._meta.get_field(f).column) for f in LOOKED_UP)
        # A sample of 3,000 rows, not 30,000 (20× faster): enough to see a unique ticket_id in
        # a table of this size. Autovacuum's own ANALYZE, which a big import sets off, takes
        # the full sample later.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('default_statistics_target')")
            target = cursor.fetchone()[0]
            cursor.execute("SELECT set_config('default_statistics_target', '10', true)")
            cursor.execute(f"ANALYZE {qn(Report._meta.db_table)} ({columns})")
            cursor.execute("SELECT set_config('default_statistics_target', %s, true)", [target])

    def _locate(self, tickets: list[Ticket], rejects: list[Rejected]) -> list[Ticket]:
        lat = np.fromiter((t.lat for t in tickets), dtype=float, count=len(tickets))
        lon = np.fromiter((t.lon for t in tickets), dtype=float, count=len(tickets))
        districts, subdistricts = self.locator.locate_many(lat, lon)
        cells = grid_cells(lat, lon).tolist()
        kept = []
        for ticket, district, sub, cell in zip(
            tickets, districts.tolist(), subdistricts.tolist(), cells, strict=True
        ):
            if district and district in self.district_codes:
                ticket.district = district
                ticket.subdistrict = sub if sub in self.subdistrict_codes else None
                ticket.cell = cell
                kept.append(ticket)
            else:
                where = f" (province: {ticket.province})" if ticket.province else ""
                rejects.append(
                    Rejected(
                        ticket.line,
                        ticket.ticket_id,
                        OUTSIDE_BANGKOK,
                        f"lon {ticket.lon}, lat {ticket.lat}{where}",
                    )
                )
        return kept

    def _first_occurrences(self, tickets: list[Ticket], rejects: list[Rejected]) -> list[Ticket]:
        """The first importable row of a ticket_id in this run wins; later ones are rejected."""
        seen = self._seen
        kept = []
        for ticket in tickets:
            first = seen.get(ticket.ticket_id)
            if first is None:
                seen[ticket.ticket_id] = ticket.line
                kept.append(ticket)
            else:
                rejects.append(
                    Rejected(
                        ticket.line,
                        ticket.ticket_id,
                        DUPLICATE_IN_FILE,
                        f"first seen on line {first} of this run",
                    )
                )
        return kept

    def _select(self, field: str, values: list[str], fields: list[str], imported: bool) -> list:
        """``fields`` of the reports whose ``field`` is one of ``values`` (of imported reports
        only, if ``imported``): one query with an array on PostgreSQL (a list of 2,000
        placeholders costs more to build than to run), chunks of ``IN (…)`` elsewhere."""
        if not values:
            return []
        if self.postgres:
            qn = connection.ops.quote_name
            meta = Report._meta
            columns = ", ".join(qn(meta.get_field(name).column) for name in fields)
            # One text parameter split by the server: sending 2,000 values as an array costs
            # more CPU here than the query does there. Ticket ids and codes have no commas.
            if any("," in value for value in values):
                where, params = f"{qn(meta.get_field(field).column)} = ANY(%s)", [values]
            else:
                column = qn(meta.get_field(field).column)
                where, params = f"{column} = ANY(string_to_array(%s, ','))", [",".join(values)]
            if imported:
                where = f"{qn('channel')} = %s AND {where}"
                params.insert(0, Channel.IMPORT.value)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {columns} FROM {qn(meta.db_table)} WHERE {where}", params)  # noqa: S608
                return cursor.fetchall()
        rows: list = []
        queryset = Report.objects.filter(channel=Channel.IMPORT) if imported else Report.objects
        for i in range(0, len(values), self.lookup_chunk):
            chunk = values[i : i + self.lookup_chunk]
            rows.extend(queryset.filter(**{f"{field}__in": chunk}).order_by().values_list(*fields))
        return rows

    def _existing(self, ids: list[str]) -> dict[str, tuple]:
        """ticket_id → (pk, status, rating, reopen_count, after-photo URL)."""
        rows = self._select("external_id", ids, ["external_id", *EXISTING_FIELDS], True)
        return {row[0]: row[1:] for row in rows}

    def _codes(self, n: int) -> list[str]:
        """n distinct new tracking codes, not checked against the reports: a clash with one
        (rare, ~2% over 167,000 imports) fails the batch on the unique constraint, and
        ``_commit`` writes it again with new codes."""
        codes: dict[str, None] = {}
        while len(codes) < n:
            codes.update(dict.fromkeys(new_codes(n - len(codes))))
        self._local.codes = list(codes)[:n]
        return self._local.codes

    def _codes_taken(self) -> bool:
        """Does a report already have one of the codes the last batch of this thread tried?"""
        codes = getattr(self._local, "codes", None) or []
        return bool(self._select("code", codes, ["code"], False))

    def _sequence(self) -> str:
        """The reports' primary-key sequence, as a quoted SQL literal (PostgreSQL)."""
        if self._sequence_literal is None:
            meta = Report._meta
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_get_serial_sequence(%s, %s)",
                    [connection.ops.quote_name(meta.db_table), meta.pk.column],
                )
                name = cursor.fetchone()[0]
            self._sequence_literal = "'" + name.replace("'", "''") + "'"
        return self._sequence_literal

    def _new_ids(self, tickets: list[Ticket]) -> list[int] | None:
        """Primary keys for the new reports before they are written (PostgreSQL: from the
        table's sequence, so COPY can include them); None elsewhere."""
        if not self.postgres:
            return None
        # The sequence as a constant: ``pg_get_serial_sequence(…)`` in the query was evaluated
        # once per row (4 ms a batch, against 0.7 ms).
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT nextval({self._sequence()}::regclass) FROM generate_series(1, %s)",  # noqa: S608
                [len(tickets)],
            )
            return [row[0] for row in cursor.fetchall()]

    def _write(self, tickets: list[Ticket], look_up: bool) -> tuple[int, int, int, int, int]:
        existing = self._existing([t.ticket_id for t in tickets]) if look_up else {}
        new = [t for t in tickets if t.ticket_id not in existing]
        created = self._create(new) if new else 0
        events = created
        updated = unchanged = changes = 0
        changed: list[Report] = []  # rating, reopen count or after-photo
        moved: list[Report] = []  # and status
        status_events: list[tuple] = []
        for ticket in tickets:
            old = existing.get(ticket.ticket_id)
            if old is None:
                continue
            pk, status, rating, reopen_count, after_url = old
            new_after = ticket.after_photo_url or after_url
            if (
                status == ticket.status
                and rating == ticket.rating
                and reopen_count == ticket.reopen_count
                and after_url == new_after
            ):
                unchanged += 1
                continue
            updated += 1
            report = Report(
                pk=pk,
                status=ticket.status,
                rating=ticket.rating,
                reopen_count=ticket.reopen_count,
                external_after_photo_url=new_after,
                modified=self.now,
            )
            if status == ticket.status:
                changed.append(report)
                continue
            report.status_changed = ticket.last_activity or self.now
            moved.append(report)
            status_events.append(  # in the order of EVENT_FIELDS
                (
                    pk,
                    STATUS,
                    status,
                    ticket.status,
                    NOTE,
                    None,
                    self.adapt_datetime(report.status_changed),
                )
            )
        if changed:
            Report.objects.bulk_update(changed, UPDATED_FIELDS, batch_size=500)
        if moved:
            Report.objects.bulk_update(moved, MOVED_FIELDS, batch_size=500)
        if status_events:
            self.events_table.insert(status_events, self._refs())
            changes = len(status_events)
            events += changes
        return created, updated, unchanged, events, changes

    def _create(self, tickets: list[Ticket]) -> int:
        at = self.adapt_datetime
        now = at(self.now)
        codes = self._codes(len(tickets))
        pks = self._new_ids(tickets)
        plans = self._plans
        reports: list[tuple] = []
        chosen: list[tuple[int, ...]] = []
        events: list[tuple] = []  # without report_id, added once the reports have ids
        for ticket, code in zip(tickets, codes, strict=True):
            key = (ticket.labels, ticket.district)
            plan = plans.get(key)
            if plan is None:
                plan = plans[key] = self._plan(*key)
            area_id, responsible_id, department_id, deadline_days, category_ids = plan
            created = at(ticket.created)
            last_activity = ticket.last_activity
            reports.append(
                (  # in the order of REPORT_FIELDS
                    code,
                    ticket.description,
                    ticket.lat,
                    ticket.lon,
                    ticket.cell,
                    ticket.address,
                    ticket.district,
                    ticket.subdistrict,
                    area_id,
                    IMPORT,
                    responsible_id,
                    department_id,
                    at(ticket.created + deadline_days),
                    ticket.status,
                    at(last_activity) if last_activity else created,
                    ticket.rating,
                    ticket.reopen_count,
                    ticket.ticket_id,
                    ticket.photo_url,
                    ticket.after_photo_url,
                    created,
                    now,
                )
            )
            chosen.append(category_ids)
            # in the order of EVENT_FIELDS after report_id
            events.append((CREATED, "", ticket.status, NOTE, responsible_id, created))
        if pks is None:
            self.reports_table.insert(reports, self._refs())
            ids = self._ids([t.ticket_id for t in tickets])
            pks = [ids[t.ticket_id] for t in tickets]
        else:
            references = self._refs()
            self.reports_table.insert(
                [(pk, *row) for pk, row in zip(pks, reports, strict=True)], references
            )
            if references is not None:
                references.written(Report._meta.db_table, Report._meta.pk.column, pks)
        self.links_table.insert(
            [(pk, category) for pk, known in zip(pks, chosen, strict=True) for category in known],
            self._refs(),
        )
        self.events_table.insert(
            [(pk, *event) for pk, event in zip(pks, events, strict=True)], self._refs()
        )
        return len(reports)

    def _plan(self, labels: tuple[str, ...], district: str) -> tuple:
        """What every new report with these labels in this district gets: its area, routing
        and deadline (from the first known label), and its categories."""
        known = [self.categories[label] for label in labels if label in self.categories]
        primary = known[0] if known else None
        where = self._route(primary, district)
        return (
            primary.area_id if primary else None,
            where.responsible_id,
            where.department_id,
            dt.timedelta(days=where.deadline_days),
            tuple(c.pk for c in known),
        )

    def _ids(self, external_ids: list[str]) -> dict[str, int]:
        return dict(self._select("external_id", external_ids, ["external_id", "id"], True))


def _is_superuser() -> bool:
    """Only a superuser may turn triggers off for a session; others keep them, row by row."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        return cursor.fetchone()[0]


class References:
    """The rows one batch refers to, checked together before it commits.

    PostgreSQL's foreign-key triggers look up (and lock, FOR KEY SHARE) the referenced row of
    every new row, one at a time: half the database's work in an import. With the triggers off
    for the batch (superusers only, as ``pg_restore --disable-triggers``), this does the same
    for the few distinct rows a batch refers to (50 districts, a few hundred bodies, the
    reports its status events name): one query for them all, the same locks, and a missing row
    fails the batch as the trigger would have. The batch's own new reports are not asked for.
    """

    def __init__(self) -> None:
        self.wanted: dict[tuple[str, str], set] = {}
        self.own: dict[tuple[str, str], set] = {}

    def add(self, table: str, column: str, values: Iterable) -> None:
        wanted = self.wanted.setdefault((table, column), set())
        wanted.update(values)
        wanted.discard(None)

    def written(self, table: str, column: str, values: Iterable) -> None:
        """Rows this transaction wrote: they are there, and no one else sees them to delete."""
        self.own.setdefault((table, column), set()).update(values)

    def check(self) -> None:
        """One query: how many of the rows each table is asked for are there (locked)."""
        qn = connection.ops.quote_name
        asked = [
            (table, column, list(values))
            for (table, column), wanted in self.wanted.items()
            if (values := wanted - self.own.get((table, column), set()))
        ]
        if not asked:
            return
        counts = ", ".join(
            f"(SELECT count(*) FROM (SELECT 1 FROM {qn(table)} "  # noqa: S608
            f"WHERE {qn(column)} = ANY(%s) FOR KEY SHARE) t)"
            for table, column, _ in asked
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {counts}", [values for _, _, values in asked])
            found = cursor.fetchone()
        for (table, _, values), count in zip(asked, found, strict=True):
            if count != len(values):
                raise ImportFailed(f"A row refers to a {table} row that is not there.")


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
