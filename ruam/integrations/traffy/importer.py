"""Writing Traffy Fondue tickets as Ruam reports, in batches: fast, idempotent, restartable.

A ticket is a Report with ``channel="import"`` and ``external_id`` = its ticket_id (unique per
channel). Each batch of rows is one transaction: its new reports, their "created" events and
categories, and the changes to reports imported before (status, rating, reopen count,
after-photo) with a "status" event for each change of status. A run that is stopped loses at
most the batch in progress; running it again skips what is there and finishes the rest, so the
end is the same as one clean run.

Every row read ends in exactly one count: created, updated, unchanged or rejected (by reason).
``docs/IMPORT.md`` has the rules; ``ruam import-traffy`` is the command.
"""

from __future__ import annotations

import csv
import datetime as dt
import secrets
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from ruam.bodies.models import Body
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
from ruam.reports.models import CODE_ALPHABET, CODE_LENGTH, Channel, Report, ReportEvent
from ruam.reports.statuses import TRAFFY_STATES

NOTE = "นำเข้าจาก Traffy Fondue / imported from Traffy Fondue"
CREATED = ReportEvent.Kind.CREATED.value
STATUS = ReportEvent.Kind.STATUS.value
DEFAULT_BATCH_SIZE = 2000
DEFAULT_DEADLINE_DAYS = 15  # with no category, as for a native report (services._create)
REJECTS_HEADER = ["line", "ticket_id", "reason", "detail", "file"]
REPORT_FIELDS = [
    "code",
    "description",
    "lat",
    "lon",
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
UPDATED_FIELDS = [
    "status",
    "status_changed",
    "rating",
    "reopen_count",
    "external_after_photo_url",
    "modified",
]


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
            f"  rows read      {n(self.rows_read):>10}",
            f"  created        {n(self.created):>10}",
            f"  updated        {n(self.updated):>10}",
            f"  unchanged      {n(self.unchanged):>10}",
            f"  rejected       {n(self.rejected_total):>10}",
        ]
        for reason in REASONS:
            if self.rejected.get(reason):
                out.append(f"    {reason:<20} {n(self.rejected[reason]):>8}")
        check = "=" if self.accounted == self.rows_read else "≠"
        out.append(
            f"  created + updated + unchanged + rejected = {n(self.accounted)} {check} rows read"
        )
        out.append(
            f"  events added   {n(self.events_created):>10}"
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


def new_codes(n: int) -> list[str]:
    """n tracking codes from the Report alphabet, unbiased (bytes ≥ 240 are thrown away)."""
    size = len(CODE_ALPHABET)
    limit = 256 - 256 % size
    out: list[str] = []
    while len(out) < n:
        need = (n - len(out)) * CODE_LENGTH
        data = [b for b in secrets.token_bytes(need + need // 8 + 16) if b < limit]
        for i in range(0, len(data) - CODE_LENGTH + 1, CODE_LENGTH):
            out.append("".join(CODE_ALPHABET[b % size] for b in data[i : i + CODE_LENGTH]))
            if len(out) == n:
                break
    return out


@dataclass(frozen=True, slots=True)
class _Route:
    responsible_id: int | None
    department_id: int | None
    deadline_days: int


class TraffyImporter:
    """One run over one or more files. ``summary`` is kept up to date batch by batch, so a
    caller that catches an interruption can still report what was done.

    ``after_batch(number)`` is called after each batch is committed (tests use it to simulate
    a crash).
    """

    def __init__(
        self,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        rejects_path: Path | None = None,
        progress: bool = False,
        progress_stream: TextIO | None = None,
        progress_interval: float = 10.0,
        after_batch: Callable[[int], None] | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.batch_size = batch_size
        self.rejects_path = Path(rejects_path) if rejects_path else None
        self.progress = progress
        self.progress_stream = progress_stream
        self.progress_interval = progress_interval
        self.after_batch = after_batch
        self.summary = ImportSummary()
        self.batches = 0
        self._seen: dict[str, int] = {}  # ticket_id → line of its first occurrence in this run
        self._routes: dict[tuple[int | None, str], _Route] = {}
        self._file = ""

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
        self.reports_table = Inserter(Report, REPORT_FIELDS)
        self.events_table = Inserter(ReportEvent, EVENT_FIELDS)
        self.links_table = Inserter(Report.categories.through, ["report_id", "category_id"])
        # SQLite allows 999 variables in a statement; PostgreSQL has no such limit.
        self.lookup_chunk = min(connection.features.max_query_params or 10_000, 10_000) - 1

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
        """Responsible body, central department and deadline for a report, as
        ``services._create`` sets them: the routed division, else the district office."""
        key = (category.pk if category else None, district)
        found = self._routes.get(key)
        if found is None:
            office = self.offices.get(district)
            if category is None:
                found = _Route(office, None, DEFAULT_DEADLINE_DAYS)
            else:
                rules = self._rules.get(category.pk, {})
                rule = rules.get(district) or rules.get(None)
                if rule is None:
                    found = _Route(office, None, category.deadline_days)
                else:
                    division = self._divisions.get((district, rule.division_type_id))
                    found = _Route(
                        division or office, rule.department_id, rule.effective_deadline_days
                    )
            self._routes[key] = found
        return found

    # -- running --

    def run(self, paths: Iterable[Path | str]) -> ImportSummary:
        paths = [Path(p) for p in paths]
        for path in paths:
            if not path.is_file():
                raise ImportFailed(f"No such file: {path}")
        self.summary.files = [str(p) for p in paths]
        started = time.monotonic()
        self._load_lookups()
        total = sum(p.stat().st_size for p in paths)
        progress = (
            Progress(total, self.progress_stream, self.progress_interval) if self.progress else None
        )
        rejects_file = (
            open(self.rejects_path, "w", encoding="utf-8", newline="")  # noqa: SIM115
            if self.rejects_path
            else None
        )
        self._rejects_writer = csv.writer(rejects_file) if rejects_file else None
        if self._rejects_writer:
            self._rejects_writer.writerow(REJECTS_HEADER)
        done_before = 0
        try:
            for path in paths:
                self._file = str(path)
                try:
                    with DumpFile(path) as dump:
                        try:
                            parser = RowParser(dump.header, TRAFFY_STATES)
                        except DumpFormatError as exc:
                            raise ImportFailed(f"{path}: {exc}") from exc
                        batch: list[Ticket | Rejected] = []
                        for line, row in dump.rows():
                            batch.append(parser.parse(line, row))
                            if len(batch) >= self.batch_size:
                                self._batch(batch, rejects_file)
                                batch = []
                                if progress:
                                    progress.update(
                                        self.summary.rows_read, done_before + dump.position()
                                    )
                        if batch:
                            self._batch(batch, rejects_file)
                except DumpFormatError as exc:
                    raise ImportFailed(str(exc)) from exc
                done_before += dump.size
        except BaseException:
            self.summary.interrupted = True
            raise
        finally:
            self.summary.elapsed = time.monotonic() - started
            if progress:
                progress.finish(self.summary.rows_read, done_before)
            if rejects_file:
                rejects_file.close()
        return self.summary

    def _batch(self, items: list[Ticket | Rejected], rejects_file: TextIO | None) -> None:
        summary = self.summary
        rejects = [item for item in items if isinstance(item, Rejected)]
        tickets = [item for item in items if isinstance(item, Ticket)]
        if tickets:
            tickets = self._locate(tickets, rejects)
            tickets = self._first_occurrences(tickets, rejects)
        # Warnings of the new reports, counted once the batch is committed.
        self._pending: Counter[str] = Counter()
        self._pending_no_subdistrict = 0
        with transaction.atomic():
            if tickets and connection.vendor == "postgresql":
                # Don't wait for the WAL flush of each batch: a server crash could lose the last
                # batches committed (never half a batch), which running the import again restores.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            counts = self._write(tickets) if tickets else (0, 0, 0, 0, 0)
        summary.no_subdistrict += self._pending_no_subdistrict
        summary.unknown_labels.update(self._pending)
        # Only once the batch is committed does it count (and its rejects get written).
        created, updated, unchanged, events, changes = counts
        summary.rows_read += len(items)
        summary.created += created
        summary.updated += updated
        summary.unchanged += unchanged
        summary.events_created += events
        summary.status_changes += changes
        for item in rejects:
            summary.rejected[item.reason] += 1
        for ticket in tickets:
            summary.truncated_descriptions += ticket.truncated
            summary.dropped_photo_urls += ticket.dropped_urls
            summary.bad_last_activity += ticket.bad_last_activity
        if self._rejects_writer and rejects:
            rejects.sort(key=lambda r: r.line)
            self._rejects_writer.writerows(
                (r.line, r.ticket_id, r.reason, r.detail, self._file) for r in rejects
            )
            assert rejects_file is not None
            rejects_file.flush()
        self.batches += 1
        if self.after_batch:
            self.after_batch(self.batches)

    def _locate(self, tickets: list[Ticket], rejects: list[Rejected]) -> list[Ticket]:
        lat = np.fromiter((t.lat for t in tickets), dtype=float, count=len(tickets))
        lon = np.fromiter((t.lon for t in tickets), dtype=float, count=len(tickets))
        districts, subdistricts = self.locator.locate_many(lat, lon)
        kept = []
        for ticket, district, sub in zip(
            tickets, districts.tolist(), subdistricts.tolist(), strict=True
        ):
            if district and district in self.district_codes:
                ticket.district = district
                ticket.subdistrict = sub if sub in self.subdistrict_codes else None
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

    def _existing(self, ids: list[str]) -> dict[str, tuple]:
        found: dict[str, tuple] = {}
        for i in range(0, len(ids), self.lookup_chunk):
            rows = (
                Report.objects.filter(
                    channel=Channel.IMPORT, external_id__in=ids[i : i + self.lookup_chunk]
                )
                .order_by()
                .values_list(
                    "external_id",
                    "pk",
                    "status",
                    "status_changed",
                    "rating",
                    "reopen_count",
                    "external_after_photo_url",
                )
            )
            for row in rows:
                found[row[0]] = row[1:]
        return found

    def _unused_codes(self, n: int) -> list[str]:
        codes = list(dict.fromkeys(new_codes(n)))
        while True:
            taken: set[str] = set()
            for i in range(0, len(codes), self.lookup_chunk):
                taken.update(
                    Report.objects.filter(code__in=codes[i : i + self.lookup_chunk]).values_list(
                        "code", flat=True
                    )
                )
            codes = [c for c in codes if c not in taken]
            if len(codes) >= n:
                return codes[:n]
            codes = list(dict.fromkeys(codes + new_codes(n - len(codes))))

    def _write(self, tickets: list[Ticket]) -> tuple[int, int, int, int, int]:
        existing = self._existing([t.ticket_id for t in tickets])
        new = [t for t in tickets if t.ticket_id not in existing]
        created = self._create(new) if new else 0
        events = created
        updated = unchanged = changes = 0
        changed_reports: list[Report] = []
        status_events: list[tuple] = []
        for ticket in tickets:
            old = existing.get(ticket.ticket_id)
            if old is None:
                continue
            pk, status, status_changed, rating, reopen_count, after_url = old
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
            if status != ticket.status:
                status_changed = ticket.last_activity or self.now
                status_events.append(  # in the order of EVENT_FIELDS
                    (
                        pk,
                        STATUS,
                        status,
                        ticket.status,
                        NOTE,
                        None,
                        self.adapt_datetime(status_changed),
                    )
                )
            changed_reports.append(
                Report(
                    pk=pk,
                    status=ticket.status,
                    status_changed=status_changed,
                    rating=ticket.rating,
                    reopen_count=ticket.reopen_count,
                    external_after_photo_url=new_after,
                    modified=self.now,
                )
            )
        if changed_reports:
            Report.objects.bulk_update(changed_reports, UPDATED_FIELDS, batch_size=500)
        if status_events:
            self.events_table.insert(status_events)
            changes = len(status_events)
            events += changes
        return created, updated, unchanged, events, changes

    def _create(self, tickets: list[Ticket]) -> int:
        pending = self._pending
        categories = self.categories
        at = self.adapt_datetime
        now = at(self.now)
        codes = self._unused_codes(len(tickets))
        reports: list[tuple] = []
        chosen: list[list[int]] = []
        events: list[tuple] = []  # without report_id, added once the reports have ids
        for ticket, code in zip(tickets, codes, strict=True):
            known: list[Category] = []
            for label in ticket.labels:
                category = categories.get(label)
                if category is None:
                    pending[label] += 1
                else:
                    known.append(category)
            primary = known[0] if known else None
            where = self._route(primary, ticket.district)
            if ticket.subdistrict is None:
                self._pending_no_subdistrict += 1
            created = at(ticket.created)
            reports.append(
                (  # in the order of REPORT_FIELDS
                    code,
                    ticket.description,
                    ticket.lat,
                    ticket.lon,
                    ticket.address,
                    ticket.district,
                    ticket.subdistrict,
                    primary.area_id if primary else None,
                    Channel.IMPORT.value,
                    where.responsible_id,
                    where.department_id,
                    at(ticket.created + dt.timedelta(days=where.deadline_days)),
                    ticket.status,
                    at(ticket.last_activity) if ticket.last_activity else created,
                    ticket.rating,
                    ticket.reopen_count,
                    ticket.ticket_id,
                    ticket.photo_url,
                    ticket.after_photo_url,
                    created,
                    now,
                )
            )
            chosen.append([c.pk for c in known])
            # in the order of EVENT_FIELDS after report_id
            events.append((CREATED, "", ticket.status, NOTE, where.responsible_id, created))
        self.reports_table.insert(reports)
        ids = self._ids([t.ticket_id for t in tickets])
        pks = [ids[t.ticket_id] for t in tickets]
        self.links_table.insert(
            [(pk, category) for pk, known in zip(pks, chosen, strict=True) for category in known]
        )
        self.events_table.insert([(pk, *event) for pk, event in zip(pks, events, strict=True)])
        return len(reports)

    def _ids(self, external_ids: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for i in range(0, len(external_ids), self.lookup_chunk):
            found.update(
                Report.objects.filter(
                    channel=Channel.IMPORT, external_id__in=external_ids[i : i + self.lookup_chunk]
                )
                .order_by()
                .values_list("external_id", "pk")
            )
        return found


class Inserter:
    """Many rows into one table, fast: PostgreSQL's COPY, else one executemany INSERT.

    Rows give the values of ``fields`` (attnames, ready for the database: datetimes through
    ``connection.ops.adapt_datetimefield_value``); every other column gets its field's default,
    prepared once. ``bulk_create`` builds and compiles every value of every row through the
    ORM, which made it ~6× slower here. Like ``bulk_create``, no ``save()`` or signals run.
    """

    def __init__(self, model, fields: list[str]) -> None:
        concrete = [
            f for f in model._meta.concrete_fields if not (f.primary_key and f.db_returning)
        ]
        by_name = {f.attname: f for f in concrete}
        unknown = [name for name in fields if name not in by_name]
        if unknown:
            raise ValueError(f"{model.__name__} has no field(s) {unknown}")
        rest = [f for f in concrete if f.attname not in fields]
        for f in rest:
            if (
                (f.has_default() and callable(f.default))
                or getattr(f, "auto_now", False)
                or getattr(f, "auto_now_add", False)
            ):
                raise ValueError(f"{model.__name__}.{f.attname} needs a value in each row")
        self.constants = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        qn = connection.ops.quote_name
        self.table = qn(model._meta.db_table)
        self.columns = ", ".join(qn(by_name[name].column) for name in fields) + "".join(
            f", {qn(f.column)}" for f in rest
        )
        self.width = len(fields) + len(rest)

    def insert(self, rows: list[tuple]) -> None:
        if not rows:
            return
        constants = self.constants
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + constants)
            else:
                marks = ", ".join(["%s"] * self.width)
                cursor.executemany(
                    f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks})",  # noqa: S608
                    [row + constants for row in rows],
                )


def import_files(
    paths: list[Path],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    rejects_path: Path | None = None,
    progress: bool = False,
) -> ImportSummary:
    """Import Traffy Fondue dump files (.csv or .csv.gz); see the module docstring."""
    return TraffyImporter(batch_size=batch_size, rejects_path=rejects_path, progress=progress).run(
        paths
    )
